// Where the dashboard is, in the URL fragment so reloads and links keep it: a view, and for the
// log optionally one conversation ("#log?conversation=s%3A…").
export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'charts', label: 'Charts' },
  { id: 'rules', label: 'Rules' },
  { id: 'log', label: 'Log' },
  { id: 'settings', label: 'Settings' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export interface Route {
  view: ViewId;
  /** The conversation whose turns the log shows; null: every request. */
  conversation: string | null;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?', 2);
  const view = VIEWS.find((v) => v.id === path)?.id ?? 'overview';
  const conversation = view === 'log' ? new URLSearchParams(query).get('conversation') || null : null;
  return { view, conversation };
}

export function routeHash(route: Route): string {
  return route.conversation === null ? route.view : `${route.view}?${new URLSearchParams({ conversation: route.conversation })}`;
}

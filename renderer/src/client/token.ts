// The admin token (required when the proxy listens beyond loopback) arrives in the URL
// fragment, which never reaches a server, or is typed into the dashboard's token form; it is
// kept for the tab's session only (sessionStorage) and removed from the address bar so it does
// not end up in screenshots or bookmarks.
const KEY = 'cascadeflow.adminToken';

export function keepAdminToken(storage: Storage, token: string): void {
  storage.setItem(KEY, token);
}

export function takeAdminToken(location: Location, storage: Storage, history: History): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = params.get('token');
  if (fromUrl) {
    keepAdminToken(storage, fromUrl);
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromUrl;
  }
  return storage.getItem(KEY);
}

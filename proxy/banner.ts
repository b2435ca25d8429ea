// What `npm run serve` prints once it listens (the demo prints the same): the version, where
// it listens, the upstream it forwards to, the data folder (settings, rules, totals and the
// decision log), the dashboard, and the line that points Claude Code at it. Listening beyond
// loopback, every address shown is one other machines can use (the machine's own addresses
// for 0.0.0.0), and the admin token is printed here and nowhere else: in the dashboard link's
// fragment and on the last line. Pure: lines out.

export interface BannerInfo {
  /** Default "CascadeFlow proxy". */
  title?: string;
  version: string;
  /** The proxy's base URL on this machine. */
  url: string;
  /** Listening beyond loopback: the URLs other machines use (proxy/ops/addresses.ts). */
  networkUrls?: string[];
  upstream: string;
  dataDir: string;
  /** Set beyond loopback (or by CASCADEFLOW_ADMIN_TOKEN): the dashboard URL carries it. */
  adminToken: string | null;
}

export function bannerLines(info: BannerInfo): string[] {
  const [primary = info.url, ...others] = info.networkUrls ?? [];
  // The dashboard reads the token from the URL fragment, which browsers never send to the server.
  const dashboard = `${primary}/dashboard${info.adminToken ? `#token=${info.adminToken}` : ''}`;
  const lines = [`${info.title ?? 'CascadeFlow proxy'} ${info.version} listening on ${primary}`];
  if (others.length > 0) lines.push(`Also at:   ${others.join(', ')}`);
  lines.push(
    `Upstream:  ${info.upstream}`,
    `Data:      ${info.dataDir}   (settings, rules, totals, decision log)`,
    `Dashboard: ${dashboard}   Stats: ${primary}/stats${info.adminToken ? ' (with the token)' : ''}`,
    'For Claude Code, paste this in the shell that runs `claude`:',
    `  export ANTHROPIC_BASE_URL=${primary}`,
  );
  if (info.adminToken) {
    lines.push(
      `Admin token (Authorization: Bearer <token> on /api, /stats and /metrics, or x-cascadeflow-admin-token to use the fallback API key): ${info.adminToken}`,
    );
  }
  return lines;
}

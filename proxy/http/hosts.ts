// Host names and addresses: what counts as this machine, and the proxy's own base URL.
import net from 'node:net';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

function bare(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host.trim());
}

export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** e.g. http://127.0.0.1:8000, http://[::1]:8000. */
export function baseUrlFor(host: string, port: number): string {
  const h = bare(host);
  return `http://${net.isIPv6(h) ? `[${h}]` : h}:${port}`;
}

/** The hostname part of a Host header ("[::1]:8000" → "::1", "localhost:8000" → "localhost"). */
export function hostnameOfHeader(hostHeader: string): string {
  const v = hostHeader.trim();
  if (v.startsWith('[')) return bare(v.slice(0, v.indexOf(']') + 1));
  return bare(v.replace(/:\d*$/, ''));
}

/** Does `url` lead back to a proxy listening on host:port? (Forwarding there would loop forever.) */
export function pointsAt(url: string, host: string, port: number): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const urlPort = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  if (port === 0 || urlPort !== port) return false;
  const target = bare(parsed.hostname);
  if (target === bare(host)) return true;
  return isLoopbackHost(target) && (isLoopbackHost(host) || isWildcardHost(host));
}

// What the window may open: nothing navigates away from the bundle, new windows are
// never created, and only a short list of https documentation sites opens in the
// user's browser.
export const EXTERNAL_ALLOW_LIST = [
  'docs.anthropic.com',
  'docs.claude.com',
  'console.anthropic.com',
  'www.anthropic.com',
  'github.com',
] as const;

export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.port === '' &&
      (EXTERNAL_ALLOW_LIST as readonly string[]).includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}

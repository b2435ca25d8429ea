import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './navigation';

describe('external links', () => {
  it('opens allow-listed https documentation only', () => {
    expect(isAllowedExternalUrl('https://docs.anthropic.com/en/docs/claude-code/settings')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/anthropics/claude-code')).toBe(true);
  });

  it('refuses other schemes, hosts, look-alikes, credentials and ports', () => {
    for (const url of [
      'http://docs.anthropic.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://docs.anthropic.com.evil.example/',
      'https://evil.example/?https://github.com',
      'https://user:pw@github.com/',
      'https://github.com:8443/',
      'smb://github.com/share',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});

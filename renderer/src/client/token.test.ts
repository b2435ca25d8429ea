import { afterEach, describe, expect, it } from 'vitest';
import { takeAdminToken } from './token';

afterEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

describe('admin token from the URL fragment', () => {
  it('keeps it for the session and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/dashboard/?x=1#token=s3cr%2Bt');
    expect(takeAdminToken(window.location, sessionStorage, window.history)).toBe('s3cr+t');
    expect(window.location.href).toBe('http://localhost:3000/dashboard/?x=1');
    // A reload (no fragment any more) still finds it.
    expect(takeAdminToken(window.location, sessionStorage, window.history)).toBe('s3cr+t');
  });

  it('is null on loopback, where none is needed', () => {
    window.history.replaceState(null, '', '/dashboard/#rules');
    expect(takeAdminToken(window.location, sessionStorage, window.history)).toBeNull();
    expect(window.location.hash).toBe('#rules');
  });
});

import { describe, expect, it } from 'vitest';
import { baseUrlFor, hostnameOfHeader, isLoopbackHost, pointsAt } from './hosts';

describe('hosts', () => {
  it('recognises loopback names and addresses', () => {
    for (const host of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '192.168.1.2', 'localhost.evil.com', '128.0.0.1', 'example.com', '::']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('takes the hostname out of a Host header', () => {
    expect(hostnameOfHeader('localhost:8000')).toBe('localhost');
    expect(hostnameOfHeader('[::1]:8000')).toBe('::1');
    expect(hostnameOfHeader('Example.COM')).toBe('example.com');
  });

  it('builds base URLs, bracketing IPv6', () => {
    expect(baseUrlFor('127.0.0.1', 8000)).toBe('http://127.0.0.1:8000');
    expect(baseUrlFor('::1', 8000)).toBe('http://[::1]:8000');
  });

  it('detects an upstream that leads back to the proxy', () => {
    expect(pointsAt('http://127.0.0.1:8000', '127.0.0.1', 8000)).toBe(true);
    expect(pointsAt('http://localhost:8000/', '127.0.0.1', 8000)).toBe(true);
    expect(pointsAt('http://localhost:8000', '0.0.0.0', 8000)).toBe(true);
    expect(pointsAt('http://proxy.lan:8000', 'proxy.lan', 8000)).toBe(true);
    expect(pointsAt('http://127.0.0.1:8001', '127.0.0.1', 8000)).toBe(false);
    expect(pointsAt('https://api.anthropic.com', '127.0.0.1', 443)).toBe(false);
    expect(pointsAt('http://127.0.0.1:8000', '127.0.0.1', 0)).toBe(false);
  });
});

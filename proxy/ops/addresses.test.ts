// The addresses shown beyond loopback, from a machine's interfaces (given, so the test does not
// depend on this machine's), and the banner that shows them.
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bannerLines } from '../banner';
import { networkUrls } from './addresses';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null });
const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal, cidr: null, scopeid: 0 });

const machine = {
  lo: [v4('127.0.0.1', true), v6('::1', true)],
  eth0: [v6('fe80::1'), v4('192.168.1.20'), v6('2001:db8::20')],
  wlan0: [v4('10.0.0.7'), v4('169.254.3.4')],
  docker0: [v4('192.168.1.20')],
};

describe('networkUrls', () => {
  it('lists the IPv4 addresses others can reach for 0.0.0.0, each once, without loopback or link-local', () => {
    expect(networkUrls('0.0.0.0', 8000, machine)).toEqual(['http://192.168.1.20:8000', 'http://10.0.0.7:8000']);
  });

  it('adds the global IPv6 addresses, bracketed, after the IPv4 ones for ::', () => {
    expect(networkUrls('::', 8000, machine)).toEqual(['http://192.168.1.20:8000', 'http://10.0.0.7:8000', 'http://[2001:db8::20]:8000']);
  });

  it('is the address itself for one address, and nothing on loopback', () => {
    expect(networkUrls('192.168.1.20', 8001, machine)).toEqual(['http://192.168.1.20:8001']);
    expect(networkUrls('127.0.0.1', 8000, machine)).toEqual([]);
    expect(networkUrls('localhost', 8000, machine)).toEqual([]);
  });
});

describe('the banner beyond loopback', () => {
  it('shows the machine address in the listening line, the dashboard link and the export line, never 0.0.0.0', () => {
    const lines = bannerLines({
      version: '1.2.3',
      url: 'http://127.0.0.1:8000',
      networkUrls: networkUrls('0.0.0.0', 8000, machine),
      upstream: 'https://api.anthropic.com',
      dataDir: '/data',
      adminToken: 'Tk-0123',
    });
    expect(lines.slice(0, 2)).toEqual(['CascadeFlow proxy 1.2.3 listening on http://192.168.1.20:8000', 'Also at:   http://10.0.0.7:8000']);
    expect(lines).toContain('Dashboard: http://192.168.1.20:8000/dashboard#token=Tk-0123   Stats: http://192.168.1.20:8000/stats (with the token)');
    expect(lines).toContain('  export ANTHROPIC_BASE_URL=http://192.168.1.20:8000');
    const text = lines.join('\n');
    expect(text).not.toMatch(/127\.0\.0\.1|0\.0\.0\.0/);
    // The token is in the one link and on the line that names it, nowhere else.
    expect(lines.filter((line) => line.includes('Tk-0123')).map((line) => line.split(' ')[0])).toEqual(['Dashboard:', 'Admin']);
  });
});

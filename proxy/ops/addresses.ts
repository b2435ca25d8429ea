// The URLs other machines reach the proxy at when it listens beyond loopback: for 0.0.0.0 every
// IPv4 address of the machine's interfaces (for :: the IPv6 ones too), for one address that
// address. Loopback and link-local addresses are left out: nobody else can use them (a
// link-local IPv6 address needs a zone id no URL carries).
import os, { type NetworkInterfaceInfo } from 'node:os';
import { baseUrlFor, isLoopbackHost, isWildcardHost } from '../http/hosts';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

function reachableFromOthers(info: NetworkInterfaceInfo, ipv6: boolean): boolean {
  if (info.internal) return false;
  if (info.family === 'IPv4') return !info.address.startsWith('169.254.');
  return ipv6 && !/^fe[89ab]/i.test(info.address);
}

/** Empty on loopback. IPv4 first, each address once. */
export function networkUrls(host: string, port: number, interfaces: Interfaces = os.networkInterfaces()): string[] {
  if (isLoopbackHost(host)) return [];
  if (!isWildcardHost(host)) return [baseUrlFor(host, port)];
  const ipv6 = host.includes(':');
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((info) => reachableFromOthers(info, ipv6))
    .sort((a, b) => Number(a.family === 'IPv6') - Number(b.family === 'IPv6'))
    .map((info) => info.address);
  return [...new Set(addresses)].map((address) => baseUrlFor(address, port));
}

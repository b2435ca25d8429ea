// The team deployment files agree with each other and with the proxy: every replica has its own
// id and data volume and shares the one database and Redis, the balancer sends to exactly those
// replicas without buffering streams, and a stop waits longer than the image's drain. No Docker
// engine runs on the development machines, so this is what can be checked here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = path.resolve(__dirname, '../../deploy/team');
// Compose resolves YAML merge keys (`<<: *proxy`), as this parse does.
const compose = parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; volumes?: string[]; stop_grace_period?: string; build?: string }>;
  volumes: Record<string, unknown>;
};
const nginx = readFileSync(path.join(dir, 'nginx.conf'), 'utf8');
const dockerfile = readFileSync(path.resolve(__dirname, '../../Dockerfile'), 'utf8');

const replicas = Object.entries(compose.services).filter(([, service]) => service.environment?.CASCADEFLOW_REPLICA_ID);

describe('deploy/team', () => {
  it('runs three replicas, each with its own id and journal volume, sharing one database and Redis', () => {
    expect(replicas.map(([name]) => name)).toEqual(['proxy-1', 'proxy-2', 'proxy-3']);
    const ids = replicas.map(([, s]) => s.environment!.CASCADEFLOW_REPLICA_ID);
    expect(new Set(ids).size).toBe(3);
    const volumes = replicas.map(([, s]) => s.volumes![0].split(':'));
    expect(new Set(volumes.map(([name]) => name)).size).toBe(3);
    for (const [name, mount] of volumes) {
      expect(compose.volumes).toHaveProperty(name);
      expect(mount).toBe('/data');
    }
    for (const key of ['CASCADEFLOW_DATABASE_URL', 'CASCADEFLOW_REDIS_URL', 'CASCADEFLOW_ADMIN_TOKEN']) {
      expect(new Set(replicas.map(([, s]) => s.environment![key])).size).toBe(1);
    }
    expect(replicas[0][1].environment!.CASCADEFLOW_DATABASE_URL).toMatch(/^postgres:\/\/cascadeflow:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/cascadeflow$/);
    expect(replicas[0][1].environment!.CASCADEFLOW_REDIS_URL).toBe('redis://redis:6379');
    expect(compose.services).toHaveProperty('postgres');
    expect(compose.services).toHaveProperty('redis');
  });

  it('balances over exactly those replicas, streams unbuffered, never retrying a started answer', () => {
    const servers = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => [m[1], Number(m[2])]);
    expect(servers).toEqual(replicas.map(([name]) => [name, 8000]));
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(nginx).toMatch(/proxy_next_upstream error timeout;/);
    expect(nginx).toMatch(/proxy_set_header Host \$host;/);
  });

  it('gives a stopping replica longer than its drain', () => {
    const drainMs = Number(/CASCADEFLOW_DRAIN_TIMEOUT_MS=(\d+)/.exec(dockerfile)?.[1]);
    expect(drainMs).toBeGreaterThan(0);
    for (const [, service] of replicas) {
      expect(Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]) * 1000).toBeGreaterThan(drainMs);
      expect(service.build).toBe('../..');
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../contracts/decision';
import { createMemoryStore } from '../state/stores';
import { jsonFileStore } from './cli';
import { RateLimiter, secondsToUtcMidnight } from './limiter';
import { readTokens, TOKENS_STORE_KEY } from './registry';
import { hashesMatch, hashSecret, newSecret } from './secret';
import { ClientTokensState } from './state';

const T0 = Date.parse('2026-11-30T10:00:00Z');

describe('secrets', () => {
  it('are cft_ + 43 base64url characters (32 random bytes), different every time', () => {
    const a = newSecret();
    expect(a).toMatch(/^cft_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });

  it('are kept as their SHA-256, which matches only the same secret', () => {
    const secret = newSecret();
    // sha256("abc"), the standard test vector.
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashSecret(secret)).not.toContain(secret.slice(4));
    expect(hashesMatch(hashSecret(secret), hashSecret(secret))).toBe(true);
    expect(hashesMatch(hashSecret(`${secret}x`), hashSecret(secret))).toBe(false);
    expect(hashesMatch(hashSecret(secret), 'abcd')).toBe(false);
    expect(hashesMatch('', '')).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('requests per minute: a sliding window, retry-after until the oldest admission leaves it', () => {
    const limiter = new RateLimiter();
    const limits = { requestsPerMinute: 2 };
    const at = (ms: number, stream = false) => limiter.admit('k', { limits, stream, spentToday: 0, now: T0 + ms });
    expect(at(0).ok).toBe(true);
    expect(at(10_000).ok).toBe(true);
    // Third at 15 s: the first (at 0 s) leaves the window at 60 s → 45 s.
    expect(at(15_000)).toMatchObject({ ok: false, limit: 'requestsPerMinute', retryAfterSeconds: 45 });
    // At 59.5 s: 0.5 s left, rounded up to 1.
    expect(at(59_500)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    // At 60 s the first has left: one more fits, then the window is full until 70 s.
    expect(at(60_000).ok).toBe(true);
    expect(at(61_000)).toMatchObject({ ok: false, retryAfterSeconds: 9 });
    // Other keys have windows of their own.
    expect(limiter.admit('other', { limits, stream: false, spentToday: 0, now: T0 + 61_000 }).ok).toBe(true);
  });

  it('refused requests do not count against the window', () => {
    const limiter = new RateLimiter();
    const limits = { requestsPerMinute: 1 };
    expect(limiter.admit('k', { limits, stream: false, spentToday: 0, now: T0 }).ok).toBe(true);
    for (let s = 1; s < 60; s += 1) expect(limiter.admit('k', { limits, stream: false, spentToday: 0, now: T0 + s * 1000 }).ok).toBe(false);
    expect(limiter.admit('k', { limits, stream: false, spentToday: 0, now: T0 + 60_000 }).ok).toBe(true);
  });

  it('concurrent streams: counted until released (once), non-streaming requests never', () => {
    const limiter = new RateLimiter();
    const limits = { concurrentStreams: 1 };
    const admit = (stream: boolean) => limiter.admit('k', { limits, stream, spentToday: 0, now: T0 });
    const first = admit(true);
    if (!first.ok) throw new Error('first stream refused');
    expect(admit(true)).toMatchObject({ ok: false, limit: 'concurrentStreams', retryAfterSeconds: 1 });
    expect(admit(false).ok).toBe(true);
    expect(limiter.openStreams('k')).toBe(1);
    first.release();
    first.release();
    expect(limiter.openStreams('k')).toBe(0);
    expect(admit(true).ok).toBe(true);
  });

  it('daily spend: refused once today’s spend reaches the cap, until UTC midnight', () => {
    const limiter = new RateLimiter();
    const limits = { dailySpendUsd: 0.5 };
    expect(limiter.admit('k', { limits, stream: false, spentToday: 0.4999, now: T0 }).ok).toBe(true);
    // 10:00 UTC → 14 h to midnight.
    expect(limiter.admit('k', { limits, stream: false, spentToday: 0.5, now: T0 })).toMatchObject({
      ok: false,
      limit: 'dailySpendUsd',
      retryAfterSeconds: 14 * 3600,
    });
    expect(secondsToUtcMidnight(Date.parse('2026-11-30T23:59:59.500Z'))).toBe(1);
  });

  it('no limits: everything passes', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 1000; i += 1) expect(limiter.admit('k', { limits: {}, stream: true, spentToday: 1e9, now: T0 }).ok).toBe(true);
    expect(limiter.openStreams('k')).toBe(0);
  });
});

function record(tokenName: string | undefined, cost: number, time = T0): DecisionRecord {
  return { id: '0123456789abcdef', time, tokenName, cost, savings: 0.25, decision: 'accepted' } as DecisionRecord;
}

describe('ClientTokensState', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates, identifies and revokes; keeps only the hash', async () => {
    const store = createMemoryStore();
    const tokens = new ClientTokensState({ store, now: () => T0 });
    const { token: secret, info } = await tokens.create({ name: 'ci', limits: { requestsPerMinute: 5 } });
    expect(info).toEqual({ name: 'ci', createdAt: T0, limits: { requestsPerMinute: 5 }, allowFallbackKey: false, today: { queries: 0, cost: 0, savings: 0, limited: 0 } });
    expect(JSON.stringify(store.get(TOKENS_STORE_KEY))).not.toContain(secret);
    expect(readTokens(store).tokens[0].hash).toBe(hashSecret(secret));
    expect(tokens.identify(secret)?.name).toBe('ci');
    expect(tokens.identify(`${secret}A`)).toBeNull();
    await expect(tokens.create({ name: 'ci' })).rejects.toThrow(/already exists/);
    expect(await tokens.revoke('ci')).toEqual([]);
    expect(tokens.identify(secret)).toBeNull();
    await expect(tokens.revoke('ci')).rejects.toThrow(/No token named/);
  });

  it("counts today's use from records, rolls over at UTC midnight, and caps spend with it", async () => {
    let now = T0;
    const store = createMemoryStore();
    const tokens = new ClientTokensState({ store, now: () => now });
    const { token: secret } = await tokens.create({ name: 'ci', limits: { dailySpendUsd: 0.01 } });
    const ci = tokens.identify(secret)!;
    tokens.note(record('ci', 0.004));
    tokens.note(record(undefined, 1));
    tokens.note(record('ci', 0.005));
    expect((await tokens.admit(ci, false)).ok).toBe(true);
    tokens.note(record('ci', 0.002));
    expect(await tokens.admit(ci, false)).toMatchObject({ ok: false, limit: 'dailySpendUsd' });
    expect(tokens.list()[0]).toMatchObject({ lastUsedAt: T0, today: { queries: 3, limited: 1, savings: 0.75 } });
    expect(tokens.list()[0].today!.cost).toBeCloseTo(0.011, 9);
    now = Date.parse('2026-12-01T00:00:01Z');
    expect((await tokens.admit(ci, false)).ok).toBe(true);
    expect(tokens.list()[0].today).toEqual({ queries: 0, cost: 0, savings: 0, limited: 0 });
    // A late record of yesterday is not today's.
    tokens.note(record('ci', 5, T0));
    expect((await tokens.admit(ci, false)).ok).toBe(true);
  });

  it('rebuilds today from the stored records at startup', async () => {
    const store = createMemoryStore();
    const first = new ClientTokensState({ store, now: () => T0 });
    await first.create({ name: 'ci' });
    const again = new ClientTokensState({ store, now: () => T0 });
    const queried: unknown[] = [];
    await again.load({
      query: async (filter) => {
        queried.push(filter);
        return [record('ci', 0.5, T0 + 2), record('ci', 0.25, T0 + 1)];
      },
    });
    expect(queried).toEqual([{ since: Date.parse('2026-11-30T00:00:00Z') }]);
    expect(again.list()[0]).toMatchObject({ lastUsedAt: T0 + 2, today: { queries: 2, cost: 0.75 } });
  });

  it('sees what another process wrote to the file (the CLI), and skips damaged entries with one warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-tokens-'));
    dirs.push(dir);
    const file = path.join(dir, 'config.json');
    const warnings: string[] = [];
    const tokens = new ClientTokensState({ store: jsonFileStore(file), warn: (m) => warnings.push(m) });
    // The CLI's own store instance, as a second process has.
    const cli = new ClientTokensState({ store: jsonFileStore(file) });
    const { token: secret } = await cli.create({ name: 'laptop' });
    expect(tokens.identify(secret)?.name).toBe('laptop');
    await cli.revoke('laptop');
    expect(tokens.identify(secret)).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ [TOKENS_STORE_KEY]: [{ name: 'x', hash: 'nope' }] }));
    expect(tokens.list()).toEqual([]);
    expect(tokens.list()).toEqual([]);
    expect(warnings).toEqual(['1 stored client token is damaged and ignored']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

// The model catalog against the real simulator's GET /v1/models (paged as the API pages it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type RecordedRequest, type Simulator } from '../../simulator/server';
import { ModelCatalog, MODEL_LIST_MAX_AGE_MS, MODEL_LIST_RETRY_MS, NO_MODEL_LIST_KEY, type ModelCatalogOptions } from '../../proxy/models/catalog';

let sim: Simulator;
let now: number;
let changes: number;
let wake: (() => void) | null;
let warnings: string[];

beforeEach(async () => {
  sim = await createSimulator();
  now = 1_800_000_000_000;
  changes = 0;
  wake = null;
  warnings = [];
});
afterEach(() => sim.close());

function catalog(over: Partial<ModelCatalogOptions> = {}): ModelCatalog {
  return new ModelCatalog({
    upstreamUrl: () => sim.url,
    fallbackApiKey: () => null,
    priceOverrides: () => ({}),
    onChange: () => {
      changes++;
      wake?.();
    },
    warn: (message) => warnings.push(message),
    now: () => now,
    // 16 simulated models: pages of 5, 5, 5 and 1.
    pageSize: 5,
    ...over,
  });
}

/** Resolves at the catalog's next change (a fetch that ended), not after a set time. */
const nextChange = () => new Promise<void>((resolve) => (wake = resolve));
const modelRequests = (): RecordedRequest[] => sim.requests.filter((r) => r.path === '/v1/models');

describe('model catalog', () => {
  it('follows every page of the upstream’s list with the proxy’s key, and adds aliases and the price table’s exact ids', async () => {
    const models = catalog({ fallbackApiKey: () => 'sk-ant-proxy' });
    expect(models.listError()).toBe(NO_MODEL_LIST_KEY);
    await models.wanted();

    expect(modelRequests().map((r) => r.query)).toEqual([
      'limit=5',
      'limit=5&after_id=claude-opus-5',
      'limit=5&after_id=claude-sonnet-4-6',
      'limit=5&after_id=claude-3-5-sonnet-20241022',
    ]);
    expect(modelRequests()[0].headers).toMatchObject({ 'x-api-key': 'sk-ant-proxy', 'anthropic-version': '2023-06-01' });
    expect(models.listError()).toBeNull();
    expect(changes).toBe(1);
    // Listed, and the alias of a listed dated id; a dotted version is neither listed nor priced.
    expect(models.lookup('claude-3-opus-20240229')).toEqual({ listed: true, priced: true });
    expect(models.lookup('claude-haiku-4-5')).toEqual({ listed: true, priced: true });
    expect(models.lookup('claude-haiku-4.5')).toEqual({ listed: false, priced: false });
    // No alias is made up for ids before Opus 4.1's naming.
    expect(models.lookup('claude-3-5-haiku')).toEqual({ listed: false, priced: true });

    const known = models.known();
    expect(known.map((m) => m.id)).toEqual([...known.map((m) => m.id)].sort());
    expect(known).toContainEqual({ id: 'claude-mythos-5', listed: false, priced: true });
    expect(known).toContainEqual({ id: 'claude-sonnet-4-5', listed: true, priced: true });
    expect(known.some((m) => m.id.includes('*'))).toBe(false);
    expect(known.filter((m) => m.listed)).toHaveLength(16 + 3);
  });

  it('without a key of its own, asks once with a client request’s credentials once needed, and again only after an hour', async () => {
    const models = catalog();
    const client = { 'x-api-key': 'sk-ant-client', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024-04-04', 'user-agent': 'sdk/1', 'content-type': 'application/json' };
    // Nothing needs the list yet: requests pass without a call for it.
    models.offer(client);
    await models.wanted();
    expect(modelRequests()).toEqual([]);

    let changed = nextChange();
    models.offer(client);
    models.offer(client);
    await changed;
    expect(models.listError()).toBeNull();
    const [first] = modelRequests();
    expect(first.headers).toMatchObject({ 'x-api-key': 'sk-ant-client', 'anthropic-beta': 'tools-2024-04-04' });
    expect(first.headers['user-agent']).not.toBe('sdk/1');
    expect(first.headers['content-type']).toBeUndefined();
    expect(modelRequests()).toHaveLength(4);

    now += MODEL_LIST_MAX_AGE_MS - 1;
    models.offer(client);
    expect(modelRequests()).toHaveLength(4);
    now += 1;
    changed = nextChange();
    models.offer(client);
    await changed;
    expect(modelRequests()).toHaveLength(8);
  });

  it('asks again when rules are saved, however recent the list', async () => {
    const models = catalog({ fallbackApiKey: () => 'sk-ant-proxy' });
    await models.wanted();
    await models.wanted();
    expect(modelRequests()).toHaveLength(4);
    models.markStale();
    await models.wanted();
    expect(modelRequests()).toHaveLength(8);
  });

  it('records a failure in words, keeps an older list, and tries again only after a while', async () => {
    let upstream = `${sim.url}/nope`;
    const models = catalog({ upstreamUrl: () => upstream, fallbackApiKey: () => 'sk-ant-proxy' });
    await models.wanted();
    expect(models.listError()).toBe("the upstream's model list could not be fetched: 404 not_found_error: Not found: GET /nope/v1/models");
    expect(models.lookup('claude-opus-4-8')).toEqual({ listed: false, priced: true });

    // A client request right after the failure does not ask again.
    models.offer({ 'x-api-key': 'sk-ant-client' });
    expect(sim.requests).toHaveLength(1);
    upstream = sim.url;
    now += MODEL_LIST_RETRY_MS;
    const changed = nextChange();
    models.offer({ 'x-api-key': 'sk-ant-client' });
    await changed;
    expect(models.listError()).toBeNull();

    // A later failure keeps the list it has, and says so in the log.
    upstream = 'http://127.0.0.1:9';
    models.markStale();
    await models.wanted();
    expect(models.listError()).toBeNull();
    expect(models.lookup('claude-opus-4-8').listed).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/^the upstream's model list could not be fetched: .*ECONNREFUSED.*; the list from .* stays in use\.$/)]);
  });

  it('fetches nothing once closed', async () => {
    const models = catalog({ fallbackApiKey: () => 'sk-ant-proxy' });
    models.close();
    await models.wanted();
    models.offer({ 'x-api-key': 'sk-ant-client' });
    expect(sim.requests).toEqual([]);
  });
});

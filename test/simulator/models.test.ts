// GET /v1/models and /v1/models/{id} through the official SDK: the API's list shape, newest
// first, paged by limit / after_id (the SDK's auto-pagination) and before_id; an alias retrieves
// its dated model; an unknown id is a 404.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATED_MODELS } from '../../simulator/models';
import { createSimulator, type Simulator } from '../../simulator/server';

let sim: Simulator;
let client: Anthropic;

beforeAll(async () => {
  sim = await createSimulator();
  client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-sim', maxRetries: 0 });
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

describe('GET /v1/models', () => {
  it('lists the known models in the API shape, 20 to a page by default', async () => {
    const res = await fetch(`${sim.url}/v1/models`, { headers: { 'x-api-key': 'k' } });
    const page = (await res.json()) as { data: Array<Record<string, unknown>>; has_more: boolean; first_id: string; last_id: string };
    expect(SIMULATED_MODELS.length).toBeLessThanOrEqual(20);
    expect(page).toMatchObject({ has_more: false, first_id: SIMULATED_MODELS[0], last_id: SIMULATED_MODELS.at(-1) });
    expect(page.data.map((m) => m.id)).toEqual(SIMULATED_MODELS);
    expect(page.data.find((m) => m.id === 'claude-opus-4-5-20251101')).toEqual({
      type: 'model',
      id: 'claude-opus-4-5-20251101',
      display_name: 'Claude Opus 4.5',
      created_at: '2025-11-01T00:00:00Z',
    });
    expect(page.data.find((m) => m.id === 'claude-3-5-haiku-20241022')?.display_name).toBe('Claude Haiku 3.5');
  });

  it('pages with limit and after_id (the SDK walks every page) and before_id', async () => {
    const first = await client.models.list({ limit: 5 });
    expect(first.data.map((m) => m.id)).toEqual(SIMULATED_MODELS.slice(0, 5));
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const model of client.models.list({ limit: 5 })) all.push(model.id);
    expect(all).toEqual(SIMULATED_MODELS);
    expect(sim.requests.slice(1).map((r) => r.query)).toEqual([
      'limit=5',
      `limit=5&after_id=${SIMULATED_MODELS[4]}`,
      `limit=5&after_id=${SIMULATED_MODELS[9]}`,
      `limit=5&after_id=${SIMULATED_MODELS[14]}`,
    ]);
    const before = await client.models.list({ before_id: SIMULATED_MODELS[5], limit: 2 });
    expect(before.data.map((m) => m.id)).toEqual(SIMULATED_MODELS.slice(3, 5));
    expect(before.has_more).toBe(true);
  });

  it('refuses a limit out of range with a 400', async () => {
    const err = await client.models.list({ limit: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('GET /v1/models/{id}', () => {
  it('retrieves a model by id or by alias, and answers 404 for an unknown one', async () => {
    expect(await client.models.retrieve('claude-sonnet-4-6')).toMatchObject({ id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6' });
    expect((await client.models.retrieve('claude-haiku-4-5')).id).toBe('claude-haiku-4-5-20251001');
    const err = await client.models.retrieve('claude-haiku-4.5').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: claude-haiku-4.5' },
    });
  });
});

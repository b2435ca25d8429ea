import { describe, expect, it } from 'vitest';
import { anthropicHeaders, ignoredTokenNote, isOpenAIClient } from './headers';

describe('anthropicHeaders', () => {
  it('an API key in the bearer token goes up as x-api-key', () => {
    const out = anthropicHeaders({ authorization: 'Bearer sk-ant-api03-abc', 'openai-organization': 'org', 'x-stainless-os': 'Linux' });
    expect(out).toEqual({ 'x-api-key': 'sk-ant-api03-abc', 'x-stainless-os': 'Linux', 'anthropic-version': '2023-06-01' });
    expect(ignoredTokenNote({ authorization: 'Bearer sk-ant-api03-abc' })).toBe('');
  });

  it('a Claude subscription token stays a bearer token; a client’s own x-api-key and anthropic-version win', () => {
    expect(anthropicHeaders({ authorization: 'bearer sk-ant-oat01-xyz' })).toEqual({ authorization: 'Bearer sk-ant-oat01-xyz', 'anthropic-version': '2023-06-01' });
    expect(anthropicHeaders({ authorization: 'Bearer sk-ant-api03-abc', 'x-api-key': 'sk-ant-own', 'anthropic-version': '2024-01-01' })).toEqual({
      'x-api-key': 'sk-ant-own',
      'anthropic-version': '2024-01-01',
    });
  });

  it('any other bearer token is never sent on, and the 401 says why', () => {
    for (const authorization of ['Bearer sk-proj-openai-key', 'Bearer placeholder', 'Basic abc']) {
      expect(anthropicHeaders({ authorization })).toEqual({ 'anthropic-version': '2023-06-01' });
      expect(ignoredTokenNote({ authorization })).toMatch(/no Anthropic key or token/);
    }
    expect(ignoredTokenNote({})).toBe('');
  });

  it('tells OpenAI clients by the missing anthropic-version', () => {
    expect(isOpenAIClient({ authorization: 'Bearer x' })).toBe(true);
    expect(isOpenAIClient({ 'anthropic-version': '2023-06-01', 'x-api-key': 'k' })).toBe(false);
  });
});

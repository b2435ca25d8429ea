import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../wire';
import { identifyConversation as identifySource, sourceOf } from './identify';

const identifyConversation = (request: MessagesRequest) => identifySource(sourceOf(request));

const captured = JSON.parse(readFileSync(new URL('../../test/fixtures/claude-code/request-2.1.332.json', import.meta.url), 'utf8')) as MessagesRequest;

describe('identifyConversation', () => {
  it('takes Claude Code’s session id and working directory from what 2.1.332 really sends', () => {
    expect(identifyConversation(captured)).toEqual({ id: 's:3017371d-9125-4398-a81b-d883da4dc821', project: '/tmp/cap/home/proj' });
  });

  it('reads the older user_…_session_<uuid> form and a working directory in the system field', () => {
    const request: MessagesRequest = {
      model: 'm',
      max_tokens: 10,
      system: 'Env:\n - Primary working directory: /home/ada/app\n',
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { user_id: 'user_abc_account_def_session_0e8c7a52-1111-2222-3333-444455556666' },
    };
    expect(identifyConversation(request)).toEqual({ id: 's:0e8c7a52-1111-2222-3333-444455556666', project: '/home/ada/app' });
  });

  it('hashes the system prompt and first user turn for other clients: stable across turns, different across conversations', () => {
    const turn1: MessagesRequest = { model: 'm', max_tokens: 10, system: 'Be brief.', messages: [{ role: 'user', content: 'What is DNS?' }] };
    const turn2: MessagesRequest = {
      ...turn1,
      messages: [...turn1.messages, { role: 'assistant', content: 'A name system.' }, { role: 'user', content: 'More?' }],
    };
    const other: MessagesRequest = { ...turn1, messages: [{ role: 'user', content: 'What is TCP?' }] };
    const id = identifyConversation(turn1)?.id;
    expect(id).toMatch(/^h:[0-9a-f]{24}$/);
    expect(identifyConversation(turn2)?.id).toBe(id);
    expect(identifyConversation(other)?.id).not.toBe(id);
  });

  it('ignores a session id that is not a plain token, and a request with nothing to hash', () => {
    const odd: MessagesRequest = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], metadata: { user_id: '{"session_id":"../../etc"}' } };
    expect(identifyConversation(odd)?.id).toMatch(/^h:/);
    expect(identifyConversation({ model: 'm', max_tokens: 10, messages: [] })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { buildAnswerRequest } from '../models/adapt-request';
import { SignatureRegistry } from '../models/signatures';
import type { MessagesRequest } from '../wire';
import { mayHoldForeignThinking } from './foreign-thinking';

const OPUS = 'claude-opus-4-6';
const HAIKU = 'claude-haiku-4-5';

function request(...signatures: string[]): MessagesRequest {
  return {
    model: OPUS,
    max_tokens: 100,
    messages: [
      { role: 'user', content: 'q' },
      ...signatures.map((signature) => ({ role: 'assistant' as const, content: [{ type: 'thinking', thinking: 't', signature }, { type: 'text', text: 'a' }] })),
      { role: 'user', content: 'next' },
    ],
  };
}

/** The byte check must say yes whenever buildAnswerRequest would change the body. */
function agreesWithParsedPath(body: MessagesRequest, registry: SignatureRegistry, space?: number): boolean {
  const said = mayHoldForeignThinking(Buffer.from(JSON.stringify(body, null, space)), OPUS, registry);
  if (buildAnswerRequest(body, OPUS, registry) !== null) expect(said).toBe(true);
  return said;
}

describe('mayHoldForeignThinking', () => {
  it('says no without a look at the body while the proxy saw no other model sign', () => {
    const registry = new SignatureRegistry();
    expect(agreesWithParsedPath(request('sig-unknown'), registry)).toBe(false);
    registry.remember('sig-opus', OPUS);
    expect(agreesWithParsedPath(request('sig-opus', 'sig-unknown'), registry)).toBe(false);
  });

  it('says yes for a block a draft model signed, in any layout, and no when the body holds none', () => {
    const registry = new SignatureRegistry();
    registry.remember('sig-haiku', HAIKU);
    registry.remember('sig-opus', OPUS);
    expect(agreesWithParsedPath(request('sig-opus', 'sig-haiku'), registry)).toBe(true);
    expect(agreesWithParsedPath(request('sig-opus', 'sig-haiku'), registry, 2)).toBe(true);
    expect(agreesWithParsedPath(request('sig-opus'), registry)).toBe(false);
    // An escaped signature is read as JSON reads it.
    registry.remember('sig/"quoted"', HAIKU);
    expect(agreesWithParsedPath(request('sig/"quoted"'), registry)).toBe(true);
  });

  it('says yes for redacted thinking once another model signed anything (its data is the key)', () => {
    const registry = new SignatureRegistry();
    registry.remember('data-haiku', HAIKU);
    const body: MessagesRequest = { model: OPUS, max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'redacted_thinking', data: 'data-haiku' }] }] };
    expect(agreesWithParsedPath(body, registry)).toBe(true);
  });

  it('forgets a signer once its last signature leaves the registry', () => {
    const registry = new SignatureRegistry();
    registry.remember('sig-haiku', HAIKU);
    expect([...registry.signers()]).toEqual([HAIKU]);
    registry.remember('sig-haiku', OPUS); // signed again, by another model
    expect([...registry.signers()]).toEqual([OPUS]);
    for (let i = 0; i < 5_001; i++) registry.remember(`sig-${i}`, 'claude-sonnet-4-6');
    expect([...registry.signers()]).toEqual(['claude-sonnet-4-6']);
  });
});

// Whether the answering model's request may need thinking blocks another model signed taken
// out (models/adapt-request.ts buildAnswerRequest), told from the body's bytes so that a
// passthrough need not parse its history for it: each signature in the body is looked up in
// the registry (when it holds any other model's at all). Only a yes costs the parse; a block the
// bytes cannot settle (redacted thinking, a signature that is not plain JSON) counts as a yes.
import { isElsewhere, signedElsewhere } from '../models/adapt-request';
import type { SignatureRegistry } from '../models/signatures';
import { closingQuote, COLON, QUOTE, skipSpace } from './json-bytes';

const SIGNATURE_KEY = Buffer.from('"signature"');
const REDACTED_THINKING = Buffer.from('"redacted_thinking"');

export function mayHoldForeignThinking(raw: Buffer, model: string, signatures: SignatureRegistry): boolean {
  // No block the proxy saw another model sign: none to take out, whatever the body holds.
  if (!signedByAnother(signatures, model)) return false;
  if (raw.includes(REDACTED_THINKING)) return true;
  // Quotes inside strings are escaped, so these bytes are a "signature" key, or a string that ends an escaped quote early (a harmless extra look-up).
  for (let at = raw.indexOf(SIGNATURE_KEY); at >= 0; at = raw.indexOf(SIGNATURE_KEY, at + SIGNATURE_KEY.length)) {
    let i = skipSpace(raw, at + SIGNATURE_KEY.length);
    if (raw[i] !== COLON) continue;
    i = skipSpace(raw, i + 1);
    if (raw[i] !== QUOTE) continue;
    let signature: unknown;
    try {
      signature = JSON.parse(raw.toString('utf8', i, closingQuote(raw, i) + 1));
    } catch {
      return true;
    }
    if (typeof signature === 'string' && signedElsewhere(signature, model, signatures, true)) return true;
  }
  return false;
}

function signedByAnother(signatures: SignatureRegistry, model: string): boolean {
  for (const signer of signatures.signers()) if (isElsewhere(signer, model)) return true;
  return false;
}

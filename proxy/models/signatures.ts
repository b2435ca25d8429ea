// Remembers which model produced each thinking-block signature the proxy relayed, so a
// draft request can drop thinking blocks another model signed (the API rejects them).

const MAX_ENTRIES = 5_000;

export class SignatureRegistry {
  private readonly owners = new Map<string, string>();

  /** Record that `model` produced a thinking block with this signature (or redacted data). */
  remember(signature: string, model: string): void {
    if (!signature) return;
    this.owners.delete(signature);
    this.owners.set(signature, model);
    if (this.owners.size > MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the least recently seen.
      this.owners.delete(this.owners.keys().next().value as string);
    }
  }

  /** The model that produced this signature, if the proxy saw it. */
  ownerOf(signature: string): string | undefined {
    return this.owners.get(signature);
  }
}

/**
 * The process's registry: the request path records who signed what it relayed, and the shadow
 * verifier reads it; a server restarted on another port still knows.
 */
export const processSignatures = new SignatureRegistry();

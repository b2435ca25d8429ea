// Remembers which model produced each thinking-block signature the proxy relayed, so a
// draft request can drop thinking blocks another model signed (the API rejects them).

const MAX_ENTRIES = 5_000;

export class SignatureRegistry {
  private readonly owners = new Map<string, string>();
  /** How many of the signatures each model owns, so that who signed anything is known without a walk. */
  private readonly counts = new Map<string, number>();

  /** Record that `model` produced a thinking block with this signature (or redacted data). */
  remember(signature: string, model: string): void {
    if (!signature) return;
    this.forget(signature);
    this.owners.set(signature, model);
    this.counts.set(model, (this.counts.get(model) ?? 0) + 1);
    // Maps iterate in insertion order: the first key is the least recently seen.
    if (this.owners.size > MAX_ENTRIES) this.forget(this.owners.keys().next().value as string);
  }

  /** The models that own at least one signature. */
  signers(): Iterable<string> {
    return this.counts.keys();
  }

  private forget(signature: string): void {
    const owner = this.owners.get(signature);
    if (owner === undefined) return;
    this.owners.delete(signature);
    const left = this.counts.get(owner)! - 1;
    if (left > 0) this.counts.set(owner, left);
    else this.counts.delete(owner);
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

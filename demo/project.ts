// The small project the demo's Claude Code sessions work in, written into the demo's temporary
// folder: the proxy grounds a local client's tool calls in real files (a Read of a file that
// does not exist would be escalated), so the files the scripted reads name must exist.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const PROJECT_FILES: Record<string, string> = {
  'README.md': `# weather-cache

A tiny HTTP service that fetches forecasts from an upstream API and caches them for ten minutes.

- \`src/retry.ts\`: retries failed upstream calls with exponential backoff.
- \`src/cache.ts\`: an in-memory cache with a time to live.
`,
  'src/retry.ts': `export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
}

/** Calls fn until it succeeds or attempts run out, waiting base * 2^n ms (plus jitter) between tries. */
export async function withRetry<T>(fn: () => Promise<T>, { attempts, baseDelayMs }: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      const delay = baseDelayMs * 2 ** attempt + Math.random() * baseDelayMs;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  throw lastError;
}
`,
  'src/cache.ts': `/** Entries expire ttlMs after they were set; expired entries are dropped when read. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() > entry.expires) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
  }
}
`,
};

/** Writes the project into `dir`. */
export async function writeProject(dir: string): Promise<void> {
  for (const [name, content] of Object.entries(PROJECT_FILES)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** A file's lines as Claude Code's Read returns them (cat -n). */
export function catN(content: string): string {
  return content
    .trimEnd()
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(6)}\t${line}`)
    .join('\n');
}

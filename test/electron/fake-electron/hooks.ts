// Module resolution hook: `electron` → the fake runtime next to this file.
const FAKE = new URL('./electron.ts', import.meta.url).href;

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<unknown>,
): Promise<unknown> {
  if (specifier === 'electron') return { url: FAKE, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}

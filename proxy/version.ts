// The package version, read from package.json where it sits beside dist/ (the build keeps this
// module's URL, so a packaged app reads its own). /health, status and every `--version` show it.
import fs from 'node:fs';

let version: string | undefined;

/** Read once per process. */
export function packageVersion(): string {
  version ??= read();
  return version;
}

function read(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

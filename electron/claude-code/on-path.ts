// Whether a program can be run by its bare name: an executable file of that name in a PATH
// folder. Decides which status line command the app installs (status-line.ts).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => path.isAbsolute(dir))
    .some((dir) => {
      const file = path.join(dir, program);
      try {
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
}

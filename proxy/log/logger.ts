/** Where the proxy's one-line messages go; tests pass a collecting logger to stay quiet. */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
}

export const consoleLogger: Logger = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
};

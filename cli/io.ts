// What a CLI command may touch, passed in so commands are testable without a process.
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  cwd: string;
  /** True when stderr is a terminal: long commands (preview, suggest --measure) draw progress there. */
  stderrIsTTY?: boolean;
}

/** Exit codes shared by every command: 0 ok, 1 error-level findings, 2 usage or I/O error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A CLI subcommand: parses its own argv (after the subcommand name) and returns the exit code. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

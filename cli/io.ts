// What a CLI command may touch, passed in so commands are testable without a process.
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  /** The whole of standard input (for `-`); absent where there is none. */
  readStdin?(): string;
  /** Aborted on Ctrl-C (SIGINT) for commands that can stop early and keep what they have (preview). */
  interrupt?: AbortSignal;
  cwd: string;
}

/** Exit codes shared by every command: 0 ok, 1 error-level findings, 2 usage or I/O error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT), after printing what was done. */
export const EXIT_INTERRUPTED = 130;

/** A CLI subcommand: parses its own argv (after the subcommand name) and returns the exit code. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

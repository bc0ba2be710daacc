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
  /** True when stderr is a terminal: long commands (preview, suggest --measure) draw progress there. */
  stderrIsTTY?: boolean;
}

/** Exit codes shared by every command: 0 ok, 1 error-level findings, 2 usage or I/O error, 3 internal error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** A fault of RoPE Lens itself (a bug, not the input or the command line): one line on stderr, please report it. */
export const EXIT_INTERNAL = 3;

/** The first line of whatever was thrown, for the one-line messages every failure path prints. */
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return (m.split(/\r\n|\r|\n/, 1)[0] ?? '').slice(0, 500);
}

/** A bad argument or an unreadable path found deep in a command: one line, exit 2 (not an internal error). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors from the file system (ENOENT, EACCES, EISDIR, ...): I/O, exit 2; anything else thrown is internal, exit 3. */
export function isIoError(e: unknown): boolean {
  if (e instanceof UsageError) return true;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && /^E[A-Z]+$/.test((e as { code: string }).code);
}
/** Stopped by Ctrl-C (128 + SIGINT), after printing what was done. */
export const EXIT_INTERRUPTED = 130;

/** A CLI subcommand: parses its own argv (after the subcommand name) and returns the exit code. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

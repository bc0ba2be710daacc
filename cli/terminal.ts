// Terminal manners for the `ropelens` process: a closed pipe (`ropelens check . | head`) ends the run quietly with
// exit 0 instead of an EPIPE stack trace; Ctrl-C aborts `io.interrupt` for commands that keep partial results
// (preview, suggest --measure) and exits 130 at once for the others, or on a second Ctrl-C.
import type { CliIO } from './io';

/** Commands that watch io.interrupt and finish with what they have. */
const INTERRUPTIBLE = new Set(['preview', 'suggest']);

export function isEpipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'EPIPE';
}

export function installTerminalManners(io: CliIO, command: string | undefined, proc: NodeJS.Process = process): void {
  const closed = (e: unknown): void => {
    if (isEpipe(e)) proc.exit(0);
    throw e;
  };
  proc.stdout.on('error', closed);
  proc.stderr.on('error', closed);
  if (!command || !INTERRUPTIBLE.has(command)) return;
  const ctl = new AbortController();
  io.interrupt = ctl.signal;
  proc.on('SIGINT', () => {
    if (ctl.signal.aborted) proc.exit(130);
    ctl.abort();
  });
}

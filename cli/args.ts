import { EXIT_OK, EXIT_USAGE, type CliIO } from './io';
// Option walking shared by CLI commands: `--flag value` and `--flag=value` (value read only when the flag wants
// one), `-x value`, and positional words. The handler returns an error line, or undefined to go on.
export type OptionHandler = (arg: string, value: () => string | undefined) => string | undefined;

export function walkArgs(argv: readonly string[], each: OptionHandler): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const err = each(a, () => inline ?? argv[++i]);
    if (err !== undefined) return err;
  }
  return undefined;
}

/**
 * The prologue every command shares: `-h`/`--help` prints the usage (exit 0); a parse error prints one line with
 * the usage (exit 2). Returns the parsed arguments, or the exit code to return.
 */
export function parseOrExit<T>(name: string, usage: string, argv: readonly string[], io: CliIO, parse: (argv: readonly string[]) => T | string): T | number {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(usage + '\n');
    return EXIT_OK;
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    io.stderr(`ropelens ${name}: ${args} (${usage})\n`);
    return EXIT_USAGE;
  }
  return args;
}

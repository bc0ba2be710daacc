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

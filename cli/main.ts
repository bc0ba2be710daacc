// `ropelens` entry: global flags and dispatch to cli/commands/<name>.ts. Exit codes: 0 ok, 1 error-level
// findings, 2 usage or I/O error (one-line message on stderr).
import { readFileSync, writeFileSync } from 'node:fs';
import { version } from '../package.json';
import { loadDialects } from '../server/src/dialects';
import { COMMANDS } from './commands/index';
import { EXIT_USAGE, type CliIO } from './io';

export function helpText(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `ropelens ${version}: diagnose, explain and fix RoPE scaling blocks (rope_scaling / rope_parameters).`,
    '',
    'Usage: ropelens <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    ...names.map((n) => `  ${COMMANDS[n]!.usage}`),
    '',
    'Options: --help, --version. Exit codes: 0 ok, 1 error-level findings, 2 usage or I/O error.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) io.stdout(`Usage: ${COMMANDS[topic].usage}\n`);
    else io.stdout(helpText() + '\n');
    return first === undefined ? EXIT_USAGE : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${version}\n`);
    return 0;
  }
  const cmd = COMMANDS[first];
  if (!cmd) {
    io.stderr(`ropelens: unknown command '${first}' (commands: ${Object.keys(COMMANDS).join(', ')}; see ropelens --help)\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${cmd.usage}\n`);
    return 0;
  }
  try {
    await loadDialects(__dirname);
    return await cmd.run(rest, io);
  } catch (e) {
    io.stderr(`ropelens ${first}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
}

export const nodeIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: (p, t) => writeFileSync(p, t, 'utf8'),
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
};

// Run when executed (node dist/cli.js, the bin), not when imported by tests.
if (typeof require !== 'undefined' && require.main === module) {
  main(process.argv.slice(2), nodeIO).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`ropelens: ${String(e)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

// `ropelens` entry: global flags and dispatch to cli/commands/<name>.ts. Exit codes: 0 ok, 1 error-level
// findings, 2 usage or I/O error, 3 internal error (each failure prints one line on stderr).
import { readFileSync, writeFileSync } from 'node:fs';
import { version } from '../package.json';
import { loadDialects } from '../host/dialects';
import { COMMANDS } from './commands/index';
import { COMMAND_HELP } from './help';
import { serveWorker, WORKER_ENV } from '../host/engines/worker';
import { EXIT_INTERNAL, EXIT_USAGE, firstLine, isIoError, type CliIO } from './io';
import { installTerminalManners, isEpipe } from './terminal';

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
    'Options: --help, --version; `ropelens <command> --help` describes every option of a command, with an example.',
    'Exit codes: 0 ok, 1 findings (error level, or warnings beyond --max-warnings), 2 usage or I/O error, 3 internal error.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    // No arguments is a usage error: the help goes to stderr (exit 2), so `ropelens | …` pipes nothing.
    io.stderr(helpText() + '\n');
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !COMMANDS[topic]) {
      io.stderr(`ropelens help: unknown command '${topic}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
      return EXIT_USAGE;
    }
    io.stdout(topic ? commandHelp(topic) : helpText() + '\n');
    return 0;
  }
  if (first === '--version' || first === '-v' || first === '-V') {
    io.stdout(`${version}\n`);
    return 0;
  }
  const cmd = COMMANDS[first];
  if (!cmd) {
    io.stderr(`ropelens: unknown command '${first}' (commands: ${Object.keys(COMMANDS).join(', ')}; see ropelens --help)\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(first));
    return 0;
  }
  try {
    await loadDialects(__dirname);
    return await cmd.run(rest, io);
  } catch (e) {
    // Commands report usage and I/O errors themselves; what reaches here is I/O left unhandled, or a bug.
    const io2 = isIoError(e);
    io.stderr(`ropelens ${first}: ${io2 ? '' : 'internal error: '}${firstLine(e)}\n`);
    return io2 ? EXIT_USAGE : EXIT_INTERNAL;
  }
}

function commandHelp(name: string): string {
  return COMMAND_HELP[name] ?? `Usage: ${COMMANDS[name]!.usage}\n`;
}

export const nodeIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
  writeFile: (p, t) => writeFileSync(p, t, 'utf8'),
  readStdin: (() => {
    let text: string | undefined;
    return () => (text ??= readFileSync(0, 'utf8'));
  })(),
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
};

// Run when executed (node dist/cli.js, the bin), not when imported by tests. The same file serves as the engine
// worker process of `preview --engine llama.cpp` (host/engines/worker.ts).
if (typeof require !== 'undefined' && require.main === module && process.env[WORKER_ENV]) {
  serveWorker();
} else if (typeof require !== 'undefined' && require.main === module) {
  installTerminalManners(nodeIO, process.argv[2]);
  // Faults outside the awaited path (a timer, a worker callback) end the run with one line and exit 3, not a stack;
  // a closed pipe is not a fault.
  const crash = (e: unknown): void => {
    if (isEpipe(e)) process.exit(0);
    process.stderr.write(`ropelens: internal error: ${firstLine(e)}\n`);
    process.exit(EXIT_INTERNAL);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  main(process.argv.slice(2), nodeIO).then(
    (code) => {
      process.exitCode = code;
    },
    crash,
  );
}

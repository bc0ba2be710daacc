// `ropelens explain [--json] [--seq-len N] [--transformers VERSION] FILE`: what every rope block in FILE does to
// each rotary dimension (see core/explain.ts).
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { explainDocument, renderExplainText, type ExplainOptions } from '../../core/explain';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { parseVersion, versionError } from '../../core/versions';
import { boundedInt, MAX_CONTEXT_LENGTH } from '../../core/limits';
import { compareWithConfig, ggufConfigText, ggufRope } from '../../core/gguf/rope';
import { readGgufMetadata } from '../../host/gguf';
import { EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';
import { parseOrExit, walkArgs } from '../args';
import { versionChoice } from '../project';
import { findProject } from '../../host/projectConfig';

const USAGE = 'usage: ropelens explain [--json] [--seq-len N] [--transformers VERSION] [--stdin-filename NAME] FILE|-';

interface Args {
  json: boolean;
  file: string;
  stdinFilename?: string;
  /** --transformers as typed. */
  flagVersion?: string;
  opts: ExplainOptions;
}

function parseArgs(argv: readonly string[]): Args | string {
  let json = false;
  let file: string | undefined;
  let stdinFilename: string | undefined;
  let flagVersion: string | undefined;
  const opts: ExplainOptions = {};
  const err = walkArgs(argv, (a, value) => {
    if (a === '--json') json = true;
    else if (a === '--seq-len') {
      const n = boundedInt(value(), '--seq-len', MAX_CONTEXT_LENGTH);
      if (typeof n === 'string') return n;
      opts.seqLen = n;
    } else if (a === '--transformers') {
      const v = value();
      if (v === undefined || (v !== 'latest' && !parseVersion(v))) return `--transformers needs a version like 4.45 or 5.15.0, got ${v ?? 'nothing'}`;
      const bad = versionError(v);
      if (bad) return `--transformers ${v}: ${bad}`;
      flagVersion = v;
    } else if (a === '--stdin-filename') {
      stdinFilename = value();
      if (!stdinFilename) return '--stdin-filename needs the name the text on standard input goes by';
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else if (file !== undefined) return `one FILE expected, got ${file} and ${a}`;
    else file = a;
    return undefined;
  });
  if (err !== undefined) return err;
  if (file === undefined) return 'missing FILE';
  return { json, file, opts, ...(stdinFilename ? { stdinFilename } : {}), ...(flagVersion ? { flagVersion } : {}) };
}

export const run: CliCommand = async (argv, io) => {
  const args = parseOrExit('explain', USAGE, argv, io, parseArgs);
  if (typeof args === 'number') return args;
  const stdin = args.file === '-';
  let text: string;
  // Standard input goes by --stdin-filename (its dialect), else JSON when it starts with '{', else a command line.
  let name = args.file;
  if (stdin) {
    if (!io.readStdin) {
      io.stderr('ropelens explain: no standard input to read\n');
      return EXIT_USAGE;
    }
    text = io.readStdin();
    name = args.stdinFilename ?? (text.trimStart().startsWith('{') ? 'stdin.json' : 'stdin.sh');
  }
  const path = isAbsolute(name) ? name : resolve(io.cwd, name);
  const uri = pathToFileURL(path).href;
  if (/\.gguf$/i.test(path)) return explainGguf(path, args, io);
  if (!detectDialect(uri)) {
    io.stderr(`ropelens explain: ${name}: not a file RoPE Lens reads (.json, .py, .yaml, .sh, Dockerfile, Makefile, Modelfile, README.md, .ipynb, .gguf)\n`);
    return EXIT_USAGE;
  }
  if (!stdin) {
    try {
      text = io.readFile(path);
    } catch (e) {
      const code = (e as { code?: string }).code;
      io.stderr(`ropelens explain: cannot read ${args.file}${code ? ` (${code})` : ''}\n`);
      return EXIT_USAGE;
    }
  }
  // The version: --transformers, else the project's config or pin (as `check` reads them), said in the header.
  const choice = versionChoice(findProject(dirname(path)), args.flagVersion, io.cwd);
  const opts: ExplainOptions = { ...args.opts, ...(choice.version !== 'latest' ? { transformersVersion: choice.version } : {}) };
  const result = explainDocument(parseDocument(uri, text!), opts);
  const header = `transformers ${choice.version} (${choice.source})\n`;
  io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : header + renderExplainText(result, stdin ? (args.stdinFilename ?? '<stdin>') : args.file));
  return EXIT_OK;
};

/** `explain model.gguf`: the header's rope keys, explained as the config they stand for, compared with a config.json beside it. */
async function explainGguf(path: string, args: { json: boolean; file: string; opts: ExplainOptions }, io: Parameters<CliCommand>[1]): Promise<number> {
  let meta: Record<string, unknown>;
  try {
    meta = await readGgufMetadata(path);
  } catch (e) {
    io.stderr(`ropelens explain: ${args.file}: not a readable GGUF header (${e instanceof Error ? e.message.split('\n')[0] : String(e)})\n`);
    return EXIT_USAGE;
  }
  const g = ggufRope(meta);
  if (typeof g === 'string') {
    io.stderr(`ropelens explain: ${args.file}: ${g}\n`);
    return EXIT_USAGE;
  }
  const text = ggufConfigText(g);
  const result = explainDocument(parseDocument(pathToFileURL(`${path}.config.json`).href, text), args.opts);
  let diffs: string[] | undefined;
  const beside = resolve(dirname(path), 'config.json');
  try {
    diffs = compareWithConfig(g, JSON.parse(io.readFile(beside)) as Record<string, unknown>);
  } catch {
    diffs = undefined;
  }
  if (args.json) {
    io.stdout(JSON.stringify({ gguf: g.keys, asConfig: JSON.parse(text) as unknown, ...result, ...(diffs ? { configDifferences: diffs } : {}) }, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines = [`GGUF header (${g.arch}):`, ...Object.entries(g.keys).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`), ''];
  if (diffs) lines.push(diffs.length ? `Differences from ${beside}:` : `Matches ${beside}.`, ...diffs.map((d) => `  ${d}`), '');
  io.stdout(lines.join('\n') + '\n' + renderExplainText(result, args.file));
  return EXIT_OK;
}

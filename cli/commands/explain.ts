// `ropelens explain [--json] [--seq-len N] [--transformers VERSION] FILE`: what every rope block in FILE does to
// each rotary dimension (see core/explain.ts).
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { explainDocument, renderExplainText, type ExplainOptions } from '../../core/explain';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { compareWithConfig, ggufConfigText, ggufRope } from '../../core/gguf/rope';
import { readGgufMetadata } from '../gguf';
import { parseVersion, versionError } from '../../core/versions';
import { EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';
import { parseOrExit, walkArgs } from '../args';

const USAGE = 'usage: ropelens explain [--json] [--seq-len N] [--transformers VERSION] FILE';

interface Args {
  json: boolean;
  file: string;
  opts: ExplainOptions;
}

function parseArgs(argv: readonly string[]): Args | string {
  let json = false;
  let file: string | undefined;
  const opts: ExplainOptions = {};
  const err = walkArgs(argv, (a, value) => {
    if (a === '--json') json = true;
    else if (a === '--seq-len') {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) return `--seq-len needs a positive integer, got ${v ?? 'nothing'}`;
      opts.seqLen = Number(v);
    } else if (a === '--transformers') {
      const v = value();
      if (v === undefined || (v !== 'latest' && !parseVersion(v))) return `--transformers needs a version like 4.45 or 5.15.0, got ${v ?? 'nothing'}`;
      const bad = versionError(v);
      if (bad) return `--transformers ${v}: ${bad}`;
      if (v !== 'latest') opts.transformersVersion = v;
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else if (file !== undefined) return `one FILE expected, got ${file} and ${a}`;
    else file = a;
    return undefined;
  });
  if (err !== undefined) return err;
  if (file === undefined) return 'missing FILE';
  return { json, file, opts };
}

export const run: CliCommand = async (argv, io) => {
  const args = parseOrExit('explain', USAGE, argv, io, parseArgs);
  if (typeof args === 'number') return args;
  const path = isAbsolute(args.file) ? args.file : resolve(io.cwd, args.file);
  const uri = pathToFileURL(path).href;
  if (/\.gguf$/i.test(path)) return explainGguf(path, args, io);
  if (!detectDialect(uri)) {
    io.stderr(`ropelens explain: ${args.file}: not a file RoPE Lens reads (.json, .py, .yaml, .sh)\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    io.stderr(`ropelens explain: cannot read ${args.file}${code ? ` (${code})` : ''}\n`);
    return EXIT_USAGE;
  }
  const result = explainDocument(parseDocument(uri, text), args.opts);
  io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : renderExplainText(result, args.file));
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

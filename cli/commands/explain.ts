// `ropelens explain [--json] [--seq-len N] [--transformers VERSION] FILE`: what every rope block in FILE does to
// each rotary dimension (see core/explain.ts).
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { explainDocument, renderExplainText, type ExplainOptions } from '../../core/explain';
import { detectDialect, parseDocument } from '../../core/parse/index';
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

// `ropelens suggest --target N [--write] FILE`: the YaRN change that extends a config to N tokens, shown as
// a unified diff, or written to the file.
import { parseContextLength } from '../../client/src/config';
import { applyEdits } from '../../core/edits';
import { extendWithYarn } from '../../core/fixes/extend-yarn';
import { parseDocument } from '../../core/parse/index';
import { EXIT_OK, EXIT_USAGE, type CliCommand } from '../io';

interface Args {
  target: number;
  write: boolean;
  file: string;
}

function parseArgs(argv: string[]): Args | string {
  let target: string | undefined;
  let write = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--target' || a === '-t') target = argv[++i];
    else if (a.startsWith('--target=')) target = a.slice('--target='.length);
    else if (a === '--write' || a === '-w') write = true;
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else files.push(a);
  }
  if (target === undefined) return '--target N is required (the context length to reach, e.g. 131072 or 128k)';
  const t = parseContextLength(target);
  if ('error' in t) return `--target: ${t.error}`;
  if (files.length !== 1) return `expected exactly one FILE (got ${files.length})`;
  return { target: t.value, write, file: files[0]! };
}

/** A unified diff of two texts: one hunk around the changed lines, with `context` lines either side. */
export function unifiedDiff(name: string, before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  if (start > endA && start > endB) return '';
  const from = Math.max(0, start - context);
  const toA = Math.min(a.length - 1, endA + context);
  const toB = Math.min(b.length - 1, endB + context);
  const out = [`--- ${name}`, `+++ ${name}`, `@@ -${from + 1},${toA - from + 1} +${from + 1},${toB - from + 1} @@`];
  for (let i = from; i < start; i++) out.push(` ${a[i]}`);
  for (let i = start; i <= endA; i++) out.push(`-${a[i]}`);
  for (let i = start; i <= endB; i++) out.push(`+${b[i]}`);
  for (let i = endA + 1; i <= toA; i++) out.push(` ${a[i]}`);
  return out.join('\n') + '\n';
}

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`ropelens suggest: ${args}\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (e) {
    io.stderr(`ropelens suggest: cannot read '${args.file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return EXIT_USAGE;
  }
  const doc = parseDocument(args.file, text);
  if (!doc.relevant) {
    io.stderr(`ropelens suggest: '${args.file}' does not look like a model config\n`);
    return EXIT_USAGE;
  }
  const res = extendWithYarn(doc, doc.blocks[0], args.target, {});
  if (!res.ok) {
    io.stderr(`ropelens suggest: ${res.summary}\n`);
    return EXIT_USAGE;
  }
  const after = applyEdits(text, res.edits);
  io.stdout(`${res.summary}\n`);
  if (args.write) {
    try {
      io.writeFile(args.file, after);
    } catch (e) {
      io.stderr(`ropelens suggest: cannot write '${args.file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return EXIT_USAGE;
    }
    io.stdout(`wrote ${args.file}\n`);
  } else io.stdout(unifiedDiff(args.file, text, after));
  return EXIT_OK;
};

// `ropelens check [--format text|json|sarif] [--transformers VERSION] PATH...`
import { relative } from 'node:path';
import { version as toolVersion } from '../../package.json';
import { checkDocument } from '../../core/check';
import { LineIndex, type Position } from '../../core/edits';
import { parseDocument } from '../../core/parse/index';
import { allRules } from '../../core/rules/index';
import type { Severity } from '../../core/rules/types';
import { parseVersion, versionError } from '../../core/versions';
import { collectFiles } from '../files';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';

export interface CheckResult {
  file: string;
  range: { start: Position; end: Position };
  severity: Severity;
  code: string;
  message: string;
}

type Format = 'text' | 'json' | 'sarif';

interface Args {
  format: Format;
  transformers?: string;
  paths: string[];
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { format: 'text', paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--format' || flag === '-f') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif') return `--format must be text, json or sarif (got ${v ?? 'nothing'})`;
      args.format = v;
    } else if (flag === '--transformers') {
      const v = value();
      if (!v || (v !== 'latest' && !parseVersion(v))) return `--transformers needs a version such as 5.15.0 or 4.57 (got ${v ?? 'nothing'})`;
      const bad = versionError(v);
      if (bad) return `--transformers ${v}: ${bad}`;
      args.transformers = v;
    } else if (a === '--') {
      args.paths.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else args.paths.push(a);
  }
  if (!args.paths.length) return 'no PATH given (usage: ropelens check [--format text|json|sarif] [--transformers VERSION] PATH...)';
  return args;
}

/** Checks files and returns results in path order; file names are as given (or found under a folder). */
export function checkFiles(files: readonly string[], io: Pick<CliIO, 'readFile'>, transformers?: string): CheckResult[] {
  const out: CheckResult[] = [];
  for (const file of files) {
    const text = io.readFile(file);
    const doc = parseDocument(file, text);
    if (!doc.relevant) continue;
    const index = new LineIndex(text);
    // The CLI reports findings only; fixes are computed by the editor and by suggest --write.
    const findings = checkDocument(doc, { fixes: false, ...(transformers ? { transformersVersion: transformers } : {}) });
    for (const f of findings) {
      out.push({
        file,
        range: { start: index.positionAt(f.span.offset), end: index.positionAt(f.span.offset + f.span.length) },
        severity: f.severity,
        code: f.ruleId,
        message: f.message,
      });
    }
  }
  return out;
}

export function formatText(results: readonly CheckResult[], fileCount: number): string {
  const lines = results.map((r) => `${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${r.severity} [${r.code}] ${r.message}`);
  const count = (s: Severity) => results.filter((r) => r.severity === s).length;
  const summary = results.length
    ? `${results.length} problem${results.length === 1 ? '' : 's'} (${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('information') + count('hint')} info) in ${fileCount} file${fileCount === 1 ? '' : 's'}`
    : `no problems in ${fileCount} file${fileCount === 1 ? '' : 's'}`;
  return [...lines, summary].join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const DOCS = 'https://github.com/ropelens/ropelens/blob/main/docs/rules.md';

/** SARIF 2.1.0: one run, the rules' metadata from their docs, 1-based UTF-16 columns. */
export function toSarif(results: readonly CheckResult[], cwd: string): object {
  const rules = allRules().map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.docs.summary },
    fullDescription: { text: `${r.docs.summary} ${r.docs.why}`.trim() },
    help: { text: r.docs.fix },
    helpUri: `${DOCS}#${r.id}`,
    defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ropelens', version: toolVersion, informationUri: 'https://github.com/ropelens/ropelens', rules } },
        columnKind: 'utf16CodeUnits',
        results: results.map((r) => ({
          ruleId: r.code,
          ...(ruleIndex.has(r.code) ? { ruleIndex: ruleIndex.get(r.code) } : {}),
          level: SARIF_LEVEL[r.severity],
          message: { text: r.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relative(cwd, r.file).split('\\').join('/') || r.file },
                region: {
                  startLine: r.range.start.line + 1,
                  startColumn: r.range.start.character + 1,
                  endLine: r.range.end.line + 1,
                  endColumn: r.range.end.character + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`ropelens check: ${args}\n`);
    return EXIT_USAGE;
  }
  let files: string[];
  let results: CheckResult[];
  try {
    files = collectFiles(args.paths, io.readFile);
    results = checkFiles(files, io, args.transformers);
  } catch (e) {
    io.stderr(`ropelens check: ${oneLine(e)}\n`);
    return EXIT_USAGE;
  }
  if (args.format === 'json') io.stdout(JSON.stringify(results, null, 2) + '\n');
  else if (args.format === 'sarif') io.stdout(JSON.stringify(toSarif(results, io.cwd), null, 2) + '\n');
  else io.stdout(formatText(results, files.length));
  return results.some((r) => r.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
};

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Node's fs errors: "ENOENT: no such file or directory, open 'x'" → keep it, on one line.
  return m.split('\n')[0]!;
}

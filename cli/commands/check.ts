// `ropelens check [--format text|json|sarif|github] [--transformers VERSION] [--max-warnings N] [--stdin-filename NAME] [--verbose] PATH...|-`
import { relative } from 'node:path';
import { version as toolVersion } from '../../package.json';
import { checkDocument } from '../../core/check';
import { LineIndex, type Position } from '../../core/edits';
import { parseDocument } from '../../core/parse/index';
import { allRules } from '../../core/rules/index';
import { REPO_URL, ruleDocUrl } from '../../common/links';
import { syntaxErrorFindings } from '../../core/rules/syntax-error';
import type { Severity } from '../../core/rules/types';
import { parseVersion, versionError } from '../../core/versions';
import { dirname, join, resolve } from 'node:path';
import type { CheckOptions } from '../../core/check';
import { collectFiles, type Skipped } from '../files';
import { formatGithub } from '../format-github';
import { fileRun } from '../project';
import { isExcluded, ProjectCache, type ProjectFacts } from '../../host/projectConfig';
import { EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, isIoError, UsageError, type CliCommand, type CliIO } from '../io';

export interface CheckResult {
  file: string;
  range: { start: Position; end: Position };
  severity: Severity;
  code: string;
  message: string;
}

type Format = 'text' | 'json' | 'sarif' | 'github';
const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'github'];

interface Args {
  format: Format;
  transformers?: string;
  maxWarnings?: number;
  stdinFilename?: string;
  verbose: boolean;
  paths: string[];
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { format: 'text', verbose: false, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--format' || flag === '-f') {
      const v = value();
      if (!(FORMATS as readonly (string | undefined)[]).includes(v)) return `--format must be text, json, sarif or github (got ${v ?? 'nothing'})`;
      args.format = v as Format;
    } else if (flag === '--transformers') {
      const v = value();
      if (!v || (v !== 'latest' && !parseVersion(v))) return `--transformers needs a version such as 5.15.0 or 4.57 (got ${v ?? 'nothing'})`;
      const bad = versionError(v);
      if (bad) return `--transformers ${v}: ${bad}`;
      args.transformers = v;
    } else if (flag === '--max-warnings') {
      const v = value();
      if (v === undefined || !/^-?\d+$/.test(v)) return `--max-warnings needs a whole number (got ${v ?? 'nothing'})`;
      // eslint: -1 means no limit.
      if (Number(v) >= 0) args.maxWarnings = Number(v);
    } else if (flag === '--stdin-filename') {
      const v = value();
      if (!v) return '--stdin-filename needs the name the text on standard input goes by (e.g. models/x/config.json)';
      args.stdinFilename = v;
    } else if (flag === '--verbose') args.verbose = true;
    else if (a === '--') {
      args.paths.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else args.paths.push(a);
  }
  if (!args.paths.length) return 'no PATH given (usage: ropelens check [options] PATH... ; see ropelens check --help)';
  if (args.paths.filter((p) => p === '-').length > 1) return "'-' (standard input) may be given once";
  return args;
}

/** What a file is checked with: the transformers version and the project's rule settings. */
export interface FileCheckOptions {
  transformersVersion?: string;
  rules?: CheckOptions['rules'];
  ignore?: readonly string[];
}

/** Findings for one text, as CLI results. */
export function checkText(file: string, text: string, options: FileCheckOptions = {}): CheckResult[] {
  const doc = parseDocument(file, text);
  // Syntax errors first: the editor shows them (the JSON language does), so CI must not pass a broken config.
  const syntax = syntaxErrorFindings(doc);
  if (!doc.relevant && syntax.length === 0) return [];
  const index = new LineIndex(text);
  // The CLI reports findings only; fixes are computed by the editor and by suggest --write.
  const findings = [...syntax, ...(doc.relevant ? checkDocument(doc, { ...options, fixes: false }) : [])];
  return findings.map((f) => ({
    file,
    range: { start: index.positionAt(f.span.offset), end: index.positionAt(f.span.offset + f.span.length) },
    severity: f.severity,
    code: f.ruleId,
    message: f.message,
  }));
}

/** Checks files and returns results in path order; file names are as given (or found under a folder). */
export function checkFiles(files: readonly string[], io: Pick<CliIO, 'readFile'> & { cwd?: string }, options?: string | ((file: string) => FileCheckOptions)): CheckResult[] {
  const out: CheckResult[] = [];
  for (const file of files) {
    const opts = typeof options === 'function' ? options(file) : options ? { transformersVersion: options } : {};
    // Names are as shown (relative to the working folder); read them from there.
    out.push(...checkText(file, io.readFile(io.cwd ? resolve(io.cwd, file) : file), opts));
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

/** SARIF 2.1.0: one run, the rules' metadata from their docs, 1-based UTF-16 columns. */
export function toSarif(results: readonly CheckResult[], cwd: string): object {
  const rules = allRules().map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.docs.summary },
    fullDescription: { text: `${r.docs.summary} ${r.docs.why}`.trim() },
    help: { text: r.docs.fix },
    helpUri: ruleDocUrl(r.id),
    defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ropelens', version: toolVersion, informationUri: REPO_URL, rules } },
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
  const projects = new ProjectCache();
  const projectOf = (file: string): ProjectFacts => projects.get(dirname(resolve(io.cwd, file)));
  const runOf = (file: string) => fileRun(projectOf(file), resolve(io.cwd, file), args.transformers, io.cwd);
  let files: string[];
  let skipped: Skipped[];
  let results: CheckResult[];
  try {
    const collected = collectFiles(args.paths.filter((p) => p !== '-'), {
      cwd: io.cwd, readFile: io.readFile, excluded: (path) => isExcluded(projectOf(path), path),
    });
    files = collected.files;
    skipped = collected.skipped;
    results = checkFiles(files, io, (file) => runOf(file).options);
    if (args.paths.includes('-')) {
      if (!io.readStdin) throw new UsageError('no standard input to read');
      const text = io.readStdin();
      const name = args.stdinFilename ?? '<stdin>';
      // Without a name the dialect comes from the text: JSON when it starts with '{', else a shell command line.
      const parseAs = args.stdinFilename ?? (text.trimStart().startsWith('{') ? 'stdin.json' : 'stdin.sh');
      const found = checkText(parseAs, text, runOf(parseAs).options).map((r) => ({ ...r, file: name }));
      results.push(...found);
      files.push(name);
    }
  } catch (e) {
    // A path that cannot be read is a usage/I-O error (2); anything else thrown is a fault of ropelens (3).
    const io2 = isIoError(e);
    io.stderr(`ropelens check: ${io2 ? '' : 'internal error: '}${oneLine(e)}\n`);
    return io2 ? EXIT_USAGE : EXIT_INTERNAL;
  }
  const runs = [...files.filter((f) => f !== '<stdin>'), ...(args.paths.includes('-') ? [args.stdinFilename ?? 'stdin.json'] : [])].map((f) => runOf(f));
  if (runs.length === 0) runs.push(runOf(join(io.cwd, '.')));
  for (const p of new Set(runs.flatMap((r) => r.problems))) io.stderr(`ropelens check: ${p}\n`);
  if (args.format === 'json') io.stdout(JSON.stringify(results, null, 2) + '\n');
  else if (args.format === 'sarif') io.stdout(JSON.stringify(toSarif(results, io.cwd), null, 2) + '\n');
  else if (args.format === 'github') io.stdout(formatGithub(results, io.cwd));
  else {
    const header = [...new Set(runs.map((r) => `transformers ${r.choice.version} (${r.choice.source})`))];
    io.stdout(header.map((h) => `${h}\n`).join('') + formatText(results, files.length));
    if (skipped.length) io.stdout(skippedLine(skipped, args.verbose));
  }
  if (args.format !== 'text' && skipped.length && args.verbose) io.stderr(skippedLine(skipped, true));
  const errors = results.filter((r) => r.severity === 'error').length;
  const warnings = results.filter((r) => r.severity === 'warning').length;
  if (args.maxWarnings !== undefined && warnings > args.maxWarnings) {
    io.stderr(`ropelens check: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${args.maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return errors > 0 ? EXIT_FINDINGS : EXIT_OK;
};

/** "3 files skipped (…)" and, with --verbose, one line per file with the reason. */
function skippedLine(skipped: readonly Skipped[], verbose: boolean): string {
  const n = skipped.length;
  const head = `${n} file${n === 1 ? '' : 's'} skipped (no RoPE Lens dialect reads them, not model configs, or excluded)${verbose ? ':' : '; --verbose lists them'}\n`;
  return head + (verbose ? skipped.map((s) => `  skipped ${s.path}: ${s.reason}\n`).join('') : '');
}

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Node's fs errors: "ENOENT: no such file or directory, open 'x'" → keep it, on one line.
  return m.split('\n')[0]!;
}

// `npm run fuzz`: mutated real files per dialect through the core (parse, every rule, hover, completion, explain,
// quick fixes, fix-all) and through the built language server over stdio, in bounded time. Prints per dialect:
// inputs, crashes, hangs (core: > 2 s of CPU; server: > 2 s of wall time counted slow, > 30 s a hang), junk
// messages (undefined / NaN / [object Object] / oversized explain) and fix outcomes. Exit code 1 when any crash,
// hang or junk message was seen.
//   node --import tsx test/fuzz/run.ts [--n 100000] [--server-n 100000] [--minutes 30] [--seed 1] [--fix-every 10]
//                                     [--kinds json,python,...] [--part both|core|server]
// --minutes bounds the whole run: each dialect gets an equal share of what is left, and a dialect that runs out of
// time reports the inputs it reached. The server part runs in a child process beside the core part.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeActionRequest, HoverRequest, type Hover } from 'vscode-languageserver-protocol';
import { initDialects } from '../../core/dialects';
import { emptyCounts, exercise, FUZZ_KINDS, HANG_MS, junkIn, LANGUAGE_IDS, mutate, rng, ROOT, seedFiles, type FuzzCounts, type FuzzKind } from './lib';
import { SERVER, TestClient } from '../lsp/client';

interface Args {
  n: number;
  serverN: number;
  minutes: number;
  seed: number;
  fixEvery: number;
  kinds: FuzzKind[];
  part: 'both' | 'core' | 'server';
}

function parseArgs(argv: string[]): Args {
  const get = (k: string): string | undefined => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(get('n') ?? 100_000);
  return {
    n,
    serverN: Number(get('server-n') ?? n),
    minutes: Number(get('minutes') ?? 30),
    seed: Number(get('seed') ?? 1),
    fixEvery: Math.max(1, Number(get('fix-every') ?? 10)),
    kinds: (get('kinds')?.split(',') as FuzzKind[] | undefined) ?? [...FUZZ_KINDS],
    part: (get('part') as Args['part'] | undefined) ?? 'both',
  };
}

const seedOf = (base: number, kind: FuzzKind): number => base * 7919 + FUZZ_KINDS.indexOf(kind) * 104729;

async function runCore(a: Args, deadline: number): Promise<Record<string, FuzzCounts & { stoppedByTime: boolean; ms: number }>> {
  await initDialects({
    runtimeWasm: readFileSync(join(ROOT, 'node_modules/web-tree-sitter/web-tree-sitter.wasm')),
    grammarWasm: readFileSync(join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm')),
  });
  const seeds = seedFiles();
  const out: Record<string, FuzzCounts & { stoppedByTime: boolean; ms: number }> = {};
  for (let k = 0; k < a.kinds.length; k++) {
    const kind = a.kinds[k]!;
    const t0 = Date.now();
    const until = t0 + (deadline - t0) / (a.kinds.length - k);
    const r = rng(seedOf(a.seed, kind));
    const c = emptyCounts();
    let stoppedByTime = false;
    for (let i = 0; i < a.n; i++) {
      if (i % 64 === 0 && Date.now() > until) {
        stoppedByTime = true;
        break;
      }
      const fix = i % a.fixEvery === 0;
      exercise(kind, mutate(seeds[kind], r), c, { maxFixes: fix ? 3 : 0, fixAll: fix && i % (a.fixEvery * 5) === 0 });
    }
    out[kind] = { ...c, stoppedByTime, ms: Date.now() - t0 };
    report('core', kind, out[kind]!);
  }
  return out;
}

const SERVER_HANG_MS = 30_000;

interface ServerCounts {
  inputs: number;
  hangs: number;
  /** Diagnostics later than HANG_MS of wall time (a busy machine delays them too). */
  slowWall: number;
  junk: number;
  slowestMs: number;
  hovers: number;
  codeActions: number;
  alive: boolean;
  stoppedByTime: boolean;
  ms: number;
  examples: string[];
}

async function runServer(a: Args, deadline: number): Promise<Record<string, ServerCounts>> {
  if (!existsSync(SERVER)) throw new Error('dist/server.js is missing: run npm run build');
  const seeds = seedFiles();
  const out: Record<string, ServerCounts> = {};
  const c = new TestClient({ ROPELENS_DEBOUNCE_MS: '0' });
  await c.initialize('file:///fuzz');
  try {
    for (let k = 0; k < a.kinds.length; k++) {
      const kind = a.kinds[k]!;
      const t0 = Date.now();
      const until = t0 + (deadline - t0) / (a.kinds.length - k);
      const r = rng(seedOf(a.seed, kind) + 1);
      const s: ServerCounts = { inputs: 0, hangs: 0, slowWall: 0, junk: 0, slowestMs: 0, hovers: 0, codeActions: 0, alive: true, stoppedByTime: false, ms: 0, examples: [] };
      const uri = `file:///fuzz/${kind}/${kind === 'dockerfile' ? 'Dockerfile' : kind === 'makefile' ? 'Makefile' : `x.${{ json: 'json', python: 'py', yaml: 'yaml', shell: 'sh' }[kind as 'json']}`}`;
      const note = (w: string, text: string): void => {
        if (s.examples.length < 20 && (!w.startsWith('diagnostics after') || s.examples.length < 5)) s.examples.push(`${w} :: ${JSON.stringify(text.slice(0, 200))}`);
      };
      await c.open(uri, seeds[kind][0]!, LANGUAGE_IDS[kind]);
      for (let i = 0; i < a.serverN; i++) {
        if (Date.now() > until) {
          s.stoppedByTime = true;
          break;
        }
        const text = mutate(seeds[kind], r);
        const t1 = performance.now();
        const version = await c.change(uri, text);
        s.inputs++;
        try {
          // Wall time here (the server is another process): past 2 s is counted slow, past 30 s a hang.
          const d = await c.diagnostics(uri, (p) => p.version === version, SERVER_HANG_MS);
          const wall = performance.now() - t1;
          if (wall > HANG_MS) { s.slowWall++; note(`diagnostics after ${wall.toFixed(0)} ms`, text); }
          for (const x of d.diagnostics) {
            const j = junkIn(typeof x.message === 'string' ? x.message : x.message.value, text);
            if (j) { s.junk++; note(`junk "${j}": ${x.message}`, text); }
          }
          if (i % 10 === 0) {
            const line = Math.floor(r() * Math.max(1, text.split('\n').length));
            const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 2 } })) as Hover | null;
            s.hovers++;
            const md = h && typeof h.contents === 'object' && 'value' in h.contents ? String((h.contents as { value: unknown }).value) : '';
            const j = junkIn(md, text);
            if (j) { s.junk++; note(`junk "${j}" in hover`, text); }
            if (d.diagnostics[0]) {
              await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.diagnostics[0].range, context: { diagnostics: [d.diagnostics[0]] } });
              s.codeActions++;
            }
          }
        } catch {
          s.hangs++;
          note(`no diagnostics within ${SERVER_HANG_MS} ms`, text);
        }
        s.slowestMs = Math.max(s.slowestMs, performance.now() - t1);
      }
      s.alive = c.proc.exitCode === null;
      s.ms = Date.now() - t0;
      out[kind] = s;
      report('server', kind, s);
      if (!s.alive) break;
    }
  } finally {
    await c.shutdown();
  }
  return out;
}

function report(part: string, kind: string, c: { examples: string[] }): void {
  const { examples, ...rest } = c;
  console.log(`${part} ${kind}: ${JSON.stringify(rest)}`);
  for (const e of examples) console.log(`    ${e.slice(0, 500)}`);
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const deadline = Date.now() + a.minutes * 60_000;
  console.log(`fuzz: ${a.kinds.join(', ')}; up to ${a.n} core and ${a.serverN} server inputs per dialect; ${a.minutes} min; seed ${a.seed}`);
  let bad = 0;
  if (a.part === 'server') {
    const s = await runServer(a, deadline);
    for (const v of Object.values(s)) bad += v.hangs + v.junk + (v.alive ? 0 : 1);
  } else {
    // The server part in its own process, beside the core part (the core loop keeps this event loop busy).
    const child = a.part === 'both'
      ? spawn(process.execPath, ['--import', 'tsx', __filename, ...process.argv.slice(2).filter((x, i, l) => x !== '--part' && l[i - 1] !== '--part'), '--part', 'server', '--minutes', String(a.minutes)], { stdio: ['ignore', 'inherit', 'inherit'] })
      : undefined;
    const childDone = child ? new Promise<number>((res) => child.on('exit', (code) => res(code ?? 1))) : Promise.resolve(0);
    const core = await runCore(a, deadline);
    for (const v of Object.values(core)) bad += v.crashes + v.hangs + v.junk;
    const totals = Object.values(core).reduce((t, v) => ({ inputs: t.inputs + v.inputs, applied: t.applied + v.fixesApplied, removed: t.removed + v.fixRemoved, notRemoved: t.notRemoved + v.fixNotRemoved, newError: t.newError + v.fixNewError, revealed: t.revealed + v.fixNewErrorRevealed, fixAll: t.fixAll + v.fixAllRuns, over3: t.over3 + v.fixAllOver3Rounds }), { inputs: 0, applied: 0, removed: 0, notRemoved: 0, newError: 0, revealed: 0, fixAll: 0, over3: 0 });
    console.log(`core totals: ${JSON.stringify(totals)}`);
    if ((await childDone) !== 0) bad++;
  }
  console.log(`fuzz (${a.part === 'server' ? 'server' : 'core'}): ${bad ? `${bad} problem(s)` : 'no crash, hang or junk message'}`);
  process.exitCode = bad ? 1 : 0;
}

void main();

// Batched forward passes (issue 12, item 2): does running B prompts of one length in one pass raise throughput on
// onnxruntime-web wasm, 1 thread? Needs the shipped model re-exported with a batch axis:
//   python3 training/export_batched.py /tmp/ropelens-batched.onnx
//   ROPELENS_BATCHED_MODEL=/tmp/ropelens-batched.onnx npm run bench -- batch
// Prints tokens per CPU-second per (T, B) (median of the rounds; B alternates within each round so a busy machine
// slows all alike), the batched graph at B = 1 against the shipped graph, and the parity checks: B = 1 against
// media/model/reference.json and every row of a B = 8 pass against the same prompt alone (max |logit diff|).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { findModelDir, loadPreviewAssets, MODEL_FILE } from '../../host/ort-node';
import { cosSin, MINI_MODEL, tablesFor } from '../../core/preview/tables';
import type { BenchRow } from './run';

const LENGTHS = [128, 256, 512, 1024, 2048];
const BATCHES = [1, 2, 4, 8];

interface Tensor {
  data: unknown;
  dims: readonly number[];
}
interface Session {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}
interface Ort {
  Tensor: new (type: string, data: unknown, dims: number[]) => Tensor;
  InferenceSession: { create(model: Uint8Array, o: Record<string, unknown>): Promise<Session> };
  env: { wasm: { numThreads: number; wasmPaths?: string }; logLevel?: string };
}

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function run(): Promise<BenchRow[]> {
  const file = process.env['ROPELENS_BATCHED_MODEL'];
  if (!file || !existsSync(file)) {
    return [{ name: 'batch (skipped: no batched model)', value: NaN, unit: '', note: 'python3 training/export_batched.py /tmp/ropelens-batched.onnx; ROPELENS_BATCHED_MODEL=/tmp/ropelens-batched.onnx npm run bench -- batch' }];
  }
  const load = loadavg()[0]!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-web') as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const dist = join(__dirname, '..', '..', 'node_modules', 'onnxruntime-web', 'dist');
  if (existsSync(join(dist, 'ort-wasm-simd-threaded.wasm'))) ort.env.wasm.wasmPaths = dist + '/';
  const opts = { graphOptimizationLevel: 'all', executionProviders: ['wasm'] };
  const batched = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), opts);
  const shipped = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(findModelDir(), MODEL_FILE))), opts);
  const text = loadPreviewAssets().evalText;
  const none = tablesFor({ params: {} }, MINI_MODEL);
  const tables = new Map(LENGTHS.map((T) => [T, cosSin(none.invFreq, T)]));
  /** B prompts of T bytes (prompt b starts at byte b·T of the eval text). */
  const feeds = (T: number, B: number, cos?: Float32Array, sin?: Float32Array, ids?: number[]) => {
    const t = tables.get(T);
    const src = ids ?? Array.from(text.subarray(0, B * T));
    const n = ids ? ids.length / B : T;
    return {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(src, (x) => BigInt(x)), [B, n]),
      cos: new ort.Tensor('float32', cos ?? t!.cos, [n, 16]),
      sin: new ort.Tensor('float32', sin ?? t!.sin, [n, 16]),
      attention_factor: new ort.Tensor('float32', Float32Array.of(1), []),
    };
  };
  const timed = async (s: Session, T: number, B: number): Promise<number> => {
    const f = feeds(T, B);
    const c = process.cpuUsage();
    await s.run(f);
    return cpuMs(process.cpuUsage(c));
  };
  const rows: BenchRow[] = [];

  // Parity first: B = 1 against reference.json, and each row of a B = 8 pass against its prompt alone.
  const ref = JSON.parse(readFileSync(join(findModelDir(), 'reference.json'), 'utf8')) as {
    cases: Array<{ name: string; input_ids: number[]; cos: number[]; sin: number[]; attention_factor: number; logit_rows: number[]; logits: number[][] }>;
  };
  let worstRef = 0;
  for (const c of ref.cases) {
    const T = c.input_ids.length;
    const f = feeds(T, 1, Float32Array.from(c.cos), Float32Array.from(c.sin), c.input_ids);
    f.attention_factor = new ort.Tensor('float32', Float32Array.of(c.attention_factor), []);
    const out = (await batched.run(f))['logits']!.data as Float32Array;
    c.logit_rows.forEach((r, i) => c.logits[i]!.forEach((v, k) => (worstRef = Math.max(worstRef, Math.abs(out[r * 256 + k]! - v)))));
  }
  rows.push({ name: 'parity: batched graph B=1 vs reference.json', value: worstRef, unit: 'max|Δ|', note: `${ref.cases.length} cases; must be < 1e-4` });
  let worstRow = 0;
  for (const T of [128, 512]) {
    const all = (await batched.run(feeds(T, 8)))['logits']!.data as Float32Array;
    for (let b = 0; b < 8; b++) {
      const one = (await shipped.run(feeds(T, 1, undefined, undefined, Array.from(text.subarray(b * T, (b + 1) * T)))))['logits']!.data as Float32Array;
      for (let i = 0; i < one.length; i++) worstRow = Math.max(worstRow, Math.abs(all[b * T * 256 + i]! - one[i]!));
    }
  }
  rows.push({ name: 'parity: B=8 rows vs each prompt on the shipped graph', value: worstRow, unit: 'max|Δ|', note: 'T = 128 and 512; must be < 1e-4' });

  // Warm-up (tier-up): every (T, B) once, shipped B = 1 too.
  for (const T of LENGTHS) {
    for (const B of BATCHES) await timed(batched, T, B);
    await timed(shipped, T, 1);
  }
  const cpu = new Map<string, number[]>();
  const rounds = (T: number): number => (T <= 512 ? 5 : 3);
  for (let r = 0; r < 5; r++) {
    for (const T of LENGTHS) {
      if (r >= rounds(T)) continue;
      const order = r % 2 ? [...BATCHES].reverse() : BATCHES;
      for (const B of order) (cpu.get(`${T}/${B}`) ?? cpu.set(`${T}/${B}`, []).get(`${T}/${B}`)!).push(await timed(batched, T, B));
      (cpu.get(`${T}/shipped`) ?? cpu.set(`${T}/shipped`, []).get(`${T}/shipped`)!).push(await timed(shipped, T, 1));
    }
  }
  for (const T of LENGTHS) {
    const one = median(cpu.get(`${T}/1`)!);
    for (const B of BATCHES) {
      const ms = median(cpu.get(`${T}/${B}`)!);
      const tps = (B * T * 1000) / ms;
      rows.push({ name: `T=${T} B=${B}`, value: tps, unit: 'tok/s', note: `CPU ${ms.toFixed(1)} ms per pass (median of ${rounds(T)}); ${((one * B) / ms).toFixed(2)}× B=1's throughput` });
    }
    const sh = median(cpu.get(`${T}/shipped`)!);
    rows.push({ name: `T=${T} shipped graph B=1`, value: (T * 1000) / sh, unit: 'tok/s', note: `CPU ${sh.toFixed(1)} ms; batched graph at B=1 ${(one / sh).toFixed(2)}× its time` });
  }
  rows.push({ name: 'load average (1 min) at start', value: load, unit: '', note: 'CPU times; B alternates within each round' });
  await batched.release();
  await shipped.release();
  return rows;
}

// One runtime binary or two (issue 12): the WASM path of onnxruntime-web's WebGPU-capable (asyncify) build against
// the plain build, in headless Chromium (Debian's, through playwright-core as test/browser does), same model, same
// inputs. Both builds are loaded in one page and their runs alternate, so a busy machine slows both alike.
// Where the page has a WebGPU adapter (headless Chromium with --enable-unsafe-webgpu: SwiftShader, which renders on
// the CPU), the asyncify build's WebGPU session runs in the same rounds (wall time: its work is in the GPU process).
// `npm run bench -- ortbuild`.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { launch } from '../browser/harness';
import type { BenchRow } from './run';

const ROOT = join(__dirname, '..', '..');
const LENGTHS = [128, 512, 2048];
const ROUNDS = 7;
// SwiftShader runs the WebGPU path on the CPU in the GPU process; at T = 2048 the page's browser was lost on a
// loaded 2-core machine, so WebGPU is timed up to this length.
const GPU_MAX_T = 512;
const BATCH: Record<number, number> = { 128: 10, 512: 4, 2048: 1 };

/** utime + stime (ms) of the Chromium renderer processes below `root` in the process tree (Linux /proc). */
function rendererCpuMs(root: number): number {
  const procs = new Map<number, { ppid: number; ticks: number; renderer: boolean }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const renderer = readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--type=renderer');
      procs.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), renderer });
    } catch {
      // exited meanwhile
    }
  }
  let ticks = 0;
  for (const [pid, p] of procs) {
    if (!p.renderer) continue;
    for (let q = procs.get(pid)?.ppid; q !== undefined && q > 1; q = procs.get(q)?.ppid) if (q === root) ticks += p.ticks;
  }
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
const LENGTHS = ${JSON.stringify(LENGTHS)}, ROUNDS = ${ROUNDS}, GPU_MAX_T = ${GPU_MAX_T};
async function load(file, wasm) {
  const ort = await import(file);
  ort.env.wasm.numThreads = 1; ort.env.wasm.proxy = false; ort.env.logLevel = 'error';
  ort.env.wasm.wasmPaths = { wasm: new URL('/ort/' + wasm, location.href).href };
  return ort;
}
window.setup = async () => {
  const model = new Uint8Array(await (await fetch('/model/ropelens-mini.onnx')).arrayBuffer());
  const text = new Uint8Array(await (await fetch('/model/eval.txt')).arrayBuffer());
  const builds = {
    plain: await load('/ort/ort.wasm.min.mjs', 'ort-wasm-simd-threaded.wasm'),
    asyncify: await load('/ort/ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'),
  };
  const out = {};
  const sessions = {};
  for (const [name, ort] of Object.entries(builds)) {
    const t0 = performance.now();
    sessions[name] = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    out[name + 'SessionMs'] = performance.now() - t0;
  }
  // WebGPU on the asyncify build, when the page has an adapter (headless Chromium: SwiftShader, a CPU renderer).
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  if (adapter) {
    const info = adapter.info ?? {};
    out.adapter = [info.vendor, info.architecture].filter(Boolean).join(' ') + ((info.isFallbackAdapter ?? adapter.isFallbackAdapter) ? ' (fallback adapter)' : '');
    const t0 = performance.now();
    try {
      sessions.webgpu = await builds.asyncify.InferenceSession.create(model, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
      builds.webgpu = builds.asyncify;
      out.webgpuSessionMs = performance.now() - t0;
    } catch (e) { out.webgpuError = String(e); }
  }
  const feeds = (ort, T) => {
    const cos = new Float32Array(T * 16), sin = new Float32Array(T * 16);
    for (let t = 0; t < T; t++) for (let j = 0; j < 16; j++) { const a = t * Math.pow(10000, -j / 16); cos[t * 16 + j] = Math.cos(a); sin[t * 16 + j] = Math.sin(a); }
    return {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(text.subarray(0, T), (b) => BigInt(b)), [1, T]),
      cos: new ort.Tensor('float32', cos, [T, 16]), sin: new ort.Tensor('float32', sin, [T, 16]),
      attention_factor: new ort.Tensor('float32', Float32Array.of(1), []),
    };
  };
  window.runOnce = async (name, T) => { const t0 = performance.now(); const o = await sessions[name].run(feeds(builds[name], T)); await o.logits.getData(); return performance.now() - t0; };
  // Warm-up: tier-up of both modules (10 short runs, then 2 rounds over every length).
  for (const name of Object.keys(sessions)) { for (let i = 0; i < 10; i++) await runOnce(name, 128); for (let r = 0; r < 2; r++) for (const T of LENGTHS) if (name !== 'webgpu' || T <= GPU_MAX_T) await runOnce(name, T); }
  out.names = Object.keys(sessions);
  return out;
};
</script>`;

const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.txt': 'text/plain' };

export async function run(): Promise<BenchRow[]> {
  const dirs: Record<string, string> = { ort: join(ROOT, 'node_modules/onnxruntime-web/dist'), model: join(ROOT, 'media/model') };
  const server = createServer((req, res) => {
    const [, top, ...rest] = (req.url ?? '/').split('?')[0]!.split('/');
    if (!top) return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const dir = dirs[top];
    const file = dir ? normalize(join(dir, ...rest)) : '';
    try {
      if (!dir || !file.startsWith(dir)) throw new Error('outside');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await launch(['--enable-unsafe-webgpu']);
  try {
    const page = await browser.ctx.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    type W = { setup?: () => Promise<unknown>; runOnce: (name: string, T: number) => Promise<number> };
    await page.waitForFunction(() => typeof (window as unknown as W).setup === 'function');
    const r = (await page.evaluate(() => (window as unknown as W).setup!())) as Record<string, number> & { names: string[]; adapter?: string; webgpuError?: string };
    // CPU time of this browser's renderer processes (all their threads, background compilation included) per run:
    // a busy machine's waits do not count. /proc ticks are 10 ms, so short lengths run in batches.
    const cpu = (): number => rendererCpuMs(process.pid);
    const times: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const T of LENGTHS) {
        const k = BATCH[T]!;
        for (const name of round % 2 ? [...r.names].reverse() : r.names) {
          if (name === 'webgpu' && T > GPU_MAX_T) continue;
          const c0 = cpu();
          const wall = await page.evaluate(async ([n, t, k]) => { let w = 0; for (let i = 0; i < k; i++) w += await (window as unknown as W).runOnce(n, t); return w; }, [name, T, k] as const);
          (times[`${name}${T}`] ??= []).push((cpu() - c0) / k);
          (times[`${name}Wall${T}`] ??= []).push(wall / k);
        }
      }
    }
    for (const [k, v] of Object.entries(times)) {
      v.sort((a, b) => a - b);
      Object.assign(r, { [k]: v[v.length >> 1]!, [`${k}Min`]: v[0]!, [`${k}Max`]: v[v.length - 1]! });
    }
    const rows: BenchRow[] = [];
    for (const T of LENGTHS) {
      const range = (k: string): string => `[${r[`${k}${T}Min`]!.toFixed(1)}–${r[`${k}${T}Max`]!.toFixed(1)}]`;
      rows.push({ name: `chromium wasm T=${T} plain build`, value: r[`plain${T}`]!, unit: 'ms CPU', note: `renderer CPU per run, median of ${ROUNDS} ${range('plain')}` });
      rows.push({ name: `chromium wasm T=${T} asyncify build`, value: r[`asyncify${T}`]!, unit: 'ms CPU', note: `renderer CPU per run, median of ${ROUNDS} ${range('asyncify')}` });
      rows.push({ name: `chromium wasm T=${T} asyncify/plain`, value: r[`asyncify${T}`]! / r[`plain${T}`]!, unit: '×', note: 'one binary if ≤ 1.10' });
    }
    if (r.names.includes('webgpu')) {
      for (const T of LENGTHS.filter((t) => t <= GPU_MAX_T)) {
        const range = `[${r[`webgpuWall${T}Min`]!.toFixed(1)}–${r[`webgpuWall${T}Max`]!.toFixed(1)}]`;
        rows.push({ name: `chromium webgpu T=${T} (${r.adapter})`, value: r[`webgpuWall${T}`]!, unit: 'ms', note: `wall per run incl. reading the logits back, median of ${ROUNDS} ${range}; plain wasm wall ${r[`plainWall${T}`]!.toFixed(1)} ms: ${(r[`webgpuWall${T}`]! / r[`plainWall${T}`]!).toFixed(2)}×` });
      }
      rows.push({ name: 'chromium session create, webgpu', value: r['webgpuSessionMs']!, unit: 'ms', note: 'wall; created third' });
    } else rows.push({ name: 'chromium webgpu', value: NaN, unit: '', note: r.webgpuError ? `session failed: ${r.webgpuError}` : 'no WebGPU adapter in this Chromium' });
    rows.push({ name: 'chromium session create, plain', value: r['plainSessionMs']!, unit: 'ms', note: 'wall; created first' });
    rows.push({ name: 'chromium session create, asyncify', value: r['asyncifySessionMs']!, unit: 'ms', note: 'wall; created second, while the plain module may still tier up' });
    return rows;
  } finally {
    await browser.close();
    server.close();
  }
}

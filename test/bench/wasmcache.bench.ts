// Does Chromium's WebAssembly code cache spare a reopened preview the compile and tier-up of onnxruntime-web's .wasm
// (issue 12, item 4)? In headless Chromium (Debian's), one persistent profile per mode, the same page opened twice:
// onnxruntime-web (plain build) loads its .wasm with WebAssembly.instantiateStreaming(fetch(url)), creates the
// mini-model's session and runs 3 passes at T = 128 (a run's first cell); on the first open it then keeps running
// passes for a few seconds (tier-up) and idles, so a cache entry can be written; the page is closed and opened
// twice more (the second open tiers up and idles too).
// Modes:
//   none — no cache headers (the test harness's server): the baseline, nothing can be cached.
//   sw   — a service worker that serves the .wasm as VS Code's webview service worker does
//          (src/vs/workbench/contrib/webview/browser/pre/service-worker.js: the first response is put into Cache
//          Storage, later ones are the cached response's clone), with the ETag and Cache-Control: no-cache it sets.
//   http — ETag + Cache-Control: no-cache over HTTP (a 304 revalidation serves the HTTP cache's copy).
// `npm run bench -- wasmcache`. Figures are wall ms in the page (load noted), reopened/first as ratios.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createHash } from 'node:crypto';
import { extname, join, normalize } from 'node:path';
import { CHROMIUM, launch } from '../browser/harness';
import type { BenchRow } from './run';

const ROOT = join(__dirname, '..', '..');
const TIER_UP_MS = 6000;
const IDLE_MS = 4000;

const SW = `
const CACHE = 'vscode-resource-cache-emulated';
self.addEventListener('install', (e) => e.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!url.pathname.startsWith('/ort/') || event.request.method !== 'GET') return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(event.request);
    if (cached) return cached.clone();
    const net = await fetch(event.request, { cache: 'no-store' });
    const body = new Uint8Array(await net.arrayBuffer());
    const response = new Response(body, { status: 200, headers: { 'Content-Type': net.headers.get('content-type'), 'Content-Length': String(body.byteLength), ETag: net.headers.get('etag') ?? 'x', 'Cache-Control': 'no-cache' } });
    await cache.put(event.request, response.clone());
    return response;
  })());
});`;

const PAGE = (mode: string) => `<!doctype html><meta charset="utf-8"><script type="module">
const mode = ${JSON.stringify(mode)};
window.measure = async (first) => {
  const t0 = performance.now();
  const ort = await import('/ort/ort.wasm.min.mjs');
  ort.env.wasm.numThreads = 1; ort.env.wasm.proxy = false; ort.env.logLevel = 'error';
  ort.env.wasm.wasmPaths = { wasm: new URL('/ort/ort-wasm-simd-threaded.wasm', location.href).href };
  const model = new Uint8Array(await (await fetch('/model/ropelens-mini.onnx')).arrayBuffer());
  const text = new Uint8Array(await (await fetch('/model/eval.txt')).arrayBuffer());
  const t1 = performance.now();
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const t2 = performance.now();
  const feeds = (T) => {
    const cos = new Float32Array(T * 16), sin = new Float32Array(T * 16);
    for (let t = 0; t < T; t++) for (let j = 0; j < 16; j++) { const a = t * Math.pow(10000, -j / 16); cos[t * 16 + j] = Math.cos(a); sin[t * 16 + j] = Math.sin(a); }
    return { input_ids: new ort.Tensor('int64', BigInt64Array.from(text.subarray(0, T), (b) => BigInt(b)), [1, T]),
      cos: new ort.Tensor('float32', cos, [T, 16]), sin: new ort.Tensor('float32', sin, [T, 16]),
      attention_factor: new ort.Tensor('float32', Float32Array.of(1), []) };
  };
  const f = feeds(128);
  const passes = [];
  for (let i = 0; i < 3; i++) { const p = performance.now(); await session.run(f); passes.push(performance.now() - p); }
  const out = { loadMs: t1 - t0, sessionMs: t2 - t1, first3Ms: passes.reduce((a, b) => a + b, 0), firstMs: passes[0], toFirstCellMs: performance.now() - t0 };
  if (first) {
    const end = performance.now() + ${TIER_UP_MS};
    let n = 0;
    while (performance.now() < end) { await session.run(n % 4 === 3 ? feeds(512) : f); n++; }
    const p = performance.now(); await session.run(f); out.tieredMs = performance.now() - p; out.tierPasses = n;
    await new Promise((r) => setTimeout(r, ${IDLE_MS}));
  }
  return out;
};
window.ready = mode !== 'sw' ? Promise.resolve() : navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then(() => new Promise((r) => navigator.serviceWorker.controller ? r() : navigator.serviceWorker.addEventListener('controllerchange', r)));
</script>`;

const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.txt': 'text/plain' };

async function measureMode(mode: 'none' | 'sw' | 'http'): Promise<Record<string, number>> {
  const dirs: Record<string, string> = { ort: join(ROOT, 'node_modules/onnxruntime-web/dist'), model: join(ROOT, 'media/model') };
  let wasmRequests = 0;
  let notModified = 0;
  const server = createServer((req, res) => {
    const [, top, ...rest] = (req.url ?? '/').split('?')[0]!.split('/');
    if (!top) return void res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(PAGE(mode));
    if (top === 'sw.js') return void res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(SW);
    const dir = dirs[top];
    const file = dir ? normalize(join(dir, ...rest)) : '';
    try {
      if (!dir || !file.startsWith(dir)) throw new Error('outside');
      const body = readFileSync(file);
      if (file.endsWith('.wasm')) wasmRequests++;
      const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (mode !== 'none') {
        const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
        headers['etag'] = etag;
        headers['cache-control'] = 'no-cache';
        if (req.headers['if-none-match'] === etag) {
          notModified++;
          return void res.writeHead(304, headers).end();
        }
      } else headers['cache-control'] = 'no-store';
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await launch();
  type W = { ready: Promise<void>; measure: (first: boolean) => Promise<Record<string, number>> };
  const open = async (first: boolean): Promise<Record<string, number>> => {
    const page = await browser.ctx.newPage();
    // Chromium's own trace events say whether the code cache was written or hit (v8.wasm.cachedModule,
    // v8.wasm.moduleCacheHit; third_party/blink/renderer/bindings/core/v8/v8_wasm_response_extensions.cc).
    const cdp = await browser.ctx.newCDPSession(page);
    const seen: Record<string, number> = {};
    cdp.on('Tracing.dataCollected', (e: { value: Array<{ name?: string }> }) => {
      for (const ev of e.value) if (ev.name?.startsWith('v8.wasm.')) seen[ev.name] = (seen[ev.name] ?? 0) + 1;
    });
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    await page.goto(url);
    await page.waitForFunction(() => typeof (window as unknown as W).measure === 'function');
    await page.evaluate(() => (window as unknown as W).ready);
    // A first visit registers the worker; it controls pages from the next load on (as VS Code's does).
    if (first && mode === 'sw') await page.reload();
    await page.waitForFunction(() => typeof (window as unknown as W).measure === 'function');
    const r = await page.evaluate((f) => (window as unknown as W).measure(f), first);
    await cdp.send('Tracing.end');
    await done;
    await page.close();
    return { ...r, cacheWrites: seen['v8.wasm.cachedModule'] ?? 0, cacheHits: seen['v8.wasm.moduleCacheHit'] ?? 0, streamed: seen['v8.wasm.streamFromResponseCallback'] ?? 0 };
  };
  try {
    const a = await open(true);
    // The second open tiers up and idles too: under the service worker it is the first open served from Cache
    // Storage, whose code cache entry is kept apart from the HTTP-keyed one the first open wrote.
    const b = await open(true);
    const c = await open(false);
    const out: Record<string, number> = { wasmRequests, notModified };
    for (const [k, v] of Object.entries(a)) out[`first.${k}`] = v;
    for (const [k, v] of Object.entries(b)) out[`second.${k}`] = v;
    for (const [k, v] of Object.entries(c)) out[`reopen.${k}`] = v;
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  if (!CHROMIUM) return [{ name: 'wasmcache (skipped: no chromium)', value: NaN, unit: '' }];
  const rows: BenchRow[] = [];
  const load = loadavg()[0]!;
  for (const mode of ['none', 'sw', 'http'] as const) {
    const r = await measureMode(mode);
    const line = (k: string, what: string): void => {
      rows.push({ name: `${mode}: ${what}, first open`, value: r[`first.${k}`]!, unit: 'ms', note: '' });
      rows.push({ name: `${mode}: ${what}, third open`, value: r[`reopen.${k}`]!, unit: 'ms', note: `${(r[`reopen.${k}`]! / r[`first.${k}`]!).toFixed(2)}× the first open` });
    };
    line('sessionMs', 'session create (incl. .wasm compile)');
    line('first3Ms', '3 passes at T=128');
    line('toFirstCellMs', 'import → session → 3 passes');
    rows.push({ name: `${mode}: code cache hits on opens 2 and 3`, value: r['second.cacheHits']! + r['reopen.cacheHits']!, unit: '', note: `trace events: writes ${r['first.cacheWrites']}/${r['second.cacheWrites']}/${r['reopen.cacheWrites']}, hits ${r['first.cacheHits']}/${r['second.cacheHits']}/${r['reopen.cacheHits']} on opens 1/2/3; import → 3 passes on open 2: ${r['second.toFirstCellMs']!.toFixed(0)} ms` });
    rows.push({ name: `${mode}: T=128 pass after ${TIER_UP_MS / 1000} s of passes`, value: r['first.tieredMs']!, unit: 'ms', note: `${r['first.tierPasses']} passes; .wasm requests ${r['wasmRequests']}, 304s ${r['notModified']}` });
  }
  rows.push({ name: 'load average (1 min) at start', value: load, unit: '', note: 'wall times; compare within a mode' });
  return rows;
}

// Test harness for the preview webview: builds the bundles when stale, serves the BUILT page on 127.0.0.1
// (the same buildHtml shell, CSP included) with a stub acquireVsCodeApi, and launches Debian's Chromium
// through playwright-core with the flags from shared/prototypes/vscode-e2e/REPORT.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildHtml, makeNonce } from '../../client/src/webview/html';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `node esbuild.mjs` when dist/media/webview.js is older than its sources. */
export function ensureBuilt(): void {
  const out = join(ROOT, 'dist/media/webview.js');
  const src = Math.max(newest(join(ROOT, 'media/src')), newest(join(ROOT, 'core')), statSync(join(ROOT, 'esbuild.mjs')).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= src && existsSync(join(ROOT, 'dist/media/ort/ort-wasm-simd-threaded.wasm'))) return;
  try {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Another bundle (server, CLI) failing aborts the whole script; build the webview's alone, as esbuild.mjs does.
    execFileSync(
      process.execPath,
      ['-e', `require('esbuild').buildSync({ entryPoints: ['media/src/main.ts'], outfile: 'dist/media/webview.js', bundle: true, sourcemap: true,
        platform: 'browser', format: 'esm', target: 'chrome120', logLevel: 'warning', legalComments: 'none',
        define: { 'process.env.NODE_ENV': '"development"' } })`],
      { cwd: ROOT, stdio: 'inherit' },
    );
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.onnx': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml',
};

// The stub VS Code webview API: records what the page posts, keeps state in sessionStorage (survives reload).
const STUB = `
window.__posted = [];
window.acquireVsCodeApi = (() => {
  let acquired = false;
  return () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => { const s = sessionStorage.getItem('vscode-state'); return s ? JSON.parse(s) : undefined; },
      setState: (s) => { sessionStorage.setItem('vscode-state', JSON.stringify(s)); return s; },
    };
  };
})();
`;

export interface PageOptions {
  model?: 'ok' | 'missing' | 'corrupt';
  backend?: 'auto' | 'webgpu' | 'wasm';
  /** Boot the view with this ropelens.preview.budgetSeconds. */
  budget?: number;
  /** Reference measurements: the file beside the model (default), the one set with setReference, or none (404). */
  reference?: 'shipped' | 'test' | 'none';
}

export interface Harness {
  origin: string;
  url(o?: PageOptions): string;
  /** The body served as the reference file for pages opened with reference: 'test'. */
  setReference(json: string): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<Harness> {
  let origin = '';
  let testReference = '';
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', origin);
    if (u.pathname === '/' || u.pathname === '/index.html') {
      const model = u.searchParams.get('model') ?? 'ok';
      const nonce = makeNonce();
      let html = buildHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/media/webview.js`,
        styleUris: [`${origin}/test/browser/theme-dark.css`, `${origin}/dist/media/webview.css`],
        ortBaseUri: `${origin}/dist/media/ort/`,
        modelUri: model === 'missing' ? `${origin}/media/model/nope.onnx` : model === 'corrupt' ? `${origin}/corrupt.onnx` : `${origin}/media/model/ropelens-mini.onnx`,
        evalUri: `${origin}/media/model/eval.txt`,
        needlesUri: `${origin}/media/model/needles.json`,
        referenceUri: {
          shipped: `${origin}/media/model/preview-reference.json`,
          test: `${origin}/test-reference.json`,
          none: `${origin}/missing/preview-reference.json`,
        }[u.searchParams.get('reference') ?? 'shipped'] ?? `${origin}/media/model/preview-reference.json`,
        // ?budget=N boots the view as ropelens.preview.budgetSeconds = N would (the product default is 16).
        boot: { backend: u.searchParams.get('backend') ?? 'auto', ...(u.searchParams.has('budget') ? { budget: Number(u.searchParams.get('budget')) } : {}) },
      });
      // VS Code adds the theme class to <body>; the stub must run before the module script.
      html = html.replace('<body>', '<body class="vscode-dark">').replace('<script type="module"', `<script nonce="${nonce}" src="${origin}/stub.js"></script>\n    <script type="module"`);
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(html);
      return;
    }
    if (u.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'] });
      res.end(STUB);
      return;
    }
    if (u.pathname === '/test-reference.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] });
      res.end(testReference);
      return;
    }
    if (u.pathname === '/corrupt.onnx') {
      res.writeHead(200, { 'content-type': TYPES['.onnx'] });
      res.end(Buffer.from('this is not an onnx model '.repeat(40)));
      return;
    }
    const rel = decodeURIComponent(u.pathname).replace(/^\/+/, '');
    const file = resolve(ROOT, rel);
    const allowed = ['dist/media/', 'media/', 'test/browser/'].some((p) => file.startsWith(join(ROOT, p)));
    if (!allowed || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${addr.port}`;
  return {
    origin,
    url: (o = {}) =>
      `${origin}/?model=${o.model ?? 'ok'}&backend=${o.backend ?? 'wasm'}${o.budget !== undefined ? `&budget=${o.budget}` : ''}&reference=${o.reference ?? 'shipped'}`,
    setReference: (json) => void (testReference = json),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface Browser {
  ctx: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a 420 px wide viewport unless `width` says otherwise (the sidebar's default is about 280 px). */
export async function launch(extra: string[] = [], width = 420): Promise<Browser> {
  if (!CHROMIUM) throw new Error('Chromium not found: install it with `apt-get install -y chromium`.');
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extra],
    viewport: { width, height: 1400 },
  });
  return {
    ctx,
    close: async () => {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Page errors and CSP violations: any of them fails a test. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A missing reference file is a supported state (every cell is measured live), not an error of the page.
    if (m.type() === 'error' && !/favicon|preview-reference\.json$/.test(m.location().url ?? '')) errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  return errors;
}

export async function posted(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted);
}

/** Sends a host → webview message, as webview.postMessage does. */
export async function send(page: Page, msg: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

/** Waits for the next `result` message posted after `from` messages, and returns its summary. */
export async function waitResult(page: Page, from: number, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const h = await page.waitForFunction(
    (n) => (window as unknown as { __posted: Array<{ t: string }> }).__posted.slice(n).find((m) => m.t === 'result') ?? null,
    from,
    { timeout: timeoutMs, polling: 100 },
  );
  return ((await h.jsonValue()) as unknown as { summary: Record<string, unknown> }).summary;
}

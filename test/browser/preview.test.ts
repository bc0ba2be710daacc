// The built preview webview in headless Chromium (Debian's chromium via playwright-core), served from 127.0.0.1
// with its real CSP and a stub acquireVsCodeApi: runs, numbers against the Node engine, charts, Cancel, bad
// models, WebGPU (SwiftShader) against WASM, state restore, and the screenshot.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { PreviewEngine } from '../../core/preview/engine';
import { parseNeedles } from '../../core/preview/probes/needle';
import { ortRuntime, type OrtLike } from '../../core/preview/runtime';
import type { PreviewCell, PreviewRequest } from '../../core/preview/types';
import { yoursSpecOf } from '../../media/src/engine';
import { EXAMPLES } from '../../media/src/examples';
import { CHROMIUM, ROOT, ensureBuilt, launch, posted, send, startServer, waitResult, watchErrors, type Browser, type Harness } from './harness';

const skip = CHROMIUM ? false : 'Chromium is not installed (apt-get install -y chromium)';
// Small on purpose: 3 methods × 2 lengths, few samples.
const REQUEST = { methods: ['none', 'yarn', 'yours'], lengths: ['1x', '2x'], needles: 4, evalBytes: 512 } as const;
const EXAMPLE = 'qwen25-yarn';

type Summary = { backend: string; cells: PreviewCell[]; cancelled: boolean; error?: string; fallbackReason?: string; ms: number };

async function nodeCells(): Promise<PreviewCell[]> {
  // The same engine under Node, on onnxruntime-web's node build (same wasm, one thread).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-web') as OrtLike & { env: { wasm: { numThreads: number } } };
  ort.env.wasm.numThreads = 1;
  const m = join(ROOT, 'media/model');
  const engine = new PreviewEngine(ortRuntime(ort, 'node wasm'), {
    model: new Uint8Array(readFileSync(join(m, 'ropelens-mini.onnx'))),
    evalText: new Uint8Array(readFileSync(join(m, 'eval.txt'))),
    needles: parseNeedles(JSON.parse(readFileSync(join(m, 'needles.json'), 'utf8'))),
  });
  const block = EXAMPLES.find((e) => e.id === EXAMPLE)!.block;
  const req: PreviewRequest = { ...REQUEST, methods: [...REQUEST.methods], lengths: [...REQUEST.lengths], yours: yoursSpecOf(block) };
  try {
    return (await engine.run(req)).results;
  } finally {
    await engine.dispose();
  }
}

function relClose(a: number | undefined, b: number | undefined, tol: number, what: string): void {
  assert.equal(typeof a, 'number', `${what}: missing`);
  assert.equal(typeof b, 'number', `${what}: missing`);
  const d = Math.abs(a! - b!) / Math.max(Math.abs(b!), 1e-12);
  assert.ok(d <= tol || Math.abs(a! - b!) <= tol, `${what}: ${a} vs ${b} (rel ${d.toExponential(2)} > ${tol})`);
}

async function open(browser: Browser, srv: Harness, o: Parameters<Harness['url']>[0] = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(srv.url(o));
  await page.waitForSelector('#run');
  return { page, errors };
}

async function runExample(page: Page, extra: Record<string, unknown> = {}): Promise<Summary> {
  await page.selectOption('#source', EXAMPLE);
  const n = (await posted(page)).length;
  await send(page, { t: 'run', request: { ...REQUEST, ...extra } });
  return (await waitResult(page, n, 240_000)) as unknown as Summary;
}

describe('preview webview in Chromium', { skip, timeout: 600_000 }, () => {
  let srv: Harness;
  let browser: Browser;
  let wasm: Summary;
  before(async () => {
    ensureBuilt();
    srv = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('a WASM run fills the table with the Node engine’s numbers, one chart series per method', async () => {
    const { page, errors } = await open(browser, srv, { backend: 'wasm' });
    assert.deepEqual((await posted(page))[0], { t: 'ready' }, 'the view says ready first');
    wasm = await runExample(page);
    assert.equal(wasm.backend, 'wasm');
    assert.equal(wasm.cancelled, false);
    assert.equal(wasm.error, undefined);
    assert.equal(wasm.cells.length, 6);

    const expected = await nodeCells();
    for (const e of expected) {
      const c = wasm.cells.find((x) => x.method === e.method && x.length === e.length);
      assert.ok(c, `cell ${e.method}@${e.length}`);
      relClose(c.perplexity, e.perplexity, 1e-6, `perplexity ${e.method}@${e.length}`);
      relClose(c.needleAccuracy, e.needleAccuracy, 1e-9, `needle ${e.method}@${e.length}`);
      // And the table shows exactly these numbers.
      const td = page.locator(`#table td[data-method="${e.method}"][data-length="${e.length}"]`);
      relClose(Number(await td.getAttribute('data-perplexity')), e.perplexity, 1e-6, `table ppl ${e.method}@${e.length}`);
      relClose(Number(await td.getAttribute('data-needle-accuracy')), e.needleAccuracy, 1e-9, `table needle ${e.method}@${e.length}`);
    }
    assert.equal(await page.locator('#table tbody tr').count(), 3);
    for (const chart of ['#chart-ppl', '#chart-needle']) {
      const ids = await page.locator(`${chart} g.series`).evaluateAll((gs) => gs.map((g) => g.getAttribute('data-series')));
      assert.deepEqual(ids.sort(), ['none', 'yarn', 'yours'], `${chart}: one series per method`);
      assert.equal(await page.locator(`${chart} g.series path.line`).count(), 3, `${chart}: each series has a line`);
    }
    assert.equal(await page.locator('#backend').textContent(), 'WASM');
    assert.match((await page.locator('#elapsed').textContent()) ?? '', /\d/);
    assert.match((await page.locator('#dims .band-summary').textContent()) ?? '', /kept|interpolated|blended/);

    // Hover read-out and keyboard reach.
    await page.locator('#chart-ppl svg').focus();
    await page.keyboard.press('ArrowRight');
    assert.match((await page.locator('#chart-ppl .chart-tip').textContent()) ?? '', /2×/);
    // Legend toggles a series off.
    await page.locator('#chart-ppl .legend-item.series-none').click();
    assert.equal(await page.locator('#chart-ppl g.series[data-series="none"]').count(), 0);
    await page.locator('#chart-ppl .legend-item.series-none').click();

    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/preview.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOT) {
      mkdirSync(join(ROOT, 'media/screenshots'), { recursive: true });
      copyFileSync(join(ROOT, 'test-results/preview.png'), join(ROOT, 'media/screenshots/preview.png'));
    }

    // State survives a reload (getState/setState), and nothing runs on its own.
    await page.reload();
    await page.waitForSelector('#table td.done');
    assert.equal(await page.locator('#source').inputValue(), EXAMPLE);
    assert.equal((await posted(page)).filter((m) => m.t === 'result').length, 0, 'no run after reload');
    assert.deepEqual(errors, [], 'no page errors or CSP violations');
    await page.close();
  });

  test('malformed host messages are ignored, not fatal', async () => {
    const { page, errors } = await open(browser, srv);
    await send(page, { t: 'run', request: { methods: ['bogus'] } });
    await send(page, { t: 'block', block: { label: 1 } });
    await send(page, 'nonsense');
    await page.waitForTimeout(300);
    assert.equal((await posted(page)).filter((m) => m.t === 'result' || m.t === 'status').length, 0);
    assert.equal(await page.locator('#run').isEnabled(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Cancel stops a run', async () => {
    const { page } = await open(browser, srv);
    const n = (await posted(page)).length;
    // The default sweep (6 methods × 5 lengths): far longer than the time to cancel.
    // Click Cancel from inside the page the moment the first cell lands (a round trip from here could be too late).
    const clicked = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const obs = new MutationObserver(() => {
            const btn = document.querySelector<HTMLButtonElement>('#cancel');
            if (document.querySelector('#table td.done') && btn && !btn.disabled) {
              obs.disconnect();
              btn.click();
              resolve(performance.now());
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, attributes: true });
        }),
    );
    await page.locator('#run').click();
    const clickedAt = await clicked;
    const s = (await waitResult(page, n, 60_000)) as unknown as Summary;
    const stopMs = (await page.evaluate(() => performance.now())) - clickedAt;
    assert.equal(s.cancelled, true);
    assert.ok(s.cells.length > 0 && s.cells.length < 30, `partial cells: ${s.cells.length}`);
    assert.ok(stopMs < 15_000, `stopped in ${stopMs} ms`);
    assert.match((await page.locator('#status').textContent()) ?? '', /Cancelled after \d+ of 30 cells/);
    assert.equal(await page.locator('#run').isEnabled(), true);
    await page.close();
  });

  for (const model of ['missing', 'corrupt'] as const) {
    test(`a ${model} model shows a clear message`, async () => {
      const { page } = await open(browser, srv, { model });
      const n = (await posted(page)).length;
      await send(page, { t: 'run', request: { methods: ['none'], lengths: ['1x'], needles: 1, evalBytes: 128 } });
      const s = (await waitResult(page, n, 60_000)) as unknown as Summary;
      assert.ok(s.error, 'the summary carries the error');
      const text = (await page.locator('#status[role="alert"]').textContent()) ?? '';
      assert.match(text, model === 'missing' ? /model .*missing \(HTTP 404\)/ : /could not be loaded/);
      assert.match(text, /Reinstall RoPE Lens/);
      await page.close();
    });
  }
});

describe('preview webview on WebGPU (SwiftShader)', { skip, timeout: 600_000 }, () => {
  test('the same run uses WebGPU and agrees with WASM within 1e-3', async () => {
    ensureBuilt();
    const srv = await startServer();
    const browser = await launch(['--enable-unsafe-webgpu']);
    try {
      const { page: p1 } = await open(browser, srv, { backend: 'wasm' });
      const w = await runExample(p1);
      await p1.close();
      const { page, errors } = await open(browser, srv, { backend: 'webgpu' });
      const g = await runExample(page);
      assert.equal(g.backend, 'webgpu', `fell back: ${g.fallbackReason ?? g.error ?? ''}`);
      assert.equal(g.fallbackReason, undefined);
      assert.equal(await page.locator('#backend').textContent(), 'WebGPU');
      for (const c of w.cells) {
        const d = g.cells.find((x) => x.method === c.method && x.length === c.length);
        assert.ok(d, `cell ${c.method}@${c.length}`);
        relClose(d.perplexity, c.perplexity, 1e-3, `perplexity ${c.method}@${c.length}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await srv.close();
    }
  });

  test('forced WebGPU without an adapter falls back to WASM and says so', async () => {
    const srv = await startServer();
    const browser = await launch();
    try {
      const { page } = await open(browser, srv, { backend: 'webgpu' });
      const s = await runExample(page, { methods: ['none'], lengths: ['1x'] });
      assert.equal(s.backend, 'wasm');
      assert.match(s.fallbackReason ?? '', /WebGPU/);
      assert.match((await page.locator('#fallback').textContent()) ?? '', /WebAssembly instead/);
    } finally {
      await browser.close();
      await srv.close();
    }
  });
});

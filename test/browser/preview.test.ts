// The built preview webview in headless Chromium (Debian's chromium via playwright-core), served from 127.0.0.1
// with its real CSP and a stub acquireVsCodeApi: runs, numbers against the Node engine, charts with interval bands,
// reference cells before any forward pass, the view at the sidebar's 280 px, stale results, Cancel, bad models,
// WebGPU (SwiftShader) against WASM, state restore, and the screenshot.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { PreviewReference } from '../../core/preview/reference';
import type { PreviewCell, PreviewRequest } from '../../core/preview/types';
import { DEFAULT_SETTINGS } from '../../common/settings';
import { yoursSpecOf } from '../../media/src/engine';
import { EXAMPLES } from '../../media/src/examples';
import { DEFAULT_METHODS } from '../../media/src/state';
import { CHROMIUM, ROOT, ensureBuilt, launch, posted, send, startServer, waitResult, watchErrors, type Browser, type Harness } from './harness';
import { nodeRun, referenceFixture } from './reference-fixture';

const skip = CHROMIUM ? false : 'Chromium is not installed (apt-get install -y chromium)';
// Small on purpose: 3 methods × 2 lengths, few samples.
const REQUEST = { methods: ['none', 'yarn', 'yours'], lengths: ['1x', '2x'], needles: 4, evalBytes: 512 } as const;
const EXAMPLE = 'qwen25-yarn';

type Summary = { backend: string; cells: PreviewCell[]; cancelled: boolean; error?: string; fallbackReason?: string; ms: number };

async function nodeCells(): Promise<PreviewCell[]> {
  // The same engine under Node, on onnxruntime-web's node build (same wasm, one thread).
  const block = EXAMPLES.find((e) => e.id === EXAMPLE)!.block;
  const req: PreviewRequest = { ...REQUEST, methods: [...REQUEST.methods], lengths: [...REQUEST.lengths], yours: yoursSpecOf(block) };
  return (await nodeRun(req)).results;
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
      // And the tables show exactly these numbers, the needle counts as k/n with the engine's interval.
      const at = `[data-method="${e.method}"][data-length="${e.length}"]`;
      const td = page.locator(`#table-ppl td${at}`);
      relClose(Number(await td.getAttribute('data-perplexity')), e.perplexity, 1e-6, `table ppl ${e.method}@${e.length}`);
      assert.equal(await td.getAttribute('data-source'), 'live');
      const tn = page.locator(`#table-needle td${at}`);
      relClose(Number(await tn.getAttribute('data-needle-accuracy')), e.needleAccuracy, 1e-9, `table needle ${e.method}@${e.length}`);
      assert.ok(e.needleCounts, `the engine counts needles of ${e.method}@${e.length}`);
      assert.equal(await tn.locator('.value').textContent(), `${e.needleCounts.correct}/${e.needleCounts.total}`);
      assert.equal(await tn.locator('.ci').textContent(), `${Math.round(e.needleCounts.ci95[0] * 100)}–${Math.round(e.needleCounts.ci95[1] * 100)}`);
    }
    assert.equal(await page.locator('#table-needle tbody tr').count(), 3);
    for (const chart of ['#chart-ppl', '#chart-needle']) {
      const ids = await page.locator(`${chart} .series-layer g.series`).evaluateAll((gs) => gs.map((g) => g.getAttribute('data-series')));
      assert.deepEqual(ids.sort(), ['none', 'yarn', 'yours'], `${chart}: one series per method`);
      assert.equal(await page.locator(`${chart} .series-layer g.series path.line`).count(), 3, `${chart}: each series has a line`);
      // 95% intervals drawn as bands, one per series that has them.
      assert.equal(await page.locator(`${chart} .band-layer g.ci path.band`).count(), 3, `${chart}: an interval band per series`);
    }
    assert.equal(await page.locator('#backend').textContent(), 'WASM');
    assert.match((await page.locator('#elapsed').textContent()) ?? '', /\d/);
    assert.match((await page.locator('#dims .band-summary').textContent()) ?? '', /kept|interpolated|blended/);

    // Hover read-out and keyboard reach.
    await page.locator('#chart-ppl .chart-svg svg').focus();
    await page.keyboard.press('ArrowRight');
    assert.match((await page.locator('#chart-ppl .chart-tip').textContent()) ?? '', /2×/);
    // Legend toggles a series off.
    await page.locator('#chart-ppl .legend-item.series-none').click();
    assert.equal(await page.locator('#chart-ppl .series-layer g.series[data-series="none"]').count(), 0);
    await page.locator('#chart-ppl .legend-item.series-none').click();


    // State survives a reload (getState/setState), and nothing runs on its own.
    await page.reload();
    await page.waitForSelector('#table-ppl td.done');
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
    assert.equal(await page.locator('#remeasure').isEnabled(), true, 'the view still takes a run');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Cancel stops a run', async () => {
    const { page } = await open(browser, srv);
    const n = (await posted(page)).length;
    // Re-measure of the default sweep (12 methods × 5 lengths, live): far longer than the time to cancel.
    // Click Cancel from inside the page the moment the first cell lands (a round trip from here could be too late).
    const clicked = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const obs = new MutationObserver(() => {
            const btn = document.querySelector<HTMLButtonElement>('#cancel');
            if (document.querySelector('#table-ppl td.live') && btn && !btn.disabled) {
              obs.disconnect();
              btn.click();
              resolve(performance.now());
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, attributes: true });
        }),
    );
    await page.locator('#remeasure').click();
    const clickedAt = await clicked;
    const s = (await waitResult(page, n, 60_000)) as unknown as Summary;
    const stopMs = (await page.evaluate(() => performance.now())) - clickedAt;
    assert.equal(s.cancelled, true);
    const liveCells = s.cells.filter((c) => c.source === 'live').length;
    // Re-measure runs every default method but Yours (no block under the cursor) at the five lengths.
    const total = DEFAULT_METHODS.filter((m) => m !== 'yours').length * 5;
    assert.ok(liveCells > 0 && liveCells < total, `partial live cells: ${liveCells}`);
    assert.ok(stopMs < 15_000, `stopped in ${stopMs} ms`);
    assert.match((await page.locator('#status').textContent()) ?? '', new RegExp(`Cancelled after \\d+ of ${total} live cells`));
    assert.equal(await page.locator('#remeasure').isEnabled(), true, 'a new run can start');
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

// The view at the sidebar's default width, fed a small reference measured here (reference-fixture.ts).
const FIXTURE = { methods: ['none', 'yarn', 'window'], lengths: ['1x', '2x'], needles: 4, evalBytes: 512 } as const;
const SIDEBAR_STATE = { v: 1, methods: ['none', 'yarn', 'window', 'yours'], multiples: [1, 2], factorPolicy: 'per-length', logScale: true, source: EXAMPLE, hidden: [], editorBlock: null };

describe('preview webview at 280 px with reference measurements', { skip, timeout: 600_000 }, () => {
  let srv: Harness;
  let browser: Browser;
  let fixture: PreviewReference;
  before(async () => {
    ensureBuilt();
    fixture = await referenceFixture({ ...FIXTURE, methods: [...FIXTURE.methods], lengths: [...FIXTURE.lengths] });
    srv = await startServer();
    browser = await launch([], 280);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function openSidebar(reference: PreviewReference, state: Record<string, unknown> = SIDEBAR_STATE, budget = 4): Promise<{ page: Page; errors: string[]; wasm: string[] }> {
    srv.setReference(JSON.stringify(reference));
    const page = await browser.ctx.newPage();
    const errors = watchErrors(page);
    // Any fetch of onnxruntime's WebAssembly means a session (and forward passes) was started.
    const wasm: string[] = [];
    page.on('request', (r) => {
      if (/ort-wasm/.test(r.url())) wasm.push(r.url());
    });
    await page.goto(srv.url({ reference: 'test', budget }));
    await page.evaluate((st) => sessionStorage.setItem('vscode-state', JSON.stringify(st)), state);
    await page.reload();
    await page.waitForSelector('#run');
    return { page, errors, wasm };
  }

  test('reference rows appear before any forward pass, with k/n, intervals and bands; axis text ≥ 11 px; Run measures only Yours; a block change marks Yours stale', async () => {
    const { page, errors, wasm } = await openSidebar(fixture);
    await page.waitForSelector('#table-ppl td.reference');
    const cells = fixture.runs[0]!.results;
    assert.equal(cells.length, 6);
    for (const c of cells) {
      const at = `[data-method="${c.method}"][data-length="${c.length}"]`;
      const td = page.locator(`#table-ppl td${at}`);
      assert.equal(await td.getAttribute('data-source'), 'reference', `${c.method}@${c.length} from the reference`);
      relClose(Number(await td.getAttribute('data-perplexity')), c.perplexity, 1e-12, `reference ppl ${c.method}@${c.length}`);
      if (c.perplexityCi95) relClose(Number(await td.getAttribute('data-ci-lo')), c.perplexityCi95[0], 1e-12, `ppl interval ${c.method}@${c.length}`);
      if (c.method === 'window') {
        assert.equal(await page.locator(`#table-needle td${at}`).count(), 0, 'the window baseline has no needle row');
        continue;
      }
      assert.ok(c.needleCounts, `reference counts for ${c.method}@${c.length}`);
      assert.equal(await page.locator(`#table-needle td${at} .value`).textContent(), `${c.needleCounts.correct}/${c.needleCounts.total}`);
    }
    assert.match((await page.locator('#source-note').textContent()) ?? '', /Reference, n = 4 needle prompts/);
    assert.deepEqual(wasm, [], 'no WebAssembly session was started to show the reference');
    assert.equal((await posted(page)).filter((m) => m.t === 'result' || m.state === 'running').length, 0, 'no run');
    // Interval bands: one per series with intervals (none, yarn, window on perplexity; none, yarn on needles).
    assert.equal(await page.locator('#chart-ppl .band-layer g.ci path.band').count(), 3);
    assert.equal(await page.locator('#chart-needle .band-layer g.ci path.band').count(), 2);
    assert.ok(await page.locator('#chart-ppl .series-layer g.series-window.baseline path.line').count(), 'the window baseline line');
    assert.match((await page.locator('#method-notes').textContent()) ?? '', /window/i);

    // Read at 280 px: axis text on screen (CSS size × the SVG's scale) and legend text at ≥ 11 px, inside the view.
    const sizes = await page.$$eval('#chart-ppl text.tick, #chart-needle text.tick', (ts) =>
      ts.map((t) => {
        const svg = (t as SVGTextElement).ownerSVGElement!;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(t).fontSize) * scale;
      }),
    );
    assert.ok(sizes.length >= 10, `${sizes.length} axis labels`);
    for (const px of sizes) assert.ok(px >= 11, `axis text ${px.toFixed(1)} px`);
    const legend = await page.$$eval('.legend-item', (ls) => ls.map((l) => parseFloat(getComputedStyle(l).fontSize)));
    for (const px of legend) assert.ok(px >= 11, `legend text ${px} px`);
    const widths = await page.$$eval('.chart-svg svg', (ss) => ss.map((s) => s.getBoundingClientRect().right));
    for (const r of widths) assert.ok(r <= 280, `chart inside the 280 px view (right edge ${r})`);

    // Yours is what the reference lacks: Run measures it, and only it.
    assert.match((await page.locator('#run-hint').textContent()) ?? '', /^2 cells without a measurement/);
    const n = (await posted(page)).length;
    await page.locator('#run').click();
    const s = (await waitResult(page, n, 240_000)) as unknown as Summary;
    assert.equal(s.error, undefined);
    assert.deepEqual(s.cells.filter((c) => c.source === 'live').map((c) => c.method), ['yours', 'yours']);
    assert.equal(s.cells.filter((c) => c.source === 'reference').length, 6);
    assert.equal(await page.locator('#table-ppl td.live[data-method="yours"]').count(), 2);
    assert.equal(await page.locator('#table-ppl td.reference').count(), 6, 'the reference rows stay');
    assert.equal(await page.locator('#run').isDisabled(), true, 'nothing left to measure');
    assert.equal(await page.locator('#stale').count(), 0);

    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/preview-280.png'), fullPage: true });

    // Another block: the Yours numbers stay visible but are marked stale, in the table, the charts and a note.
    await page.selectOption('#source', 'llama31');
    await page.waitForSelector('#stale');
    assert.match((await page.locator('#stale').textContent()) ?? '', /Stale.*measured for Qwen2\.5/);
    assert.equal(await page.locator('#table-ppl td.stale[data-method="yours"]').count(), 2);
    assert.equal(await page.locator('#chart-ppl .series-layer g.series.stale[data-series="yours"]').count(), 1);
    assert.match((await page.locator('#chart-ppl .legend-item.series-yours').textContent()) ?? '', /stale/);
    assert.equal(await page.locator('#run').isEnabled(), true, 'the new block can be measured');
    // The host reports the block under the editor's cursor (another one): stale too, said as a cursor move.
    const editorBlock = { ...EXAMPLES.find((e) => e.id === 'vicuna-linear')!.block, uri: 'file:///w/config.json', label: 'config.json · /rope_scaling' };
    await send(page, { t: 'block', block: editorBlock });
    await page.waitForFunction(() => /cursor is now on config\.json/.test(document.querySelector('#stale')?.textContent ?? ''));
    assert.equal(await page.locator('#table-ppl td.stale[data-method="yours"]').count(), 2);
    // Back to the measured block: no longer stale.
    await page.selectOption('#source', EXAMPLE);
    await page.waitForSelector('#stale', { state: 'detached' });
    assert.deepEqual(errors, [], 'no page errors or CSP violations');
    await page.close();
  });

  // The README's picture: the shipped reference when there is one (else the small fixture), the default choices, an
  // example block measured live. UPDATE_SCREENSHOT=1 copies it to media/screenshots/preview.png.
  test('screenshot at 280 px', async () => {
    const shipped = join(ROOT, 'media/model/preview-reference.json');
    const { page, errors } = await openSidebar(existsSync(shipped) ? (JSON.parse(readFileSync(shipped, 'utf8')) as PreviewReference) : fixture, {
      ...SIDEBAR_STATE,
      methods: [...DEFAULT_METHODS],
      multiples: [1, 2, 4, 8, 16],
    }, DEFAULT_SETTINGS.previewBudgetSeconds);
    await page.waitForSelector('#table-ppl td.reference');
    // As in the editor: the pointer over the view starts loading the model, then Run.
    await page.hover('#run');
    const n = (await posted(page)).length;
    await page.locator('#run').click();
    const s = (await waitResult(page, n, 240_000)) as unknown as Summary;
    assert.equal(s.error, undefined);
    await page.mouse.move(0, 0);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/preview.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOT) {
      mkdirSync(join(ROOT, 'media/screenshots'), { recursive: true });
      copyFileSync(join(ROOT, 'test-results/preview.png'), join(ROOT, 'media/screenshots/preview.png'));
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a reference measured on another model is dropped, with a note; Run then measures every cell', async () => {
    const { page, errors, wasm } = await openSidebar({ ...fixture, modelSha256: '0'.repeat(64) });
    await page.waitForSelector('#source-note');
    assert.match((await page.locator('#source-note').textContent()) ?? '', /dropped.*sha-256/i);
    assert.equal(await page.locator('td.reference').count(), 0);
    assert.match((await page.locator('#run-hint').textContent()) ?? '', /^8 cells without a measurement/);
    assert.deepEqual(wasm, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
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

  test('auto does not pick a software adapter (SwiftShader): WASM runs, with no fallback note', async () => {
    const srv = await startServer();
    const browser = await launch(['--enable-unsafe-webgpu']);
    try {
      const { page, errors } = await open(browser, srv, { backend: 'auto' });
      const s = await runExample(page, { methods: ['none'], lengths: ['1x'] });
      assert.equal(s.backend, 'wasm');
      assert.equal(s.fallbackReason, undefined);
      assert.equal(await page.locator('#backend').textContent(), 'WASM');
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

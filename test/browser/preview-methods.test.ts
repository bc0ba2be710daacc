// The methods with a model of their own in the built webview (headless Chromium): their rows come from the reference
// before any forward pass and without fetching their models, the chart legend lists them in their groups ("other
// encodings", "fine-tuned 200 steps at 4×") and a group toggle hides the group's lines; a live run of a fine-tuned
// method fetches that model file only, and gives the Node engine's numbers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PreviewReference } from '../../core/preview/reference';
import { modelOf } from '../../core/preview/models';
import type { PreviewCell, PreviewMethod } from '../../core/preview/types';
import { CHROMIUM, ROOT, ensureBuilt, launch, posted, send, startServer, waitResult, watchErrors, type Browser, type Harness } from './harness';
import { nodeRun, referenceFixture } from './reference-fixture';

const skip = CHROMIUM ? false : 'Chromium is not installed (apt-get install -y chromium)';
const has = (m: PreviewMethod): boolean => existsSync(join(ROOT, 'media/model', modelOf(m).file));
// The sibling models (other encodings) join when their files are in the tree.
const OTHER = (['sinusoidal', 'alibi'] as const).filter(has);
const FT = ['linear+ft', 'yarn+ft'] as const;
const METHODS: PreviewMethod[] = ['none', 'yarn', 'window', ...OTHER, ...FT];
const STATE = { v: 1, methods: METHODS, multiples: [1, 2], factorPolicy: 'per-length', logScale: true, source: 'editor', hidden: [], editorBlock: null };

describe('preview webview: other encodings and fine-tuned checkpoints', { skip, timeout: 600_000 }, () => {
  let srv: Harness;
  let browser: Browser;
  let fixture: PreviewReference;
  before(async () => {
    ensureBuilt();
    fixture = await referenceFixture({ methods: METHODS, lengths: ['1x', '2x'], needles: 4, evalBytes: 512 });
    srv = await startServer();
    browser = await launch([], 280);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('rows from the reference with no model fetched, legend groups, a group toggle hides its lines; a live run fetches only its model', async () => {
    srv.setReference(JSON.stringify(fixture));
    const page = await browser.ctx.newPage();
    const errors = watchErrors(page);
    const fetched: string[] = [];
    page.on('request', (r) => {
      if (/\.onnx$|ort-wasm/.test(r.url())) fetched.push(r.url().split('/').pop()!);
    });
    await page.goto(srv.url({ reference: 'test', budget: 4 }));
    await page.evaluate((st) => sessionStorage.setItem('vscode-state', JSON.stringify(st)), STATE);
    await page.reload();
    await page.waitForSelector('#table-ppl td.reference');

    const cells = fixture.runs[0]!.results.filter((c) => [...OTHER, ...FT].includes(c.method as never));
    assert.equal(cells.length, (OTHER.length + FT.length) * 2);
    for (const c of cells) {
      const at = `[data-method="${c.method}"][data-length="${c.length}"]`;
      const td = page.locator(`#table-ppl td${at}`);
      assert.equal(await td.getAttribute('data-source'), 'reference', `${c.method}@${c.length} from the reference`);
      assert.equal(Number(await td.getAttribute('data-perplexity')), c.perplexity, `${c.method}@${c.length} perplexity`);
      assert.equal(await page.locator(`#table-needle td${at} .value`).textContent(), `${c.needleCounts!.correct}/${c.needleCounts!.total}`);
    }
    assert.deepEqual(fetched.filter((f) => f.endsWith('.onnx') && f !== 'ropelens-mini.onnx'), [], 'no other model fetched to show the reference');
    assert.ok(!fetched.some((f) => f.startsWith('ort-wasm')), 'no session started');

    // Legend groups, each with its toggle and its methods' lines.
    const groupLabel = async (id: string) => (await page.locator(`#chart-ppl .legend-group[data-group="${id}"] .legend-group-toggle`).textContent())?.trim();
    assert.equal(await groupLabel('ft'), 'fine-tuned 200 steps at 4×');
    assert.equal(await groupLabel('rope'), 'RoPE, zero-shot');
    if (OTHER.length) assert.equal(await groupLabel('other'), 'other encodings');
    const items = await page.locator('#chart-ppl .legend-group[data-group="ft"] .legend-item').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-series')));
    assert.deepEqual(items, [...FT]);
    const lines = (m: string) => page.locator(`#chart-ppl .series-layer g.series[data-series="${m}"] path.line`).count();
    for (const m of [...OTHER, ...FT]) assert.equal(await lines(m), 1, `${m} drawn`);
    // Distinguishable without colour: the fine-tuned markers are open (stroked), the zero-shot ones filled.
    assert.equal(await page.locator('#chart-ppl g.series[data-series="yarn+ft"] path.marker.stroked').count(), 2);
    assert.equal(await page.locator('#chart-ppl g.series[data-series="yarn"] path.marker.stroked').count(), 0);

    await page.locator('#chart-ppl .legend-group-toggle[data-group="ft"]').click();
    for (const m of FT) assert.equal(await lines(m), 0, `${m} hidden with its group`);
    assert.equal(await lines('yarn'), 1, 'other groups stay');
    for (const m of OTHER) assert.equal(await lines(m), 1);
    assert.equal(await page.locator('#chart-ppl .legend-group-toggle[data-group="ft"]').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('#table-ppl td[data-method="yarn+ft"].reference').count(), 2, 'the table keeps every number');
    await page.locator('#chart-ppl .legend-group-toggle[data-group="ft"]').click();
    for (const m of FT) assert.equal(await lines(m), 1, `${m} shown again`);

    // Re-measure one fine-tuned cell live: only its model file is fetched, and the numbers are the Node engine's.
    const n = (await posted(page)).length;
    const req = { methods: ['yarn+ft'], lengths: ['2x'], needles: 2, evalBytes: 512 };
    await send(page, { t: 'run', request: req });
    const s = (await waitResult(page, n, 240_000)) as unknown as { cells: PreviewCell[]; error?: string };
    assert.equal(s.error, undefined);
    const got = s.cells.find((c) => c.method === 'yarn+ft' && c.length === 256 && c.source === 'live');
    assert.ok(got, 'yarn+ft@256 measured live');
    const want = (await nodeRun({ ...req, methods: ['yarn+ft'] })).results[0]!;
    assert.ok(Math.abs(got.perplexity! - want.perplexity!) / want.perplexity! < 1e-4, `perplexity ${got.perplexity} vs Node ${want.perplexity}`);
    assert.deepEqual(got.needleOutcomes, want.needleOutcomes);
    assert.equal(got.factor, 4);
    const models = fetched.filter((f) => f.endsWith('.onnx') && f !== 'ropelens-mini.onnx');
    assert.deepEqual([...new Set(models)], ['ropelens-mini-ft-yarn.onnx']);
    // The fetched model is the one the reference was measured on: its cells stay (the run set the lengths to 2×;
    // choosing 1× again shows the reference cell).
    await page.locator('#length-1').check();
    await page.waitForSelector('#table-ppl td.reference[data-method="yarn+ft"][data-length="128"]');
    assert.doesNotMatch((await page.locator('#source-note').textContent()) ?? '', /dropped/);
    assert.deepEqual(errors, [], 'no page errors or CSP violations');
    await page.close();
  });
});

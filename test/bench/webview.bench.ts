// Preview webview in headless Chromium (WASM, one thread), booted as the extension boots it (the default
// ropelens.preview.budgetSeconds): page load to the first number (a reference cell, no forward pass), page load to
// the first live cell and the wall time of a full Re-measure of the default grid against its wall-clock budget,
// then the same on a warm session. UPDATE_SCREENSHOT=1 also saves media/screenshots/preview.png at the sidebar's
// default width (280 px): the default choices with an example block, its "Yours" cells measured live.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, ROOT, ensureBuilt, launch, posted, startServer, waitResult } from '../browser/harness';
import type { BenchRow } from './run';
import { DEFAULT_SETTINGS } from '../../common/settings';

/** Resolves (in page time, ms from navigation start) when `selector` first matches. No named helpers inside: the
 * function is serialised into the page, where tsx's __name wrapper does not exist. */
const whenShown = (selector: string) =>
  new Promise<number>((resolve) => {
    if (document.querySelector(selector)) return resolve(performance.now());
    const obs = new MutationObserver(() => {
      if (document.querySelector(selector)) {
        obs.disconnect();
        resolve(performance.now());
      }
    });
    obs.observe(document.body, { subtree: true, childList: true, attributes: true });
  });

export async function run(): Promise<BenchRow[]> {
  if (!CHROMIUM) return [{ name: 'webview (skipped: no chromium)', value: NaN, unit: '' }];
  ensureBuilt();
  const srv = await startServer();
  const browser = await launch();
  const rows: BenchRow[] = [];
  const budgetS = DEFAULT_SETTINGS.previewBudgetSeconds;
  try {
    const page = await browser.ctx.newPage();
    const t0 = Date.now();
    await page.goto(srv.url({ backend: 'wasm', budget: budgetS }));
    await page.waitForSelector('#run');
    const ready = Date.now() - t0;
    // The first number: a reference cell, shown without a click (no session, no forward pass).
    const shipped = existsSync(join(ROOT, 'media/model/preview-reference.json'));
    const firstRef = shipped ? await page.evaluate(whenShown, '#table-ppl td.reference') : NaN;
    rows.push(
      { name: 'webview load → view ready', value: ready, unit: 'ms', note: 'goto → #run rendered (bundle parse, no ORT yet)' },
      {
        name: 'webview load → first number (reference)',
        value: firstRef,
        unit: 'ms',
        note: shipped ? 'navigation start → first reference cell in the table (model fetched and hashed, no forward pass)' : 'no media/model/preview-reference.json',
      },
    );
    // Re-measure the default grid live: the first live cell, then the whole run against its wall-clock budget.
    const firstLive = page.evaluate(whenShown, '#table-ppl td.live');
    const clickAt = await page.evaluate(() => performance.now());
    await page.locator('#remeasure').click();
    const toFirst = (await firstLive) - clickAt;
    const s = (await waitResult(page, 0, 600_000)) as unknown as { ms: number; cells: Array<{ source?: string }> };
    const live = s.cells.filter((c) => c.source === 'live').length;
    rows.push(
      { name: 'webview Re-measure → first live cell', value: toFirst, unit: 'ms', note: 'click → first live cell (ORT wasm compile + session included)' },
      { name: 'webview default Re-measure (wasm), cold', value: s.ms, unit: 'ms', note: `${live} cells live; budget ${budgetS} s wall clock (ropelens.preview.budgetSeconds): ${(s.ms / (budgetS * 1000)).toFixed(2)}× the budget` },
    );
    const n = (await posted(page)).length;
    await page.locator('#remeasure').click();
    const warm = (await waitResult(page, n, 600_000)) as unknown as { ms: number };
    rows.push({ name: 'webview default Re-measure, warm', value: warm.ms, unit: 'ms', note: `same view, session loaded; ${(warm.ms / (budgetS * 1000)).toFixed(2)}× the ${budgetS} s budget` });
    if (process.env.UPDATE_SCREENSHOT) {
      await page.setViewportSize({ width: 280, height: 1400 });
      await page.selectOption('#source', 'qwen25-yarn');
      const m = (await posted(page)).length;
      await page.locator('#run').click();
      await waitResult(page, m, 600_000);
      await page.mouse.move(0, 0);
      mkdirSync(join(ROOT, 'media/screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'media/screenshots/preview.png'), fullPage: true });
    }
  } finally {
    await browser.close();
    await srv.close();
  }
  return rows;
}

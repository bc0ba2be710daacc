// Preview webview in headless Chromium (WASM, one thread): page load to first result, and the full default
// sweep (6 methods × 5 lengths, the sidebar's default budget, ropelens.preview.budgetSeconds). UPDATE_SCREENSHOT=1 also saves media/screenshots/preview.png
// from a default sweep with an example block (7 methods).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, ROOT, ensureBuilt, launch, posted, startServer, waitResult } from '../browser/harness';
import type { BenchRow } from './run';
import { DEFAULT_SETTINGS } from '../../common/settings';

export async function run(): Promise<BenchRow[]> {
  if (!CHROMIUM) return [{ name: 'webview (skipped: no chromium)', value: NaN, unit: '' }];
  ensureBuilt();
  const srv = await startServer();
  const browser = await launch();
  const rows: BenchRow[] = [];
  try {
    const page = await browser.ctx.newPage();
    const t0 = Date.now();
    // Booted as the extension boots it: the default ropelens.preview.budgetSeconds.
    await page.goto(srv.url({ backend: 'wasm', budget: DEFAULT_SETTINGS.previewBudgetSeconds }));
    await page.waitForSelector('#run');
    const ready = Date.now() - t0;
    // Click Run as soon as the view is up; the page itself notes when the first cell lands in the table
    // (performance.now() counts from navigation start).
    const firstCell = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const obs = new MutationObserver(() => {
            if (document.querySelector('#table td.done')) {
              obs.disconnect();
              resolve(performance.now());
            }
          });
          obs.observe(document.body, { subtree: true, childList: true });
        }),
    );
    await page.locator('#run').click();
    const toFirst = await firstCell;
    const s = (await waitResult(page, 0, 600_000)) as unknown as { ms: number; firstResultMs?: number; cells: unknown[] };
    const wall = Date.now() - t0;
    rows.push(
      { name: 'webview load → view ready', value: ready, unit: 'ms', note: 'goto → #run rendered (bundle parse, no ORT yet)' },
      { name: 'webview load → first result', value: toFirst, unit: 'ms', note: 'navigation start → first cell in the table (Run clicked at once; ORT wasm compile + model load included)' },
      { name: 'webview default sweep (wasm)', value: s.ms, unit: 'ms', note: `${s.cells.length} cells, in-page run time (first result ${Math.round(s.firstResultMs ?? NaN)} ms into the run)` },
      { name: 'webview load → sweep done', value: wall, unit: 'ms', note: 'wall clock, Chromium headless, one thread' },
    );
    // Second run on the warm session.
    const n = (await posted(page)).length;
    await page.locator('#run').click();
    const warm = (await waitResult(page, n, 600_000)) as unknown as { ms: number };
    rows.push({ name: 'webview default sweep, warm', value: warm.ms, unit: 'ms', note: 'same view, session already loaded' });
    if (process.env.UPDATE_SCREENSHOT) {
      await page.setViewportSize({ width: 400, height: 1400 });
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

// Playwright walk-through in code-server, the way a user would do it: the Problems panel shows the diagnostic,
// Ctrl+. applies the quick fix, the RoPE Lens view opens and its chart appears (read inside the webview's nested
// iframes). Screenshots go to test-results/e2e/.
//   node test/e2e/build.mjs && node test/e2e/out/walkthrough.js      (standalone: starts its own code-server)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { launchBrowser, relayConsole, type Browser } from './browser';
import { exitWith, REPO_ROOT, startCodeServer, type CodeServer } from './code-server';

// Keep in step with test/e2e/suite/ropelens.test.ts and examples/.
const BROKEN = 'broken-attn-factor/config.json';
const RULE = 'unknown-key';
/** The quick fix's title, as shown in the Ctrl+. menu. */
const FIX_TITLE = /^Rename to "attention_factor"/;

export const SHOTS = join(REPO_ROOT, 'test-results', 'e2e');
/** Settings the walk-through's code-server needs: WASM so the chart does not depend on a GPU adapter. */
export const WALKTHROUGH_SETTINGS = { 'ropelens.preview.backend': 'wasm' };

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    const v = await fn();
    console.log(`  ✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return v;
  } catch (e) {
    console.log(`  ✘ ${name}`);
    throw e;
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, name) });
}

/** The RoPE Lens webview's own document: outer iframe = webview host, inner #active-frame = our HTML. */
function previewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview[src*="extensionId=ropelens.ropelens"]').frameLocator('iframe#active-frame');
}

export async function runWalkthrough(cs: CodeServer, browser: Browser): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const workspace = cs.makeWorkspace('walkthrough');
  const page = await browser.context.newPage();
  relayConsole(page, '    [workbench] ');
  page.setDefaultTimeout(60_000);
  try {
    console.log('walk-through');
    await step('workbench loads with the extension', async () => {
      await page.goto(cs.workbenchUrl(workspace, [['extensionDevelopmentPath', cs.remoteUri(REPO_ROOT)]]));
      await page.locator('.monaco-workbench').waitFor();
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    });

    await step(`open ${BROKEN} (Quick Open)`, async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(BROKEN);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'config.json' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.editor-instance .monaco-editor .view-lines:has-text("rope_scaling")').waitFor();
    });

    const row = page.locator('.markers-panel .monaco-list-row', { hasText: RULE });
    await step(`the Problems panel lists ${RULE}`, async () => {
      await page.keyboard.press('Control+Shift+M');
      await row.first().waitFor();
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor();
      await shot(page, '1-problems.png');
    });

    await step('Ctrl+. offers the quick fix and applies it', async () => {
      // A double click opens the editor at the range with focus (a single click leaves focus in the panel).
      await row.first().dblclick();
      await page.locator('.editor-instance .monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+.');
      const actions = page.locator('.action-widget .monaco-list-row.action');
      await actions.first().waitFor();
      // Mouse clicks on this menu are swallowed by .context-view-pointerBlock: walk it with the keyboard.
      const count = await actions.count();
      let found = false;
      for (let i = 0; i <= count && !found; i++) {
        const focused = page.locator('.action-widget .monaco-list-row.action.focused');
        const label = (await focused.getAttribute('aria-label').catch(() => null)) ?? '';
        if (FIX_TITLE.test(label)) found = true;
        else await page.keyboard.press('ArrowDown');
      }
      if (!found) {
        const labels = await actions.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
        throw new Error(`no quick fix matching ${FIX_TITLE} in the menu: ${JSON.stringify(labels)}`);
      }
      await shot(page, '2-quickfix-menu.png');
      await page.keyboard.press('Enter');
      await page.locator('.editor-instance .monaco-editor .view-lines:has-text("attention_factor")').waitFor();
      await row.first().waitFor({ state: 'detached' });
      await page.keyboard.press('Control+S');
    });

    await step('the RoPE Lens view opens and its chart appears after a WASM run', async () => {
      await page.locator('.activitybar .action-item .action-label[aria-label^="RoPE Lens"]').click();
      const view = previewFrame(page);
      const run = view.locator('button#run');
      await run.waitFor({ timeout: 90_000 });
      // The view follows the block under the cursor; Run is enabled once it has one.
      await view.locator('button#run:not([disabled])').waitFor();
      await run.click();
      // A drawn line per method in the perplexity chart, and the backend badge says WASM.
      await view.locator('svg g.series path.line').first().waitFor({ timeout: 180_000 });
      await view.locator('#backend.backend-wasm').waitFor();
      await view.locator('button#run:has-text("Run preview")').waitFor({ timeout: 180_000 });
      await shot(page, '3-preview-chart.png');
    });
  } catch (e) {
    await shot(page, 'failure.png').catch(() => undefined);
    throw e;
  } finally {
    await page.close().catch(() => undefined);
  }
}

// Standalone only (run-all.js bundles this module too, where require.main would also be true).
if (/walkthrough\.[jt]s$/.test(process.argv[1] ?? '')) {
  exitWith('walk-through failed', async () => {
    const cs = await startCodeServer({ settings: WALKTHROUGH_SETTINGS });
    const browser = await launchBrowser();
    try {
      await runWalkthrough(cs, browser);
      console.log(`walk-through passed; screenshots in ${SHOTS}`);
      return 0;
    } finally {
      await browser.close();
      cs.stop();
    }
  });
}

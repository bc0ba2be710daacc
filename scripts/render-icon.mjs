// Renders media/icon.svg to media/icon.png (128 × 128) with Debian's Chromium through playwright-core, so the
// committed PNG can be regenerated from its source: `node scripts/render-icon.mjs`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const executablePath = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
if (!executablePath) throw new Error('Chromium not found: apt-get install -y chromium');
const svg = readFileSync(new URL('../media/icon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true });
  writeFileSync(new URL('../media/icon.png', import.meta.url), png);
  console.log(`media/icon.png: ${png.length} bytes`);
} finally {
  await browser.close();
}

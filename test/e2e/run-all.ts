// `npm run test:e2e`: one code-server start for both the extension-host suite and the Playwright walk-through.
// Prints the time of each step; exits non-zero when either fails.
import { launchBrowser } from './browser';
import { exitWith, startCodeServer } from './code-server';
import { runSuiteInCodeServer } from './suite-in-code-server';
import { runWalkthrough, SHOTS, WALKTHROUGH_SETTINGS } from './walkthrough';

const secs = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const t0 = Date.now();
  const cs = await startCodeServer({ settings: WALKTHROUGH_SETTINGS });
  console.log(`e2e: code-server listening on ${cs.baseUrl} (${secs(t0)})`);
  const t1 = Date.now();
  const browser = await launchBrowser();
  console.log(`e2e: chromium started (${secs(t1)})`);
  try {
    const t2 = Date.now();
    const suite = await runSuiteInCodeServer(cs, browser);
    console.log(`e2e: extension-host suite ${suite === 0 ? 'passed' : `FAILED (${suite})`} (${secs(t2)})`);
    let walk = 0;
    if (!process.env.E2E_SKIP_WALKTHROUGH) {
      const t3 = Date.now();
      try {
        await runWalkthrough(cs, browser);
        console.log(`e2e: walk-through passed (${secs(t3)}); screenshots in ${SHOTS}`);
      } catch (e) {
        walk = 1;
        console.error(`e2e: walk-through FAILED (${secs(t3)}): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    console.log(`e2e: total ${secs(t0)}`);
    return suite || walk;
  } finally {
    await browser.close();
    cs.stop();
  }
}

exitWith('e2e', main);

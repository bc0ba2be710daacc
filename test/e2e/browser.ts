// Headless Debian Chromium driven by playwright-core, and the console relay for the workbench page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const { existsSync } = await import('node:fs');
  const executablePath = existsSync(CHROMIUM) ? CHROMIUM : '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${CHROMIUM}; apt-get install chromium (or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), 'ropelens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ...(process.env.E2E_CHROMIUM_ARGS ? process.env.E2E_CHROMIUM_ARGS.split(' ') : []),
    ],
    viewport: { width: 1400, height: 900 },
    // Chromium's crash reporter writes under XDG_CONFIG_HOME; keep it in the profile folder.
    env: { ...process.env, XDG_CONFIG_HOME: join(profile, 'xdg-config'), XDG_CACHE_HOME: join(profile, 'xdg-cache') } as Record<string, string>,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** Prefix the suite puts on every line it prints (suite/index.ts), so the relay can pick them out of workbench logs. */
export const SUITE_MARK = '[ropelens-e2e] ';

/**
 * Turns a workbench console message into text. Workbench log lines arrive as ["%c INFO", css, fmt, ...args] and
 * extension-host lines as ["%c[Extension Host] %c<fmt>", css, css, ...args]: drop the %c tokens and as many CSS
 * arguments, then format the rest.
 */
export async function consoleText(msg: ConsoleMessage): Promise<string> {
  const values = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '<unserialisable>')));
  if (typeof values[0] !== 'string' || !values[0].includes('%c')) return msg.text();
  const head = values[0] as string;
  const cssCount = (head.match(/%c/g) ?? []).length;
  return format(head.replace(/%c/g, ''), ...values.slice(1 + cssCount));
}

/** Relays the suite's lines (mocha output) to our stdout; everything else only with E2E_VERBOSE=1. */
export function relayConsole(page: Page, prefix = ''): void {
  page.on('console', (msg) => {
    void consoleText(msg).then((text) => {
      const at = text.indexOf(SUITE_MARK);
      if (at >= 0) process.stdout.write(`${prefix}${text.slice(at + SUITE_MARK.length)}\n`);
      else if (process.env.E2E_VERBOSE) process.stdout.write(`${prefix}${text}\n`);
    });
  });
  page.on('pageerror', (err) => {
    if (process.env.E2E_VERBOSE) process.stdout.write(`${prefix}[page error] ${err.message}\n`);
  });
}

// Starts code-server (VS Code 1.100 server + web workbench) offline for the e2e suite, the walk-through and `npm start`:
// loopback only, a free port, its own XDG folders and user-data-dir under one temp folder (nothing written to $HOME),
// its own process group so one signal stops the server, its extension hosts, language servers and file watchers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = findRepoRoot(__dirname);
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_BIN = join(REPO_ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');

/** Walks up from `dir` to the folder holding this project's package.json (works from test/e2e and test/e2e/out). */
function findRepoRoot(dir: string): string {
  let d = dir;
  for (;;) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'ropelens') return d;
    const up = resolve(d, '..');
    if (up === d) throw new Error(`cannot find the ropelens package.json above ${dir}`);
    d = up;
  }
}

/** User settings that keep the workbench quiet and offline (see the vscode-e2e prototype report). */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
};

export interface CodeServer {
  port: number;
  baseUrl: string;
  /** Temp folder holding XDG dirs, user data, extensions and the workspaces. */
  root: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** The password the workbench asks for (password auth), or undefined (no auth). */
  password: string | undefined;
  /** Copies examples/ (or $E2E_WORKSPACE_SRC) into a fresh workspace folder under root and returns its path. */
  makeWorkspace(name: string): string;
  /** Workbench URL for a folder, optionally with a payload (extensionDevelopmentPath, extensionTestsPath). */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** `vscode-remote://` URI for a path on this server (the payload route only accepts these). */
  remoteUri(path: string): string;
  stop(): void;
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** Extra user settings (merged over QUIET_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Folders to symlink into the extensions dir, as `<publisher>.<name>-<version>`. */
  installExtensions?: { path: string; id: string }[];
  /** Keep the temp folder after stop (for `npm start`, never). */
  keep?: boolean;
  /** Port to bind; 0 or absent picks a free one. */
  port?: number;
  /** code-server's password auth with this password (`npm start`); absent: no auth (the test suites' own profile). */
  password?: string;
  /** Keep workspace trust on (VS Code asks before trusting a folder); absent: trust disabled (test suites). */
  workspaceTrust?: boolean;
  log?: (line: string) => void;
}

/**
 * How `npm start` runs code-server: password auth with a fresh random password (printed once beside the URL), and
 * workspace trust kept on for a folder the user names (the scratch copy of examples/ is this repository's own).
 */
export function demoServerOptions(userFolder: boolean): Pick<StartOptions, 'password' | 'workspaceTrust'> {
  return { password: randomBytes(18).toString('base64url'), workspaceTrust: userFolder };
}

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER_BIN) && existsSync(join(REPO_ROOT, '.cache', 'code-server', `.installed-${CODE_SERVER_VERSION}`));
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Polls `probe` every `everyMs` until it returns a truthy value or `timeoutMs` passes. */
export async function pollUntil<T>(what: string, timeoutMs: number, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Stop functions of every code-server still running; run on exit and on signals. */
const live = new Set<() => void>();
export function killAll(): void {
  for (const stop of [...live]) stop();
}

/** Runs a launcher's main and exits with its code; on a crash, stops every code-server first. */
export function exitWith(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      killAll();
      process.exit(1);
    },
  );
}
let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export async function startCodeServer(opts: StartOptions = {}): Promise<CodeServer> {
  if (!codeServerInstalled()) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed; run: bash scripts/install-code-server.sh`);
  }
  installExitHandlers();
  const root = mkdtempSync(join(tmpdir(), 'ropelens-cs-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const xdg = { XDG_CONFIG_HOME: join(root, 'xdg', 'config'), XDG_DATA_HOME: join(root, 'xdg', 'data'), XDG_CACHE_HOME: join(root, 'xdg', 'cache') };
  for (const d of [join(userDataDir, 'User'), extensionsDir, ...Object.values(xdg)]) mkdirSync(d, { recursive: true });
  const trust = opts.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {};
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...(opts.settings ?? {}) }, null, 2));
  const config = join(root, 'config.yaml');
  // The password stays in this private temp folder (mode 600), never on a command line other users can read.
  writeFileSync(config, opts.password ? `auth: password\npassword: ${JSON.stringify(opts.password)}\ncert: false\n` : 'auth: none\ncert: false\n', { mode: 0o600 });
  for (const ext of opts.installExtensions ?? []) {
    symlinkSync(ext.path, join(extensionsDir, ext.id));
  }
  const port = opts.port || (await freePort());
  const logFile = join(root, 'code-server.log');
  const out = openSync(logFile, 'a');
  const args = [
    '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', opts.password ? 'password' : 'none', '--disable-telemetry',
    '--disable-update-check', ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
  ];
  // detached: the child calls setsid(), so it leads its own process group and `kill(-pid)` reaches all its descendants.
  const child = spawn(CODE_SERVER_BIN, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...xdg, HOME: process.env.HOME ?? root, VSCODE_PROXY_URI: '' },
  });
  const stop = () => {
    killGroup(child);
    live.delete(stop);
    if (!opts.keep && !process.env.E2E_KEEP) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  live.add(stop);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  let dead = false;
  exited.then(() => (dead = true));
  try {
    await pollUntil('code-server to listen', 60_000, () => {
      if (dead) throw new Error(`code-server exited early; log:\n${readFileSync(logFile, 'utf8')}`);
      return readFileSync(logFile, 'utf8').includes('HTTP server listening on');
    });
  } catch (e) {
    stop();
    throw e;
  }
  const remoteUri = (p: string) => `vscode-remote://127.0.0.1:${port}${resolve(p)}`;
  return {
    port, baseUrl, root, userDataDir, extensionsDir, logFile, exited, password: opts.password,
    makeWorkspace(name) {
      const ws = join(root, 'workspaces', name);
      // E2E_WORKSPACE_SRC: another folder to copy instead (e.g. a modified copy of examples/).
      const src = process.env.E2E_WORKSPACE_SRC ? resolve(process.env.E2E_WORKSPACE_SRC) : join(REPO_ROOT, 'examples');
      if (!existsSync(src)) throw new Error(`${src} does not exist`);
      cpSync(src, ws, { recursive: true });
      return ws;
    },
    workbenchUrl(folder, payload) {
      let url = `${baseUrl}/?folder=${encodeURIComponent(resolve(folder))}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload.map(([k, v]) => [k, v])))}`;
      return url;
    },
    remoteUri,
    stop,
  };
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

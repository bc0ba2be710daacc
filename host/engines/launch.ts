// Starting and stopping the serving engines the `openai` preview engine launches per rope configuration: a command
// template split into argv without a shell, placeholders filled per argument, the child in its own process group
// (so the engine's workers stop with it), readiness polled over HTTP, and every group killed on dispose, error,
// cancellation and process exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import { parse as shellParse } from 'shell-quote';
import { BackendError } from '../../core/preview/sweep/backend';
import { oneLine } from './openai-protocol';

/** Whose command-line rope flags a template takes (core/convert.ts writes them). */
export type LaunchEngine = 'vllm' | 'sglang' | 'llama.cpp';

export const PLACEHOLDERS = ['{model}', '{port}', '{host}', '{ropeFlags}'] as const;

/** The template as argv words, placeholders still in them. Throws a one-line BackendError for shell syntax. */
export function splitTemplate(template: string): string[] {
  // Keep $VAR literal: there is no shell to expand it, and expanding it here would surprise.
  const parsed = shellParse(template, (key) => `$${key}`);
  const words: string[] = [];
  for (const p of parsed) {
    if (typeof p === 'string') words.push(p);
    else if ('comment' in p) break;
    else if ('op' in p && p.op === 'glob') words.push(p.pattern);
    else throw new BackendError('not-ready', `the launch template uses shell syntax (${'op' in p ? p.op : '?'}); it runs without a shell: write one command, or wrap it in a script`);
  }
  if (words.length === 0) throw new BackendError('not-ready', 'the launch template is empty');
  if (!words.includes('{ropeFlags}')) {
    if (words.some((w) => w.includes('{ropeFlags}'))) throw new BackendError('not-ready', 'the launch template must have {ropeFlags} as a word of its own (it becomes several arguments)');
    throw new BackendError('not-ready', 'the launch template has no {ropeFlags}: every method would start the same server');
  }
  if (!words.some((w) => w.includes('{port}'))) throw new BackendError('not-ready', 'the launch template has no {port}: RoPE Lens picks the port and must tell the server');
  return words;
}

/** The engine whose flags a template takes, from its program (vllm, sglang, llama-server) or undefined. */
export function detectEngine(words: readonly string[]): LaunchEngine | undefined {
  const program = basename(words[0] ?? '').replace(/\.exe$/i, '');
  const all = words.join(' ');
  if (program === 'vllm' || /\bvllm\.entrypoints\b/.test(all)) return 'vllm';
  if (program.startsWith('sglang') || /\bsglang\.launch_server\b/.test(all)) return 'sglang';
  if (program === 'llama-server' || program === 'server' && /llama/.test(words[0] ?? '')) return 'llama.cpp';
  return undefined;
}

/** Fills the placeholders: {ropeFlags} becomes the flag words, the others are replaced inside each word. */
export function expandTemplate(words: readonly string[], values: { model: string; port: number; host: string; ropeFlags: readonly string[] }): string[] {
  const out: string[] = [];
  for (const w of words) {
    if (w === '{ropeFlags}') {
      out.push(...values.ropeFlags);
      continue;
    }
    out.push(w.replaceAll('{model}', values.model).replaceAll('{port}', String(values.port)).replaceAll('{host}', values.host));
  }
  return out;
}

/** The host a template tells the server to bind (--host X), if any. */
export function templateHost(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--host') return words[i + 1];
    if (w.startsWith('--host=')) return w.slice('--host='.length);
  }
  return undefined;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** A free TCP port on the host (the OS picks it; a race with another program is possible but unlikely). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const LIVE = new Set<LaunchedServer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: a CLI that exits (or crashes) mid-sweep still stops every server it started.
  process.on('exit', killAll);
  // The servers run in their own process groups, so Ctrl-C in the terminal does not reach them. When nobody else
  // handles the signal, stop them and let the signal end this process as it would have.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(sig) > 1) return; // the host handles it (and disposes the backend)
      killAll();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function killAll(): void {
  for (const s of LIVE) s.killNow();
}

/** One launched server process (its own process group). */
export class LaunchedServer {
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  readonly command: string;

  constructor(argv: readonly string[], env: NodeJS.ProcessEnv, private readonly onLog?: (line: string) => void) {
    this.command = argv.join(' ');
    installExitHook();
    this.child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env, shell: false });
    LIVE.add(this);
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        this.onLog?.(line);
      }
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.tail.push(String(err.message));
        this.exitInfo ??= { code: null, signal: null };
        LIVE.delete(this);
        resolve();
      });
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        LIVE.delete(this);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** "exited with code 1: <last line>" for messages. */
  describeExit(): string {
    const e = this.exitInfo;
    const how = !e ? 'is running' : e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code ?? '?'}`;
    const last = this.lastLine();
    return last ? `${how}: ${last}` : how;
  }

  lastLine(): string {
    // Prefer an error line over the last progress line.
    const err = [...this.tail].reverse().find((l) => /error|exception|traceback|fatal|failed|out of memory/i.test(l));
    return oneLine(err ?? this.tail[this.tail.length - 1] ?? '', 240);
  }

  /** Polls `probe` until it answers true, the process exits, the time runs out or the signal aborts. */
  async waitReady(probe: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pause = 100; // quick first polls (small models), then every 1 s (weights loading for minutes)
    for (;;) {
      if (signal?.aborted) throw new BackendError('cancelled', 'cancelled while waiting for the launched server');
      if (!this.alive) throw new BackendError('not-ready', `the launched server ${this.describeExit()} (${this.command})`);
      if (await probe().catch(() => false)) return;
      if (Date.now() >= deadline) {
        throw new BackendError('not-ready', `the launched server did not become ready within ${Math.round(timeoutMs / 1000)} s (${this.command})${this.lastLine() ? `; last output: ${this.lastLine()}` : ''}`);
      }
      await Promise.race([sleep(Math.min(pause, Math.max(20, deadline - Date.now()))), this.exited]);
      pause = Math.min(1000, pause * 1.5);
    }
  }

  /** Waits up to `ms` for the process to exit; true when it has. */
  async exitWithin(ms: number): Promise<boolean> {
    if (!this.alive) return true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    return !this.alive;
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. Idempotent. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Workers the engine forked into the group outlive their parent on a crash: make sure they go too.
    this.signalGroup('SIGKILL');
  }

  /** Synchronous kill of the whole group (process exit hook). */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // group already gone
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

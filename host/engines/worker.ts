// Runs an in-process engine (llama.cpp) in a child node process and talks to it over IPC, for two reasons found in
// the sources: llama.cpp ends the process on some faults (GGML_ASSERT → abort(), ggml/src/ggml.c ggml_abort), which
// must not take the CLI or the editor's extension host with it; and node-llama-cpp 3.22.1 writes
// "Override: KEY = VALUE" to stdout for every string metadata override (llama/addon/AddonModel.cpp), which would
// corrupt `--json` output. The child's stdout is discarded; a death mid-sweep is BackendError('died'), one line.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, type BackendErrorCode, type RopeRun, type ScoreOptions, type ScoringBackend, type TokenScores } from '../../core/preview/sweep/backend';
import { createLlamaCppBackend, type LlamaCppBackendOptions } from './llamacpp';

/** Set in the child's environment: the bundled CLI (dist/cli.js) serves as the worker when it sees it. */
export const WORKER_ENV = 'ROPELENS_ENGINE_WORKER';
const METHODS_ASKED = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3'];

type Request = { id: number; op: 'init'; opts: LlamaCppBackendOptions } | { id: number; op: 'tokenize'; text: string } | { id: number; op: 'prepare'; run: RopeRun } | { id: number; op: 'score'; tokens: number[]; run: RopeRun; opts?: ScoreOptions } | { id: number; op: 'dispose' };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: BackendErrorCode; message: string };

interface Info {
  name: string;
  originalContext: number | undefined;
  ropeTheta: number;
  headDim: number | undefined;
  bos: number | undefined;
  unsupported: Record<string, string>;
}

/** The worker loop (child side): one backend, requests answered in order. */
export function serveWorker(): void {
  let backend: ScoringBackend | undefined;
  const send = (r: Reply): void => void process.send?.(r);
  process.on('message', (raw: unknown) => {
    const req = raw as Request;
    void (async () => {
      try {
        let value: unknown = null;
        switch (req.op) {
          case 'init': {
            backend = await createLlamaCppBackend(req.opts);
            const unsupported: Record<string, string> = {};
            for (const m of METHODS_ASKED) {
              const why = backend.unsupported?.(m);
              if (why !== undefined) unsupported[m] = why;
            }
            const info: Info = { name: backend.name, originalContext: backend.originalContext, ropeTheta: backend.ropeTheta, headDim: backend.headDim, bos: backend.bos(), unsupported };
            value = info;
            break;
          }
          case 'tokenize':
            value = await backend!.tokenize(req.text);
            break;
          case 'prepare':
            await backend!.prepare(req.run);
            break;
          case 'score': {
            const s = await backend!.score(req.tokens, req.run, undefined, req.opts);
            value = { nll: Array.from(s.nll), top1: Array.from(s.top1) };
            break;
          }
          case 'dispose':
            await backend?.dispose();
            backend = undefined;
            send({ id: req.id, ok: true, value: null });
            process.disconnect?.();
            return;
        }
        send({ id: req.id, ok: true, value });
      } catch (e) {
        const code: BackendErrorCode = e instanceof BackendError ? e.code : 'died';
        send({ id: req.id, ok: false, code, message: (e instanceof Error ? e.message : String(e)).split('\n')[0]! });
      }
    })();
  });
  process.on('disconnect', () => {
    void backend?.dispose().finally(() => process.exit(0));
    if (!backend) process.exit(0);
  });
}

/** How to start the worker: the bundled CLI beside this bundle, or this source file under tsx (tests). */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  if (typeof __filename === 'string' && __filename.endsWith('.ts')) return { file: join(here, 'worker-main.ts'), execArgv: ['--import', 'tsx'] };
  const cli = join(here, 'cli.js');
  return { file: existsSync(cli) ? cli : join(here, '..', 'dist', 'cli.js'), execArgv: [] };
}

/** A ScoringBackend whose engine runs in a child process (stopped by dispose(), or killed when it does not stop);
 * `pid` is the child's (tests stop it to check a death mid-sweep). */
export async function createLlamaCppProcessBackend(opts: LlamaCppBackendOptions): Promise<ScoringBackend & { readonly pid: number | undefined }> {
  const entry = workerEntry();
  const child: ChildProcess = fork(entry.file, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, [WORKER_ENV]: 'llama.cpp' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString('utf8')).slice(-2000);
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let nextId = 1;
  let exited: string | undefined;
  child.on('message', (raw: unknown) => {
    const r = raw as Reply;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new BackendError(r.code, r.message));
  });
  const onGone = (why: string): void => {
    exited ??= why;
    const last = stderrTail.trim().split('\n').filter((l) => l.trim() !== '').pop();
    for (const p of pending.values()) p.reject(new BackendError('died', `the llama.cpp engine stopped (${why})${last ? `: ${last.slice(0, 300)}` : ''}`));
    pending.clear();
  };
  child.on('exit', (code, signal) => onGone(signal ? `signal ${signal}` : `exit code ${code}`));
  child.on('error', (e) => onGone(e.message));
  const call = <T>(req: WithoutId<Request>, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited !== undefined) return reject(new BackendError('died', `the llama.cpp engine stopped (${exited})`));
      const id = nextId++;
      const onAbort = (): void => {
        // A pass cannot be interrupted inside llama.cpp: the process is stopped instead.
        pending.delete(id);
        child.kill('SIGKILL');
        reject(new BackendError('cancelled', 'cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v as T);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      child.send({ ...req, id } as Request);
    });
  let info: Info;
  try {
    info = await call<Info>({ op: 'init', opts });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  let disposed = false;
  return {
    pid: child.pid,
    name: info.name,
    originalContext: info.originalContext,
    ropeTheta: info.ropeTheta,
    headDim: info.headDim,
    unsupported: (m: string) => info.unsupported[m],
    tokenize: (text: string) => call<number[]>({ op: 'tokenize', text }),
    bos: () => info.bos,
    prepare: (run: RopeRun) => call<void>({ op: 'prepare', run }),
    async score(tokens: readonly number[], run: RopeRun, signal?: AbortSignal, sopts?: ScoreOptions): Promise<TokenScores> {
      const v = await call<{ nll: (number | null)[]; top1: number[] }>({ op: 'score', tokens: [...tokens], run, ...(sopts ? { opts: sopts } : {}) }, signal);
      // JSON over IPC turns NaN (entries not asked for) into null.
      return { nll: Float64Array.from(v.nll, (x) => (x === null ? NaN : x)), top1: Uint8Array.from(v.top1) };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (exited !== undefined) return;
      const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      try {
        await Promise.race([call<void>({ op: 'dispose' }).catch(() => undefined).then(() => stopped), stopped]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

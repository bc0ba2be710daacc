// The `openai` preview engine: prompt log-probabilities from an OpenAI-compatible server (vLLM's /v1/completions with
// prompt_logprobs, or SGLang's /generate). Rope settings are fixed when a server starts, so each method is either a
// server the user runs (`--url yarn=http://127.0.0.1:8001`) or one RoPE Lens starts from a command template with the
// flags core/convert.ts writes for that engine, waits for, measures and stops.
// ledger: vllm.prompt-logprobs, vllm.tokenize, vllm.max-model-len, sglang.context-length, sglang.input-logprobs,
// llama.cpp.server-no-prompt-logprobs
import { convertBlock, type BlockFacts } from '../../core/convert';
import { BackendError, type RopeRun, type ScoringBackend, type TokenScores } from '../../core/preview/sweep/backend';
import { LaunchedServer, detectEngine, expandTemplate, freePort, isLoopback, splitTemplate, templateHost, type LaunchEngine } from './launch';
import {
  errorFromResponse,
  oneLine,
  parseSglangInputLogprobs,
  parseTokenizeResponse,
  parseVllmPromptLogprobs,
  sglangGenerateBody,
  tokenizeBody,
  vllmCompletionBody,
  type ScoreApi,
} from './openai-protocol';

export interface OpenAIBackendOptions {
  /** The served model: the name requests carry, and {model} in a launch template. */
  model: string;
  /** Servers the user runs: "URL" for every method and/or "method=URL" entries (URL with or without /v1). */
  url?: string | readonly string[];
  /** Command template started per method: `vllm serve {model} {ropeFlags} --port {port}`. */
  launch?: string;
  /** Whose rope flags {ropeFlags} gets; detected from the template's program (vllm, sglang, llama-server). */
  launchEngine?: LaunchEngine;
  /** How the server returns prompt log-probabilities; follows the launch engine, else vLLM's shape. */
  api?: ScoreApi;
  /** Host launched servers bind and are reached on; loopback by default. */
  host?: string;
  /** Port for launched servers; a free one when absent. */
  port?: number;
  /** The longest sequence the sweep will score (its longest length, in tokens): launched servers are sized for it
   * so that one server serves every length of a method. Without it, a longer length restarts the server. */
  maxLength?: number;
  /** Seconds a launched server may take to answer GET /v1/models (weights load, CUDA graphs). Default 900. */
  readyTimeoutS?: number;
  /** Seconds one scoring request may take. Default 600. */
  requestTimeoutS?: number;
  /** rope_theta of the model as shipped (its config.json); the NTK method changes it. Default 10000. */
  ropeTheta?: number;
  /** The model's original context in its tokens (config.json / GGUF header). */
  originalContext?: number;
  /** max_position_embeddings of the model (what vLLM derives --max-model-len from); defaults to originalContext. */
  maxPositionEmbeddings?: number;
  /** BOS token id; found by tokenizing with and without special tokens when absent. */
  bos?: number | null;
  /** Extra environment for launched servers. */
  env?: Record<string, string>;
  fetchImpl?: typeof fetch;
  /** Each line a launched server prints (for --verbose). */
  onLog?: (line: string) => void;
}

interface Target {
  /** Server root (no /v1). */
  root: string;
  /** Set when RoPE Lens started it. */
  server?: LaunchedServer;
  /** How this server returns prompt log-probabilities, when its /v1/models names it (owned_by "sglang"). */
  api?: ScoreApi;
  /** Launched servers: the rope configuration and the longest sequence they were sized for. */
  key?: string;
  capacity?: number;
}

const DEFAULT_THETA = 10000;

export function createOpenAIBackend(opts: OpenAIBackendOptions): ScoringBackend {
  return new OpenAIBackend(opts);
}

class OpenAIBackend implements ScoringBackend {
  readonly name: string;
  readonly originalContext: number | undefined;
  readonly ropeTheta: number;
  private readonly fetchImpl: typeof fetch;
  private readonly urls = new Map<string, string>();
  private defaultUrl: string | undefined;
  private readonly template: string[] | undefined;
  private readonly engine: LaunchEngine | undefined;
  private readonly api: ScoreApi;
  /** Set when the caller chose the API; otherwise a server's owned_by may choose it per server. */
  private readonly apiGiven: boolean;
  private readonly host: string;
  private bosId: number | undefined;
  private bosKnown: boolean;
  /** The launched server now running (one at a time: a GPU holds one model). */
  private launched: Target | undefined;
  private readonly prepared = new Map<string, Target>();
  private readonly stopping = new AbortController();
  private disposed = false;

  constructor(private readonly opts: OpenAIBackendOptions) {
    if (!opts.model) throw new BackendError('model-unreadable', 'the openai engine needs --model NAME (the served model)');
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.ropeTheta = opts.ropeTheta ?? DEFAULT_THETA;
    this.originalContext = opts.originalContext;
    this.bosKnown = opts.bos !== undefined;
    this.bosId = opts.bos ?? undefined;
    for (const entry of typeof opts.url === 'string' ? [opts.url] : (opts.url ?? [])) this.addUrl(entry);
    if (opts.launch !== undefined) {
      this.template = splitTemplate(opts.launch);
      this.engine = opts.launchEngine ?? detectEngine(this.template);
      if (!this.engine) {
        throw new BackendError('not-ready', `cannot tell whose rope flags the launch template takes (${this.template[0]}): name the engine (vllm, sglang or llama.cpp)`);
      }
      const bind = templateHost(this.template);
      this.host = opts.host ?? (bind && bind !== '{host}' ? bind : '127.0.0.1');
      if (bind && bind !== '{host}' && !isLoopback(bind) && opts.host !== bind) {
        throw new BackendError('unreachable', `the launch template binds --host ${bind}; RoPE Lens starts servers on loopback only unless you name the host (--host ${bind})`);
      }
    } else {
      this.host = opts.host ?? '127.0.0.1';
      if (this.urls.size === 0 && this.defaultUrl === undefined) {
        throw new BackendError('unreachable', 'the openai engine needs --url URL (a running server, or method=URL per method) or --launch TEMPLATE');
      }
    }
    // ledger: llama.cpp.server-no-prompt-logprobs
    if (this.engine === 'llama.cpp' && opts.api === undefined) {
      throw new BackendError('no-prompt-logprobs', 'llama-server returns log-probabilities of generated tokens only (n_probs), never of the prompt: preview a GGUF with --engine llama.cpp instead');
    }
    this.api = opts.api ?? (this.engine === 'sglang' ? 'sglang' : 'vllm');
    this.apiGiven = opts.api !== undefined || this.engine !== undefined;
    const label: Record<LaunchEngine, string> = { vllm: 'vLLM', sglang: 'SGLang', 'llama.cpp': 'llama-server' };
    const servers = [...new Set([...(this.defaultUrl ? [this.defaultUrl] : []), ...this.urls.values()])];
    this.name = this.template
      ? `${opts.model} on ${label[this.engine!]}, started per method (${this.template[0]})`
      : `${opts.model} on ${servers.join(', ')} (prompt log-probabilities over HTTP)`;
  }

  async tokenize(text: string): Promise<number[]> {
    const target = await this.anyTarget();
    const ids = await this.tokenizeAt(target, text, false);
    if (!this.bosKnown) {
      // BOS is whatever tokenizing with special tokens adds in front.
      const probe = text.slice(0, 64) || 'a';
      const plain = await this.tokenizeAt(target, probe, false);
      const special = await this.tokenizeAt(target, probe, true);
      this.bosId = special.length === plain.length + 1 && special.slice(1).every((t, i) => t === plain[i]) ? special[0] : undefined;
      this.bosKnown = true;
    }
    return ids;
  }

  bos(): number | undefined {
    return this.bosId;
  }

  async prepare(run: RopeRun): Promise<void> {
    this.checkLive();
    if (!this.template || this.urls.has(run.method)) {
      // A server the user named for this method wins over the launch template.
      const target = this.userTarget(run.method);
      await this.checkServes(target);
      this.prepared.set(runKey(run), target);
      return;
    }
    const key = ropeKey(run);
    const need = Math.max(run.contextTokens, this.opts.maxLength ?? 0) + 8; // the prompt plus the one generated token, with room
    let current = this.launched;
    if (!current || current.key !== key || (current.capacity ?? 0) < need || !current.server?.alive) {
      await this.stopLaunched();
      current = await this.launch(run, key, need);
    }
    this.prepared.set(runKey(run), current);
  }

  async score(tokens: readonly number[], run: RopeRun, signal?: AbortSignal): Promise<TokenScores> {
    this.checkLive();
    if (tokens.length < 2) throw new BackendError('bad-response', 'a sequence to score needs at least two tokens');
    const target = this.prepared.get(runKey(run));
    if (!target) throw new BackendError('not-ready', `score() before prepare() for ${run.method} at ${run.contextTokens}`);
    if (target.server && !target.server.alive) throw this.died(target);
    const api = target.api ?? this.api;
    const body = api === 'sglang' ? sglangGenerateBody(tokens) : vllmCompletionBody(this.opts.model, tokens);
    const path = api === 'sglang' ? '/generate' : '/v1/completions';
    const json = await this.post(target, path, body, `scoring ${tokens.length} tokens (${run.method})`, signal);
    return api === 'sglang' ? parseSglangInputLogprobs(json, tokens) : parseVllmPromptLogprobs(json, tokens);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stopping.abort();
    await this.stopLaunched();
    this.prepared.clear();
  }

  // ---- servers ----

  private addUrl(entry: string): void {
    const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(entry.trim());
    const [method, raw] = m && !/^https?:/i.test(entry.trim()) ? [m[1]!, m[2]!] : [undefined, entry.trim()];
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new BackendError('unreachable', `--url ${entry}: not a URL (write http://127.0.0.1:8000 or yarn=http://127.0.0.1:8001)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BackendError('unreachable', `--url ${entry}: only http and https`);
    // A host written in --url is named by the user, loopback or not.
    const root = `${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
    if (method === undefined) this.defaultUrl = root;
    else this.urls.set(method, root);
  }

  private userTarget(method: string): Target {
    const root = this.urls.get(method) ?? this.defaultUrl;
    if (!root) {
      const known = [...this.urls.keys()].join(', ');
      throw new BackendError('unreachable', `no server for method ${method}: add --url ${method}=URL (given: ${known || 'none'}) or use --launch`);
    }
    return { root };
  }

  /** A server for tokenizing: any user URL, the running launched server, or a launched baseline (no scaling). */
  private async anyTarget(): Promise<Target> {
    this.checkLive();
    if (!this.template) {
      const root = this.defaultUrl ?? this.urls.values().next().value;
      const target: Target = { root: root! };
      await this.checkServes(target);
      return target;
    }
    if (this.launched?.server?.alive) return this.launched;
    const baseline: RopeRun = { method: 'none', block: {}, ropeTheta: this.ropeTheta, contextTokens: this.originalContext ?? 2048 };
    await this.stopLaunched();
    this.launched = await this.launch(baseline, ropeKey(baseline), Math.max(baseline.contextTokens, this.opts.maxLength ?? 0) + 8);
    return this.launched;
  }

  private async launch(run: RopeRun, key: string, need: number): Promise<Target> {
    const engine = this.engine!;
    const port = this.opts.port ?? (await freePort(this.host));
    const connectHost = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host;
    const root = `http://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}`;
    const flags = ropeFlags(engine, run, this.ropeTheta, this.opts.maxPositionEmbeddings ?? this.originalContext, need);
    let words = this.template!;
    // Bind where RoPE Lens connects: vLLM listens on every interface unless told otherwise (ledger: vllm.bind-all).
    if (!words.some((w) => w.includes('{host}')) && templateHost(words) === undefined) words = [...words, '--host', '{host}'];
    const argv = expandTemplate(words, { model: this.opts.model, port, host: this.host, ropeFlags: flags });
    // ledger: vllm.max-model-len, sglang.context-length — lengths past the model's own need these to be allowed.
    const env = { ...process.env, VLLM_ALLOW_LONG_MAX_MODEL_LEN: '1', SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN: '1', ...this.opts.env };
    const server = new LaunchedServer(argv, env, this.opts.onLog);
    const target: Target = { root, server, key, capacity: need };
    this.launched = target;
    try {
      await server.waitReady(() => this.ready(root), (this.opts.readyTimeoutS ?? 900) * 1000, this.stopping.signal);
    } catch (e) {
      await server.stop();
      if (this.launched === target) this.launched = undefined;
      throw e;
    }
    return target;
  }

  private async stopLaunched(): Promise<void> {
    const t = this.launched;
    this.launched = undefined;
    if (t?.server) await t.server.stop();
    for (const [k, v] of this.prepared) if (v === t) this.prepared.delete(k);
  }

  private async ready(root: string): Promise<boolean> {
    const res = await this.fetchImpl(`${root}/v1/models`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok;
  }

  /** The user's server answers and serves the model (vLLM refuses requests for another name); its owned_by says
   * which server it is (ledger: vllm.tokenize, sglang.tokenize, llama.cpp.server-no-prompt-logprobs). */
  private async checkServes(target: Target): Promise<void> {
    const body = await this.get(target, '/v1/models', 'listing models');
    const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
    const cards = Array.isArray(data) ? data.filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null) : [];
    const owners = new Set(cards.map((c) => c['owned_by']));
    if (owners.has('llamacpp')) {
      throw new BackendError('no-prompt-logprobs', `${target.root} is llama-server, which returns log-probabilities of generated tokens only (n_probs), never of the prompt: preview a GGUF with --engine llama.cpp instead`);
    }
    if (!this.apiGiven && owners.has('sglang')) target.api = 'sglang';
    const ids = cards.map((c) => c['id']).filter((x): x is string => typeof x === 'string');
    if (ids.length > 0 && !ids.includes(this.opts.model)) {
      throw new BackendError('bad-response', `${target.root} serves ${ids.slice(0, 3).join(', ')}, not ${this.opts.model}: pass --model ${ids[0]}`);
    }
  }

  private async tokenizeAt(target: Target, text: string, addSpecial: boolean): Promise<number[]> {
    const body = tokenizeBody(this.opts.model, text, addSpecial);
    return parseTokenizeResponse(await this.post(target, '/tokenize', body, 'tokenizing'));
  }

  // ---- HTTP ----

  private async get(target: Target, path: string, what: string): Promise<unknown> {
    return this.request(target, path, { method: 'GET' }, what);
  }

  private async post(target: Target, path: string, body: unknown, what: string, signal?: AbortSignal): Promise<unknown> {
    return this.request(target, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, what, signal);
  }

  private async request(target: Target, path: string, init: RequestInit, what: string, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout((this.opts.requestTimeoutS ?? 600) * 1000);
    const signals = [timeout, this.stopping.signal, ...(signal ? [signal] : [])];
    let res: Response;
    try {
      res = await this.fetchImpl(`${target.root}${path}`, { ...init, signal: AbortSignal.any(signals) });
    } catch (e) {
      throw await this.fetchFailed(target, e, what, signal, timeout);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw await this.fetchFailed(target, e, what, signal, timeout);
    }
    if (!res.ok) {
      if (res.status === 404 && path === '/tokenize') {
        throw new BackendError('bad-response', `${target.root} has no /tokenize endpoint (vLLM, SGLang and llama-server have one)`);
      }
      throw errorFromResponse(res.status, text, what);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BackendError('bad-response', `${what}: ${target.root}${path} answered with something that is not JSON: ${oneLine(text, 120)}`);
    }
  }

  private async fetchFailed(target: Target, e: unknown, what: string, signal: AbortSignal | undefined, timeout: AbortSignal): Promise<BackendError> {
    if (e instanceof BackendError) return e;
    if (signal?.aborted || this.stopping.signal.aborted) return new BackendError('cancelled', `cancelled while ${what}`);
    // A dropped connection often arrives just before the exit event of a server that is going down.
    if (target.server && !timeout.aborted) await target.server.exitWithin(2000);
    if (target.server && !target.server.alive) return this.died(target);
    if (timeout.aborted) return new BackendError('unreachable', `${what}: ${target.root} did not answer within ${this.opts.requestTimeoutS ?? 600} s`);
    const cause = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
    return new BackendError('unreachable', `${what}: cannot reach ${target.root} (${cause})`);
  }

  private died(target: Target): BackendError {
    return new BackendError('died', `the launched server ${target.server!.describeExit()} during the sweep`);
  }

  private checkLive(): void {
    if (this.disposed) throw new BackendError('cancelled', 'the openai engine was disposed');
  }
}

/** Key of a prepared run (method, rope settings and length). */
function runKey(run: RopeRun): string {
  return `${ropeKey(run)}@${run.contextTokens}`;
}

/** Key of a rope configuration: runs with the same key can share one launched server. */
function ropeKey(run: RopeRun): string {
  return JSON.stringify([run.block, run.ropeTheta]);
}

/** The engine's rope flags for a run (core/convert.ts, the "Copy rope block as…" writer), with the served length
 * raised to fit the run. */
export function ropeFlags(engine: LaunchEngine, run: RopeRun, shippedTheta: number, maxPositions: number | undefined, need: number): string[] {
  const scaled = Object.keys(run.block).length > 0;
  const facts: BlockFacts = {
    params: { ...run.block },
    context: {
      ...(run.ropeTheta !== shippedTheta ? { ropeTheta: { value: run.ropeTheta, source: 'flag' as const } } : {}),
      ...(maxPositions !== undefined ? { maxPositionEmbeddings: { value: maxPositions, source: 'file' as const } } : {}),
    },
  };
  const conversion = convertBlock(facts, engine);
  const words = [...(conversion.words ?? [])];
  if (scaled && words.length === 0) {
    throw new BackendError('unsupported-architecture', `${engine} has no flags for ${run.method}${conversion.notes[0] ? `: ${conversion.notes[0]}` : ''}`);
  }
  if (!scaled) {
    // No scaling: no override block at all (an empty rope_scaling is not "none" to every engine).
    for (const flag of ['--hf-overrides', '--json-model-override-args']) {
      const i = words.indexOf(flag);
      if (i >= 0) words.splice(i, 2);
    }
  }
  if (engine === 'sglang' && run.ropeTheta !== shippedTheta) {
    // convert's SGLang line carries no rope_theta (it takes the config's); the override sets it.
    const j = words.indexOf('--json-model-override-args');
    const o = j >= 0 ? (JSON.parse(words[j + 1]!) as Record<string, unknown>) : {};
    o['rope_theta'] = run.ropeTheta;
    if (j >= 0) words[j + 1] = JSON.stringify(o);
    else words.push('--json-model-override-args', JSON.stringify(o));
  }
  const lengthFlag = engine === 'vllm' ? '--max-model-len' : engine === 'sglang' ? '--context-length' : '-c';
  const i = words.indexOf(lengthFlag);
  if (i >= 0) words[i + 1] = String(Math.max(Number(words[i + 1]) || 0, need));
  else words.push(lengthFlag, String(need));
  return words;
}

// The `openai` preview engine: response parsing against recorded bodies (test/fixtures/openai), launch-template
// handling, and end to end over real sockets on 127.0.0.1 against test/engines/openai-server.mjs (launched through
// --launch: start, poll, measure, stop) with every fault the engine reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { BackendError, type RopeRun } from '../../core/preview/sweep/backend';
import { createOpenAIBackend, ropeFlags } from '../../host/engines/openai';
import { detectEngine, expandTemplate, isLoopback, splitTemplate } from '../../host/engines/launch';
import {
  errorFromResponse,
  parseSglangInputLogprobs,
  parseTokenizeResponse,
  parseVllmPromptLogprobs,
  sglangGenerateBody,
  vllmCompletionBody,
} from '../../host/engines/openai-protocol';

const ROOT = join(__dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'openai');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIX, name), 'utf8'));
const SERVER = 'node test/engines/openai-server.mjs --model {model} --port {port} {ropeFlags}';
const GGUF = process.env['ROPELENS_SIBLING_GGUF'] ?? join(ROOT, 'media', 'model', 'ropelens-llama-sibling.gguf');

const run = (method: string, block: Record<string, unknown>, contextTokens: number, ropeTheta = 10000): RopeRun => ({ method, block, ropeTheta, contextTokens });
const NONE = run('none', {}, 64);
const YARN = run('yarn', { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 64 }, 64);

async function rejectsWith(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<BackendError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BackendError, `expected a BackendError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

/** The process has exited (a zombie whose orphan nobody reaped yet counts as exited). */
function gone(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\)/, ''));
  } catch {
    return true;
  }
}

/** An HTTP server on 127.0.0.1 answering every request with `handler`. */
async function stubServer(handler: (path: string, body: string) => { status: number; body: unknown } | 'hang'): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = handler(req.url ?? '', Buffer.concat(chunks).toString('utf8'));
      if (r === 'hang') return;
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

// ---- recorded bodies ----

test('vLLM prompt_logprobs: nll and greedy hits per position from the recorded response', () => {
  const body = fixture('vllm-completions-prompt-logprobs.json') as { choices: Array<{ prompt_logprobs: Array<Record<string, { logprob: number; rank: number }> | null> }> };
  const request = fixture('vllm-completions-request.json') as { prompt: number[] };
  const tokens = request.prompt;
  const s = parseVllmPromptLogprobs(body, tokens);
  assert.equal(s.nll.length, tokens.length - 1);
  const entries = body.choices[0]!.prompt_logprobs;
  for (let i = 0; i < tokens.length - 1; i++) {
    const mine = entries[i + 1]![String(tokens[i + 1])]!;
    assert.equal(s.nll[i], -mine.logprob);
    assert.equal(s.top1[i], mine.rank === 1 ? 1 : 0);
  }
  assert.ok(s.top1.includes(0) && s.top1.includes(1), 'the fixture has both hits and misses');
});

test('the request body is the recorded vLLM request (token-id prompt, prompt_logprobs, one generated token)', () => {
  const request = fixture('vllm-completions-request.json') as { model: string; prompt: number[] };
  assert.deepEqual(vllmCompletionBody(request.model, request.prompt), request);
});

test('llama-server answers /v1/completions without prompt log-probabilities: one clear line', () => {
  const body = fixture('llamacpp-v1-completions.json');
  assert.throws(() => parseVllmPromptLogprobs(body, [1, 2, 3]), (e: unknown) => e instanceof BackendError && e.code === 'no-prompt-logprobs' && /llama-server/.test(e.message));
});

test('tokenize responses of vLLM and llama-server', () => {
  assert.deepEqual(parseTokenizeResponse(fixture('vllm-tokenize.json')), (fixture('vllm-tokenize.json') as { tokens: number[] }).tokens);
  assert.deepEqual(parseTokenizeResponse(fixture('llamacpp-tokenize.json')), (fixture('llamacpp-tokenize.json') as { tokens: number[] }).tokens);
  assert.deepEqual(parseTokenizeResponse({ tokens: [{ id: 5, piece: 'a' }, { id: 7, piece: [195] }] }), [5, 7]);
  assert.throws(() => parseTokenizeResponse({ tokens: ['x'] }), BackendError);
  assert.throws(() => parseTokenizeResponse({}), BackendError);
});

test('HTTP error bodies become one line; a length refusal is out-of-memory', () => {
  const tooLong = errorFromResponse(400, readFileSync(join(FIX, 'vllm-error-max-context.json'), 'utf8'), 'scoring');
  assert.equal(tooLong.code, 'out-of-memory');
  assert.match(tooLong.message, /maximum context length is 8192 tokens/);
  const echo = errorFromResponse(500, readFileSync(join(FIX, 'llamacpp-error-echo.json'), 'utf8'), 'scoring');
  assert.equal(echo.code, 'bad-response');
  assert.match(echo.message, /HTTP 500: Only no echo is supported/);
  const html = errorFromResponse(502, '<html>\n<body>Bad Gateway</body>\n</html>', 'scoring');
  assert.ok(!html.message.includes('\n'));
});

test('SGLang /generate input logprobs give the same scores as the same numbers in vLLM form', () => {
  const tokens = (fixture('vllm-completions-request.json') as { prompt: number[] }).prompt;
  const sg = parseSglangInputLogprobs(fixture('sglang-generate-input-logprobs.json'), tokens);
  const vl = parseVllmPromptLogprobs(fixture('vllm-completions-prompt-logprobs.json'), tokens);
  assert.deepEqual([...sg.nll], [...vl.nll]);
  assert.deepEqual([...sg.top1], [...vl.top1]);
  assert.deepEqual(sglangGenerateBody([1, 2]), { input_ids: [1, 2], sampling_params: { max_new_tokens: 1, temperature: 0 }, return_logprob: true, logprob_start_len: 0, top_logprobs_num: 1 });
  assert.throws(() => parseSglangInputLogprobs({ text: 'x', meta_info: {} }, tokens), (e: unknown) => e instanceof BackendError && e.code === 'no-prompt-logprobs');
});

// ---- launch templates ----

test('launch templates: argv without a shell, placeholders per word, shell syntax refused', () => {
  const words = splitTemplate(`vllm serve {model} {ropeFlags} --port {port} --served-model-name 'my model' --download-dir $HOME/x`);
  const argv = expandTemplate(words, { model: 'org/m', port: 8123, host: '127.0.0.1', ropeFlags: ['--hf-overrides', '{"rope_scaling": {"rope_type": "yarn"}}'] });
  assert.deepEqual(argv, ['vllm', 'serve', 'org/m', '--hf-overrides', '{"rope_scaling": {"rope_type": "yarn"}}', '--port', '8123', '--served-model-name', 'my model', '--download-dir', '$HOME/x']);
  for (const bad of ['vllm serve {model} {ropeFlags} --port {port} | tee log', 'vllm serve {ropeFlags} --port {port}; rm -rf x', 'vllm serve {ropeFlags} --port {port} && echo', 'vllm serve {ropeFlags} --port {port} > log']) {
    assert.throws(() => splitTemplate(bad), (e: unknown) => e instanceof BackendError && /shell syntax/.test(e.message), bad);
  }
  assert.throws(() => splitTemplate('vllm serve {model} --port {port}'), /no \{ropeFlags\}/);
  assert.throws(() => splitTemplate('vllm serve {model} {ropeFlags}'), /no \{port\}/);
  assert.throws(() => splitTemplate('vllm serve --x={ropeFlags} --port {port}'), /word of its own/);
  assert.equal(detectEngine(['vllm', 'serve']), 'vllm');
  assert.equal(detectEngine(['/opt/venv/bin/python', '-m', 'vllm.entrypoints.openai.api_server']), 'vllm');
  assert.equal(detectEngine(['python3', '-m', 'sglang.launch_server']), 'sglang');
  assert.equal(detectEngine(['./build/bin/llama-server']), 'llama.cpp');
  assert.equal(detectEngine(['node', 'server.mjs']), undefined);
  assert.ok(isLoopback('127.0.0.1') && isLoopback('localhost') && isLoopback('[::1]') && !isLoopback('0.0.0.0') && !isLoopback('10.0.0.2'));
});

test('rope flags per engine come from core/convert, with the served length raised to fit the run', () => {
  const yarn = ropeFlags('vllm', run('yarn', { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 8192 }, 65536, 500000), 500000, 8192, 65544);
  const i = yarn.indexOf('--hf-overrides');
  assert.deepEqual(JSON.parse(yarn[i + 1]!), { rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 8192 } });
  assert.equal(yarn[yarn.indexOf('--max-model-len') + 1], '65544');
  const none = ropeFlags('vllm', run('none', {}, 16384, 500000), 500000, 8192, 16392);
  assert.ok(!none.includes('--hf-overrides') && !none.includes('--rope-theta'), none.join(' '));
  assert.equal(none[none.indexOf('--max-model-len') + 1], '16392');
  const ntk = ropeFlags('vllm', run('ntk', {}, 16384, 2_000_000), 500000, 8192, 16392);
  assert.equal(ntk[ntk.indexOf('--rope-theta') + 1], '2000000');
  const sg = ropeFlags('sglang', run('ntk', {}, 16384, 2_000_000), 500000, 8192, 16392);
  assert.deepEqual(JSON.parse(sg[sg.indexOf('--json-model-override-args') + 1]!), { rope_theta: 2000000 });
  assert.equal(sg[sg.indexOf('--context-length') + 1], '16392');
  const lc = ropeFlags('llama.cpp', run('linear', { rope_type: 'linear', factor: 2 }, 8192), 10000, 4096, 8200);
  assert.deepEqual(lc.slice(0, 4), ['--rope-scaling', 'linear', '--rope-scale', '2']);
  assert.equal(lc[lc.indexOf('-c') + 1], '8200');
  assert.throws(() => ropeFlags('llama.cpp', run('dynamic', { rope_type: 'dynamic', factor: 2 }, 8192), 10000, 4096, 8200), (e: unknown) => e instanceof BackendError && /llama.cpp has no flags for dynamic: llama.cpp has no dynamic NTK/.test(e.message));
});

test('loopback by default: a template binding another host needs that host named; llama-server is refused up front', () => {
  assert.throws(() => createOpenAIBackend({ model: 'm', launch: 'vllm serve {model} {ropeFlags} --port {port} --host 0.0.0.0' }), (e: unknown) => e instanceof BackendError && /loopback/.test(e.message));
  assert.doesNotThrow(() => createOpenAIBackend({ model: 'm', launch: 'vllm serve {model} {ropeFlags} --port {port} --host 0.0.0.0', host: '0.0.0.0' }));
  assert.throws(() => createOpenAIBackend({ model: 'm', launch: 'llama-server -m {model} {ropeFlags} --port {port}' }), (e: unknown) => e instanceof BackendError && e.code === 'no-prompt-logprobs');
  assert.throws(() => createOpenAIBackend({ model: 'm', launch: 'node x.mjs {ropeFlags} --port {port}' }), /cannot tell whose rope flags/);
  assert.throws(() => createOpenAIBackend({ model: 'm' }), /needs --url/);
  assert.throws(() => createOpenAIBackend({ model: 'm', url: 'yarn=not a url' }), /not a URL/);
});

// ---- end to end over sockets ----

test('launch, poll, measure, stop: a server per rope configuration, each stopped', async () => {
  const logs: string[] = [];
  const b = createOpenAIBackend({ model: 'fake', launch: SERVER, launchEngine: 'vllm', originalContext: 64, readyTimeoutS: 20, onLog: (l) => logs.push(l) });
  try {
    const ids = await b.tokenize('the quick brown fox');
    assert.deepEqual(ids, [...Buffer.from('the quick brown fox')]);
    assert.equal(b.bos(), 256);
    const tokens = [b.bos()!, ...ids];
    await b.prepare(NONE);
    const none = await b.score(tokens, NONE);
    assert.equal(none.nll.length, tokens.length - 1);
    assert.ok([...none.nll].every((x) => Number.isFinite(x) && x > 0));
    assert.ok([...none.top1].every((x) => x === 0 || x === 1));
    await b.prepare(YARN);
    const yarn = await b.score(tokens, YARN);
    assert.notDeepEqual([...yarn.nll], [...none.nll], 'the yarn flags reached the server');
    assert.ok(logs.some((l) => /"rope_type":"yarn"/.test(l)), 'the yarn server saw --hf-overrides');
    // Too long for the server sized for this run: the server's 400 becomes one line.
    await rejectsWith(b.score([...tokens, ...new Array(400).fill(97)], YARN), 'out-of-memory', /maximum context length/);
  } finally {
    await b.dispose();
  }
  assert.equal(logs.filter((l) => l.startsWith('listening')).length, 2, 'none (shared with tokenize) and yarn');
});

test('servers the user runs: --url per method, and one for every method', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['test/engines/openai-server.mjs', '--model', 'fake', '--port', '0', '--host', '127.0.0.1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // --port 0: read the port the server printed.
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        const m = /127\.0\.0\.1:(\d+)/.exec(c.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error('server exited')));
    });
    const b = createOpenAIBackend({ model: 'fake', url: [`yarn=http://127.0.0.1:${port}/v1`] });
    await rejectsWith(b.prepare(NONE), 'unreachable', /no server for method none: add --url none=URL/);
    await b.prepare(YARN);
    const s = await b.score([256, 104, 105], YARN);
    assert.equal(s.nll.length, 2);
    await b.dispose();
    // With a template too, a method's own --url wins: nothing is launched for it.
    const launched: string[] = [];
    const mixed = createOpenAIBackend({ model: 'fake', url: [`yarn=http://127.0.0.1:${port}`], launch: SERVER, launchEngine: 'vllm', onLog: (l) => launched.push(l) });
    await mixed.prepare(YARN);
    assert.equal((await mixed.score([256, 104, 105], YARN)).nll.length, 2);
    assert.deepEqual(launched, []);
    await mixed.dispose();
    const wrongName = createOpenAIBackend({ model: 'other', url: `http://127.0.0.1:${port}` });
    await rejectsWith(wrongName.prepare(NONE), 'bad-response', /serves fake, not other/);
  } finally {
    child.kill();
  }
});

test('faults: unreachable, no prompt log-probabilities, HTTP errors, cancellation', async () => {
  const closed = await stubServer(() => ({ status: 200, body: {} }));
  const port = (closed.server.address() as AddressInfo).port;
  await new Promise((r) => closed.server.close(r));
  await rejectsWith(createOpenAIBackend({ model: 'm', url: `http://127.0.0.1:${port}` }).prepare(NONE), 'unreachable', /cannot reach/);

  const llamaLike = await stubServer((path) => (path === '/v1/models' ? { status: 200, body: { object: 'list', data: [{ id: 'm' }] } } : { status: 200, body: fixture('llamacpp-v1-completions.json') }));
  const noLp = createOpenAIBackend({ model: 'm', url: llamaLike.url });
  await noLp.prepare(NONE);
  await rejectsWith(noLp.score([1, 2, 3], NONE), 'no-prompt-logprobs', /llama-server/);
  llamaLike.server.close();

  const oom = await stubServer((path) => (path === '/v1/models' ? { status: 200, body: { data: [] } } : { status: 400, body: readFileSync(join(FIX, 'vllm-error-max-context.json'), 'utf8') }));
  const tooLong = createOpenAIBackend({ model: 'm', url: oom.url });
  await tooLong.prepare(NONE);
  await rejectsWith(tooLong.score([1, 2, 3], NONE), 'out-of-memory', /maximum context length/);
  oom.server.close();

  // A server's /v1/models says which it is: llama-server is refused before any scoring, SGLang is scored via /generate.
  const llamaServer = await stubServer(() => ({ status: 200, body: { object: 'list', data: [{ id: 'm', object: 'model', owned_by: 'llamacpp' }] } }));
  await rejectsWith(createOpenAIBackend({ model: 'm', url: llamaServer.url }).prepare(NONE), 'no-prompt-logprobs', /is llama-server/);
  llamaServer.server.close();
  const tokens = (fixture('vllm-completions-request.json') as { prompt: number[] }).prompt;
  const paths: string[] = [];
  const sglang = await stubServer((path) => {
    paths.push(path);
    return path === '/v1/models' ? { status: 200, body: { object: 'list', data: [{ id: 'm', owned_by: 'sglang' }] } } : { status: 200, body: fixture('sglang-generate-input-logprobs.json') };
  });
  const sg = createOpenAIBackend({ model: 'm', url: sglang.url });
  await sg.prepare(NONE);
  const scored = await sg.score(tokens, NONE);
  assert.deepEqual([...scored.nll], [...parseVllmPromptLogprobs(fixture('vllm-completions-prompt-logprobs.json'), tokens).nll]);
  assert.deepEqual(paths, ['/v1/models', '/generate']);
  sglang.server.close();

  const slow = await stubServer((path) => (path === '/v1/models' ? { status: 200, body: { data: [] } } : 'hang'));
  const hang = createOpenAIBackend({ model: 'm', url: slow.url });
  await hang.prepare(NONE);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await rejectsWith(hang.score([1, 2, 3], NONE, ac.signal), 'cancelled');
  slow.server.closeAllConnections();
  slow.server.close();
});

test('faults of launched servers: never ready, exits at start, dies mid-sweep; each process stopped', async () => {
  const never = createOpenAIBackend({ model: 'fake', launch: `${SERVER} --never-ready`, launchEngine: 'vllm', readyTimeoutS: 1.5 });
  const e1 = await rejectsWith(never.prepare(NONE), 'not-ready', /did not become ready within 2 s/);
  assert.match(e1.message, /openai-server\.mjs/);
  await never.dispose();

  const crash = createOpenAIBackend({ model: 'fake', launch: `node -e "console.error('error: CUDA out of memory'); process.exit(4)" -- {ropeFlags} {port}`, launchEngine: 'vllm', readyTimeoutS: 20 });
  await rejectsWith(crash.prepare(NONE), 'not-ready', /exited with code 4: error: CUDA out of memory/);
  await crash.dispose();

  const logs: string[] = [];
  const dies = createOpenAIBackend({ model: 'fake', launch: `${SERVER} --die-after 1`, launchEngine: 'vllm', readyTimeoutS: 20, onLog: (l) => logs.push(l) });
  try {
    await dies.prepare(NONE);
    await dies.score([256, 97, 98], NONE);
    await rejectsWith(dies.score([256, 97, 98], NONE), 'died', /exited with code 3: fatal: simulated crash/);
    await rejectsWith(dies.score([256, 97, 98], NONE), 'died');
  } finally {
    await dies.dispose();
  }
});

test('dispose stops a launched server and its process group', async () => {
  const { execFileSync } = await import('node:child_process');
  const b = createOpenAIBackend({ model: 'fake', launch: SERVER, launchEngine: 'vllm', readyTimeoutS: 20 });
  await b.prepare(NONE);
  const pidsBefore = serverPids();
  assert.ok(pidsBefore.length >= 1, 'a server runs');
  await b.dispose();
  await b.dispose();
  for (const pid of pidsBefore) assert.ok(gone(pid), `pid ${pid} stopped`);
  await rejectsWith(b.score([1, 2], NONE), 'cancelled');

  function serverPids(): number[] {
    const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes('openai-server.mjs') && l.includes('--model fake') && !l.includes('--port 0')).map((l) => Number(l.trim().split(/\s+/)[0]));
  }
});

test('a host that exits or is interrupted without dispose() still stops its launched server', async () => {
  const { spawn } = await import('node:child_process');
  const script = `
    const { createOpenAIBackend } = require('./host/engines/openai.ts');
    const b = createOpenAIBackend({ model: 'fake', launch: ${JSON.stringify(SERVER)}, launchEngine: 'vllm', readyTimeoutS: 20, onLog: (l) => console.log(l) });
    b.prepare({ method: 'none', block: {}, ropeTheta: 10000, contextTokens: 64 }).then(() => {
      console.log('prepared');
      // 'exit': leave through process.exit() once the test has seen the server (a line on stdin).
      if (process.argv[1] === 'exit') process.stdin.once('data', () => process.exit(0));
      setInterval(() => {}, 1000);
    });
  `;
  for (const how of ['exit', 'SIGINT'] as const) {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, how], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const prepared = new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('prepared')) resolve();
    }));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await prepared;
    const pid = Number(/pid (\d+)/.exec(out)?.[1]);
    assert.ok(pid > 0 && !gone(pid), `${how}: the server runs (${out})`);
    if (how === 'exit') child.stdin.write('go\n');
    else child.kill(how);
    await exited;
    for (let i = 0; i < 50 && !gone(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(gone(pid), `${how}: server ${pid} stopped`);
  }
});

test('end to end on the GGUF sibling: the HTTP path returns what node-llama-cpp computes in-process', { skip: existsSync(GGUF) ? false : `${GGUF} is not built yet` }, async () => {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  type Token = import('node-llama-cpp').Token;
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  /** -log p(t[i+1] | t[..i]) and greedy hits from the logits, in this process, with the GGUF overrides given. */
  async function reference(tokens: number[], overrides?: Record<string, unknown>): Promise<{ nll: number[]; top1: number[] }> {
    const model = await llama.loadModel({ modelPath: GGUF, ...(overrides ? { metadataOverrides: overrides } : {}) });
    const ctx = await model.createContext({ contextSize: 512, sequences: 1 });
    const ts = tokens as unknown as Token[];
    const res = await ctx.getSequence().controlledEvaluate(ts.map((t, i) => (i + 1 < ts.length ? ([t, { generateNext: { logits: true } }] as const) : t)));
    const nll: number[] = [];
    const top1: number[] = [];
    for (let i = 0; i + 1 < tokens.length; i++) {
      const logits = res[i]!.next.logits!;
      let max = -Infinity;
      let arg: Token | undefined;
      for (const [id, v] of logits) if (v > max) [max, arg] = [v, id];
      let z = 0;
      for (const v of logits.values()) z += Math.exp(v - max);
      nll.push(-(logits.get(ts[i + 1]!)! - max - Math.log(z)));
      top1.push((arg as unknown as number) === tokens[i + 1] ? 1 : 0);
    }
    await ctx.dispose();
    await model.dispose();
    return { nll, top1 };
  }
  const logs: string[] = [];
  const b = createOpenAIBackend({ model: GGUF, launch: SERVER, launchEngine: 'vllm', originalContext: 128, maxLength: 512, readyTimeoutS: 120, onLog: (l) => logs.push(l) });
  try {
    const ids = await b.tokenize('The quick brown fox jumps over the lazy dog. '.repeat(4));
    const tokens = [...(b.bos() !== undefined ? [b.bos()!] : []), ...ids];
    const none = run('none', {}, tokens.length);
    await b.prepare(none);
    const s = await b.score(tokens, none);
    const ref = await reference(tokens);
    assert.equal(s.nll.length, tokens.length - 1);
    // float32 softmax in llama.cpp against float64 here: equal to 1e-4 nats.
    s.nll.forEach((x, i) => assert.ok(Math.abs(x - ref.nll[i]!) < 1e-4, `nll[${i}] ${x} vs ${ref.nll[i]}`));
    assert.deepEqual([...s.top1], ref.top1);
    const lin = run('linear', { rope_type: 'linear', factor: 4 }, tokens.length);
    await b.prepare(lin);
    const l = await b.score(tokens, lin);
    // 4·(1 + 2⁻⁴⁰): a float override (node-llama-cpp sends integer-valued numbers as ints, which llama.cpp ignores
    // for the float key rope.scaling.factor); float32 makes it 4 exactly.
    const refLin = await reference(tokens, { llama: { rope: { scaling: { type: 'linear', factor: 4 * (1 + 2 ** -40) } } } });
    l.nll.forEach((x, i) => assert.ok(Math.abs(x - refLin.nll[i]!) < 1e-4, `linear nll[${i}] ${x} vs ${refLin.nll[i]}`));
    assert.ok(logs.some((line) => /rope \{"rope_type":"linear","factor":4\}/.test(line)), 'the second server was launched with the linear block');
    assert.equal(logs.filter((line) => line.startsWith('listening')).length, 2, 'one server for none (tokenizing included), one for linear');
    const mean = (a: Float64Array): number => a.reduce((x, y) => x + y, 0) / a.length;
    assert.ok(mean(s.nll) < Math.log(256), `the model beats a uniform byte guess (${mean(s.nll)})`);
    assert.notEqual(mean(l.nll), mean(s.nll), 'linear ×4 changes the scores');
  } finally {
    await b.dispose();
  }
});

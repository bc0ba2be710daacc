#!/usr/bin/env node
// A small OpenAI-compatible server for testing the `openai` preview engine: GET /v1/models and /health,
// POST /tokenize and POST /v1/completions with `prompt_logprobs` in vLLM's response shape. It takes vLLM's rope flags
// (--hf-overrides '{"rope_scaling": {...}}', --rope-theta, --max-model-len), so the engine's --launch path runs
// exactly as it would for `vllm serve`.
//
//   node test/engines/openai-server.mjs --model FILE.gguf --port 8001 [--host 127.0.0.1] [vLLM rope flags]
//
// With a GGUF file the model runs through node-llama-cpp (CPU) and the rope block becomes GGUF metadata overrides
// ({arch}.rope.scaling.type/factor/original_context_length, {arch}.rope.freq_base). With `--model fake` it scores
// with a deterministic byte-level formula instead (fast tests of the HTTP and process paths).
// Test-only faults: --die-after N (exit after N completions), --never-ready (answer 503 forever).
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const model = opt('--model');
const port = Number(opt('--port', '8000'));
const host = opt('--host', '127.0.0.1');
const overrides = JSON.parse(opt('--hf-overrides', '{}'));
const rope = overrides.rope_scaling ?? {};
const ropeTheta = opt('--rope-theta') !== undefined ? Number(opt('--rope-theta')) : overrides.rope_theta;
const maxModelLen = Number(opt('--max-model-len', '4096'));
const dieAfter = opt('--die-after') !== undefined ? Number(opt('--die-after')) : Infinity;
const neverReady = args.includes('--never-ready');
if (!model) {
  console.error('error: --model is required');
  process.exit(2);
}

const engine = model === 'fake' ? fakeEngine() : await ggufEngine(model);
let completions = 0;

const server = createServer(async (req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (status, message) => send(status, { error: { message, type: 'BadRequestError', param: null, code: status } });
  try {
    if (neverReady) return error(503, 'Loading model');
    if (req.method === 'GET' && (req.url === '/v1/models' || req.url === '/health')) {
      if (req.url === '/health') return send(200, {});
      return send(200, { object: 'list', data: [{ id: model, object: 'model', owned_by: 'ropelens-test', max_model_len: maxModelLen }] });
    }
    if (req.method !== 'POST') return error(404, 'Not Found');
    const body = JSON.parse(await readBody(req));
    if (req.url === '/tokenize') {
      const tokens = engine.tokenize(String(body.prompt ?? ''), body.add_special_tokens !== false);
      return send(200, { count: tokens.length, max_model_len: maxModelLen, tokens });
    }
    if (req.url === '/v1/completions') {
      if (++completions > dieAfter) {
        console.error('fatal: simulated crash (--die-after)');
        process.exit(3);
      }
      const tokens = body.prompt;
      if (!Array.isArray(tokens) || !tokens.every((t) => Number.isInteger(t))) return error(400, 'this test server takes token-id prompts only');
      const maxTokens = body.max_tokens ?? 16;
      if (tokens.length + maxTokens > maxModelLen) {
        return error(400, `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${tokens.length + maxTokens} tokens (${tokens.length} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`);
      }
      const scored = await engine.score(tokens);
      const k = body.prompt_logprobs;
      const promptLogprobs = k === undefined || k === null ? null : [null, ...scored.map((s, i) => {
        const entry = { [tokens[i + 1]]: { logprob: s.logprob, rank: s.rank, decoded_token: engine.piece(tokens[i + 1]) } };
        if (k > 0 && s.topId !== tokens[i + 1]) entry[s.topId] = { logprob: s.topLogprob, rank: 1, decoded_token: engine.piece(s.topId) };
        return entry;
      })];
      return send(200, {
        id: `cmpl-${completions}`,
        object: 'text_completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'length', stop_reason: null, prompt_logprobs: promptLogprobs }],
        usage: { prompt_tokens: tokens.length, total_tokens: tokens.length + 1, completion_tokens: 1 },
      });
    }
    return error(404, 'Not Found');
  } catch (e) {
    return error(500, String(e?.message ?? e));
  }
});
server.listen(port, host, () => console.log(`listening on http://${host}:${server.address().port} (${model}, rope ${JSON.stringify(rope)}, theta ${ropeTheta ?? 'model'}) pid ${process.pid}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Byte tokens (BOS 256); next-token logits from a fixed formula that depends on the rope settings, so methods differ. */
function fakeEngine() {
  const V = 257;
  const factor = Number(rope.factor ?? 1);
  const theta = ropeTheta ?? 10000;
  return {
    tokenize: (text, special) => [...(special ? [256] : []), ...Buffer.from(text, 'utf8')],
    piece: (id) => (id === 256 ? '<s>' : String.fromCharCode(id)),
    async score(tokens) {
      const out = [];
      for (let i = 0; i + 1 < tokens.length; i++) {
        const logits = new Float64Array(V);
        for (let j = 0; j < V; j++) logits[j] = 2 * Math.cos(0.37 * j + 0.11 * tokens[i] + (i / factor) * 1e-3 + Math.log(theta) * 0.01);
        let max = -Infinity;
        let arg = 0;
        for (let j = 0; j < V; j++) if (logits[j] > max) [max, arg] = [logits[j], j];
        let z = 0;
        for (let j = 0; j < V; j++) z += Math.exp(logits[j] - max);
        const lse = max + Math.log(z);
        const next = tokens[i + 1];
        let rank = 1;
        for (let j = 0; j < V; j++) if (logits[j] > logits[next]) rank++;
        out.push({ logprob: logits[next] - lse, rank, topId: arg, topLogprob: max - lse });
      }
      return out;
    },
  };
}

/** The GGUF through node-llama-cpp, the rope block applied as GGUF metadata overrides. */
async function ggufEngine(path) {
  const { getLlama, readGgufFileInfo } = await import('node-llama-cpp');
  const info = await readGgufFileInfo(path, { readTensorInfo: false });
  const arch = info.metadata.general.architecture;
  // ledger: llama.cpp.override-type — node-llama-cpp 3.22.1 sends an integer-valued number as an int override, and
  // llama.cpp ignores an int override of a float key (rope.freq_base, rope.scaling.factor): nudge such values off
  // the integer; float32 rounds the nudge away.
  const asFloat = (x) => (Number.isInteger(x) ? x * (1 + 2 ** -40) : x);
  const ropeOverrides = {};
  if (ropeTheta !== undefined) ropeOverrides.freq_base = asFloat(ropeTheta);
  const type = rope.rope_type ?? rope.type;
  if (type === 'linear' || type === 'yarn') {
    ropeOverrides.scaling = { type, factor: asFloat(Number(rope.factor)) };
    if (type === 'yarn' && rope.original_max_position_embeddings !== undefined) ropeOverrides.scaling.original_context_length = Number(rope.original_max_position_embeddings);
  } else if (type !== undefined && type !== 'default') {
    console.error(`error: this test server applies linear and yarn only, not ${type}`);
    process.exit(2);
  }
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
  const m = await llama.loadModel({ modelPath: path, metadataOverrides: { [arch]: { rope: ropeOverrides } } });
  const ctx = await m.createContext({ contextSize: maxModelLen, sequences: 1, batchSize: Math.min(maxModelLen, 512) });
  const seq = ctx.getSequence();
  let queue = Promise.resolve();
  return {
    tokenize: (text, special) => {
      const ids = [...m.tokenize(text, false)];
      return special && m.tokens.bos !== null ? [m.tokens.bos, ...ids] : ids;
    },
    piece: (id) => m.detokenize([id]),
    score(tokens) {
      // One sequence: requests take turns.
      const run = queue.then(async () => {
        await seq.clearHistory();
        const input = tokens.map((t, i) => (i + 1 < tokens.length ? [t, { generateNext: { probabilities: true } }] : t));
        const res = await seq.controlledEvaluate(input);
        const out = [];
        for (let i = 0; i + 1 < tokens.length; i++) {
          const probs = res[i]?.next?.probabilities;
          if (!probs) throw new Error(`no probabilities at ${i}`);
          const next = tokens[i + 1];
          const p = probs.get(next) ?? 0;
          const [topId, topP] = probs.entries().next().value;
          let rank = 1;
          for (const [id, q] of probs) {
            if (id === next || q <= p) break;
            rank++;
          }
          out.push({ logprob: Math.log(p), rank, topId, topLogprob: Math.log(topP) });
        }
        return out;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

// The wire formats the `openai` preview engine speaks: request bodies and response parsing for vLLM's
// /v1/completions with `prompt_logprobs` (also served by test/engines/openai-server.mjs), SGLang's native /generate
// with input logprobs, and the /tokenize endpoints. No I/O here: host/engines/openai.ts does the HTTP.
// ledger: vllm.prompt-logprobs, vllm.tokenize, vllm.error-body, sglang.input-logprobs, sglang.tokenize,
// llama.cpp.server-no-prompt-logprobs
import { BackendError, type TokenScores } from '../../core/preview/sweep/backend';

/** How a server returns prompt log-probabilities. `vllm`: /v1/completions + prompt_logprobs; `sglang`: /generate. */
export type ScoreApi = 'vllm' | 'sglang';

/** The /v1/completions body that asks vLLM for the log-probability of every prompt token (given as token ids). */
export function vllmCompletionBody(model: string, tokens: readonly number[]): Record<string, unknown> {
  // prompt_logprobs: 1 returns the prompt token and the top-1 token at each position (with the prompt token's vocab
  // rank); max_tokens 1 because vLLM runs at least one generated token anyway (to_sampling_params).
  return { model, prompt: [...tokens], max_tokens: 1, temperature: 0, prompt_logprobs: 1 };
}

/** SGLang's native /generate body: logprobs from the first prompt token on, with the top-1 token at each position. */
export function sglangGenerateBody(tokens: readonly number[]): Record<string, unknown> {
  return {
    input_ids: [...tokens],
    sampling_params: { max_new_tokens: 1, temperature: 0 },
    return_logprob: true,
    logprob_start_len: 0,
    top_logprobs_num: 1,
  };
}

/** The /tokenize body: vLLM and SGLang take the same fields (llama-server's `content` is never needed: it cannot
 * score prompts). BOS is added by the sweep, so the text is tokenized without special tokens. */
export function tokenizeBody(model: string, text: string, addSpecial: boolean): Record<string, unknown> {
  return { model, prompt: text, add_special_tokens: addSpecial };
}

export function parseTokenizeResponse(body: unknown): number[] {
  const tokens = isObject(body) ? body['tokens'] : undefined;
  if (!Array.isArray(tokens)) throw bad('the /tokenize response has no "tokens" list');
  // llama-server returns {id, piece} objects when with_pieces is set; plain ids otherwise.
  return tokens.map((t) => {
    const id = isObject(t) ? t['id'] : t;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw bad('the /tokenize response holds a token that is not an id');
    return id;
  });
}

/** Scores from a vLLM /v1/completions response: choices[0].prompt_logprobs, first entry null, then one
 * {token_id: {logprob, rank, decoded_token}} dict per prompt token. */
export function parseVllmPromptLogprobs(body: unknown, tokens: readonly number[]): TokenScores {
  const choice = isObject(body) && Array.isArray(body['choices']) ? body['choices'][0] : undefined;
  if (!isObject(choice)) throw bad('the completions response has no choices');
  const entries = choice['prompt_logprobs'];
  if (entries === undefined || entries === null) {
    // llama-server and other OpenAI-compatible servers ignore the parameter and answer without it.
    throw new BackendError(
      'no-prompt-logprobs',
      'the server returned no prompt log-probabilities (vLLM\'s prompt_logprobs): llama-server and plain OpenAI endpoints score generated tokens only; use vLLM, SGLang (--api sglang), or --engine llama.cpp with the GGUF file',
    );
  }
  if (!Array.isArray(entries) || entries.length !== tokens.length) {
    throw bad(`prompt_logprobs has ${Array.isArray(entries) ? entries.length : 'no'} entries for ${tokens.length} prompt tokens`);
  }
  const n = tokens.length - 1;
  const nll = new Float64Array(n);
  const top1 = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const entry = entries[i + 1];
    const want = tokens[i + 1]!;
    if (!isObject(entry)) throw bad(`prompt_logprobs[${i + 1}] is not a token→logprob map`);
    const mine = entry[String(want)];
    if (!isObject(mine) || typeof mine['logprob'] !== 'number') throw bad(`prompt_logprobs[${i + 1}] lacks the prompt token ${want}`);
    const lp = mine['logprob'];
    nll[i] = Number.isFinite(lp) ? -lp : Infinity;
    const rank = mine['rank'];
    // rank is the prompt token's vocab rank (1 = most likely); without it, compare with the best entry listed.
    top1[i] = typeof rank === 'number' ? (rank === 1 ? 1 : 0) : isBest(lp, Object.values(entry).map((v) => (isObject(v) ? v['logprob'] : undefined)));
  }
  return { nll, top1 };
}

/** Scores from SGLang's /generate: meta_info.input_token_logprobs [[logprob|null, id, text|null], ...] and
 * input_top_logprobs [null | [[logprob, id, text|null], ...], ...], one entry per prompt token (the first has no logprob). */
export function parseSglangInputLogprobs(body: unknown, tokens: readonly number[]): TokenScores {
  const one = Array.isArray(body) ? body[0] : body;
  const meta = isObject(one) && isObject(one['meta_info']) ? one['meta_info'] : undefined;
  const lps = meta?.['input_token_logprobs'];
  if (!Array.isArray(lps)) {
    throw new BackendError('no-prompt-logprobs', 'the /generate response has no meta_info.input_token_logprobs (is this an SGLang server?)');
  }
  // One entry per prompt token, the first without a logprob; tolerate a list that leaves the first out.
  const skip = lps.length === tokens.length ? 1 : lps.length === tokens.length - 1 ? 0 : -1;
  if (skip < 0) throw bad(`input_token_logprobs has ${lps.length} entries for ${tokens.length} prompt tokens`);
  const tops = Array.isArray(meta?.['input_top_logprobs']) ? (meta['input_top_logprobs'] as unknown[]) : [];
  const n = tokens.length - 1;
  const nll = new Float64Array(n);
  const top1 = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const e = lps[i + skip];
    if (!Array.isArray(e) || typeof e[0] !== 'number' || e[1] !== tokens[i + 1]) throw bad(`input_token_logprobs[${i + skip}] is not [logprob, ${tokens[i + 1]}, ...]`);
    nll[i] = -e[0];
    const top = tops[i + skip];
    const best = Array.isArray(top) && Array.isArray(top[0]) ? top[0] : undefined;
    top1[i] = best ? (best[1] === tokens[i + 1] ? 1 : isBest(e[0], [best[0]])) : 0;
  }
  return { nll, top1 };
}

/** An HTTP error body as one line: OpenAI/vLLM {error: {message}}, older vLLM {message}, llama-server
 * {error: {message}}, FastAPI {detail}. Context-length refusals become 'out-of-memory' (the length does not fit). */
export function errorFromResponse(status: number, text: string, what: string): BackendError {
  let message = text.trim();
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body)) {
      const err = body['error'];
      const m = isObject(err) ? err['message'] : typeof err === 'string' ? err : (body['message'] ?? body['detail']);
      if (typeof m === 'string') message = m;
    }
  } catch {
    // not JSON: keep the text
  }
  message = oneLine(message) || `HTTP ${status}`;
  if (/maximum context length|max_model_len|context length|out of memory|CUDA error: out of memory|OOM/i.test(message)) {
    return new BackendError('out-of-memory', `${what}: the server refused the length (HTTP ${status}): ${message}`);
  }
  return new BackendError('bad-response', `${what}: HTTP ${status}: ${message}`);
}

export function oneLine(s: string, max = 300): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function isBest(lp: number, others: unknown[]): 0 | 1 {
  for (const o of others) if (typeof o === 'number' && o > lp + 1e-9) return 0;
  return 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(message: string): BackendError {
  return new BackendError('bad-response', message);
}

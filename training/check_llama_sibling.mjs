// Checks the llama-architecture sibling's GGUF in llama.cpp (node-llama-cpp, CPU) against its ONNX export
// (onnxruntime-node) at rope "none": tokenizer (text -> its UTF-8 bytes as ids, nothing added), per-position
// log-probabilities of the eval chunks, and the perplexity of each engine over the same predictions.
// usage: node training/check_llama_sibling.mjs [--chunks K] [--onnx FILE] [--gguf FILE]
//   K: 128-byte chunks from the start of media/model/eval.txt (default 128 = the 16,384 bytes of the reference)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { getLlama } from 'node-llama-cpp';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'media', 'model');
const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const chunks = Number(arg('--chunks', '128'));
const onnxPath = arg('--onnx', path.join(dir, 'ropelens-llama-sibling.onnx'));
const ggufPath = arg('--gguf', path.join(dir, 'ropelens-llama-sibling.gguf'));
const L = 128;

const logSoftmax = (row) => {
  let m = -Infinity; for (const v of row) m = Math.max(m, v);
  let s = 0; for (const v of row) s += Math.exp(v - m);
  const lse = m + Math.log(s);
  return row.map((v) => v - lse);
};

// --- llama.cpp
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
const model = await llama.loadModel({ modelPath: ggufPath });
let failed = false;
for (const text of ['In the beginning God created the heaven and the earth.\n', 'naïve café — 東京 ✓ \u0000\t\r\n  x', "'s 're 123 4567 <|endoftext|> <s> </s>"]) {
  const want = [...Buffer.from(text, 'utf8')];
  const got = model.tokenize(text);
  const same = got.length === want.length && got.every((t, i) => t === want[i]);
  const back = model.detokenize(got);
  console.log(`tokenize ${JSON.stringify(text.slice(0, 24))}...: ${same ? 'bytes' : 'MISMATCH'} (${got.length} tokens, detokenize ${back === text ? 'round-trips' : 'differs'})`);
  if (!same) { console.log('  got ', got.slice(0, 40).join(' ')); console.log('  want', want.slice(0, 40).join(' ')); failed = true; }
}
console.log(`BOS ${model.tokens.bos} EOS ${model.tokens.eos}; train context ${model.trainContextSize}`);
// contextSize > L: at contextSize == L node-llama-cpp shifts the context before the last token (its logits differ);
// F32 KV cache and no flash attention: llama.cpp's defaults (F16 cache, flash attention auto) move logits by ~2e-4
const context = await model.createContext({
  contextSize: 2 * L, batchSize: L, threads: 1, flashAttention: false,
  experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32',
});
const seq = context.getSequence();

async function llamaLogits(ids) {
  await seq.clearHistory();
  const res = await seq.controlledEvaluate(ids.map((t) => [t, { generateNext: { logits: true } }]));
  return res.map((r) => { const row = new Array(256).fill(-Infinity); for (const [t, v] of r.next.logits) row[t] = v; return row; });
}

// --- onnxruntime
const session = await ort.InferenceSession.create(onnxPath);
const inv = Array.from({ length: 16 }, (_, j) => 1 / Math.pow(10000, (2 * j) / 32));
const cos = new Float32Array(L * 16), sin = new Float32Array(L * 16);
for (let p = 0; p < L; p++) for (let j = 0; j < 16; j++) { cos[p * 16 + j] = Math.cos(p * inv[j]); sin[p * 16 + j] = Math.sin(p * inv[j]); }
async function onnxLogits(ids) {
  const out = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (b) => BigInt(b)), [1, ids.length]),
    cos: new ort.Tensor('float32', cos, [L, 16]), sin: new ort.Tensor('float32', sin, [L, 16]),
    attention_factor: new ort.Tensor('float32', Float32Array.of(1), []),
  });
  const lg = out.logits.data;
  return Array.from({ length: ids.length }, (_, t) => Array.from(lg.subarray(t * 256, (t + 1) * 256)));
}

// ONNX against the PyTorch reference cases (llama-sibling-reference.json)
const refPath = path.join(dir, 'llama-sibling-reference.json');
const ref = fs.existsSync(refPath) ? JSON.parse(fs.readFileSync(refPath, 'utf8')) : { cases: [] };
for (const c of ref.cases) {
  const out = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(c.input_ids, BigInt), [1, c.T]),
    cos: new ort.Tensor('float32', Float32Array.from(c.cos), [c.T, 16]), sin: new ort.Tensor('float32', Float32Array.from(c.sin), [c.T, 16]),
    attention_factor: new ort.Tensor('float32', Float32Array.of(c.attention_factor), []),
  });
  let d = 0;
  c.logit_rows.forEach((r, i) => { for (let v = 0; v < 256; v++) d = Math.max(d, Math.abs(out.logits.data[r * 256 + v] - c.logits[i][v])); });
  console.log(`onnx vs PyTorch ${c.name}: max |logit diff| ${d.toExponential(2)}`);
  if (d > 1e-4) failed = true;
}

const text = fs.readFileSync(path.join(dir, 'eval.txt'));
let maxLp = 0, maxTarget = 0, maxLogit = 0, nllOnnx = 0, nllLlama = 0, cnt = 0;
const t0 = Date.now();
for (let k = 0; k < chunks; k++) {
  const ids = [...text.subarray(k * L, (k + 1) * L)];
  const a = await onnxLogits(ids), b = await llamaLogits(ids);
  for (let t = 0; t < L; t++) {
    const la = logSoftmax(a[t]), lb = logSoftmax(b[t]);
    for (let v = 0; v < 256; v++) { maxLp = Math.max(maxLp, Math.abs(la[v] - lb[v])); maxLogit = Math.max(maxLogit, Math.abs(a[t][v] - b[t][v])); }
    if (t < L - 1) { nllOnnx -= la[ids[t + 1]]; nllLlama -= lb[ids[t + 1]]; cnt++; maxTarget = Math.max(maxTarget, Math.abs(la[ids[t + 1]] - lb[ids[t + 1]])); }
  }
}
console.log(`${chunks} chunks x ${L} bytes (${cnt} predictions), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`max |log-prob diff| ${maxLp.toExponential(2)} (all 256 bytes), ${maxTarget.toExponential(2)} (the next byte); max |logit diff| ${maxLogit.toExponential(2)}`);
console.log(`perplexity onnx ${Math.exp(nllOnnx / cnt).toFixed(5)}, llama.cpp ${Math.exp(nllLlama / cnt).toFixed(5)}`);
await context.dispose(); await model.dispose(); await llama.dispose();
process.exit(failed || maxLp > 1e-3 ? 1 : 0);

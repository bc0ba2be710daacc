// Checks media/model/ropelens-mini.onnx against media/model/reference.json with onnxruntime-node
// (the model engineer's export check; the product's parity test lives in test/unit/preview-*.test.ts).
// usage: node training/check_onnx.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'media', 'model');
const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
const session = await ort.InferenceSession.create(path.join(dir, 'ropelens-mini.onnx'));
let worst = 0;
for (const c of ref.cases) {
  const T = c.T;
  const out = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(c.input_ids, BigInt), [1, T]),
    cos: new ort.Tensor('float32', Float32Array.from(c.cos), [T, 16]),
    sin: new ort.Tensor('float32', Float32Array.from(c.sin), [T, 16]),
    attention_factor: new ort.Tensor('float32', Float32Array.of(c.attention_factor), []),
  });
  const lg = out.logits.data;
  let d = 0;
  c.logit_rows.forEach((r, i) => { for (let v = 0; v < 256; v++) d = Math.max(d, Math.abs(lg[r * 256 + v] - c.logits[i][v])); });
  let nll = 0;
  for (let t = 0; t < T - 1; t++) {
    let m = -Infinity; for (let v = 0; v < 256; v++) m = Math.max(m, lg[t * 256 + v]);
    let s = 0; for (let v = 0; v < 256; v++) s += Math.exp(lg[t * 256 + v] - m);
    nll += m + Math.log(s) - lg[t * 256 + c.input_ids[t + 1]];
  }
  nll /= T - 1;
  worst = Math.max(worst, d);
  console.log(`${c.name}: max |logit diff| ${d.toExponential(2)}, mean NLL ${nll.toFixed(6)} (torch ${c.mean_nll.toFixed(6)})`);
}
// perplexity of "none" at L0 over the first N bytes of eval.txt, the engine's definition
const text = fs.readFileSync(path.join(dir, 'eval.txt'));
const { L, N } = ref.perplexity_none_L0;
const inv = Array.from({ length: 16 }, (_, j) => 1 / Math.pow(10000, (2 * j) / 32));
const cos = new Float32Array(L * 16), sin = new Float32Array(L * 16);
for (let p = 0; p < L; p++) for (let j = 0; j < 16; j++) { cos[p * 16 + j] = Math.cos(p * inv[j]); sin[p * 16 + j] = Math.sin(p * inv[j]); }
let tot = 0, cnt = 0;
for (let k = 0; k + L <= N; k += L) {
  const ids = text.subarray(k, k + L);
  const out = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (b) => BigInt(b)), [1, L]),
    cos: new ort.Tensor('float32', cos, [L, 16]), sin: new ort.Tensor('float32', sin, [L, 16]),
    attention_factor: new ort.Tensor('float32', Float32Array.of(1), []),
  });
  const lg = out.logits.data;
  for (let t = 0; t < L - 1; t++) {
    let m = -Infinity; for (let v = 0; v < 256; v++) m = Math.max(m, lg[t * 256 + v]);
    let s = 0; for (let v = 0; v < 256; v++) s += Math.exp(lg[t * 256 + v] - m);
    tot += m + Math.log(s) - lg[t * 256 + ids[t + 1]]; cnt++;
  }
}
console.log(`ppl none L0 (N=${N}): ${Math.exp(tot / cnt).toFixed(4)} (torch ${ref.perplexity_none_L0.perplexity})`);
process.exit(worst <= 1e-4 ? 0 : 1);

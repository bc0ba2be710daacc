// A small reference file for the browser tests, measured here by the Node engine (onnxruntime-web's node build, one
// thread) in the format the shipped one has (core/preview/reference.ts), so a test knows exactly which numbers the
// view must show before any forward pass, whatever the shipped table holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreviewEngine } from '../../core/preview/engine';
import { parseNeedles } from '../../core/preview/probes/needle';
import { REFERENCE_FORMAT, sha256Hex, type PreviewReference, type ReferenceCell } from '../../core/preview/reference';
import { modelOf } from '../../core/preview/models';
import { ortRuntime, type OrtLike } from '../../core/preview/runtime';
import type { PreviewRequest, PreviewResult } from '../../core/preview/types';
import { ROOT } from './harness';

export function nodeEngine(): PreviewEngine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-web') as OrtLike & { env: { wasm: { numThreads: number } } };
  ort.env.wasm.numThreads = 1;
  const m = join(ROOT, 'media/model');
  return new PreviewEngine(ortRuntime(ort, 'node wasm'), {
    model: new Uint8Array(readFileSync(join(m, 'ropelens-mini.onnx'))),
    loadModel: async (file) => new Uint8Array(readFileSync(join(m, file))),
    evalText: new Uint8Array(readFileSync(join(m, 'eval.txt'))),
    needles: parseNeedles(JSON.parse(readFileSync(join(m, 'needles.json'), 'utf8'))),
  });
}

/** Runs the request on the Node engine (exact sample sizes, so the numbers are deterministic). */
export async function nodeRun(req: PreviewRequest): Promise<PreviewResult> {
  const engine = nodeEngine();
  try {
    return await engine.run(req);
  } finally {
    await engine.dispose();
  }
}

export interface FixtureOptions {
  methods: PreviewRequest['methods'];
  lengths: string[];
  needles: number;
  evalBytes: number;
  /** Write another model's hash (the view must then drop the table). */
  wrongHash?: boolean;
}

export async function referenceFixture(o: FixtureOptions): Promise<PreviewReference> {
  const model = new Uint8Array(readFileSync(join(ROOT, 'media/model/ropelens-mini.onnx')));
  const sha = o.wrongHash ? '0'.repeat(64) : await sha256Hex(model);
  const res = await nodeRun({ methods: o.methods, lengths: o.lengths, needles: o.needles, evalBytes: o.evalBytes, factorPolicy: 'per-length' });
  // Cells of another model file name its sha-256; the base model's take the file's modelSha256 (so replacing that
  // one field stands for a retrained base model).
  const shaOf = new Map<string, string>();
  const results: ReferenceCell[] = [];
  for (const c of res.results) {
    const file = modelOf(c.method).file;
    if (file === 'ropelens-mini.onnx') {
      results.push(c);
      continue;
    }
    if (!shaOf.has(file)) shaOf.set(file, await sha256Hex(new Uint8Array(readFileSync(join(ROOT, 'media/model', file)))));
    results.push({ ...c, modelSha256: o.wrongHash ? '0'.repeat(64) : shaOf.get(file)! });
  }
  return {
    format: REFERENCE_FORMAT,
    model: 'ropelens-mini.onnx',
    modelSha256: sha,
    runtime: res.model.runtime,
    command: 'test/browser/reference-fixture.ts',
    needles: o.needles,
    evalBytes: o.evalBytes,
    generated: new Date().toISOString().slice(0, 10),
    wallSeconds: res.timings.totalMs / 1000,
    originalLength: res.originalLength,
    notes: res.notes,
    runs: [{ factorPolicy: 'per-length', lengths: res.lengths, results }],
  };
}

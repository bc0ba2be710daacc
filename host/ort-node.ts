// Node side of the preview, for the CLI and the server's advisor: onnxruntime-web's node build (the same WebAssembly
// backend the webview runs) and the bundled model files. The engine itself (core/preview) never touches node:* or
// onnxruntime.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PreviewAssets } from '../core/preview/engine';
import { parseNeedles } from '../core/preview/probes/needle';
import { ortRuntime, type OrtLike, type PreviewRuntime } from '../core/preview/runtime';
import { PreviewError } from '../core/preview/types';
import { REFERENCE_FILE, type ModelShas } from '../core/preview/reference';
import { BASE_MODEL_FILE, MODEL_FILES } from '../core/preview/models';

export const MODEL_FILE = BASE_MODEL_FILE;

/** media/model next to the bundle (dist/cli.js → ../media/model) or in the source tree (host/ → ../media/model). */
export function findModelDir(explicit?: string): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [
    explicit,
    process.env['ROPELENS_MODEL_DIR'],
    join(here, '..', 'media', 'model'),
    join(here, '..', '..', 'media', 'model'),
    join(process.cwd(), 'media', 'model'),
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  return resolve(candidates.find((d) => existsSync(join(d, MODEL_FILE))) ?? candidates[0]!);
}

/** Where onnxruntime-web's .wasm lies: dist/media/ort in the bundle, node_modules in the source tree. */
function findWasmDir(): string | undefined {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [join(here, 'media', 'ort'), join(here, '..', 'dist', 'media', 'ort'), join(here, '..', 'node_modules', 'onnxruntime-web', 'dist')];
  return candidates.find((d) => existsSync(join(d, 'ort-wasm-simd-threaded.wasm')));
}

/** Reads the model, eval text and needles; PreviewError('model-missing' | 'assets-invalid') when they are not there. */
export function loadPreviewAssets(modelDir = findModelDir()): PreviewAssets {
  const modelPath = join(modelDir, MODEL_FILE);
  if (!existsSync(modelPath)) throw new PreviewError('model-missing', `mini-model not found at ${modelPath}`);
  const model = new Uint8Array(readFileSync(modelPath));
  const read = (name: string): Buffer => {
    const p = join(modelDir, name);
    if (!existsSync(p)) throw new PreviewError('assets-invalid', `${name} not found beside the mini-model (${dirname(p)})`);
    return readFileSync(p);
  };
  let needlesDoc: unknown;
  try {
    needlesDoc = JSON.parse(read('needles.json').toString('utf8'));
  } catch (e) {
    if (e instanceof PreviewError) throw e;
    throw new PreviewError('assets-invalid', `needles.json is not valid JSON (${(e as Error).message})`);
  }
  // The other model files (fine-tuned, sibling encodings) are read only when a method that runs on them is run.
  const loadModel = async (file: string): Promise<Uint8Array> => {
    const p = join(modelDir, file);
    if (!existsSync(p)) throw new PreviewError('model-missing', `${file} not found beside the mini-model (${modelDir})`);
    return new Uint8Array(readFileSync(p));
  };
  return { model, loadModel, evalText: new Uint8Array(read('eval.txt')), needles: parseNeedles(needlesDoc), name: 'ropelens-mini' };
}

/** sha-256 of the other model files beside the base one (null: not there), to check the reference's cells. */
export function modelShas(modelDir = findModelDir()): ModelShas {
  const out: ModelShas = {};
  for (const file of MODEL_FILES) {
    if (file === BASE_MODEL_FILE) continue;
    const p = join(modelDir, file);
    out[file] = existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : null;
  }
  return out;
}

/** onnxruntime-web (WebAssembly) in Node with `threads` threads (1 = no worker threads). */
export async function nodeWasmRuntime(threads = 1): Promise<PreviewRuntime> {
  // require (not import()): resolves onnxruntime-web's "node" export both under tsx and in the esbuild CJS bundle,
  // and loads it only when a preview runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-web') as OrtLike & {
    env: { wasm: { numThreads: number; wasmPaths?: string }; logLevel?: string };
  };
  ort.env.wasm.numThreads = Math.max(1, Math.floor(threads));
  ort.env.logLevel = 'error';
  const wasmDir = findWasmDir();
  if (wasmDir) ort.env.wasm.wasmPaths = wasmDir + '/';
  return ortRuntime(ort, `onnxruntime-web wasm (${ort.env.wasm.numThreads} thread${ort.env.wasm.numThreads > 1 ? 's' : ''})`);
}

/** media/model/preview-reference.json parsed, or undefined when it is absent or not JSON (then all is live). */
export function readReferenceDoc(modelDir = findModelDir()): unknown {
  const p = join(modelDir, REFERENCE_FILE);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return { format: 'unreadable' };
  }
}

// The webview's side of the preview engine (core/preview): fetches the bundled model and probes from the
// extension, keeps them (and the engine's warm sessions) across runs, maps the user's block to "yours", and
// turns every failure into one sentence for the view. The other model files (fine-tuned, other encodings; beside the
// base model) are fetched only when a method that runs on them is run, and checked then against the reference.
import { PreviewEngine, type PreviewAssets } from '../../core/preview/engine';
import { parseNeedles } from '../../core/preview/probes/needle';
import { loadReference, sha256Hex, type LoadedReference, type ModelShas } from '../../core/preview/reference';
import type { PreviewRuntime } from '../../core/preview/runtime';
import { isPreviewError, type PreviewRequest, type PreviewResult, type PreviewRunOptions, type YoursSpec } from '../../core/preview/types';
import type { BlockInfo } from './protocol';

export interface AssetUris {
  modelUri: string;
  evalUri: string;
  needlesUri: string;
  /** The reference measurements beside the model (media/model/preview-reference.json); optional. */
  referenceUri?: string;
}


const fileName = (uri: string) => decodeURIComponent(uri.split(/[?#]/)[0]!.split('/').pop() ?? uri);

async function fetchBytes(uri: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(uri);
  } catch (e) {
    throw new AssetError(`The preview ${what} (${fileName(uri)}) could not be loaded: ${e instanceof Error ? e.message : String(e)}. Reinstall RoPE Lens.`);
  }
  if (!res.ok) throw new AssetError(`The preview ${what} (${fileName(uri)}) is missing (HTTP ${res.status}). Reinstall RoPE Lens.`);
  return new Uint8Array(await res.arrayBuffer());
}

export class AssetError extends Error {
  override readonly name = 'AssetError';
}

/** The user's original context in their tokens: original_max_position_embeddings, else max_position_embeddings. */
export function userOriginalOf(b: BlockInfo): number | undefined {
  const omp = b.params['original_max_position_embeddings'] ?? b.context.originalMaxPositionEmbeddings?.value;
  if (typeof omp === 'number' && omp > 0) return omp;
  const mpe = b.context.maxPositionEmbeddings?.value;
  const f = b.params['factor'];
  // A linear/dynamic block without omp: max_position_embeddings is the original context.
  if (typeof mpe === 'number' && mpe > 0) return mpe;
  return typeof f === 'number' ? undefined : undefined;
}

export function yoursSpecOf(b: BlockInfo): YoursSpec {
  const t = b.params['rope_type'] ?? b.params['type'];
  const spec: YoursSpec = { ropeType: typeof t === 'string' ? t : 'default', params: b.params, label: b.label };
  const uo = userOriginalOf(b);
  if (uo !== undefined) spec.originalContext = uo;
  return spec;
}

export class EngineHost {
  private assets?: Promise<PreviewAssets>;
  /** One engine per runtime, so its ONNX session stays warm between runs. */
  private engines = new Map<PreviewRuntime, PreviewEngine>();
  constructor(private readonly uris: AssetUris) {}

  private load(): Promise<PreviewAssets> {
    this.assets ??= (async () => {
      const [model, evalText, needlesBytes] = await Promise.all([
        fetchBytes(this.uris.modelUri, 'model'),
        fetchBytes(this.uris.evalUri, 'evaluation text'),
        fetchBytes(this.uris.needlesUri, 'needle set'),
      ]);
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder().decode(needlesBytes));
      } catch {
        throw new AssetError(`The preview needle set (${fileName(this.uris.needlesUri)}) is not valid JSON. Reinstall RoPE Lens.`);
      }
      if (model.length === 0) throw new AssetError(`The preview model (${fileName(this.uris.modelUri)}) is empty. Reinstall RoPE Lens.`);
      return { model, evalText, needles: parseNeedles(doc), name: 'ropelens-mini', loadModel: (file: string) => this.loadModel(file) };
    })();
    this.assets.catch(() => (this.assets = undefined));
    return this.assets;
  }

  private referencePromise?: Promise<LoadedReference>;
  private referenceDoc?: Promise<unknown>;
  /** sha-256 of the other model files fetched so far (the reference's cells of the others are checked when they load). */
  private readonly shas: ModelShas = {};

  /** Another model file beside the base one, fetched for a run that needs it; its hash is checked against the
   * reference's cells (a mismatch drops them: reference() answers anew). */
  private async loadModel(file: string): Promise<Uint8Array> {
    const bytes = await fetchBytes(new URL(file, this.uris.modelUri).href, 'model');
    this.shas[file] = await sha256Hex(bytes);
    this.referencePromise = undefined;
    return bytes;
  }

  /**
   * The reference measurements for the bundled model, checked against its sha-256 (core/preview/reference.ts):
   * fetched and hashed without creating a session, so the view shows numbers before any forward pass. A missing,
   * malformed or mismatched file gives no reference and a note saying why (then everything is measured live).
   */
  reference(): Promise<LoadedReference> {
    this.referencePromise ??= (async (): Promise<LoadedReference> => {
      const uri = this.uris.referenceUri;
      if (!uri) return { note: 'no reference measurements: every cell is measured live' };
      this.referenceDoc ??= (async () => {
        try {
          const res = await fetch(uri);
          return res.ok ? (JSON.parse(await res.text()) as unknown) : undefined;
        } catch (e) {
          return `unreadable (${e instanceof Error ? e.message : String(e)})`;
        }
      })();
      const doc = await this.referenceDoc;
      try {
        return await loadReference(doc, (await this.load()).model, { ...this.shas });
      } catch (e) {
        return { note: `reference measurements not used (${this.explain(e)}): every cell is measured live` };
      }
    })();
    return this.referencePromise;
  }

  private async engineFor(runtime: PreviewRuntime): Promise<PreviewEngine> {
    const assets = await this.load();
    let engine = this.engines.get(runtime);
    if (!engine) {
      engine = new PreviewEngine(runtime, assets);
      this.engines.set(runtime, engine);
    }
    return engine;
  }

  /** Set by the first ready(): from then on a Run warms the kernels itself, so warm() does nothing. */
  private runRequested = false;

  /**
   * Fetches the model, compiles onnxruntime's WebAssembly, creates the session and lets the kernels tier up, so a
   * Run that follows gets its first cell sooner. Call when the view becomes visible; a Run stops it (ready()).
   * Failures are left for run() to report.
   */
  async warm(runtime: PreviewRuntime): Promise<void> {
    try {
      const engine = await this.engineFor(runtime);
      if (!this.runRequested) await engine.warm();
    } catch {
      // run() reloads and reports the same failure in one sentence.
      this.engines.delete(runtime);
      this.assets = undefined;
    }
  }

  /**
   * Before a Run: stops every warm-up at its next pass boundary and loads the model for `runtime` (a no-op when it is
   * loaded). Returns the ms it took (the cold start, shown apart from the run's budget).
   */
  async ready(runtime: PreviewRuntime): Promise<number> {
    const t0 = performance.now();
    this.runRequested = true;
    for (const e of this.engines.values()) e.stopWarmup();
    try {
      await (await this.engineFor(runtime)).ready();
    } catch {
      // run() reloads and reports the same failure in one sentence.
      this.engines.delete(runtime);
      this.assets = undefined;
    }
    return performance.now() - t0;
  }

  async run(runtime: PreviewRuntime, req: PreviewRequest, opts: PreviewRunOptions): Promise<PreviewResult> {
    const engine = await this.engineFor(runtime);
    try {
      return await engine.run(req, opts);
    } catch (e) {
      // A model that failed to load stays failed for this runtime; forget the engine so a retry reloads.
      if (isPreviewError(e) && (e.code === 'model-corrupt' || e.code === 'model-missing')) {
        this.engines.delete(runtime);
        this.assets = undefined;
      }
      throw e;
    }
  }

  isCancel(e: unknown): boolean {
    return isPreviewError(e) && e.code === 'cancelled';
  }

  /** One sentence for the user. */
  explain(e: unknown): string {
    if (e instanceof AssetError) return e.message;
    if (isPreviewError(e)) {
      if (e.code === 'model-corrupt' || e.code === 'model-missing' || e.code === 'assets-invalid') return `${e.message} Reinstall RoPE Lens.`;
      return e.message;
    }
    return `The preview failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

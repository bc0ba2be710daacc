// The injected model runtime. The engine never imports onnxruntime: the host (CLI, bench, webview) passes either
// a ready PreviewRuntime or the `ort` module object it loaded (onnxruntime-web's node or browser build, or
// onnxruntime-node: they share onnxruntime-common's API), and ortRuntime() adapts it here, in one place.

/** One forward pass of the mini-model (graph interface: media/model/INTERFACE.md). */
export interface ForwardInputs {
  /** Bytes, T of them. */
  ids: Uint8Array;
  /** cos(pos · inv_freq[j]), row-major [T, 16]. */
  cos: Float32Array;
  sin: Float32Array;
  attentionFactor: number;
}

export interface ModelSession {
  /** Logits, row-major [T, vocab]. */
  forward(inputs: ForwardInputs): Promise<Float32Array>;
  release(): Promise<void>;
  /** False when the graph takes only input_ids (a model without rotary inputs: the tables are not fed). Absent:
   * a rotary graph. */
  readonly rotary?: boolean;
}

export interface PreviewRuntime {
  /** Shown in results, e.g. "onnxruntime-web wasm (1 thread)". */
  name: string;
  /** Rejects when the bytes are not a loadable model of the expected interface. */
  createSession(model: Uint8Array): Promise<ModelSession>;
}

// The slice of onnxruntime-common's API the adapter uses (structural, so no import is needed).
interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release?(): Promise<void>;
}
export interface OrtLike {
  Tensor: new (type: 'int64' | 'float32', data: BigInt64Array | Float32Array, dims: readonly number[]) => OrtTensorLike;
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSessionLike> };
}

export const GRAPH_INPUTS = ['input_ids', 'cos', 'sin', 'attention_factor'] as const;
/** The rotary inputs: a graph declares all of them (RoPE models) or none (sinusoidal, ALiBi: input_ids only). */
export const ROTARY_INPUTS = ['cos', 'sin', 'attention_factor'] as const;
export const GRAPH_OUTPUT = 'logits';

/**
 * Adapts an onnxruntime module. `sessionOptions` go to InferenceSession.create (e.g. executionProviders,
 * intraOpNumThreads for onnxruntime-node). Input buffers are reused between calls of the same length.
 */
export function ortRuntime(ort: OrtLike, name: string, sessionOptions: Record<string, unknown> = {}): PreviewRuntime {
  return {
    name,
    async createSession(model: Uint8Array): Promise<ModelSession> {
      const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', ...sessionOptions });
      // Feed only what the graph declares: all rotary inputs, or none (input_ids only); anything else is not ours.
      const names = session.inputNames;
      const rotaryCount = ROTARY_INPUTS.filter((n) => names.includes(n)).length;
      const unknown = names.filter((n) => !(GRAPH_INPUTS as readonly string[]).includes(n));
      if (!names.includes('input_ids') || unknown.length > 0 || (rotaryCount !== 0 && rotaryCount !== ROTARY_INPUTS.length) || !session.outputNames.includes(GRAPH_OUTPUT)) {
        await session.release?.();
        throw new Error(
          `graph inputs [${names.join(', ')}] / outputs [${session.outputNames.join(', ')}] are not the mini-model's ` +
            `(${GRAPH_INPUTS.join(', ')} → ${GRAPH_OUTPUT}, or input_ids → ${GRAPH_OUTPUT})`,
        );
      }
      const rotary = rotaryCount > 0;
      let idBuf = new BigInt64Array(0);
      return {
        rotary,
        async forward({ ids, cos, sin, attentionFactor }: ForwardInputs): Promise<Float32Array> {
          const T = ids.length;
          if (idBuf.length !== T) idBuf = new BigInt64Array(T);
          for (let i = 0; i < T; i++) idBuf[i] = BigInt(ids[i]);
          const feeds: Record<string, OrtTensorLike> = { input_ids: new ort.Tensor('int64', idBuf, [1, T]) };
          if (rotary) {
            const half = cos.length / T;
            feeds['cos'] = new ort.Tensor('float32', cos, [T, half]);
            feeds['sin'] = new ort.Tensor('float32', sin, [T, half]);
            feeds['attention_factor'] = new ort.Tensor('float32', Float32Array.of(attentionFactor), []);
          }
          const out = await session.run(feeds);
          const logits = out[GRAPH_OUTPUT];
          if (!logits || !(logits.data instanceof Float32Array)) throw new Error('the model returned no float32 logits');
          return logits.data;
        },
        async release() {
          await session.release?.();
        },
      };
    },
  };
}

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
      const missing = GRAPH_INPUTS.filter((n) => !session.inputNames.includes(n));
      if (missing.length > 0 || !session.outputNames.includes(GRAPH_OUTPUT)) {
        await session.release?.();
        throw new Error(
          `graph inputs [${session.inputNames.join(', ')}] / outputs [${session.outputNames.join(', ')}] are not the mini-model's ` +
            `(${GRAPH_INPUTS.join(', ')} → ${GRAPH_OUTPUT})`,
        );
      }
      let idBuf = new BigInt64Array(0);
      return {
        async forward({ ids, cos, sin, attentionFactor }: ForwardInputs): Promise<Float32Array> {
          const T = ids.length;
          if (idBuf.length !== T) idBuf = new BigInt64Array(T);
          for (let i = 0; i < T; i++) idBuf[i] = BigInt(ids[i]);
          const half = cos.length / T;
          const out = await session.run({
            input_ids: new ort.Tensor('int64', idBuf, [1, T]),
            cos: new ort.Tensor('float32', cos, [T, half]),
            sin: new ort.Tensor('float32', sin, [T, half]),
            attention_factor: new ort.Tensor('float32', Float32Array.of(attentionFactor), []),
          });
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

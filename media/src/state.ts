// The view's persistent UI state (VS Code keeps it across hide/show through getState/setState) and the
// webview API handle. Everything the user chose survives a reload; nothing here starts a run.
import type { BlockInfo, FactorPolicy, MethodId, RunSummary } from './protocol';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Toggle order (methods.ts METHOD_GROUPS lays them out by group); "window" is the sliding-window baseline
 * (perplexity only). The methods with a model of their own are on by default: the reference holds their cells. */
export const DEFAULT_METHODS: MethodId[] = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3', 'window', 'sinusoidal', 'alibi', 'linear+ft', 'ntk+ft', 'yarn+ft', 'yours'];
export const LENGTH_MULTIPLES = [1, 2, 4, 8, 16];
export const DEFAULT_MULTIPLES = [1, 2, 4, 8, 16];

export interface UiState {
  v: 1;
  methods: MethodId[];
  multiples: number[];
  factorPolicy: FactorPolicy;
  logScale: boolean;
  /** 'editor' follows the active editor's block; otherwise an example id from examples.ts. */
  source: string;
  hidden: MethodId[];
  /** The last editor block seen, so a reloaded view shows it before the host resends it. */
  editorBlock: BlockInfo | null;
  last?: RunSummary;
}

export function defaultState(): UiState {
  return { v: 1, methods: [...DEFAULT_METHODS], multiples: [...DEFAULT_MULTIPLES], factorPolicy: 'per-length', logScale: true, source: 'editor', hidden: [], editorBlock: null };
}

/** Restores a saved state, dropping anything malformed (state written by an older version must not break the view). */
export function restoreState(saved: unknown): UiState {
  const d = defaultState();
  if (typeof saved !== 'object' || saved === null || (saved as { v?: unknown }).v !== 1) return d;
  const s = saved as Partial<UiState>;
  const arr = <T>(x: unknown, ok: (v: unknown) => boolean): T[] | undefined => (Array.isArray(x) && x.every(ok) ? (x as T[]) : undefined);
  return {
    v: 1,
    methods: arr<MethodId>(s.methods, (m) => DEFAULT_METHODS.includes(m as MethodId)) ?? d.methods,
    multiples: arr<number>(s.multiples, (m) => LENGTH_MULTIPLES.includes(m as number)) ?? d.multiples,
    factorPolicy: s.factorPolicy === 'static' ? 'static' : 'per-length',
    logScale: typeof s.logScale === 'boolean' ? s.logScale : d.logScale,
    source: typeof s.source === 'string' ? s.source : d.source,
    hidden: arr<MethodId>(s.hidden, (m) => DEFAULT_METHODS.includes(m as MethodId)) ?? [],
    editorBlock: s.editorBlock && typeof s.editorBlock === 'object' ? s.editorBlock : null,
    last: s.last && typeof s.last === 'object' && Array.isArray(s.last.cells) ? s.last : undefined,
  };
}

export function vscodeApi(): VsCodeApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  // Opened outside VS Code (a plain browser): keep state in memory, post nowhere.
  let state: unknown;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => void (state = s) };
}

// Picks the onnxruntime-web build and execution provider for the view: WebGPU when the webview has a hardware
// adapter (or when forced), otherwise WASM on one thread (webviews are not cross-origin isolated: no SharedArrayBuffer).
// A failed WebGPU start falls back to WASM and says why. The .wasm files come from the extension (dist/media/ort).
import { ortRuntime, type ModelSession, type OrtLike, type PreviewRuntime } from '../../core/preview/runtime';
import type { BackendChoice, BackendUsed } from './protocol';

export interface BackendState {
  used: BackendUsed;
  /** Set when WebGPU was wanted (forced or auto with an adapter) but WASM ran. */
  fallbackReason?: string;
  /** e.g. "google swiftshader (fallback adapter)". */
  adapter?: string;
}

/** A runtime that remembers which backend actually created the session. */
export interface ViewRuntime extends PreviewRuntime {
  readonly state: BackendState;
}

type OrtModule = OrtLike & { env: { wasm: Record<string, unknown>; logLevel?: string } };

// The two builds are separate module instances (each with its own env); both are bundled into webview.js.
async function loadOrt(kind: BackendUsed, ortBaseUri: string): Promise<OrtModule> {
  const ort = (kind === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as unknown as OrtModule;
  const file = kind === 'webgpu' ? 'ort-wasm-simd-threaded.asyncify.wasm' : 'ort-wasm-simd-threaded.wasm';
  // A URL, not env.wasm.wasmBinary: onnxruntime then compiles with WebAssembly.instantiateStreaming(fetch(url)), the
  // only path Chromium's WebAssembly code cache serves (a reopened view skips compile and tier-up: `npm run bench --
  // wasmcache`). Keep the URL stable across opens: the cache is keyed by it.
  ort.env.wasm.wasmPaths = { wasm: new URL(file, ortBaseUri).href };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false; // a proxy worker would need importScripts, which webview workers cannot do
  ort.env.logLevel = 'error';
  return ort;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null>;
}

export interface GpuProbe {
  /** e.g. "google swiftshader (fallback adapter)". */
  label: string;
  /** A software adapter (the spec's fallback adapter, or SwiftShader): it renders on the CPU. */
  software: boolean;
}

/** The page's WebGPU adapter, or undefined when it has none. */
export async function probeWebGpu(): Promise<GpuProbe | undefined> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return undefined;
  try {
    const a = await gpu.requestAdapter();
    if (!a) return undefined;
    const info = a.info ?? {};
    const fallback = info.isFallbackAdapter ?? a.isFallbackAdapter ?? false;
    const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
    return { label: `${name}${fallback ? ' (fallback adapter)' : ''}`, software: fallback || /swiftshader/i.test(name) };
  } catch {
    return undefined;
  }
}

const WASM_NAME = 'onnxruntime-web wasm (1 thread)';
const WEBGPU_NAME = 'onnxruntime-web webgpu';

// onnxruntime's wasm backend computes on the page's main thread (a proxy worker is not an option in webviews), so
// each forward pass blocks it. A macrotask break before every pass lets the view paint streamed cells and handle
// clicks (Cancel) between passes. MessageChannel avoids setTimeout's 4 ms clamp.
const channel = typeof MessageChannel !== 'undefined' ? new MessageChannel() : undefined;
const pending: Array<() => void> = [];
if (channel) channel.port1.onmessage = () => pending.shift()?.();
export function yieldToUi(): Promise<void> {
  return new Promise((resolve) => {
    if (!channel) return void setTimeout(resolve, 0);
    pending.push(resolve);
    channel.port2.postMessage(0);
  });
}

function yielding(s: ModelSession): ModelSession {
  return {
    ...(s.rotary !== undefined ? { rotary: s.rotary } : {}),
    forward: async (inputs) => {
      await yieldToUi();
      return s.forward(inputs);
    },
    release: () => s.release(),
  };
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The runtime for a backend choice. WebGPU is attempted when forced, or on `auto` when an adapter exists;
 * if its session cannot be created, the WASM build takes over and `state.fallbackReason` says why.
 */
export async function makeRuntime(choice: BackendChoice, ortBaseUri: string): Promise<ViewRuntime> {
  const state: BackendState = { used: 'wasm' };
  let wantGpu = choice === 'webgpu';
  if (choice !== 'wasm') {
    const probe = await probeWebGpu();
    state.adapter = probe?.label;
    // auto: a hardware adapter only. On a software one (SwiftShader) WebGPU runs on the CPU and was slower than
    // WebAssembly per pass (`npm run bench -- ortbuild`); forcing 'webgpu' still uses it.
    if (choice === 'auto') wantGpu = probe !== undefined && !probe.software;
    else if (probe === undefined) {
      wantGpu = false;
      state.fallbackReason = 'WebGPU was requested but this webview has no GPU adapter; ran on WebAssembly instead.';
    }
  }
  const wasmRuntime = async (): Promise<PreviewRuntime> => ortRuntime(await loadOrt('wasm', ortBaseUri), WASM_NAME, { executionProviders: ['wasm'], logSeverityLevel: 3 });
  return {
    state,
    get name() {
      return state.used === 'webgpu' ? `${WEBGPU_NAME}${state.adapter ? ` on ${state.adapter}` : ''}` : WASM_NAME;
    },
    async createSession(model: Uint8Array): Promise<ModelSession> {
      if (wantGpu) {
        try {
          const ort = await loadOrt('webgpu', ortBaseUri);
          const s = await ortRuntime(ort, WEBGPU_NAME, { executionProviders: ['webgpu'], logSeverityLevel: 3 }).createSession(model);
          state.used = 'webgpu';
          return yielding(s);
        } catch (e) {
          // A model that is not loadable fails the same way on WASM: let that path report it.
          state.fallbackReason = `WebGPU failed to start (${msg(e)}); ran on WebAssembly instead.`;
        }
      }
      state.used = 'wasm';
      return yielding(await (await wasmRuntime()).createSession(model));
    },
  };
}

// "Preview on a real model…": the answers (engine, model file or server, lengths) checked and turned into
// runRealPreview's options, and the result written as a markdown document with the CLI's text tables. No vscode
// import: test/unit/real-preview-flow.test.ts runs it in Node.
import { renderPartial, renderPreviewTable } from '../../../core/preview/text-table';
import type { PreviewCell, PreviewResult } from '../../../core/preview/types';

export type RealEngine = 'llama.cpp' | 'openai' | 'onnx';

/** Options of host/engines runRealPreview (the same shape, restated so this file needs no host import). */
export interface RealPreviewOptions {
  engine: RealEngine;
  model: string;
  url?: string;
  launch?: string;
  lengths?: string[];
  methods?: string[];
  budgetS?: number;
}

/** What the user answered (or a script passed): strings as typed. */
export interface RealPreviewAnswers {
  engine?: string;
  /** GGUF / ONNX path, or the model name the server serves. */
  model?: string;
  url?: string;
  launch?: string;
  /** Comma-separated: "8k,16k,32k" or "1x,2x,4x"; empty = the engine's default. */
  lengths?: string;
  methods?: string;
  budgetS?: number;
}

export const ENGINE_CHOICES: readonly { id: RealEngine; label: string; detail: string }[] = [
  { id: 'llama.cpp', label: 'llama.cpp (a GGUF file, on this machine)', detail: 'Runs in-process through node-llama-cpp on the CPU.' },
  { id: 'openai', label: 'OpenAI-compatible server (vLLM, SGLang, llama.cpp server)', detail: 'A completions endpoint that returns prompt log-probabilities; one you run, or one RoPE Lens starts per method from a command template.' },
  { id: 'onnx', label: 'ONNX model file', detail: 'A mini-model graph with cos/sin inputs (the bundled model, a fine-tuned or llama-architecture sibling).' },
];

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8000/v1';

/** Why a server URL is not usable, or undefined. */
export function urlError(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return `"${text}" is not a URL (for example ${DEFAULT_SERVER_URL})`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `the server URL must be http or https, got ${u.protocol}`;
  return undefined;
}

/** True for 127.0.0.0/8, ::1 and localhost: the evaluation text stays on this machine. */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const LENGTH = /^(\d+(\.\d+)?[kKmM]?|\d+(\.\d+)?x)$/;

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Why a lengths answer is not usable ("8k,16k" / "1x,2x" / "8192"), or undefined (empty = the default). */
export function lengthsError(text: string): string | undefined {
  const bad = list(text).find((l) => !LENGTH.test(l));
  return bad === undefined ? undefined : `"${bad}" is not a length: write tokens (8192, 8k, 1m) or multiples of the model's context (2x)`;
}

const MODEL_EXT: Partial<Record<RealEngine, string>> = { 'llama.cpp': '.gguf', onnx: '.onnx' };

export type RealPreviewPlan = { ok: true; opts: RealPreviewOptions; remote: boolean; title: string } | { ok: false; error: string };

/** The answers checked and turned into runRealPreview's options; one clear sentence when they cannot be. */
export function planRealPreview(a: RealPreviewAnswers): RealPreviewPlan {
  const engine = ENGINE_CHOICES.find((c) => c.id === a.engine)?.id;
  if (!engine) return { ok: false, error: `Unknown engine "${String(a.engine)}" (expected ${ENGINE_CHOICES.map((c) => c.id).join(', ')}).` };
  const model = (a.model ?? '').trim();
  if (!model) return { ok: false, error: engine === 'openai' ? 'Give the model name the server serves.' : `Choose a ${MODEL_EXT[engine]} file.` };
  const ext = MODEL_EXT[engine];
  if (ext && !model.toLowerCase().endsWith(ext)) return { ok: false, error: `The ${engine} engine reads a ${ext} file, got ${model}.` };
  const opts: RealPreviewOptions = { engine, model };
  let remote = false;
  if (engine === 'openai') {
    const url = (a.url ?? '').trim() || DEFAULT_SERVER_URL;
    const bad = urlError(url);
    if (bad) return { ok: false, error: `Server URL: ${bad}.` };
    opts.url = url;
    remote = !isLoopback(url);
    const launch = (a.launch ?? '').trim();
    if (launch) {
      // The template is run per method; it must leave the model and the port to RoPE Lens.
      if (!launch.includes('{port}')) return { ok: false, error: 'The launch command needs a {port} placeholder (for example: vllm serve {model} {ropeFlags} --port {port}).' };
      opts.launch = launch;
    }
  } else if (a.url || a.launch) return { ok: false, error: `A server URL or launch command applies to the openai engine only, not ${engine}.` };
  const lengthsBad = a.lengths ? lengthsError(a.lengths) : undefined;
  if (lengthsBad) return { ok: false, error: `Lengths: ${lengthsBad}.` };
  const lengths = list(a.lengths);
  if (lengths.length) opts.lengths = lengths;
  const methods = list(a.methods);
  if (methods.some((m) => !/^[a-z0-9+_-]+$/i.test(m))) return { ok: false, error: `Methods: write names such as none,linear,yarn, got "${a.methods}".` };
  if (methods.length) opts.methods = methods;
  if (a.budgetS !== undefined) {
    if (!(typeof a.budgetS === 'number' && a.budgetS > 0)) return { ok: false, error: `The time budget must be a positive number of seconds, got ${String(a.budgetS)}.` };
    opts.budgetS = a.budgetS;
  }
  const name = engine === 'openai' ? `${model} at ${opts.url}` : model.split(/[\\/]/).pop()!;
  return { ok: true, opts, remote, title: `${engine}: ${name}` };
}

/** The refusal shown in an untrusted workspace (the command loads model files and may start processes). */
export const UNTRUSTED_MESSAGE =
  'RoPE Lens: "Preview on a real model…" loads model files and can start server processes, so it runs only in a trusted workspace. Trust this folder (Manage Workspace Trust) and try again.';

/** The finished run as a markdown document: what ran, the CLI's text tables, the time it took. */
export function resultMarkdown(title: string, r: PreviewResult): string {
  return [
    `# RoPE Lens preview: ${title}`,
    '',
    `${r.results.length} cells in ${(r.timings.totalMs / 1000).toFixed(1)} s (${r.model.runtime}).`,
    '',
    '```text',
    renderPreviewTable(r).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/** A stopped run (cancelled or failed midway): the cells measured so far, and why it stopped. */
export function partialMarkdown(title: string, cells: readonly PreviewCell[], why: string): string {
  return [`# RoPE Lens preview: ${title}`, '', `Stopped: ${why}`, '', `Cells measured before it stopped: ${cells.length}.`, '', '```text', renderPartial(cells).trimEnd(), '```', ''].join('\n');
}

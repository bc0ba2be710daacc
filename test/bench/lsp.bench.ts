// Diagnostics cost beside jsonc-parser's own parse of the same text (same run), bundle sizes, and client
// activation time (require dist/client.js with a stubbed `vscode` and call activate(): no VS Code here).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve } from 'node:path';
import { parseTree } from 'jsonc-parser';
import { checkDocument } from '../../core/check';
import { LineIndex } from '../../core/edits';
import { parseDocument } from '../../core/parse/index';
import type { BenchRow } from './run';

const ROOT = resolve(__dirname, '../..');

export const TYPICAL = `{
  "architectures": ["Qwen2ForCausalLM"],
  "attention_dropout": 0.0,
  "bos_token_id": 151643,
  "eos_token_id": 151645,
  "hidden_act": "silu",
  "hidden_size": 3584,
  "initializer_range": 0.02,
  "intermediate_size": 18944,
  "max_position_embeddings": 32768,
  "max_window_layers": 28,
  "model_type": "qwen2",
  "num_attention_heads": 28,
  "num_hidden_layers": 28,
  "num_key_value_heads": 4,
  "rms_norm_eps": 1e-06,
  "rope_theta": 1000000.0,
  "rope_scaling": {
    "type": "yarn",
    "factor": 4,
    "original_max_position_embeddings": 32768
  },
  "sliding_window": 131072,
  "tie_word_embeddings": false,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.43.1",
  "use_cache": true,
  "use_sliding_window": false,
  "vocab_size": 152064
}
`;

/**
 * A 5 MB config-like JSON: a multimodal config (root, text_config, vision_config, each with a rope block, one a
 * Phi-3 longrope with factor lists) padded the way large real configs are: a huge id2label map and per-layer arrays.
 */
export function bigConfig(bytes = 5 * 1024 * 1024): string {
  const factors = Array.from({ length: 48 }, (_, j) => (1 + j / 48).toFixed(6)).join(', ');
  const head = `{
  "architectures": ["Phi3VForCausalLM"],
  "model_type": "phi3_v",
  "hidden_size": 3072,
  "num_attention_heads": 32,
  "max_position_embeddings": 131072,
  "original_max_position_embeddings": 4096,
  "rope_theta": 10000.0,
  "rope_scaling": {"type": "longrope", "short_factor": [${factors}], "long_factor": [${factors}]},
  "text_config": {"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "max_position_embeddings": 131072, "rope_theta": 500000.0,
    "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}},
  "vision_config": {"model_type": "qwen2", "hidden_size": 2048, "num_attention_heads": 16, "max_position_embeddings": 32768, "rope_theta": 1000000.0,
    "rope_scaling": {"type": "yarn", "factor": 4, "original_max_position_embeddings": 32768}},
  "layer_scales": [`;
  const parts: string[] = [];
  let size = head.length;
  for (let i = 0; size < bytes * 0.5; i++) {
    const p = (Math.sin(i) * 0.5).toFixed(8);
    parts.push(p);
    size += p.length + 2;
  }
  const labels: string[] = [];
  for (let i = 0; size < bytes; i++) {
    const l = `    "${i}": "LABEL_${i}"`;
    labels.push(l);
    size += l.length + 2;
  }
  return `${head}${parts.join(', ')}],\n  "id2label": {\n${labels.join(',\n')}\n  }\n}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number {
  fn(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** What the server does per validation: parse, run the rules, convert spans to ranges. */
function diagnose(uri: string, text: string): number {
  const doc = parseDocument(uri, text, 'json');
  const findings = checkDocument(doc);
  const index = new LineIndex(text);
  let n = 0;
  for (const f of findings) n += index.positionAt(f.span.offset).line;
  return n + findings.length;
}

function compare(label: string, text: string, runs: number): BenchRow[] {
  const ours = time(() => diagnose(`file:///bench/${label}.json`, text), runs);
  const jsonc = time(() => parseTree(text, [], { allowTrailingComma: true }), runs);
  return [
    { name: `${label}: diagnostics (parse+rules+ranges)`, value: ours, unit: 'ms', note: `median of ${runs}, ${(text.length / 1024).toFixed(0)} KiB` },
    { name: `${label}: jsonc-parser parseTree`, value: jsonc, unit: 'ms', note: 'same text, same run' },
    { name: `${label}: ratio diagnostics / parseTree`, value: ours / jsonc, unit: '×' },
  ];
}

function bundleSizes(): BenchRow[] {
  const dist = join(ROOT, 'dist');
  if (!existsSync(dist)) return [{ name: 'dist/ missing (run npm run build)', value: NaN, unit: '' }];
  const rows: BenchRow[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, `${rel}${f}/`);
      else if (!f.endsWith('.map')) rows.push({ name: `size dist/${rel}${f}`, value: st.size / 1024, unit: 'KiB' });
    }
  };
  walk(dist, '');
  return rows;
}

/**
 * A `vscode` stand-in: every property is a callable stub returning another stub; event registrations and
 * factories return disposables. Enough for activate() to run its wiring without an editor.
 */
function vscodeStub(): unknown {
  // esbuild's CJS interop copies the module's own keys, so the top level lists every name @types/vscode exports.
  const dts = readFileSync(join(ROOT, 'node_modules/@types/vscode/index.d.ts'), 'utf8');
  const names = [...new Set([...dts.matchAll(/^\s*export (?:namespace|class|enum|function|const|let) (\w+)/gm)].map((m) => m[1]!))];
  const top: Record<string, unknown> = {};
  const make = (): unknown =>
    new Proxy(function () {}, {
      get: (_t, prop) => {
        if (prop === 'then') return undefined;
        if (prop === 'dispose') return () => {};
        if (prop === Symbol.toPrimitive) return () => '';
        if (prop === 'fsPath' || prop === 'path') return join(ROOT, 'dist', 'server.js');
        return make();
      },
      apply: () => make(),
      set: () => true,
      construct: () => make() as object,
    });
  for (const n of names) top[n] = make();
  top['version'] = '1.100.0';
  return top;
}

async function activation(): Promise<BenchRow[]> {
  const client = join(ROOT, 'dist', 'client.js');
  if (!existsSync(client)) return [{ name: 'dist/client.js missing', value: NaN, unit: '' }];
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const orig = M._load;
  const stub = vscodeStub();
  M._load = function (req, parent, isMain) {
    if (req === 'vscode') return stub;
    return orig.call(this, req, parent, isMain);
  };
  try {
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the measured step is loading the CJS bundle
    const ext = require(client) as { activate(ctx: unknown): unknown; deactivate(): unknown };
    const t1 = performance.now();
    const subscriptions: unknown[] = [];
    await ext.activate({ subscriptions, extensionUri: { fsPath: ROOT, path: ROOT }, extensionPath: ROOT, globalState: {}, workspaceState: {} });
    const t2 = performance.now();
    try {
      await Promise.race([ext.deactivate(), new Promise((r) => setTimeout(r, 200))]);
    } catch {
      /* the stub client never really started */
    }
    return [
      { name: 'client: require dist/client.js', value: t1 - t0, unit: 'ms', note: 'stubbed vscode module (no VS Code on this machine)' },
      { name: 'client: activate()', value: t2 - t1, unit: 'ms', note: `fake context; ${subscriptions.length} disposables registered; server start not awaited` },
    ];
  } finally {
    M._load = orig;
  }
}

export async function run(): Promise<BenchRow[]> {
  const big = bigConfig();
  return [...compare('typical config.json', TYPICAL, 200), ...compare('5 MB config-like JSON', big, 5), ...bundleSizes(), ...(await activation())];
}

// The preview view: block in use, method / length / factor choices, Run and Cancel, live charts and table,
// and the per-frequency panel. Talks to the extension only through the validated protocol; runs nothing
// until the user (or the test command) asks.
import '../preview.css';
import { makeRuntime, type ViewRuntime } from './backend';
import { renderChart, type ChartSeries } from './chart';
import { renderDims } from './dims';
import { EngineHost, userOriginalOf, yoursSpecOf } from './engine';
import { EXAMPLES } from './examples';
import { METHOD_HINT, METHOD_LABEL, fmtMs, fmtPct, fmtPpl, seriesClass, tokens, fmtMultiple } from './methods';
import { checkToWebview, type BackendChoice, type BlockInfo, type FromWebview, type MethodId, type PreviewCell, type RunRequest, type RunSummary } from './protocol';
import { DEFAULT_METHODS, LENGTH_MULTIPLES, restoreState, vscodeApi, type UiState } from './state';
import { renderTable } from './table';

interface Boot {
  ortBaseUri: string;
  modelUri: string;
  evalUri: string;
  needlesUri: string;
  backend?: BackendChoice;
  transformersVersion?: string;
  /** ropelens.preview.budgetSeconds: the run's time budget, which sets its sample sizes. */
  budget?: number;
  /** Mini-model training length, for labels before the first run (the engine's figure wins afterwards). */
  originalLength?: number;
}

const root = document.getElementById('root') as HTMLElement;
const boot = JSON.parse(root.dataset.boot ?? '{}') as Boot;
const api = vscodeApi();
const state: UiState = restoreState(api.getState());
let backendSetting: BackendChoice = boot.backend ?? 'auto';
let transformersVersion = boot.transformersVersion;
let budgetSetting: number | undefined = boot.budget;
const engine = new EngineHost({ modelUri: boot.modelUri, evalUri: boot.evalUri, needlesUri: boot.needlesUri });
const runtimes = new Map<BackendChoice, Promise<ViewRuntime>>();

interface Live {
  abort: AbortController;
  cells: PreviewCell[];
  total: number;
  methods: MethodId[];
  lengths: number[];
  started: number;
}
let live: Live | null = null;
let status: { kind: 'idle' | 'running' | 'done' | 'cancelled' | 'error'; text: string } = { kind: 'idle', text: '' };

const post = (m: FromWebview) => api.postMessage(m);
const save = () => api.setState(state);
const L0 = () => state.last?.originalLength ?? boot.originalLength ?? 128;

function currentBlock(): BlockInfo | null {
  if (state.source === 'editor') return state.editorBlock;
  return EXAMPLES.find((e) => e.id === state.source)?.block ?? null;
}

// ---------- DOM helpers ----------
function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...kids: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

// ---------- static skeleton ----------
root.replaceChildren();
const blockSec = h('section', { class: 'card block-card', 'aria-labelledby': 'block-h' });
const setupSec = h('section', { class: 'card setup', 'aria-labelledby': 'setup-h' });
const resultSec = h('section', { class: 'card results-card', 'aria-labelledby': 'results-h', 'aria-live': 'polite' });
const dimsSec = h('section', { class: 'card dims-card', 'aria-labelledby': 'dims-h' });
root.append(blockSec, setupSec, resultSec, dimsSec);

// ---------- block card ----------
function renderBlock(): void {
  const b = currentBlock();
  const select = h('select', { id: 'source', 'aria-label': 'Block to preview' });
  select.append(h('option', { value: 'editor', text: state.editorBlock ? `Editor: ${state.editorBlock.label}` : 'Editor: no rope block at the cursor' }));
  const group = h('optgroup', { label: 'Examples' });
  for (const e of EXAMPLES) group.append(h('option', { value: e.id, text: e.block.label }));
  select.append(group);
  select.value = state.source;
  select.addEventListener('change', () => {
    state.source = select.value;
    save();
    renderAll();
  });
  const head = h('div', { class: 'card-head' }, h('h2', { id: 'block-h', text: 'Block' }), select);
  const body = h('div', { class: 'block-body' });
  if (!b) {
    body.append(h('p', { class: 'muted', text: 'No rope_scaling / rope_parameters block at the cursor. Open a model config, script or recipe with one, or pick an example. The textbook methods run without a block.' }));
  } else {
    const p = b.params;
    const type = String(p['rope_type'] ?? p['type'] ?? 'default');
    const chips = h('div', { class: 'chips' }, h('span', { class: 'chip type', text: type }));
    if (typeof p['factor'] === 'number') chips.append(h('span', { class: 'chip', text: `factor ×${p['factor']}` }));
    const uo = userOriginalOf(b);
    if (uo) chips.append(h('span', { class: 'chip', text: `original ${tokens(uo)} tok` }));
    const mpe = b.context.maxPositionEmbeddings?.value;
    if (typeof mpe === 'number') chips.append(h('span', { class: 'chip', text: `max ${tokens(mpe)} tok` }));
    body.append(h('div', { class: 'block-label', text: b.label, title: b.uri ? `${b.uri} ${b.path}` : b.path }), chips);
  }
  blockSec.replaceChildren(head, body);
}

// ---------- setup card ----------
function chipToggle(name: string, value: string, label: string, checked: boolean, onChange: (on: boolean) => void, opts: { sub?: string; title?: string; cls?: string; disabled?: boolean } = {}): HTMLElement {
  const input = h('input', { type: 'checkbox', name, value, id: `${name}-${value}` });
  input.checked = checked;
  input.disabled = !!opts.disabled;
  input.addEventListener('change', () => onChange(input.checked));
  const lab = h('label', { for: `${name}-${value}`, class: `toggle ${opts.cls ?? ''}`, title: opts.title });
  lab.append(input, h('span', { class: 'swatch' }), h('span', { class: 'toggle-text', text: label }));
  if (opts.sub) lab.append(h('span', { class: 'sub', text: opts.sub }));
  return lab;
}

function renderSetup(): void {
  const b = currentBlock();
  const running = !!live;
  const methods = h('fieldset', { class: 'toggles methods' }, h('legend', { text: 'Methods' }));
  for (const m of DEFAULT_METHODS) {
    const noBlock = m === 'yours' && !b;
    methods.append(
      chipToggle('method', m, m === 'yours' && b ? `Yours` : METHOD_LABEL[m], state.methods.includes(m) && !noBlock, (on) => {
        state.methods = on ? DEFAULT_METHODS.filter((x) => x === m || state.methods.includes(x)) : state.methods.filter((x) => x !== m);
        save();
        renderSetup();
      }, { cls: seriesClass(m), title: noBlock ? 'Needs a block from the editor or an example.' : METHOD_HINT[m], disabled: running || noBlock }),
    );
  }
  const uo = b ? userOriginalOf(b) : undefined;
  const lengths = h('fieldset', { class: 'toggles lengths' }, h('legend', { text: `Lengths (× training length L₀ = ${L0()} B${uo ? `; your ×1 = ${tokens(uo)} tok` : ''})` }));
  for (const k of LENGTH_MULTIPLES) {
    lengths.append(
      chipToggle('length', String(k), fmtMultiple(k), state.multiples.includes(k), (on) => {
        state.multiples = on ? LENGTH_MULTIPLES.filter((x) => x === k || state.multiples.includes(x)) : state.multiples.filter((x) => x !== k);
        save();
        renderSetup();
      }, { sub: uo ? `${tokens(k * uo)}` : `${k * L0()} B`, title: `${k * L0()} bytes for the mini-model${uo ? ` ≙ ${(k * uo).toLocaleString('en-US')} tokens for your model` : ''}`, disabled: running }),
    );
  }
  const maxMult = Math.max(1, ...state.multiples);
  const policy = h('fieldset', { class: 'segmented', role: 'radiogroup' }, h('legend', { text: 'Scaling factor' }));
  for (const [val, label, title] of [
    ['per-length', 'Per length', 'Each length L gets the smallest stretch it needs: s = L / L₀ (the fair comparison).'],
    ['static', `Static ×${maxMult}`, `One factor for the whole sweep, s = ${maxMult} (what a static deployment does; shows the short-context cost).`],
  ] as const) {
    const input = h('input', { type: 'radio', name: 'policy', value: val, id: `policy-${val}` });
    input.checked = state.factorPolicy === val;
    input.disabled = running;
    input.addEventListener('change', () => {
      state.factorPolicy = val;
      save();
    });
    policy.append(h('label', { for: `policy-${val}`, title }, input, h('span', { text: label })));
  }
  const runBtn = h('button', { type: 'button', id: 'run', class: 'primary', text: running ? 'Running…' : 'Run preview' });
  runBtn.disabled = running || state.methods.length === 0 || state.multiples.length === 0;
  runBtn.addEventListener('click', () => void run({}));
  const cancelBtn = h('button', { type: 'button', id: 'cancel', class: 'secondary', text: 'Cancel' });
  cancelBtn.disabled = !running;
  cancelBtn.addEventListener('click', () => cancel());
  const progress = h('div', { class: 'progress-row' });
  if (live) {
    const bar = h('progress', { id: 'progress', max: String(live.total), value: String(live.cells.length), 'aria-label': 'Cells done' });
    progress.append(bar, h('span', { class: 'muted', text: `${live.cells.length} / ${live.total} cells · ${fmtMs(performance.now() - live.started)}` }));
  }
  const st = h('p', { id: 'status', class: `status ${status.kind}`, role: status.kind === 'error' ? 'alert' : 'status', text: status.text });
  const actions = h('div', { class: 'actions' }, runBtn, cancelBtn);
  setupSec.replaceChildren(h('div', { class: 'card-head' }, h('h2', { id: 'setup-h', text: 'Preview on the mini-model' })), methods, lengths, policy, actions, progress, st);
}

// ---------- results card ----------
function renderResults(): void {
  const s = state.last;
  const cells = live ? live.cells : s?.cells ?? [];
  const methods = live ? live.methods : [...new Set((s?.cells ?? []).map((c) => c.method))];
  const lengths = live ? live.lengths : [...new Set((s?.cells ?? []).map((c) => c.length))].sort((a, b) => a - b);
  const head = h('div', { class: 'card-head' }, h('h2', { id: 'results-h', text: 'Results' }));
  if (!cells.length && !live) {
    resultSec.replaceChildren(head, h('p', { class: 'muted', text: 'Choose methods and lengths, then Run preview. The bundled mini-model (trained at L₀ = 128 bytes) runs here in the view; nothing leaves your machine.' }));
    return;
  }
  const logBox = h('input', { type: 'checkbox', id: 'logscale' });
  logBox.checked = state.logScale;
  logBox.addEventListener('change', () => {
    state.logScale = logBox.checked;
    save();
    renderResults();
  });
  head.append(h('label', { class: 'switch', for: 'logscale' }, logBox, h('span', { text: 'Log scale' })));
  const l0 = live ? L0() : s!.originalLength;
  const block = currentBlock();
  const uo = s?.userOriginalLength ?? (block ? userOriginalOf(block) : undefined);
  const xTicks = lengths.map((L) => ({ x: L, label: fmtMultiple(L / l0), sub: uo ? tokens(Math.round((L / l0) * uo)) : `${L} B` }));
  const hidden = new Set<string>(state.hidden);
  const onToggle = (id: string) => {
    state.hidden = hidden.has(id) ? state.hidden.filter((x) => x !== id) : [...state.hidden, id as MethodId];
    save();
    renderResults();
  };
  const series = (key: 'perplexity' | 'needleAccuracy'): ChartSeries[] =>
    methods.map((m) => ({
      id: m,
      label: METHOD_LABEL[m],
      cls: seriesClass(m),
      points: lengths.map((L) => ({ x: L, y: cells.find((c) => c.method === m && c.length === L)?.[key] ?? null })),
    }));
  const pplHost = h('div', { class: 'chart-host', id: 'chart-ppl' });
  const accHost = h('div', { class: 'chart-host', id: 'chart-needle' });
  const xMark = { x: l0, label: 'L₀' };
  if (xTicks.length) {
    renderChart(pplHost, { title: 'Perplexity per byte (lower is better)', xTicks, series: series('perplexity'), yLog: state.logScale, yFormat: fmtPpl, hidden, onToggle, xMark });
    renderChart(accHost, { title: 'Needle retrieval (higher is better)', xTicks, series: series('needleAccuracy'), yLog: false, yDomain: [0, 1], yFormat: fmtPct, hidden, onToggle, xMark });
  }
  const tableHost = h('div', { class: 'table-host', id: 'table' });
  renderTable(tableHost, { methods, lengths, originalLength: l0, userOriginal: uo, cells, running: !!live, yoursLabel: block?.label });
  const meta = h('div', { class: 'run-meta', id: 'run-meta' });
  if (s && !live) {
    meta.append(
      h('span', { class: `badge backend-${s.backend}`, id: 'backend', text: s.backend === 'webgpu' ? 'WebGPU' : 'WASM' }),
      h('span', { id: 'elapsed', text: `${fmtMs(s.ms)}${s.firstResultMs !== undefined ? ` · first result ${fmtMs(s.firstResultMs)}` : ''}` }),
      h('span', { class: 'muted', text: `${s.runtime} · ${s.factorPolicy === 'static' ? `static ×${s.staticFactor ?? ''}` : 'factor per length'}${s.cancelled ? ' · cancelled' : ''}` }),
    );
    // Sample sizes: the budget gives long lengths few needle prompts; say how many each accuracy rests on.
    const perLength = lengths.map((L) => cells.find((c) => c.length === L && c.needles !== undefined)?.needles);
    if (perLength.some((n) => n !== undefined)) {
      meta.append(h('p', { class: 'muted', id: 'samples', text: `Needle prompts per cell: ${perLength.map((n) => n ?? '–').join(' / ')} (at ${lengths.map((L) => fmtMultiple(L / l0)).join(', ')})` }));
    }
    if (s.fallbackReason) meta.append(h('p', { class: 'notice', id: 'fallback', role: 'note', text: s.fallbackReason }));
  }
  resultSec.replaceChildren(head, h('div', { class: 'charts' }, pplHost, accHost), tableHost, meta);
}

function renderDimsPanel(): void {
  const host = h('div', { id: 'dims' });
  renderDims(host, currentBlock(), transformersVersion);
  dimsSec.replaceChildren(h('div', { class: 'card-head' }, h('h2', { id: 'dims-h', text: 'Rotary frequencies of this block' })), host);
}

function renderAll(): void {
  renderBlock();
  renderSetup();
  renderResults();
  renderDimsPanel();
}

function setStatus(kind: typeof status.kind, text: string): void {
  status = { kind, text };
  post({ t: 'status', state: kind, message: text || undefined });
}

// ---------- running ----------
function runtimeFor(choice: BackendChoice): Promise<ViewRuntime> {
  let r = runtimes.get(choice);
  if (!r) {
    r = makeRuntime(choice, boot.ortBaseUri);
    runtimes.set(choice, r);
    r.catch(() => runtimes.delete(choice));
  }
  return r;
}

async function run(req: RunRequest): Promise<void> {
  if (live) cancel();
  const block = currentBlock();
  let methods = req.methods ?? state.methods;
  if (!block) methods = methods.filter((m) => m !== 'yours');
  const lengthSpecs = req.lengths ?? state.multiples.map((k) => `${k}x`);
  const factorPolicy = req.factorPolicy ?? state.factorPolicy;
  if (!methods.length) {
    setStatus('error', req.methods?.includes('yours') ? 'Method “Yours” needs a block: open a config with one or pick an example.' : 'Choose at least one method.');
    renderSetup();
    return;
  }
  const backend = req.backend ?? backendSetting;
  const abort = new AbortController();
  const l0 = L0();
  const lengths = lengthSpecs.map((l) => (typeof l === 'number' ? l : Math.round(parseFloat(l) * l0))).sort((a, b) => a - b);
  const me: Live = { abort, cells: [], total: methods.length * lengths.length, methods, lengths, started: performance.now() };
  live = me;
  setStatus('running', `Running ${me.total} cells…`);
  renderSetup();
  renderResults();
  let runtime: ViewRuntime | undefined;
  let firstResultMs: number | undefined;
  const summary = (extra: Partial<RunSummary>): RunSummary => ({
    backend: runtime?.state.used ?? 'wasm',
    fallbackReason: runtime?.state.fallbackReason,
    runtime: runtime?.name ?? '',
    originalLength: l0,
    userOriginalLength: block ? userOriginalOf(block) : undefined,
    factorPolicy,
    cells: me.cells,
    cancelled: false,
    ms: performance.now() - me.started,
    firstResultMs,
    ...extra,
  });
  try {
    runtime = await runtimeFor(backend);
    // One session runs one pass at a time: let a warm-up that is under way finish first.
    await warming;
    const res = await engine.run(
      runtime,
      {
        methods,
        lengths: lengthSpecs,
        factorPolicy,
        // Explicit sample sizes (tests) leave the budget out; otherwise the setting decides them.
        budget: req.budget ?? (req.needles === undefined && req.evalBytes === undefined ? budgetSetting : undefined),
        needles: req.needles,
        evalBytes: req.evalBytes,
        yours: block && methods.includes('yours') ? yoursSpecOf(block) : undefined,
      },
      {
        signal: abort.signal,
        onProgress: ({ cell }) => {
          if (live !== me) return;
          firstResultMs ??= performance.now() - me.started;
          me.cells.push(cell);
          renderSetup();
          renderResults();
        },
      },
    );
    if (live !== me) return;
    live = null;
    me.lengths = res.lengths;
    state.last = summary({ cells: res.results, originalLength: res.originalLength, staticFactor: res.staticFactor, factorPolicy: res.factorPolicy });
    save();
    setStatus('done', `Done: ${res.results.length} cells in ${fmtMs(state.last.ms)} on ${state.last.backend === 'webgpu' ? 'WebGPU' : 'WebAssembly'}.`);
    post({ t: 'result', summary: state.last });
  } catch (e) {
    if (live !== me && !abort.signal.aborted) return;
    live = null;
    const cancelled = abort.signal.aborted || engine.isCancel(e);
    const text = cancelled ? `Cancelled after ${me.cells.length} of ${me.total} cells.` : engine.explain(e);
    state.last = summary({ cancelled, error: cancelled ? undefined : text });
    save();
    setStatus(cancelled ? 'cancelled' : 'error', text);
    post({ t: 'result', summary: state.last });
  }
  renderAll();
}

function cancel(): void {
  if (!live) return;
  live.abort.abort();
  setStatus('cancelled', 'Cancelling…');
}

// ---------- messages ----------
window.addEventListener('message', (ev: MessageEvent) => {
  const c = checkToWebview(ev.data);
  if (!c.ok) {
    console.warn(`RoPE Lens preview: ignored a malformed message (${c.error})`);
    return;
  }
  const m = c.msg;
  switch (m.t) {
    case 'block':
      state.editorBlock = m.block;
      if (m.block) state.source = 'editor';
      save();
      if (!live) renderAll();
      else renderBlock();
      break;
    case 'settings':
      backendSetting = m.backend;
      transformersVersion = m.transformersVersion ?? transformersVersion;
      budgetSetting = m.budget ?? budgetSetting;
      if (!live) renderDimsPanel();
      break;
    case 'run':
      void run(m.request);
      break;
    case 'cancel':
      cancel();
      break;
  }
});

// Nothing runs until the user asks, but the first sign of interest (pointer or keyboard focus in the view) loads the
// model and lets onnxruntime's kernels tier up, so the first cell of a Run arrives in ~0.2 s instead of ~1.5 s.
let warming: Promise<void> | undefined;
function warmOnce(): void {
  if (warming) return;
  document.removeEventListener('pointerover', warmOnce);
  document.removeEventListener('focusin', warmOnce);
  warming = runtimeFor(backendSetting).then((r) => engine.warm(r), () => undefined);
}
document.addEventListener('pointerover', warmOnce);
document.addEventListener('focusin', warmOnce);

renderAll();
post({ t: 'ready' });

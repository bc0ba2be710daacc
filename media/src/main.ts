// The preview view: block in use, method / length / factor choices, Run, Re-measure and Cancel, charts and tables,
// and the per-frequency panel. Reference measurements shipped with the model show at once (no forward pass); a Run
// measures live only what they lack (the user's block, another static factor), Re-measure measures everything.
// Talks to the extension only through the validated protocol; runs nothing until the user (or the test command) asks.
import '../preview.css';
import type { LoadedReference } from '../../core/preview/reference';
import { makeRuntime, type ViewRuntime } from './backend';
import { renderChart, type ChartPoint, type ChartSeries } from './chart';
import { renderDims } from './dims';
import { needleCount } from './evidence';
import { EngineHost, userOriginalOf, yoursSpecOf } from './engine';
import { EXAMPLES } from './examples';
import { METHOD_GROUPS, METHOD_HINT, METHOD_LABEL, METHOD_MARKER, groupOf, fmtMs, fmtPct, fmtPctRange, fmtPpl, fmtPplRange, seriesClass, tokens, fmtMultiple } from './methods';
import { intervalNotes, methodNotes } from './notes';
import { checkToWebview, type BackendChoice, type BlockInfo, type FromWebview, type MethodId, type PreviewCell, type RunRequest, type RunSummary } from './protocol';
import { blockKey, shownCells, type Shown, type ShownCell } from './shown';
import { DEFAULT_METHODS, LENGTH_MULTIPLES, restoreState, vscodeApi, type UiState } from './state';
import { renderTable } from './table';

interface Boot {
  ortBaseUri: string;
  modelUri: string;
  evalUri: string;
  needlesUri: string;
  referenceUri?: string;
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
const engine = new EngineHost({ modelUri: boot.modelUri, evalUri: boot.evalUri, needlesUri: boot.needlesUri, referenceUri: boot.referenceUri });
/** The reference measurements (undefined while loading). */
let reference: LoadedReference | undefined;
const runtimes = new Map<BackendChoice, Promise<ViewRuntime>>();

interface Live {
  abort: AbortController;
  /** Latest numbers per cell of the live part (the engine refines a cell as its budget allows). */
  cells: PreviewCell[];
  /** Cells measured live in this run. */
  total: number;
  methods: MethodId[];
  lengths: number[];
  factorPolicy: UiState['factorPolicy'];
  started: number;
  budgetMs?: number;
  /** Loading the model (0 when the session was warm). */
  loadMs?: number;
  /** Cells with at least a first answer. */
  done: number;
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

/** The grid the current choices ask for: methods ("Yours" only with a block), lengths in bytes, factor policy. */
function grid(): { methods: MethodId[]; lengths: number[]; policy: UiState['factorPolicy'] } {
  const b = currentBlock();
  return {
    methods: state.methods.filter((m) => m !== 'yours' || !!b),
    lengths: state.multiples.map((k) => k * L0()).sort((x, y) => x - y),
    policy: state.factorPolicy,
  };
}

/** What the view shows now: the running grid during a run, else the current choices. */
function shown(): Shown {
  const g = live ? { methods: live.methods, lengths: live.lengths, policy: live.factorPolicy } : grid();
  return shownCells({ ...g, originalLength: L0(), reference: reference?.reference, last: state.last, running: live?.cells, blockKey: blockKey(currentBlock()) });
}

function renderSetup(): void {
  const b = currentBlock();
  const running = !!live;
  const methods = h('fieldset', { class: 'toggles methods' }, h('legend', { text: 'Methods' }));
  for (const m of DEFAULT_METHODS) {
    const noBlock = m === 'yours' && !b;
    // Each legend group starts with its name (the RoPE methods lead, unlabelled).
    const group = METHOD_GROUPS.find((g) => g.methods[0] === m && g.id !== 'rope');
    if (group) methods.append(h('span', { class: 'group-label', 'data-group': group.id, text: group.label }));
    methods.append(
      chipToggle('method', m, METHOD_LABEL[m], state.methods.includes(m) && !noBlock, (on) => {
        state.methods = on ? DEFAULT_METHODS.filter((x) => x === m || state.methods.includes(x)) : state.methods.filter((x) => x !== m);
        save();
        renderSetup();
        renderResults();
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
        renderResults();
      }, { sub: uo ? `${tokens(k * uo)}` : `${k * L0()} B`, title: `${k * L0()} bytes for the mini-model${uo ? ` ≙ ${(k * uo).toLocaleString('en-US')} tokens for your model` : ''}`, disabled: running }),
    );
  }
  const maxMult = Math.max(1, ...state.multiples);
  const policy = h('fieldset', { class: 'segmented', role: 'radiogroup' }, h('legend', { text: 'Scaling factor' }));
  for (const [val, label, title] of [
    ['per-length', 'Per length', 'Each length L gets the smallest stretch it needs: s = L / L₀ (the fair comparison). Dynamic NTK keeps s = 1 and scales with L itself.'],
    ['static', `Static ×${maxMult}`, `One factor for the whole sweep, s = ${maxMult} (what a static deployment does; shows the short-context cost).`],
  ] as const) {
    const input = h('input', { type: 'radio', name: 'policy', value: val, id: `policy-${val}` });
    input.checked = state.factorPolicy === val;
    input.disabled = running;
    input.addEventListener('change', () => {
      state.factorPolicy = val;
      save();
      renderSetup();
      renderResults();
    });
    policy.append(h('label', { for: `policy-${val}`, title }, input, h('span', { text: label })));
  }
  const g = grid();
  const sh = running ? undefined : shown();
  const toMeasure = sh?.missing.length ?? 0;
  const runBtn = h('button', { type: 'button', id: 'run', class: 'primary', text: running ? 'Running…' : 'Run preview', title: 'Measure live what the reference measurements lack (your block, another factor).' });
  runBtn.disabled = running || g.methods.length === 0 || g.lengths.length === 0 || (reference !== undefined && toMeasure === 0);
  runBtn.addEventListener('click', () => void run({}));
  const again = h('button', { type: 'button', id: 'remeasure', class: 'secondary', text: 'Re-measure', title: 'Measure every cell live on this machine, within the time budget, instead of showing the reference.' });
  again.disabled = running || g.methods.length === 0 || g.lengths.length === 0;
  again.addEventListener('click', () => void run({ live: true }));
  const cancelBtn = h('button', { type: 'button', id: 'cancel', class: 'secondary', text: 'Cancel' });
  cancelBtn.disabled = !running;
  cancelBtn.addEventListener('click', () => cancel());
  const progress = h('div', { class: 'progress-row' });
  if (live) {
    const bar = h('progress', { id: 'progress', max: String(Math.max(1, live.total)), value: String(live.done), 'aria-label': 'Cells measured' });
    const budget = live.budgetMs ? ` of ${fmtMs(live.budgetMs)} budget` : '';
    progress.append(bar, h('span', { class: 'muted', text: `${live.done} / ${live.total} cells · ${fmtMs(performance.now() - live.started)}${budget}` }));
  }
  let hint = '';
  if (!running) {
    if (reference === undefined) hint = 'Loading the reference measurements…';
    else if (toMeasure > 0) hint = `${toMeasure} cell${toMeasure === 1 ? '' : 's'} without a measurement yet; Run measures ${toMeasure === 1 ? 'it' : 'them'} live${budgetSetting ? ` (within ${budgetSetting} s)` : ''}.`;
    else if (g.methods.length && g.lengths.length) hint = 'Every cell has a measurement. Re-measure runs them all live on this machine.';
  }
  const st = h('p', { id: 'status', class: `status ${status.kind}`, role: status.kind === 'error' ? 'alert' : 'status', text: status.text });
  const actions = h('div', { class: 'actions' }, runBtn, again, cancelBtn);
  setupSec.replaceChildren(
    h('div', { class: 'card-head' }, h('h2', { id: 'setup-h', text: 'Preview on the mini-model' })),
    methods, lengths, policy, actions,
    h('p', { class: 'muted source-note', id: 'run-hint', text: hint }),
    progress, st,
  );
}

// ---------- results card ----------
function sourceOf(c: ShownCell): string {
  return c.stale ? 'stale' : c.source === 'reference' ? 'reference' : 'live';
}

function pplPoint(c: ShownCell | undefined): ChartPoint {
  if (!c || c.perplexity === undefined) return { x: c?.length ?? 0, y: null };
  const p: ChartPoint = { x: c.length, y: c.perplexity };
  if (c.perplexityCi95) [p.lo, p.hi] = c.perplexityCi95;
  p.detail = [c.perplexityCi95 ? `95% ${fmtPplRange(c.perplexityCi95)}` : '', c.evalChunks ? `${c.evalChunks} chunks` : '', sourceOf(c)].filter(Boolean).join(' · ');
  return p;
}

function needlePoint(c: ShownCell | undefined): ChartPoint {
  if (!c || c.needleAccuracy === undefined) return { x: c?.length ?? 0, y: null };
  const p: ChartPoint = { x: c.length, y: c.needleAccuracy };
  const n = needleCount(c);
  if (n?.ci95) [p.lo, p.hi] = n.ci95;
  p.detail = [n ? `${n.correct}/${n.total}` : '', n?.ci95 ? `95% ${fmtPctRange(n.ci95)}` : '', sourceOf(c)].filter(Boolean).join(' · ');
  return p;
}

function renderResults(): void {
  const s = state.last;
  const sh = shown();
  const g = live ? { methods: live.methods, lengths: live.lengths, policy: live.factorPolicy } : grid();
  const { methods, lengths } = g;
  const cells = sh.cells;
  const head = h('div', { class: 'card-head' }, h('h2', { id: 'results-h', text: 'Results' }));
  if (!cells.length && !live) {
    const text =
      reference === undefined
        ? 'Loading the reference measurements…'
        : 'Choose methods and lengths, then Run preview. The bundled mini-model (trained at L₀ = 128 bytes) runs here in the view; nothing leaves your machine.';
    const kids: Node[] = [head, h('p', { class: 'muted', text })];
    if (reference && !reference.reference) kids.push(h('p', { class: 'source-note', id: 'source-note', text: capital(reference.note) }));
    resultSec.replaceChildren(...kids);
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
  const l0 = L0();
  const block = currentBlock();
  const uo = block ? userOriginalOf(block) : s?.userOriginalLength;
  const xTicks = lengths.map((L) => ({ x: L, label: fmtMultiple(L / l0), sub: uo ? tokens(Math.round((L / l0) * uo)) : `${L} B` }));
  const hidden = new Set<string>(state.hidden);
  const onToggle = (id: string) => {
    state.hidden = hidden.has(id) ? state.hidden.filter((x) => x !== id) : [...state.hidden, id as MethodId];
    save();
    renderResults();
  };
  // A group toggle hides every line of the group while any is shown, else shows them all.
  const onToggleGroup = (ids: string[]) => {
    const show = ids.every((id) => hidden.has(id));
    state.hidden = show ? state.hidden.filter((x) => !ids.includes(x)) : [...new Set([...state.hidden, ...(ids as MethodId[])])];
    save();
    renderResults();
  };
  const groups = METHOD_GROUPS.map(({ id, label }) => ({ id, label }));
  const byKey = new Map(cells.map((c) => [`${c.method}@${c.length}`, c]));
  const series = (ms: MethodId[], point: (c: ShownCell | undefined) => ChartPoint): ChartSeries[] =>
    ms.map((m) => {
      const row = lengths.map((L) => byKey.get(`${m}@${L}`));
      return {
        id: m,
        label: METHOD_LABEL[m],
        cls: seriesClass(m),
        marker: METHOD_MARKER[m],
        points: lengths.map((L, i) => ({ ...point(row[i]), x: L })),
        stale: row.some((c) => c?.stale),
        baseline: m === 'window',
        group: groupOf(m),
      };
    });
  const pplHost = h('div', { class: 'chart-host', id: 'chart-ppl' });
  const accHost = h('div', { class: 'chart-host', id: 'chart-needle' });
  const xMark = { x: l0, label: 'L₀' };
  if (xTicks.length) {
    renderChart(pplHost, { title: 'Perplexity per byte (lower is better)', xTicks, series: series(methods, pplPoint), yLog: state.logScale, yFormat: fmtPpl, tickFormat: (v) => String(+v.toPrecision(3)), hidden, onToggle, groups, onToggleGroup, xMark });
    renderChart(accHost, { title: 'Needle retrieval (higher is better)', xTicks, series: series(methods.filter((m) => m !== 'window'), needlePoint), yLog: false, yDomain: [0, 1], yFormat: fmtPct, hidden, onToggle, groups, onToggleGroup, xMark });
  }
  const engineNotes = [...(s?.notes ?? []), ...(reference?.reference?.notes ?? [])];
  const notes = h('ul', { class: 'method-notes', id: 'method-notes' });
  for (const n of methodNotes(g.policy, sh.staticFactor, methods, engineNotes)) notes.append(h('li', { text: n }));
  const how = intervalNotes(engineNotes);
  if (how.length) {
    const list = h('ul', { class: 'method-notes' });
    for (const n of how) list.append(h('li', { text: n }));
    notes.append(h('li', { class: 'how' }, h('details', { id: 'how-measured' }, h('summary', { text: 'How the intervals are computed' }), list)));
  }
  const tableHost = h('div', { class: 'table-host', id: 'table' });
  renderTable(tableHost, { methods, lengths, originalLength: l0, userOriginal: uo, cells, running: !!live, yoursLabel: block?.label });
  const top: Node[] = [head];
  if (sh.stale) {
    const where = state.source === 'editor' ? 'the cursor is now on' : 'the view now shows';
    const now = block ? `${where} ${block.label}` : 'the cursor is no longer on a rope block';
    top.push(
      h('div', { class: 'notice stale-note', id: 'stale', role: 'status' },
        h('span', { class: 'badge', text: 'Stale' }),
        h('span', { text: `“Yours” was measured for ${sh.staleLabel ?? 'another block'}; ${now}.${block ? ' Run preview measures this block.' : ''}` }),
      ),
    );
  }
  top.push(h('p', { class: 'source-note', id: 'source-note', text: sourceNote(cells) }));
  const meta = h('div', { class: 'run-meta', id: 'run-meta' });
  if (s && !live && s.cells.some((c) => c.source === 'live')) {
    meta.append(
      h('span', { class: `badge backend-${s.backend}`, id: 'backend', text: s.backend === 'webgpu' ? 'WebGPU' : 'WASM' }),
      h('span', { id: 'elapsed', text: elapsedText(s) }),
      h('span', { class: 'muted', text: `${s.runtime} · ${s.factorPolicy === 'static' ? `static ×${s.staticFactor ?? ''}` : 'factor per length'}${s.cancelled ? ' · cancelled' : ''}` }),
    );
    if (s.fallbackReason) meta.append(h('p', { class: 'notice', id: 'fallback', role: 'note', text: s.fallbackReason }));
  }
  resultSec.replaceChildren(...top, h('div', { class: 'charts' }, pplHost, accHost), notes, tableHost, meta);
}

/** "31.5 s: model load 14.2 s, then 17.3 s measuring (budget 16 s) · first result …". */
function elapsedText(s: RunSummary): string {
  const load = s.loadMs && s.loadMs >= 50 ? s.loadMs : 0;
  const parts = [fmtMs(s.ms)];
  if (load) parts.push(`: model load ${fmtMs(load)}, then ${fmtMs(s.ms - load)} measuring`);
  if (s.budgetMs) parts.push(` (budget ${fmtMs(s.budgetMs)})`);
  if (s.firstResultMs !== undefined) parts.push(` · first result ${fmtMs(s.firstResultMs)}`);
  return parts.join('');
}

const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** Where the numbers come from, with the reference's sample sizes. */
function sourceNote(cells: readonly ShownCell[]): string {
  const ref = reference?.reference;
  const parts: string[] = [];
  if (ref && cells.some((c) => c.source === 'reference')) {
    parts.push(`Reference, n = ${ref.needles} needle prompts and ${Math.round(ref.evalBytes / 1024)} KB of text per cell: measured with the model it ships with, shown without running it.`);
  } else if (reference && !ref) parts.push(`${capital(reference.note)}.`);
  if (cells.some((c) => c.source === 'live')) parts.push('• = measured live on this machine.');
  parts.push('Bands and ranges are 95% intervals; overlapping bands are not a measured difference.');
  return parts.join(' ');
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

const cellKey = (c: { method: string; length: number }) => `${c.method}@${c.length}`;

// A budgeted run streams many refinements; redrawing both charts and three tables for each would take time from the
// forward passes (same thread). Draw at once, then at most every 250 ms, with a trailing draw.
const LIVE_RENDER_MS = 250;
let lastLiveRender = 0;
let liveRenderTimer: ReturnType<typeof setTimeout> | undefined;
function renderLive(): void {
  const draw = () => {
    liveRenderTimer = undefined;
    lastLiveRender = performance.now();
    renderSetup();
    renderResults();
  };
  const wait = lastLiveRender + LIVE_RENDER_MS - performance.now();
  if (wait <= 0) draw();
  else liveRenderTimer ??= setTimeout(draw, wait);
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
  // A request from the host (ropelens.preview.run) sets the view's choices, so the charts show what it measured.
  if (req.methods) state.methods = DEFAULT_METHODS.filter((m) => req.methods!.includes(m));
  if (req.factorPolicy) state.factorPolicy = req.factorPolicy;
  if (req.lengths) {
    const ks = req.lengths.map((l) => (typeof l === 'number' ? l / L0() : parseFloat(l)));
    if (ks.every((k) => LENGTH_MULTIPLES.includes(k))) state.multiples = LENGTH_MULTIPLES.filter((k) => ks.includes(k));
  }
  save();
  const exact = req.needles !== undefined || req.evalBytes !== undefined;
  // Sample sizes or a budget describe a measurement: measure every cell live; so does Re-measure.
  const liveAll = req.live ?? (exact || req.budget !== undefined);
  const backend = req.backend ?? backendSetting;
  const abort = new AbortController();
  const started = performance.now();
  reference ??= await engine.reference();
  const l0 = L0();
  const lengths = [...new Set(lengthSpecs.map((l) => (typeof l === 'number' ? l : Math.round(parseFloat(l) * l0))))].sort((a, b) => a - b);
  const yKey = blockKey(block);
  const before = shownCells({ methods, lengths, policy: factorPolicy, originalLength: l0, reference: reference.reference, last: state.last, blockKey: yKey });
  const toRun = liveAll ? lengths.flatMap((L) => methods.map((m) => ({ method: m, length: L }))) : before.missing;
  const budgetS = req.budget ?? (exact ? undefined : budgetSetting);
  const me: Live = { abort, cells: [], total: toRun.length, methods, lengths, factorPolicy, started, done: 0 };
  if (budgetS !== undefined && toRun.length) me.budgetMs = budgetS * 1000;
  live = me;
  setStatus('running', toRun.length ? `Measuring ${toRun.length} cell${toRun.length === 1 ? '' : 's'} live…` : 'Reading the reference…');
  renderSetup();
  renderResults();
  let runtime: ViewRuntime | undefined;
  let firstResultMs: number | undefined;
  let notes: string[] | undefined;
  const measuredYours = toRun.some((c) => c.method === 'yours');
  const summary = (extra: Partial<RunSummary>): RunSummary => {
    const all = shownCells({ methods, lengths, policy: factorPolicy, originalLength: l0, reference: reference?.reference, last: state.last, running: me.cells, blockKey: yKey });
    const out: RunSummary = {
      backend: runtime?.state.used ?? 'wasm',
      fallbackReason: runtime?.state.fallbackReason,
      runtime: runtime?.name ?? '',
      originalLength: l0,
      userOriginalLength: block ? userOriginalOf(block) : undefined,
      factorPolicy,
      staticFactor: factorPolicy === 'static' ? all.staticFactor : undefined,
      cells: all.cells.map(({ stale: _stale, ...c }) => c),
      yoursKey: measuredYours ? yKey : state.last?.yoursKey,
      yoursLabel: measuredYours ? block?.label : state.last?.yoursLabel,
      referenceNote: reference?.note,
      notes: notes ?? state.last?.notes,
      budgetMs: me.budgetMs,
      loadMs: me.loadMs,
      cancelled: false,
      ms: performance.now() - me.started,
      firstResultMs,
      ...extra,
    };
    return out;
  };
  const upsert = (cell: PreviewCell) => {
    const i = me.cells.findIndex((c) => cellKey(c) === cellKey(cell));
    if (i >= 0) me.cells[i] = cell;
    else me.cells.push(cell);
  };
  try {
    if (toRun.length) {
      runtime = await runtimeFor(backend);
      // Stop a warm-up under way (after its current pass) and load the model here (a no-op when loaded), so the
      // clock below knows what the cold start took.
      const load0 = performance.now();
      await engine.ready(runtime);
      me.loadMs = performance.now() - load0;
      const res = await engine.run(
        runtime,
        {
          methods,
          lengths: lengthSpecs,
          factorPolicy,
          cells: liveAll ? undefined : toRun,
          needles: req.needles,
          evalBytes: req.evalBytes,
          yours: block && methods.includes('yours') ? yoursSpecOf(block) : undefined,
        },
        {
          signal: abort.signal,
          // ropelens.preview.budgetSeconds: a wall-clock bound the engine keeps (plus one forward pass), counted from
          // the loaded model; a cold start (the view warms on first pointer or focus) is extra and shown apart.
          budgetMs: me.budgetMs,
          onProgress: ({ cell, done }) => {
            if (live !== me) return;
            firstResultMs ??= performance.now() - me.started;
            upsert(cell);
            me.done = done;
            renderLive();
          },
        },
      );
      if (live !== me) return;
      for (const c of res.results) upsert(c);
      me.done = me.total;
      notes = res.notes;
    }
    live = null;
    state.last = summary({});
    save();
    const measured = me.cells.length;
    const fromRef = state.last.cells.filter((c) => c.source === 'reference').length;
    setStatus(
      'done',
      measured
        ? `Done: ${measured} cell${measured === 1 ? '' : 's'} measured live in ${fmtMs(state.last.ms)} on ${state.last.backend === 'webgpu' ? 'WebGPU' : 'WebAssembly'}${fromRef ? `; ${fromRef} from the reference` : ''}.`
        : `Nothing to measure: all ${state.last.cells.length} cells have a measurement.`,
    );
    post({ t: 'result', summary: state.last });
  } catch (e) {
    if (live !== me && !abort.signal.aborted) return;
    live = null;
    const cancelled = abort.signal.aborted || engine.isCancel(e);
    const text = cancelled ? `Cancelled after ${me.done} of ${me.total} live cells.` : engine.explain(e);
    // Cells measured before the failure (and the reference) stay; the summary says what failed.
    state.last = summary({ cancelled, error: cancelled ? undefined : text });
    save();
    setStatus(cancelled ? 'cancelled' : 'error', text);
    post({ t: 'result', summary: state.last });
  }
  stopLiveRender();
  // A model fetched for this run was checked against the reference's cells (a changed model drops its cells).
  reference = await engine.reference();
  renderAll();
}

function stopLiveRender(): void {
  if (liveRenderTimer) clearTimeout(liveRenderTimer);
  liveRenderTimer = undefined;
  lastLiveRender = 0;
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
// model and lets onnxruntime's kernels tier up (engine WARMUP_PLAN); a Run stops the warm-up after its current pass.
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
// Reference measurements: fetched and checked against the model's hash at once, so numbers show before any run.
void engine.reference().then((r) => {
  reference = r;
  if (!live) renderAll();
});

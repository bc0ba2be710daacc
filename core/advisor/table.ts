// The decision table as markdown, generated from the matrix and engine data (README "Extend context…").
import type { Engine } from '../model';
import { ENGINE_IDS, ENGINES } from './engines';
import { matrixRow, RATIO_BANDS } from './matrix';
import { methodLabel, recommend } from './recommend';

/** A representative target for each band, used to read the table off `recommend` itself. */
export function sampleTarget(original: number, bandIndex: number): number {
  const mids = [0.5, 1.5, 4, 16, 64];
  return Math.round(original * mids[bandIndex]!);
}

export interface TableCell {
  bandLabel: string;
  finetune: boolean;
  engine: Engine;
  method: string;
  runnerUp: string;
}

export function decisionCells(original = 8192): TableCell[] {
  const cells: TableCell[] = [];
  RATIO_BANDS.forEach((b, i) => {
    for (const finetune of [false, true]) {
      for (const engine of ENGINE_IDS) {
        const a = recommend({ originalContext: original, target: sampleTarget(original, i), finetune, engine });
        cells.push({ bandLabel: b.label, finetune, engine, method: methodLabel(a.method), runnerUp: methodLabel(a.runnerUp) });
      }
    }
  });
  return cells;
}

export function decisionTableMarkdown(): string {
  const cells = decisionCells();
  const head = `| target / trained context | fine-tune? | ${ENGINE_IDS.map((e) => ENGINES[e].label).join(' | ')} |`;
  const sep = `|---|---|${ENGINE_IDS.map(() => '---').join('|')}|`;
  const rows: string[] = [];
  for (const b of RATIO_BANDS) {
    for (const finetune of [false, true]) {
      const row = ENGINE_IDS.map((e) => {
        const c = cells.find((x) => x.bandLabel === b.label && x.finetune === finetune && x.engine === e)!;
        return c.method;
      });
      rows.push(`| ${b.label} | ${finetune ? 'yes' : 'no'} | ${row.join(' | ')} |`);
    }
  }
  return [head, sep, ...rows].join('\n');
}

/** The matrix's reasons per row (band × fine-tune), as a list under the table. */
export function matrixReasonsMarkdown(): string {
  return RATIO_BANDS.flatMap((b) =>
    [false, true].map((ft) => {
      const r = matrixRow(b.band, ft);
      return `- **${b.label}, ${ft ? 'fine-tuning' : 'no fine-tuning'}**: ${r.reason}${r.caution ? ` *${r.caution}*` : ''}`;
    }),
  ).join('\n');
}

/** What each engine can do, and its caveat. */
export function engineNotesMarkdown(): string {
  return ENGINE_IDS.map((e) => {
    const c = ENGINES[e];
    const bits = [`methods: ${c.methods.filter((m) => m !== 'none').map(methodLabel).join(', ')}`];
    if (!c.dynamicIsDynamic && c.methods.includes('dynamic')) bits.push('"dynamic" is computed once for the maximum length (static NTK)');
    if (c.contextFlag) bits.push(`context flag \`${c.contextFlag}\` is set to the target`);
    return `- **${c.label}**: ${bits.join('; ')}.${c.note ? ` ${c.note}` : ''} Sources: ${c.facts.map((id) => `\`${id}\``).join(', ')} ([ledger](docs/engine-facts.md)).`;
  }).join('\n');
}

export const TABLE_START = '<!-- advisor-table -->';
export const TABLE_END = '<!-- /advisor-table -->';

/** Everything generated for the README "Extend context…" section. */
export function advisorTableBlock(): string {
  return [
    decisionTableMarkdown(),
    '',
    'Why, per row (the reason the recommendation quotes):',
    '',
    matrixReasonsMarkdown(),
    '',
    'Engines:',
    '',
    engineNotesMarkdown(),
  ].join('\n');
}

/** README text with the generated block replaced (unchanged when the markers are missing). */
export function withAdvisorTable(readme: string): string {
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) return readme;
  return `${readme.slice(0, a + TABLE_START.length)}\n${advisorTableBlock()}\n${readme.slice(b)}`;
}

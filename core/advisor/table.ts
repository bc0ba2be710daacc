// The decision table as markdown, generated from the matrix and engine data (README "Extend context…").
import type { Engine } from '../model';
import { ENGINE_IDS, ENGINES } from './engines';
import { RATIO_BANDS } from './matrix';
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

// Writer registry: one DialectWriter per dialect (dialect engineers register theirs), shared by every fix.
import type { TextEdit } from '../edits';
import type { Dialect } from '../model';
import type { BlockInserter, DialectWriter } from '../rules/types';
import { jsonWriter } from './json-writer';

const writers = new Map<Dialect, DialectWriter & Partial<BlockInserter>>([['json', jsonWriter]]);

export function registerWriter(dialect: Dialect, writer: DialectWriter & Partial<BlockInserter>): void {
  writers.set(dialect, writer);
}

const none = (): TextEdit[] => [];

/** A writer that writes nothing: fixes built with it have no edits and are dropped. */
export const nullWriter: DialectWriter = {
  setField: none, removeField: none, renameField: none, setContext: none, replaceBlock: none,
  formatValue: (v) => JSON.stringify(v) ?? 'null',
};

export function writerFor(dialect: Dialect): DialectWriter & Partial<BlockInserter> {
  return writers.get(dialect) ?? nullWriter;
}

export function inserterFor(dialect: Dialect): BlockInserter | undefined {
  const w = writers.get(dialect);
  return w && typeof w.insertBlock === 'function' ? (w as BlockInserter) : undefined;
}

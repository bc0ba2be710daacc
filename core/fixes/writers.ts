// One DialectWriter per dialect, shared by every fix.
import type { TextEdit } from '../edits';
import type { Dialect } from '../model';
import type { BlockInserter, DialectWriter } from '../rules/types';
import { jsonWriter } from './json-writer';
import { pythonWriter } from './python-writer';
import { yamlWriter } from './yaml-writer';
import { shellWriter } from './shell-writer';

// Modelfiles have no rope block to write; Markdown and notebooks are written through their pieces' own writers.
const WRITERS: Partial<Record<Dialect, DialectWriter & Partial<BlockInserter>>> = {
  json: jsonWriter, python: pythonWriter, yaml: yamlWriter, shell: shellWriter,
};

const none = (): TextEdit[] => [];

/** A writer that writes nothing: fixes built with it have no edits and are dropped. */
export const nullWriter: DialectWriter = {
  setField: none, removeField: none, renameField: none, setContext: none, replaceBlock: none,
  formatValue: (v) => JSON.stringify(v) ?? 'null',
};

export function writerFor(dialect: Dialect): DialectWriter & Partial<BlockInserter> {
  return WRITERS[dialect] ?? nullWriter;
}

export function inserterFor(dialect: Dialect): BlockInserter | undefined {
  const w = WRITERS[dialect];
  return w && typeof w.insertBlock === 'function' ? (w as BlockInserter) : undefined;
}

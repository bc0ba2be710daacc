import type { TextEdit } from '../edits';
import type { Dialect, ParsedDocument, RopeBlock, Span } from '../model';
import type { TransformersVersion, VersionFeatures } from '../versions';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** One way to repair a finding; computed at check time so code actions never re-run analysis. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor applies for Ctrl+. / fix-all. At most one per finding. */
  isPreferred?: boolean;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  span: Span;
  /** JSON pointer of the block the finding is about, when there is one. */
  blockPath?: string;
  fixes?: Fix[];
  /** Set when the document was too large to compute fixes up front; `fixesFor` computes them on request. */
  fixesDeferred?: boolean;
  tags?: Array<'unnecessary' | 'deprecated'>;
}

export interface RuleDocs {
  /** One line: what the rule finds. */
  summary: string;
  /** Why it matters: what goes wrong and when. */
  why: string;
  /** What transformers (by version), vLLM and other engines do with it. */
  frameworks: string;
  /** How to fix it. */
  fix: string;
}

export interface RuleContext {
  doc: ParsedDocument;
  version: TransformersVersion;
  features: VersionFeatures;
  /** Writes edits in the document's own dialect (JSON, Python, YAML, flags). */
  writer: DialectWriter;
  /**
   * False when fixes are deferred (large documents): `writer` then writes nothing, and rules that edit by other
   * means must skip that work. Code actions compute the fixes later for one block (core/check.ts fixesFor).
   */
  fixes: boolean;
}

export interface Rule {
  /** Stable kebab-case id: the diagnostic code, the settings key and the docs anchor. */
  id: string;
  defaultSeverity: Severity;
  docs: RuleDocs;
  /** Dialects it applies to; all when absent. */
  dialects?: readonly Dialect[];
  /** Per-block check. */
  check?(block: RopeBlock, ctx: RuleContext): Finding[];
  /** Whole-document check (dialect rules: flags, subscripts). */
  checkDocument?(ctx: RuleContext): Finding[];
}

/** How a dialect writes changes; one implementation per dialect, shared by every fix. */
export interface DialectWriter {
  /** Sets (adds or replaces) a key inside the block, keeping order and indentation. */
  setField(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[];
  removeField(doc: ParsedDocument, block: RopeBlock, key: string): TextEdit[];
  renameField(doc: ParsedDocument, block: RopeBlock, from: string, to: string): TextEdit[];
  /** Sets a key of the config that holds the block (max_position_embeddings, rope_theta, ...). */
  setContext(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[];
  /** Replaces the whole block by new parameters (same key unless `key` is given). */
  replaceBlock(doc: ParsedDocument, block: RopeBlock, params: Record<string, unknown>, key?: string): TextEdit[];
  /** Writes a value literal in this dialect (`True` in Python, `true` in JSON/YAML). */
  formatValue(value: unknown): string;
}

/** Writers that can add a block where none exists yet (config.json, YAML recipes, Python keyword calls). */
export interface BlockInserter {
  /** Inserts `key: params` into the config object at `containerPath` (a JSON pointer). */
  insertBlock(doc: ParsedDocument, containerPath: string, key: string, params: Record<string, unknown>): TextEdit[];
}

// The custom part of the LSP conversation between the extension client and the language server: command names,
// notification names and their payloads. Both bundles include this file; it holds types and constants only.
import type { WorkspaceEdit } from 'vscode-languageserver-types';
import type { Measurement } from '../core/advisor/measure';
import type { Advice } from '../core/advisor/recommend';
import type { Engine } from '../core/model';
import type { BlockInfo } from '../media/src/protocol';

/** Server-side command: computes (and optionally applies) the YaRN edit for a target length. */
export const CMD_SERVER_EXTEND_YARN = 'ropelens.server.extendContextYarn';
/** Server-side command: facts about the block the client asks a target length for. */
export const CMD_SERVER_BLOCK_INFO = 'ropelens.server.blockInfo';

/** Server-side command behind "Extend context…": without `target` the facts the flow asks about; with it the advice,
 * the edit (applied when `apply`) and, when `measure`, the mini-model's numbers. See server/src/handlers/advise.ts. */
export const CMD_SERVER_ADVISE = 'ropelens.server.advise';

export interface AdviseArgs {
  uri: string;
  blockPath?: string;
  /** Absent: only the facts (original context, engine) the client's questions need. */
  target?: number;
  finetune?: boolean;
  steps?: number;
  engine?: Engine;
  measure?: boolean;
  /** Preview budget in seconds. */
  budget?: number;
  apply?: boolean;
  /** Echoed in progress notifications. */
  progressId?: string;
}

export interface AdviseInfo {
  relevant: boolean;
  blockPath?: string;
  original?: number;
  originalSource?: string;
  engine: Engine;
  /** Why the original context is unknown. */
  error?: string;
}

export interface AdviseResponse {
  error?: string;
  info?: AdviseInfo;
  advice?: Advice;
  engine?: Engine;
  original?: number;
  summary?: string;
  preview?: string;
  edit?: WorkspaceEdit;
  measurement?: Measurement;
  /** Why nothing was measured (declined, inside the trained length, cancelled, failed). */
  measureNote?: string;
  applied?: boolean;
}
/** Server-side command behind "Copy rope block as…": the block written for every engine (core/convert.ts). */
export const CMD_SERVER_CONVERT = 'ropelens.server.convert';
/** Client-side command: pick a target, copy the conversion to the clipboard. */
export const CMD_COPY_AS = 'ropelens.copyAs';

export interface ConvertArgs {
  uri: string;
  /** JSON pointer of the block; the block at `offset`, else the first block, when absent. */
  blockPath?: string;
  offset?: number;
}

export interface ConvertResult {
  blockPath?: string;
  conversions?: Array<{ target: string; label: string; text: string; exact: boolean; notes: string[] }>;
  error?: string;
}
/** Server → client while a measurement runs (AdviseArgs.progressId). */
export const NOTIFY_ADVISE_PROGRESS = 'ropelens/adviseProgress';
export const CMD_EXTEND_CONTEXT = 'ropelens.extendContext';
/** Client-side: opens the preview sidebar with a block loaded ({uri, path}). */
export const CMD_PREVIEW_BLOCK = 'ropelens.previewBlock';

/** Client-side commands that code actions point at. */
export const CMD_EXTEND_YARN = 'ropelens.extendContextYarn';
export const CMD_SHOW_RULE_DOC = 'ropelens.showRuleDoc';
export const CMD_IGNORE_RULE_IN_FILE = 'ropelens.ignoreRuleInFile';

export interface ExtendYarnArgs {
  uri: string;
  /** JSON pointer of the block to change; the first block (or a new one) when absent. */
  blockPath?: string;
  target: number;
  /** Write the edit through workspace/applyEdit as well as returning it. */
  apply?: boolean;
  /** Force the key convention ("v4" rope_scaling / "v5" rope_parameters); the file's own otherwise. */
  api?: 'v4' | 'v5';
}

/** Answer to CMD_SERVER_BLOCK_INFO: what "Extend context with YaRN…" needs to ask for a target length. */
export interface ExtendTargetInfo {
  relevant: boolean;
  blockPath?: string;
  api?: 'v4' | 'v5';
  ropeType?: string;
  /** The context the model handles now (max_position_embeddings), when the file says. */
  currentContext?: number;
}

/** Server → client after each validation: drives the context key for menus and the language status item. */
export const NOTIFY_STATUS = 'ropelens/status';
export interface StatusParams {
  uri: string;
  relevant: boolean;
  blockCount: number;
  transformersVersion: string;
  /** Where the version came from (a setting, ropelens.toml, a requirements pin, the default). */
  transformersSource?: string;
}

/** What a diagnostic carries in `data`, so code actions never re-run analysis. */
export interface DiagnosticData {
  ruleId: string;
  /** Document version the fixes were computed for. */
  version: number;
  blockPath?: string;
  /** The document was too large to compute fixes up front: the code-action handler computes them for this finding. */
  deferred?: { offset: number; length: number };
  fixes: Array<{ title: string; isPreferred?: boolean; edits: Array<{ range: LspRange; newText: string }> }>;
}

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Client → server: the rope block the preview view shows for a cursor position (or a block's JSON pointer). The
 * server answers from its own parse, so the extension host parses nothing. */
export const REQUEST_BLOCK_AT = 'ropelens/blockAt';
export interface BlockAtParams {
  uri: string;
  offset?: number;
  /** JSON pointer of the block; wins over `offset` when it names one. */
  path?: string;
}
/** The answer: the webview's block message (media/src/protocol.ts), or null when the document has no block. */
export type BlockAtResult = BlockInfo | null;

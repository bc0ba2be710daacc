// workspace/executeCommand on the server: the edits behind "Extend context with YaRN…" (the client asks the
// target length; tests pass it as an argument) and the block facts the client's input box needs.
import type { CancellationToken, ExecuteCommandParams, WorkspaceEdit } from 'vscode-languageserver';
import { ropeTypeOf, type ParsedDocument, type RopeBlock } from '../../../core/model';
import { CMD_SERVER_ADVISE, CMD_SERVER_BLOCK_INFO, CMD_SERVER_CONVERT, CMD_SERVER_EXTEND_YARN, type ExtendTargetInfo, type ConvertResult, type ExtendYarnArgs } from '../../../common/protocol';
import { convertAll, TARGET_LABELS } from '../../../core/convert';
import { onAdvise } from './advise';
import type { ServerState } from './diagnostics';
import { extendYarnEdits } from './refactors';
import { currentContext } from '../../../core/context';

export const SERVER_COMMANDS = [CMD_SERVER_EXTEND_YARN, CMD_SERVER_BLOCK_INFO, CMD_SERVER_ADVISE, CMD_SERVER_CONVERT];

export interface ExtendYarnResult {
  edit?: WorkspaceEdit;
  summary?: string;
  applied?: boolean;
  error?: string;
}

/** The innermost block whose key or value holds `offset`. */
export function blockAtOffset(parsed: ParsedDocument, offset: number): RopeBlock | undefined {
  const inside = (s: { offset: number; length: number } | undefined) => s !== undefined && offset >= s.offset && offset <= s.offset + s.length;
  return parsed.blocks.filter((b) => inside(b.span) || inside(b.keySpan)).sort((a, b) => a.span.length - b.span.length)[0];
}

function pickBlock(parsed: ParsedDocument, blockPath: unknown): RopeBlock | undefined {
  if (typeof blockPath === 'string') return parsed.blocks.find((b) => b.path === blockPath);
  return parsed.blocks[0];
}

export async function onExecuteCommand(state: ServerState, params: ExecuteCommandParams, token?: CancellationToken): Promise<unknown> {
  const arg = (params.arguments?.[0] ?? {}) as Partial<ExtendYarnArgs>;
  const doc = typeof arg.uri === 'string' ? state.documents.get(arg.uri) : undefined;
  if (!doc) return params.command === CMD_SERVER_BLOCK_INFO ? ({ relevant: false } satisfies ExtendTargetInfo) : ({ error: 'The document is not open.' } satisfies ExtendYarnResult);
  await state.ready;
  const parsed = state.cache.get(doc);
  const block = pickBlock(parsed, arg.blockPath);
  if (params.command === CMD_SERVER_ADVISE) return onAdvise(state, doc, parsed, block, arg as Record<string, unknown>, token);
  if (params.command === CMD_SERVER_CONVERT) {
    const offset = (arg as { offset?: unknown }).offset;
    const at = typeof arg.blockPath !== 'string' && typeof offset === 'number' ? blockAtOffset(parsed, offset) : undefined;
    const b = at ?? block;
    if (!b) return { error: 'No rope block here to copy.' } satisfies ConvertResult;
    const conversions = convertAll(b).map((c) => ({ target: c.target, label: TARGET_LABELS[c.target], text: c.text, exact: c.exact, notes: c.notes }));
    return { blockPath: b.path, conversions } satisfies ConvertResult;
  }

  if (params.command === CMD_SERVER_BLOCK_INFO) {
    const info: ExtendTargetInfo = { relevant: parsed.relevant };
    if (block) {
      info.blockPath = block.path;
      info.api = block.api;
      const t = ropeTypeOf(block);
      if (t) info.ropeType = t;
    }
    const ctx = currentContext(parsed, block);
    if (ctx !== undefined) info.currentContext = ctx;
    return info;
  }

  if (params.command === CMD_SERVER_EXTEND_YARN) {
    if (!parsed.relevant) return { error: 'This file does not look like a model config.' } satisfies ExtendYarnResult;
    if (typeof arg.blockPath === 'string' && !block) return { error: `No rope block at ${arg.blockPath}.` } satisfies ExtendYarnResult;
    const target = Number(arg.target);
    if (!Number.isSafeInteger(target) || target < 2) return { error: 'The target length must be a whole number of tokens.' } satisfies ExtendYarnResult;
    const res = extendYarnEdits(doc, parsed, block, target, arg.api === 'v4' || arg.api === 'v5' ? arg.api : undefined);
    if ('error' in res) return res;
    const edit: WorkspaceEdit = { changes: { [doc.uri]: res.edits } };
    const out: ExtendYarnResult = { edit, summary: res.summary };
    if (arg.apply) {
      const applied = await state.connection.workspace.applyEdit({ label: 'Extend context with YaRN', edit });
      out.applied = applied.applied;
    }
    return out;
  }
  return null;
}

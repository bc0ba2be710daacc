// The context questions every feature asks of a document: which command serves a block, which engine reads it,
// the context the model was trained for and the one it handles now. One answer for the advisor, the fixes, the
// server and the CLI.
import { extensionSite } from './fixes/extend-yarn';
import { knownModel, originalContextOf } from './known-models';
import type { ContextSource, Engine, ParsedDocument, RopeBlock } from './model';
import { num } from './numbers';
import { jsonData } from './parse/json';
import { insertionContextOf } from './parse/python';
import { modelIdOf, shellData, type ShellCommand } from './parse/shell';

/** The serving command a block was read from, else the document's first command. */
export function commandOf(doc: ParsedDocument, block: RopeBlock | undefined): ShellCommand | undefined {
  const data = shellData(doc);
  if (!data) return undefined;
  if (block) return data.blockInfo.find((i) => i.spanOffset === block.span.offset)?.command;
  return data.commands[0];
}

/** The engine a document is served by: the block's, else the first serving command's, else transformers. */
export function engineOf(doc: ParsedDocument, block: RopeBlock | undefined): Engine {
  return block?.engine ?? commandOf(doc, block)?.engine ?? 'transformers';
}

/** The trained context: the block/config's (omp, else max_position_embeddings, known models included), else the command's model. */
export function originalContext(doc: ParsedDocument, block: RopeBlock | undefined): { value: number; source: ContextSource } | string {
  const site = extensionSite(doc, block);
  if (typeof site !== 'string') {
    const t = site.target;
    const src = t?.context.originalMaxPositionEmbeddings?.source ?? t?.context.maxPositionEmbeddings?.source ?? 'file';
    return { value: site.original, source: src };
  }
  const cmd = commandOf(doc, block);
  const id = cmd ? modelIdOf(cmd) : undefined;
  const km = id ? knownModel(id) : undefined;
  const v = km ? originalContextOf(km) : undefined;
  return v ? { value: v, source: 'known-model' } : site;
}

/** max_position_embeddings of the block's config, else of the first config that has one. */
export function currentContext(parsed: ParsedDocument, block: RopeBlock | undefined): number | undefined {
  const fromBlock = num((block ?? parsed.blocks[0])?.context.maxPositionEmbeddings?.value);
  if (fromBlock !== undefined) return fromBlock;
  const cfg = jsonData(parsed)?.configs.find((c) => c.members.has('max_position_embeddings'));
  // A script with no block yet: the known model its loading call names.
  return num(cfg?.members.get('max_position_embeddings')?.children?.[1]?.value) ?? num(insertionContextOf(parsed)?.maxPositionEmbeddings?.value);
}

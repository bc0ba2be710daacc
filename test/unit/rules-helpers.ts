// Shared by the rules-*/fixes-* tests: build a config.json text, check it, apply fixes.
import { applyEdits } from '../../core/edits';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import type { Finding } from '../../core/rules/types';
import type { ParsedDocument } from '../../core/model';

export const URI = 'file:///models/m/config.json';

/** A Llama-like config with `extra` top-level keys (JSON text fragments keep 2.0 vs 2). */
export function config(extra: string, base = '"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "max_position_embeddings": 4096, "rope_theta": 10000.0'): string {
  return `{\n  ${base}${extra ? `,\n  ${extra}` : ''}\n}\n`;
}

export function parse(text: string): ParsedDocument {
  return parseDocument(URI, text);
}

export function check(text: string, version = '5.15.0'): Finding[] {
  return checkDocument(parse(text), { transformersVersion: version });
}

export function ids(fs: Finding[]): string[] {
  return fs.map((f) => f.ruleId);
}

export function applyFix(text: string, finding: Finding, preferredOnly = true): string[] {
  const fixes = (finding.fixes ?? []).filter((f) => !preferredOnly || f.isPreferred);
  return fixes.map((f) => applyEdits(text, f.edits));
}

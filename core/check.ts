// Placeholder signature, filled in by the rules work: parse -> rules -> settings filter -> findings.
import type { ParsedDocument } from './model';
import type { Finding, Severity } from './rules/types';

export interface CheckOptions {
  /** transformers version whose behaviour the messages describe ("5.15.0", "4.45", "latest"). */
  transformersVersion?: string;
  /** Per-rule severity override or "off". */
  rules?: Record<string, Severity | 'off'>;
  /** Rule ids ignored in this document (from the "ignore in this file" action or suppression comments). */
  ignore?: readonly string[];
}

export function checkDocument(_doc: ParsedDocument, _options: CheckOptions = {}): Finding[] {
  return [];
}

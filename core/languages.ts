// The VS Code language ids RoPE Lens reads and the dialect each is parsed in. One list for the client's document
// selector, the server's dialect detection and the manifest's activation events (a unit test compares them).
import type { Dialect } from './model';

export const LANGUAGE_DIALECTS = {
  json: 'json', jsonc: 'json', python: 'python', yaml: 'yaml', shellscript: 'shell', dockerfile: 'shell', makefile: 'shell',
} as const satisfies Record<string, Dialect>;

export type LanguageId = keyof typeof LANGUAGE_DIALECTS;

export const LANGUAGE_IDS = Object.keys(LANGUAGE_DIALECTS) as LanguageId[];

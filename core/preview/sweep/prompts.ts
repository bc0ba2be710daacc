// The two probes' sequences in the model's own tokens: perplexity chunks of the shipped eval text and needle prompts
// built from the shipped needle strings (probes/needle.ts: the same recipe, filler + needle + filler + query + key),
// both exactly L tokens long. Byte-level models get the mini-model's sequences (tokens = bytes), except that the
// needle's insertion point is not snapped back to a word start (token boundaries carry no text here).
import type { Needle } from '../probes/needle';
import { PreviewError } from '../types';

export interface TokenTexts {
  /** The eval text in the model's tokens. */
  evalTokens: number[];
  /** Bytes of the eval text (needle filler offsets are byte offsets: scaled to tokens). */
  evalBytes: number;
  prefix: number[];
  suffix: number[];
  query: number[];
  bos: number | undefined;
}

/** Tokens [start, start+n) of the eval text, wrapping to its start. */
function wrappedTokens(tokens: readonly number[], start: number, n: number): number[] {
  const out = new Array<number>(n);
  const T = tokens.length;
  for (let i = 0; i < n; i++) out[i] = tokens[(start + i) % T]!;
  return out;
}

/** Chunk starts (in eval tokens) at length L: ceil(evalTokens / text tokens per chunk) chunks, the last may wrap. */
export function tokenChunkStarts(L: number, evalTokens: number, bos: boolean): number[] {
  const n = L - (bos ? 1 : 0);
  return Array.from({ length: Math.ceil(evalTokens / n) }, (_, j) => j * n);
}

/** One perplexity chunk of exactly L tokens (BOS first when the model uses one). */
export function evalChunk(t: TokenTexts, start: number, L: number): number[] {
  const body = wrappedTokens(t.evalTokens, start, L - (t.bos !== undefined ? 1 : 0));
  return t.bos !== undefined ? [t.bos, ...body] : body;
}

/** Tokens a needle prompt needs besides filler. */
export function needleOverhead(t: TokenTexts, keyTokens: number): number {
  return (t.bos !== undefined ? 1 : 0) + t.prefix.length + t.suffix.length + t.query.length + 2 * keyTokens;
}

/**
 * [bos] + filler[0:p] + prefix + key + suffix + filler[p:F] + query + key: exactly L tokens, the key last. The filler
 * starts at the needle's offset (scaled from bytes to tokens) and p = ⌊depth·F⌋.
 */
export function needlePrompt(t: TokenTexts, needle: Needle, key: readonly number[], L: number): number[] {
  const F = L - needleOverhead(t, key.length);
  if (F < 0) throw new PreviewError('bad-length', `length ${L} is shorter than a needle prompt (${needleOverhead(t, key.length)} tokens)`);
  const start = Math.floor((needle.offset / Math.max(1, t.evalBytes)) * t.evalTokens.length);
  const filler = wrappedTokens(t.evalTokens, start, F);
  const p = Math.floor(needle.depth * F);
  return [
    ...(t.bos !== undefined ? [t.bos] : []),
    ...filler.slice(0, p),
    ...t.prefix,
    ...key,
    ...t.suffix,
    ...filler.slice(p),
    ...t.query,
    ...key,
  ];
}

// Needle-in-a-haystack retrieval: the prompt recipe of media/model/needles.json (reference: training/needles.py
// build_prompt), reproduced byte for byte, and its scoring (teacher-forced argmax over the key bytes).
import { PreviewError } from '../types';

export interface Needle {
  id: number;
  key: string;
  /** Where the needle sits in the filler, 0 (start) .. 1 (end). */
  depth: number;
  /** Filler start in the source text (wraps around). */
  offset: number;
}

export interface NeedleSet {
  needlePrefix: string;
  needleSuffix: string;
  query: string;
  keyLength: number;
  /** Bytes of a prompt that are not filler (needle + query + answer): the shortest possible prompt. */
  minLength: number;
  needles: Needle[];
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new PreviewError('assets-invalid', `needles.json: "${what}" must be a string`);
  return v;
}

/** Validates the parsed needles.json (format ropelens-needles/1). */
export function parseNeedles(doc: unknown): NeedleSet {
  if (typeof doc !== 'object' || doc === null) throw new PreviewError('assets-invalid', 'needles.json is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d['format'] !== 'ropelens-needles/1') {
    throw new PreviewError('assets-invalid', `needles.json: unknown format ${JSON.stringify(d['format'])} (expected "ropelens-needles/1")`);
  }
  const set: NeedleSet = {
    needlePrefix: str(d['needlePrefix'], 'needlePrefix'),
    needleSuffix: str(d['needleSuffix'], 'needleSuffix'),
    query: str(d['query'], 'query'),
    keyLength: Number(d['keyLength']),
    minLength: 0,
    needles: [],
  };
  const list = d['needles'];
  if (!Array.isArray(list) || list.length === 0) throw new PreviewError('assets-invalid', 'needles.json: "needles" must be a non-empty list');
  for (const n of list as Record<string, unknown>[]) {
    const key = str(n?.['key'], 'needles[].key');
    const depth = Number(n['depth']);
    const offset = Number(n['offset']);
    if (!/^[\x20-\x7e]+$/.test(key) || key.length !== set.keyLength || !(depth >= 0 && depth <= 1) || !Number.isInteger(offset) || offset < 0) {
      throw new PreviewError('assets-invalid', `needles.json: needle ${JSON.stringify(n)} is malformed`);
    }
    set.needles.push({ id: Number(n['id'] ?? set.needles.length), key, depth, offset });
  }
  set.minLength = set.needlePrefix.length + set.needleSuffix.length + set.query.length + 2 * set.keyLength;
  return set;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** filler[0:p] + prefix + key + suffix + filler[p:F] + query + key: exactly L bytes. */
export function buildNeedlePrompt(source: Uint8Array, set: NeedleSet, needle: Needle, L: number): Uint8Array {
  const F = L - set.minLength;
  if (F < 0) throw new PreviewError('bad-length', `length ${L} is shorter than a needle prompt (${set.minLength} bytes)`);
  const n = source.length;
  const filler = new Uint8Array(F);
  for (let i = 0; i < F; i++) filler[i] = source[(needle.offset + i) % n]!;
  let p = Math.floor(needle.depth * F);
  // Snap back to a word start: 1 + last space or newline in filler[0:p] (0 when there is none).
  let last = -1;
  for (let i = p - 1; i >= 0; i--) {
    if (filler[i] === SPACE || filler[i] === NEWLINE) {
      last = i;
      break;
    }
  }
  p = last + 1;
  const key = ascii(needle.key);
  const parts = [filler.subarray(0, p), ascii(set.needlePrefix), key, ascii(set.needleSuffix), filler.subarray(p), ascii(set.query), key];
  const out = new Uint8Array(L);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

export interface NeedleScore {
  exact: boolean;
  /** Key bytes retrieved (argmax correct). */
  hits: number;
  keyLength: number;
}

/** Teacher-forced argmax: logits at L−k−1 .. L−2 must predict the k key bytes at L−k .. L−1. */
export function scoreNeedle(prompt: Uint8Array, logits: Float32Array, keyLength: number, vocab = 256): NeedleScore {
  const L = prompt.length;
  let hits = 0;
  for (let t = L - keyLength - 1; t <= L - 2; t++) {
    const row = t * vocab;
    let best = 0;
    let bestV = logits[row]!;
    for (let v = 1; v < vocab; v++) {
      const x = logits[row + v]!;
      if (x > bestV) {
        bestV = x;
        best = v;
      }
    }
    if (best === prompt[t + 1]) hits++;
  }
  return { exact: hits === keyLength, hits, keyLength };
}

// Needle-in-a-haystack retrieval: the prompt recipe of media/model/needles.json (reference: training/needles.py
// build_prompt), reproduced byte for byte, and its scoring (teacher-forced argmax over the key bytes).
import { PreviewError } from '../types';
import { mulberry32 } from '../../random';

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

/** Needle prompts available per cell: the shipped needles.json, extended deterministically (extendNeedles). */
export const NEEDLE_COUNT = 128;
const GENERATED_SEED = 0x5eed1e;
const GENERATED_MAX_DEPTH = 0.9;
/** Generated fillers start at line starts in the second half of the source, like training/needles.py's. */
const GENERATED_REGION = 0.5;

/**
 * The shipped needles followed by generated ones up to `count` (ids continue from the last shipped id, so every id
 * names the same prompt in every run): keys of random capitals, depths on a golden-ratio sequence over [0, 0.9]
 * (any prefix is spread over the depths), filler offsets at line starts in the second half of the source.
 */
export function extendNeedles(set: NeedleSet, count: number, source: Uint8Array): NeedleSet {
  if (set.needles.length >= count) return set;
  const rnd = mulberry32(GENERATED_SEED);
  const starts: number[] = [];
  for (let i = Math.floor(source.length * GENERATED_REGION); i < source.length - 1; i++) if (source[i] === NEWLINE) starts.push(i + 1);
  if (starts.length === 0) starts.push(0);
  const keys = new Set(set.needles.map((n) => n.key));
  const needles = [...set.needles];
  let id = Math.max(...needles.map((n) => n.id)) + 1;
  for (let j = 0; needles.length < count; j++) {
    let key: string;
    do {
      key = '';
      for (let c = 0; c < set.keyLength; c++) key += String.fromCharCode(65 + Math.floor(rnd() * 26));
    } while (keys.has(key));
    keys.add(key);
    const depth = Math.round(GENERATED_MAX_DEPTH * ((0.5 + j * 0.6180339887498949) % 1) * 1e4) / 1e4;
    const offset = starts[Math.floor(rnd() * starts.length)]!;
    needles.push({ id: id++, key, depth, offset });
  }
  return { ...set, needles };
}

/**
 * The order needles are scored in: the shipped ones (sorted by depth) in bit-reversed order, so that any prefix is
 * spread over the depths, then the generated ones (already spread). Indices into set.needles.
 */
export function needleOrder(set: NeedleSet, shipped: number): number[] {
  const k = Math.min(shipped, set.needles.length);
  const bits = Math.max(1, Math.ceil(Math.log2(Math.max(2, k))));
  const rev = (x: number): number => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((x >> b) & 1) << (bits - 1 - b);
    return r;
  };
  const byDepth = Array.from({ length: k }, (_, i) => i).sort((a, b) => set.needles[a]!.depth - set.needles[b]!.depth || a - b);
  const first = Array.from({ length: 1 << bits }, (_, i) => rev(i)).filter((r) => r < k).map((r) => byDepth[r]!);
  const rest = Array.from({ length: set.needles.length - k }, (_, i) => k + i);
  return [...first, ...rest];
}

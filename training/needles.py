"""Needle-in-a-haystack prompts: the ONE definition the TypeScript preview engine must reproduce.

A needle (see media/model/needles.json) = {key, depth, offset}. build_prompt(text, needle, L) returns exactly
L bytes:

    filler[0:p] + "\nThe secret is " + KEY + ".\n" + filler[p:F] + "\nThe secret is " + KEY

  F = L - len(NEEDLE) - len(QUERY) - len(KEY)          (key of 8 letters: F = L - 48; L = 128 -> F = 80)
  filler[i] = text[(offset + i) % len(text)]            (text = eval.txt bytes; wraps for very long L)
  p = floor(depth * F), then snapped back to a word start: p = 1 + (last index of " " or "\\n" in
      filler[0:p]), or 0 when there is none
Scoring: one forward pass over the L bytes; the key bytes sit at positions L-k .. L-1 and are predicted by the
logits at positions L-k-1 .. L-2. A needle is retrieved when every key byte is the argmax (= exact match under
greedy decoding); per-char accuracy is the fraction of key bytes that are the argmax.
usage: python3 training/needles.py   (writes media/model/needles.json)
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NEEDLE_PREFIX = "\nThe secret is "
NEEDLE_SUFFIX = ".\n"
QUERY = "\nThe secret is "
KEY_LEN = 8
N_NEEDLES = 32
MAX_DEPTH = 0.9
NEEDLE_REGION_START = 32768  # needle filler comes from the second half of eval.txt; ppl uses the start


def overhead(key_len: int) -> int:
    return len(NEEDLE_PREFIX) + key_len + len(NEEDLE_SUFFIX) + len(QUERY) + key_len


def build_prompt(text: bytes, key: str, depth: float, offset: int, L: int) -> bytes:
    k = key.encode("ascii")
    F = L - overhead(len(k))
    if F < 0:
        raise ValueError(f"L={L} is shorter than the needle and query ({overhead(len(k))} bytes)")
    n = len(text)
    filler = bytes(text[(offset + i) % n] for i in range(F))
    p = int(math.floor(depth * F))
    p = max(filler.rfind(b" ", 0, p), filler.rfind(b"\n", 0, p)) + 1  # word start; 0 if none
    out = filler[:p] + NEEDLE_PREFIX.encode() + k + NEEDLE_SUFFIX.encode() + filler[p:] + QUERY.encode() + k
    assert len(out) == L
    return out


def line_starts(text: bytes, lo: int, hi: int):
    return [i + 1 for i in range(lo, hi) if text[i] == 10 and i + 1 < hi]


def make_needles(text: bytes, n: int, seed: int, lo: int, hi: int, max_depth: float = MAX_DEPTH, key_len: int = KEY_LEN):
    """n needles, depths spread evenly over [0, max_depth], offsets at distinct line starts in text[lo:hi]."""
    rng = random.Random(seed)
    starts = line_starts(text, lo, hi)
    offs = sorted(rng.sample(starts, n))
    rng.shuffle(offs)
    out = []
    for i in range(n):
        key = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(key_len))
        depth = round(max_depth * i / max(1, n - 1), 4)
        out.append({"id": i, "key": key, "depth": depth, "offset": offs[i]})
    return out


def main():
    path = os.path.join(ROOT, "media", "model", "eval.txt")
    text = open(path, "rb").read()
    needles = make_needles(text, N_NEEDLES, seed=20240607, lo=NEEDLE_REGION_START, hi=len(text) - 1)
    doc = {
        "format": "ropelens-needles/1",
        "source": "eval.txt",
        "sourceBytes": len(text),
        "L0": 128,
        "needlePrefix": NEEDLE_PREFIX,
        "needleSuffix": NEEDLE_SUFFIX,
        "query": QUERY,
        "keyLength": KEY_LEN,
        "minLength": overhead(KEY_LEN),
        "build": ("prompt(L) = filler[0:p] + needlePrefix + key + needleSuffix + filler[p:F] + query + key; "
                  "F = L - minLength; filler[i] = source[(offset + i) % sourceBytes]; p = floor(depth*F) snapped "
                  "back to 1 + last ' ' or '\\n' in filler[0:p] (0 if none). Score: logits at L-k-1..L-2 must argmax "
                  "to the k key bytes at L-k..L-1. Reference: training/needles.py build_prompt."),
        "needles": needles,
    }
    # exact prompts for a builder test on the TypeScript side
    doc["examples"] = [{"id": i, "L": L, "prompt": build_prompt(text, needles[i]["key"], needles[i]["depth"],
                                                                  needles[i]["offset"], L).decode("ascii")}
                       for i, L in ((0, 128), (13, 128), (31, 128), (20, 300), (31, 1000), (7, 48))]
    out = os.path.join(ROOT, "media", "model", "needles.json")
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {out}: {len(needles)} needles")


if __name__ == "__main__":
    main()

"""Synthetic training sequences cut from the KJV training bytes (the corpus has no random capital runs, so a
random A-Z string can only be predicted by copying it). Each generator returns (bytes of length n, copy mask):
the mask marks the bytes that only copying can predict (letters 2.. of a repeated string / key), for probes.
"""
import random

import numpy as np

from needles import build_prompt, overhead

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Corpus:
    def __init__(self, data: bytes):
        self.data = data
        arr = np.frombuffer(data, dtype=np.uint8)
        self.line_starts = np.flatnonzero(arr == 10) + 1
        self.line_starts = self.line_starts[self.line_starts < len(data) - 4096]

    def window(self, rng: random.Random, n: int, line_start: bool = False) -> bytes:
        if line_start:
            i = int(self.line_starts[rng.randrange(len(self.line_starts))])
        else:
            i = rng.randrange(0, len(self.data) - n - 1)
        return self.data[i:i + n]


def rand_key(rng, lo, hi):
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(lo, hi)))


def word_start(text: bytes, p: int) -> int:
    return max(text.rfind(b" ", 0, p), text.rfind(b"\n", 0, p)) + 1


def twice(rng, corpus, n, strings):
    """Text of n bytes with each string written twice at random word starts (first copies before second)."""
    ins = sum(2 * (len(s) + 1) for s in strings)
    text = corpus.window(rng, n - ins + 1)[: n - ins]
    # choose 2*len(strings) insertion points, in increasing order; first occurrences first
    pts = sorted(word_start(text, rng.randint(0, len(text))) for _ in range(2 * len(strings)))
    order = list(strings) + list(strings)
    out, mask, prev = bytearray(), [], 0
    seen = set()
    for p, s in zip(pts, order):
        out += text[prev:p]
        mask += [0] * (p - prev)
        sb = s.encode() + b" "
        out += sb
        second = s in seen
        seen.add(s)
        mask += [0] + [1 if second else 0] * (len(s) - 1) + [0]
        prev = p
    out += text[prev:]
    mask += [0] * (len(text) - prev)
    assert len(out) == n, (len(out), n)
    return bytes(out), mask


def gen_kv(rng, corpus, n):
    """Needle prompt in the exact probe format (build_prompt) over the whole window, needle at a uniform depth: the
    needle-to-query distance is uniform over what fits (5-95th percentile 33-103 bytes at n = 129), as in the m11
    study. (The first shipped recipe also drew the prompt length at random, which made most distances short: median
    46 bytes, 3% at 90 or more, against median 68 and 23% now.)"""
    key = rand_key(rng, 6, 12)
    L = n
    text = corpus.window(rng, 2 * n, line_start=rng.random() < 0.5)
    p = build_prompt(text, key, rng.random(), 0, L)
    tail = NEEDLE_TAIL + corpus.window(rng, n)
    out = (p + tail)[:n]
    mask = [0] * (L - len(key) + 1) + [1] * (len(key) - 1) + [0] * (n - L)
    return out, mask[:n]


NEEDLE_TAIL = b".\n"


def gen_kv_v1(rng, corpus, n):
    """The first shipped recipe's needle prompt (stages A and C of the base model): random prompt length and depth,
    then text; kept as it was so the base model stays reproducible."""
    key = rand_key(rng, 6, 12)
    L = rng.randint(overhead(len(key)) + 8, n)
    text = corpus.window(rng, 2 * n, line_start=rng.random() < 0.5)
    p = build_prompt(text, key, rng.random(), 0, L)
    tail = NEEDLE_TAIL + corpus.window(rng, n)
    out = (p + tail)[:n]
    mask = [0] * (L - len(key) + 1) + [1] * (len(key) - 1) + [0] * (n - L)
    return out, mask[:n]


def gen_rep(rng, corpus, n):
    k = rng.randint(1, 2)
    return twice(rng, corpus, n, [rand_key(rng, 8, 16) for _ in range(k)])


def gen_rrep(rng, corpus, n):
    return twice(rng, corpus, n, [rand_key(rng, 16, 48)])


def gen_text(rng, corpus, n):
    return corpus.window(rng, n), [0] * n


def gen_short_copy(rng, corpus, n):
    """Stage B: 70% text with one 4-10 letter string written twice; 30% text."""
    if rng.random() < 0.7:
        return twice(rng, corpus, n, [rand_key(rng, 4, 10)])
    return gen_text(rng, corpus, n)


GENERATORS = {"kv": gen_kv, "kv_v1": gen_kv_v1, "rep": gen_rep, "rrep": gen_rrep, "text": gen_text,
              "short": gen_short_copy}


def batch(rng, corpus, mix, B, n):
    """mix: {name: weight}. Returns int64 array [B, n] and float mask [B, n]."""
    names = list(mix)
    w = [mix[k] for k in names]
    xs, ms = [], []
    for _ in range(B):
        g = GENERATORS[rng.choices(names, w)[0]]
        x, m = g(rng, corpus, n)
        xs.append(np.frombuffer(x, dtype=np.uint8))
        ms.append(m)
    return np.stack(xs).astype(np.int64), np.array(ms, dtype=np.float32)

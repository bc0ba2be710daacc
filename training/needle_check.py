"""Acceptance check of a checkpoint on the evaluation needles: exact retrieval (the preview's scoring rule,
core/preview/probes/needle.ts: every key byte is the argmax one position earlier) with k/n and a Wilson 95%
interval, per-char and first-char accuracy, and a split by needle-to-query distance.

usage: python3 training/needle_check.py CKPT.pt [--needles 64] [--cells none:1,yarn:2,...] [--json OUT]
The needle set is needles.py's recipe with N needles (seed 20240607, filler from the second half of eval.txt);
its first prompts are not those of a 32-needle set, because depths are spread evenly over N.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from export_onnx import load_model  # noqa: E402
from model import L0  # noqa: E402
from needles import NEEDLE_REGION_START, build_prompt, make_needles  # noqa: E402
from probes import logits_for  # noqa: E402

NEEDLE_SEED = 20240607
N_EVAL_NEEDLES = 64
DEFAULT_CELLS = "none:1,yarn:2,none:2,dynamic:2,llama3:2,yarn:4,llama3:4,yarn:8"


def wilson(k, n, z=1.959964):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def needle_set(text, n):
    return make_needles(text, n, seed=NEEDLE_SEED, lo=NEEDLE_REGION_START, hi=len(text) - 1)


@torch.no_grad()
def needle_outcomes(model, text, needles, L, method, factor=None, batch=8):
    """Per needle: (exact, chars correct, first correct, distance from the needle's key to the query's key)."""
    out = []
    for i in range(0, len(needles), batch):
        group = needles[i:i + batch]
        prompts = [build_prompt(text, nd["key"], nd["depth"], nd["offset"], L) for nd in group]
        ids = torch.tensor([list(p) for p in prompts])
        lo = logits_for(model, ids, method, factor)
        for b, nd in enumerate(group):
            k = len(nd["key"])
            ok = lo[b, L - k - 1:L - 1].argmax(-1) == ids[b, L - k:]
            dist = (L - k) - (prompts[b].find(nd["key"].encode()))
            out.append({"id": nd["id"], "exact": bool(ok.all()), "chars": int(ok.sum()), "first": bool(ok[0]),
                        "distance": int(dist)})
    return out


def summarize(outs, key_len):
    n = len(outs)
    k = sum(o["exact"] for o in outs)
    lo, hi = wilson(k, n)
    near = [o for o in outs if o["distance"] < L0]
    far = [o for o in outs if o["distance"] >= L0]
    return {"exact": k, "n": n, "ci95": [round(lo, 4), round(hi, 4)],
            "char": round(sum(o["chars"] for o in outs) / (n * key_len), 4),
            "first": round(sum(o["first"] for o in outs) / n, 4),
            "exact_dist_lt_L0": [sum(o["exact"] for o in near), len(near)],
            "exact_dist_ge_L0": [sum(o["exact"] for o in far), len(far)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--needles", type=int, default=N_EVAL_NEEDLES)
    ap.add_argument("--needles-file", default=None, help="use a needles.json instead (e.g. media/model/needles.json)")
    ap.add_argument("--cells", default=DEFAULT_CELLS)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = load_model(a.ckpt)
    text = open(os.path.join(ROOT, "media", "model", "eval.txt"), "rb").read()
    needles = json.load(open(a.needles_file))["needles"] if a.needles_file else needle_set(text, a.needles)
    res = []
    t0 = time.time()
    for cell in a.cells.split(","):
        m, mult = cell.split(":")
        L = int(mult) * L0
        outs = needle_outcomes(model, text, needles, L, m, batch=max(1, 2048 // L))
        s = summarize(outs, len(needles[0]["key"]))
        s.update({"method": m, "length": L, "multiple": int(mult)})
        res.append({**s, "outcomes": [[o["id"], int(o["exact"])] for o in outs]})
        print(f"{time.time() - t0:6.1f}s {m:8s} {mult:>2}x  exact {s['exact']}/{s['n']} "
              f"[{s['ci95'][0]:.2f}, {s['ci95'][1]:.2f}]  char {s['char']:.2f}  first {s['first']:.2f}  "
              f"dist<L0 {s['exact_dist_lt_L0']}  dist>=L0 {s['exact_dist_ge_L0']}", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"ckpt": os.path.basename(a.ckpt), "needles": len(needles), "cells": res}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

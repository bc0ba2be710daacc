"""Evaluate a sinusoidal or ALiBi sibling (no rotary, nothing to scale): perplexity at 1/2/4/8/16×L0 with a 95%
interval, and exact needle retrieval k/n with the Wilson 95% interval, on the RoPE model's evaluation sets.

Perplexity: the card's definition (evaluate.py: non-overlapping chunks of L bytes over the first 16,384 bytes of
eval.txt, exp of the mean NLL over all predictions); interval: exp of the Student t interval of the per-chunk mean
NLLs, chunks being the independent units (the preview's definition, core/preview/stats.ts).
Needles: needle_check.py's 64 evaluation needles (the preview's scoring: every key byte the argmax), up to
--needle-max-mult × L0.
usage: python3 training/sibling_eval.py CKPT.pt|MODEL.onnx OUT.json [--needle-max-mult 4]
       python3 training/sibling_eval.py --tables media/model/eval-results-{sinusoidal,alibi}.json  (card tables)
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import MULTS, PPL_BYTES, needle_cell  # noqa: E402
from export_onnx import load_model  # noqa: E402
from model import L0  # noqa: E402
from needle_check import N_EVAL_NEEDLES, needle_set  # noqa: E402
from onnx_weights import load_onnx_weights  # noqa: E402

MEDIA = os.path.join(os.path.dirname(HERE), "media", "model")
# two-sided 95% Student t quantiles, df 1..30 (core/preview/stats.ts T95); beyond, the normal quantile
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12,
       2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042]


@torch.no_grad()
def chunk_perplexity(model, text, L, n_bytes, batch):
    sums = []
    n_chunks = n_bytes // L
    for i in range(0, n_chunks, batch):
        ids = torch.tensor([list(text[j * L:(j + 1) * L]) for j in range(i, min(n_chunks, i + batch))])
        lo = model(ids).double()
        nll = F.cross_entropy(lo[:, :-1].reshape(-1, 256), ids[:, 1:].reshape(-1), reduction="none").view(len(ids), -1)
        sums += nll.sum(1).tolist()
    k, per = len(sums), L - 1
    mean = sum(sums) / (k * per)
    means = [s / per for s in sums]
    sd = math.sqrt(sum((m - mean) ** 2 for m in means) / (k - 1)) if k > 1 else float("nan")
    h = (T95[k - 2] if k - 1 <= len(T95) else 1.959964) * sd / math.sqrt(k)
    return {"perplexity": round(math.exp(mean), 6), "ppl_ci95": [round(math.exp(mean - h), 4), round(math.exp(mean + h), 4)],
            "mean_nll": round(mean, 8), "predictions": k * per, "chunks": k}


def tables(paths):
    """Markdown for MODEL_CARD.md: one row per sibling, beside the RoPE model's unscaled (none) and YaRN rows."""
    docs = [json.load(open(p)) for p in paths]
    rope = json.load(open(os.path.join(MEDIA, "eval-results.json")))["per_length"]
    head = "| model | " + " | ".join(f"{k}× ({k * L0})" for k in MULTS) + " |\n|---|" + "---|" * len(MULTS)
    ppl, ndl = [head], [head]
    for d in docs:
        by = {c["multiple"]: c for c in d["per_length"]}
        ppl.append(f"| {d['positions']} | " + " | ".join(
            f"{by[k]['perplexity']:.3f} [{by[k]['ppl_ci95'][0]:.2f}–{by[k]['ppl_ci95'][1]:.2f}]" for k in MULTS) + " |")
        ndl.append(f"| {d['positions']} | " + " | ".join(
            f"{by[k]['needle_correct']}/{by[k]['needle_total']} [{by[k]['needle_ci95'][0] * 100:.0f}–"
            f"{by[k]['needle_ci95'][1] * 100:.0f}%] ({by[k]['needle_char']:.2f})" if by[k].get("needle_total") else "–"
            for k in MULTS) + " |")
    for m in ("none", "yarn"):
        by = {c["multiple"]: c for c in rope if c["method"] == m}
        ppl.append(f"| RoPE (shipped), {m} | " + " | ".join(f"{by[k]['perplexity']:.3f}" for k in MULTS) + " |")
        ndl.append(f"| RoPE (shipped), {m} | " + " | ".join(
            f"{by[k]['needle_correct']}/{by[k]['needle_total']} [{by[k]['needle_ci95'][0] * 100:.0f}–"
            f"{by[k]['needle_ci95'][1] * 100:.0f}%] ({by[k]['needle_char']:.2f})" if by[k].get("needle_total") else "–"
            for k in MULTS) + " |")
    print("\n".join(ppl) + "\n\n" + "\n".join(ndl))


def main():
    if sys.argv[1:2] == ["--tables"]:
        return tables(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--needle-max-mult", type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = load_onnx_weights(a.model) if a.model.endswith(".onnx") else load_model(a.model)
    if model.pos == "rope":
        raise SystemExit("a RoPE model: use training/evaluate.py")
    text = open(os.path.join(MEDIA, "eval.txt"), "rb").read()
    needles = needle_set(text, N_EVAL_NEEDLES)
    t0, cells = time.time(), []
    for k in MULTS:
        L = k * L0
        cell = {"length": L, "multiple": k, **chunk_perplexity(model, text, L, PPL_BYTES, max(1, 8192 // L))}
        if k <= a.needle_max_mult:
            cell.update(needle_cell(model, text, needles, L, "none"))
        cells.append(cell)
        print(f"{time.time() - t0:6.1f}s", json.dumps({k: v for k, v in cell.items() if k != "needle_outcomes"}), flush=True)
    with open(a.out, "w") as f:
        json.dump({"model": os.path.basename(a.model), "positions": model.pos, "ppl_bytes": PPL_BYTES,
                   "needles": len(needles), "per_length": cells, "eval_seconds": round(time.time() - t0, 1)}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

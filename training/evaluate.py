"""Evaluate the trained mini-model and write the shipped reference files.

Writes media/model/reference.json (PyTorch reference outputs for the TypeScript parity test and the
regression figures) and media/model/eval-results.json (the model card's sweep), and prints markdown tables.
usage: python3 training/evaluate.py training/ckpt/final.pt
Perplexity definition (the engine's): non-overlapping chunks of L bytes from the start of eval.txt, over the first
N bytes (N = 16384 here, so every length sees the same bytes), mean NLL over all predicted positions (L-1 per
chunk: position 0 of each chunk has no prediction), perplexity = exp(mean NLL).
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from export_onnx import load_model  # noqa: E402
from model import L0  # noqa: E402
from needle_check import N_EVAL_NEEDLES, needle_outcomes, needle_set, summarize  # noqa: E402
from probes import logits_for, perplexity  # noqa: E402
from rope_tables import METHODS, method_params, tables  # noqa: E402

MEDIA = os.path.join(ROOT, "media", "model")
PPL_BYTES = 16384
MULTS = [1, 2, 4, 8, 16]
ROWS = lambda T: [0, 1, T // 2, T - 2, T - 1]  # noqa: E731


def r(x, n=6):
    return float(round(float(x), n))


def f32(v):
    """shortest decimal that round-trips a float32 (9 significant digits)"""
    return float("%.9g" % float(v))


def ref_case(model, name, ids, inv_freq, af, note):
    T = len(ids)
    c, s = tables(inv_freq, T)
    x = torch.tensor([ids], dtype=torch.int64)
    with torch.no_grad():
        lo = model(x, torch.from_numpy(c), torch.from_numpy(s), torch.tensor(af, dtype=torch.float32))[0]
    nll = F.cross_entropy(lo[:-1].double(), x[0, 1:], reduction="mean").item()
    rows = ROWS(T)
    return {
        "name": name, "note": note, "T": T, "input_ids": ids,
        "inv_freq": [float(v) for v in inv_freq], "attention_factor": float(af),
        "cos": [f32(v) for v in c.reshape(-1)], "sin": [f32(v) for v in s.reshape(-1)],
        "logit_rows": rows, "logits": [[f32(v) for v in lo[i].tolist()] for i in rows],
        "mean_nll": nll,
    }


def parity_cases(model, text):
    """The parity test's cases for a RoPE graph (tables as inputs)."""
    cases = []
    inv, af = method_params("none", 37)
    cases.append(ref_case(model, "none_T37", list(text[:37]), inv, af, "default tables"))
    inv, af = method_params("yarn", 300, factor=4.0)
    cases.append(ref_case(model, "yarn_s4_T300", list(text[1000:1300]), inv, af, "yarn factor 4 (attention_factor 0.1 ln 4 + 1)"))
    inv, _ = method_params("none", 256)
    cases.append(ref_case(model, "none_af1.25_T256", list(text[5000:5256]), inv, 1.25, "default tables, attention_factor 1.25"))
    inv, af = method_params("ntk", 512)
    cases.append(ref_case(model, "ntk_s4_T512", list(text[8000:8512]), inv, af, "static NTK factor 4"))
    return cases


NEEDLE_SET_NOTE = (f"{N_EVAL_NEEDLES} needles by training/needles.py make_needles (seed 20240607, filler from the "
                   "second half of eval.txt, depths evenly over 0-0.9, 8-letter keys); "
                   "scoring: every key byte the argmax")


NOT_MEASURED = {k: None for k in ("needle_exact", "needle_correct", "needle_total", "needle_ci95", "needle_char",
                                 "needle_first", "needle_outcomes")}


def needle_cell(model, text, needles, L, method, factor=None):
    """Exact retrieval as k/n with a Wilson 95% interval, per-char and first-char accuracy, per-needle outcomes."""
    outs = needle_outcomes(model, text, needles, L, method, factor, batch=max(1, 4096 // L))
    s = summarize(outs, len(needles[0]["key"]))
    return {"needle_exact": round(s["exact"] / s["n"], 4), "needle_correct": s["exact"], "needle_total": s["n"],
            "needle_ci95": s["ci95"], "needle_char": s["char"], "needle_first": s["first"],
            "needle_outcomes": [int(o["exact"]) for o in outs]}


def main():
    global MULTS
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ckpt = args[0] if args else os.path.join(HERE, "ckpt", "final.pt")
    if "--quick" in sys.argv:  # smoke test of the script itself
        MULTS = [1, 2]
    # needles are the slow part (64 prompts of L bytes per cell): --needle-max-mult=K measures them up to K x L0
    # only (cells above carry null); --no-static-needles skips them under the static factor (perplexity is kept)
    needle_max = int(next((x.split("=")[1] for x in sys.argv if x.startswith("--needle-max-mult=")), MULTS[-1]))
    static_needles = "--no-static-needles" not in sys.argv
    static_sweep = "--no-static" not in sys.argv  # skips the whole static-factor sweep
    torch.set_num_threads(1)
    model = load_model(ckpt)
    text = open(os.path.join(MEDIA, "eval.txt"), "rb").read()
    needles = needle_set(text, N_EVAL_NEEDLES)
    t0 = time.time()

    cases = parity_cases(model, text)

    # --- per-chunk NLL of "none" at L0 (lets a smaller budget be checked: first k chunks)
    chunk_nll = []
    for j in range(PPL_BYTES // L0):
        x = torch.tensor([list(text[j * L0:(j + 1) * L0])])
        lo = logits_for(model, x)[0].double()
        chunk_nll.append(F.cross_entropy(lo[:-1], x[0, 1:], reduction="mean").item())

    def write_reference(sweep):
        """reference.json: written once none at L0 is measured (all the parity test needs), again at the end"""
        ppl_l0 = [c for c in sweep if c["method"] == "none" and c["length"] == L0][0]
        ref = {
            "format": "ropelens-reference/1",
            "model": "ropelens-mini.onnx",
            "L0": L0,
            "tables": "cos/sin = cos/sin(pos * inv_freq) computed in float64, rounded to float32; row-major [T,16]",
            "cases": cases,
            "perplexity_definition": ("non-overlapping chunks of L bytes from the start of eval.txt, first N bytes; "
                                      "mean NLL (nats) over all predicted positions (L-1 per chunk); ppl = exp(mean)"),
            "perplexity_none_L0": {"L": L0, "N": PPL_BYTES, "perplexity": ppl_l0["perplexity"],
                                   "mean_nll": ppl_l0["mean_nll"], "predictions": ppl_l0["predictions"]},
            "chunk_mean_nll_none_L0": [r(v, 8) for v in chunk_nll],
            "needle_none_L0": {k: ppl_l0[k] for k in ("needle_exact", "needle_correct", "needle_total", "needle_ci95",
                                                       "needle_char", "needle_first")},
            "sweep_per_length": [{k: c[k] for k in ("method", "length", "factor", "attention_factor", "perplexity",
                                                     "needle_exact", "needle_correct", "needle_total")} for c in sweep],
        }
        with open(os.path.join(MEDIA, "reference.json"), "w") as f:
            json.dump(ref, f, separators=(",", ":"))
            f.write("\n")

    # --- sweep (per-length factor s = L/L0)
    sweep = []
    for m in METHODS:
        for k in MULTS:
            L = k * L0
            ppl, nll, cnt = perplexity(model, text, L, PPL_BYTES, m, batch=max(1, 8192 // L))
            pk = needle_cell(model, text, needles, L, m) if k <= needle_max else NOT_MEASURED
            inv, af = method_params(m, L)
            cell = {"method": m, "length": L, "multiple": k, "factor": float(max(1.0, L / L0)),
                    "attention_factor": float(af), "perplexity": r(ppl), "mean_nll": r(nll, 8), "predictions": cnt,
                    **pk}
            sweep.append(cell)
            print(f"{time.time() - t0:6.1f}s", json.dumps({k: v for k, v in cell.items() if k != "needle_outcomes"}),
                  flush=True)
            if len(sweep) == 1:
                write_reference(sweep)
    # static factor 16 for every length (what a static deployment does)
    static = []
    for m in METHODS if static_sweep else []:
        for k in MULTS:
            L = k * L0
            ppl, nll, cnt = perplexity(model, text, L, PPL_BYTES, m, factor=16.0, batch=max(1, 8192 // L))
            pk = (needle_cell(model, text, needles, L, m, factor=16.0) if static_needles and k <= needle_max
                  else NOT_MEASURED)
            static.append({"method": m, "length": L, "factor": 16.0, "perplexity": r(ppl), **pk})
    elapsed = time.time() - t0
    write_reference(sweep)
    with open(os.path.join(MEDIA, "eval-results.json"), "w") as f:
        json.dump({"ppl_bytes": PPL_BYTES, "needles": len(needles), "needle_set": NEEDLE_SET_NOTE, "per_length": sweep,
                   "static_factor_16": static, "eval_seconds": round(elapsed, 1)}, f, indent=1)
        f.write("\n")

    def table(cells, key, fmt):
        out = ["| method | " + " | ".join(f"{k}×L0 ({k * L0})" for k in MULTS) + " |",
               "|---|" + "---|" * len(MULTS)]
        for m in METHODS:
            row = [("–" if c[key] is None else fmt(c[key])) for c in cells if c["method"] == m]
            out.append(f"| {m} | " + " | ".join(row) + " |")
        return "\n".join(out)

    print("\nPerplexity per byte (per-length s = L/L0):\n" + table(sweep, "perplexity", lambda v: f"{v:.3f}"))
    print("\nNeedle exact (per-length):\n" + table(sweep, "needle_correct", lambda v: f"{v}/{len(needles)}"))
    print("\nNeedle per-char (per-length):\n" + table(sweep, "needle_char", lambda v: f"{v:.2f}"))
    if static:
        print("\nPerplexity, static factor 16:\n" + table(static, "perplexity", lambda v: f"{v:.3f}"))
        print("\nNeedle exact, static factor 16:\n" + table(static, "needle_correct", lambda v: f"{v}/{len(needles)}"))
    print(f"\neval time {elapsed:.0f} s")


if __name__ == "__main__":
    main()

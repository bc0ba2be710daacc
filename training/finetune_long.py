"""Fine-tune the shipped model at 4×L0 with a RoPE scaling method's tables (PI `linear`, NTK-aware `ntk`, `yarn`),
the same small step budget for each, and measure perplexity and needles at 4×L0 after 0, 50, 100 and 200 steps.

Data: the stage-D mix of train.py (kv / rep / rrep / text) cut at T = 4·L0 = 512, so needles sit up to ~500 bytes
before the query, as in long-context fine-tuning. Batch 4, AdamW as train.py, peak lr 1e-3 (20 warm-up steps)
with a cosine to 10% over the whole budget; the data stream is seeded the same for every method (paired).
Writes training/ckpt/ft4x_<method>_<step>.pt, media/model/ropelens-mini-ft-<method>.onnx (weights after the last
step; same inputs and outputs as ropelens-mini.onnx, weights stored as int8 by compact_onnx.py), media/model/finetune-results.json.
Then training/reference_logits.py writes each graph's reference-ft-<method>.json for the parity test.
usage: python3 training/finetune_long.py training/ckpt/final.pt [--steps 200] [--methods linear,ntk,yarn]
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MEDIA = os.path.join(ROOT, "media", "model")
sys.path.insert(0, HERE)
import onnx  # noqa: E402
from compact_onnx import compact  # noqa: E402
from export_onnx import export, load_model  # noqa: E402
from model import L0  # noqa: E402
from needle_check import N_EVAL_NEEDLES, needle_outcomes, needle_set, summarize  # noqa: E402
from probes import perplexity, rope_inputs  # noqa: E402
from synth import Corpus, batch  # noqa: E402
from train import MIX_D, make_opt  # noqa: E402

FACTOR = 4.0
T = int(FACTOR) * L0
PPL_BYTES = 8192  # 16 chunks of 512 bytes: the first half of the card's perplexity text, to keep the run short
CHECKPOINTS = (0, 50, 100, 200)


def measure(model, text, needles, method):
    model.eval()
    ppl, nll, cnt = perplexity(model, text, T, PPL_BYTES, method, factor=FACTOR, batch=4)
    s = summarize(needle_outcomes(model, text, needles, T, method, FACTOR, batch=4), len(needles[0]["key"]))
    model.train()
    return {"perplexity": round(ppl, 6), "mean_nll": round(nll, 8), "predictions": cnt,
            "needle_correct": s["exact"], "needle_total": s["n"], "needle_ci95": s["ci95"],
            "needle_char": s["char"], "needle_first": s["first"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("init")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--methods", default="linear,ntk,yarn")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=4)  # 4 x 512 = 2,048 tokens a step, as stages C and D
    ap.add_argument("--lr", type=float, default=1e-3)
    a = ap.parse_args()
    torch.set_num_threads(1)
    train = Corpus(open(os.path.join(HERE, "data", "train.txt"), "rb").read())
    text = open(os.path.join(MEDIA, "eval.txt"), "rb").read()
    needles = needle_set(text, N_EVAL_NEEDLES)
    out_path = os.path.join(MEDIA, "finetune-results.json")
    doc = json.load(open(out_path)) if os.path.exists(out_path) else {}
    doc.update({"base": os.path.basename(a.init), "length": T, "factor": FACTOR, "steps": a.steps,
                "batch": a.batch, "peak_lr": a.lr, "seed": a.seed, "ppl_bytes": PPL_BYTES,
                "needles": N_EVAL_NEEDLES, "data": "train.py stage-D mix at T = 512"})
    doc.setdefault("methods", {})
    for method in a.methods.split(","):
        torch.manual_seed(a.seed)
        rng = random.Random(a.seed)
        model = load_model(a.init)
        model.train()
        opt = make_opt(model)
        c, s, af = rope_inputs(method, T, FACTOR)
        rows, t0 = [], time.time()
        for step in range(a.steps + 1):
            if step in CHECKPOINTS or step == a.steps:
                row = {"step": step, **measure(model, text, needles, method), "min": round((time.time() - t0) / 60, 2)}
                rows.append(row)
                print(method, json.dumps(row), flush=True)
                torch.save({"model": model.state_dict(), "step": step, "method": method},
                           os.path.join(HERE, "ckpt", f"ft4x_{method}_{step}.pt"))
            if step == a.steps:
                break
            lr = a.lr * min(1.0, (step + 1) / 20) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / a.steps)))
            for g in opt.param_groups:
                g["lr"] = lr
            x, _ = batch(rng, train, MIX_D, a.batch, T + 1)
            x = torch.from_numpy(x)
            lo = model(x[:, :-1], c, s, af)
            loss = F.cross_entropy(lo.reshape(-1, 256), x[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        doc["methods"][method] = {"rows": rows, "train_minutes": round((time.time() - t0) / 60, 2),
                                  "onnx": f"ropelens-mini-ft-{method}.onnx"}
        model.eval()
        # shipped with int8 weights (compact_onnx.py; perplexity at L0 within 1% of fp32: MODEL_CARD.md "Weight storage")
        path = os.path.join(MEDIA, f"ropelens-mini-ft-{method}.onnx")
        onnx.save(compact(export(model, path), int8=True, tied=True), path)
        with open(out_path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

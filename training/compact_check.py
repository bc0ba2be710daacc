"""Perplexity of a mini-model with its weights stored as fp16 or int8 (training/compact_onnx.py) against fp32, on the
held-out text: the acceptance rule for shipping a smaller file is perplexity at L0 within 1% of fp32's.

Each variant is written with compact_onnx.py and loaded back through training/onnx_weights.py, so the PyTorch model
holds exactly the float32 weights the graph computes with (Cast / DequantizeLinear resolved). Perplexity is the
model card's definition (probes.perplexity): non-overlapping chunks of L bytes over the first 16,384 bytes of
media/model/eval.txt; with --at-4x, a fine-tuned model also at 4×L0 with the method it was fine-tuned with
(factor 4), and its exact retrieval of needle_check.py's 64 evaluation needles there.
usage: python3 training/compact_check.py MODEL.onnx... [--variants fp32,fp16+tied,...] [--at-4x] [--json OUT]
"""
import argparse
import json
import os
import sys
import tempfile

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compact_onnx import compact  # noqa: E402
from model import L0  # noqa: E402
from onnx_weights import load_onnx_weights  # noqa: E402
from needle_check import N_EVAL_NEEDLES, needle_outcomes, needle_set  # noqa: E402
from probes import perplexity  # noqa: E402

MEDIA = os.path.join(os.path.dirname(HERE), "media", "model")
PPL_BYTES = 16384
VARIANTS = {"fp32": {}, "fp32+tied": {"tied": True}, "fp16+tied": {"fp16": True, "tied": True},
            "int8+tied": {"int8": True, "tied": True}}


def ft_method(path):
    name = os.path.basename(path)
    return name.split("-ft-")[1].split(".")[0].split("-")[0] if "-ft-" in name else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--json", default=None)
    ap.add_argument("--at-4x", action="store_true", help="fine-tuned models: also at 4xL0 with their method (slower)")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated, from " + ",".join(VARIANTS))
    a = ap.parse_args()
    torch.set_num_threads(1)
    text = open(os.path.join(MEDIA, "eval.txt"), "rb").read()
    rows = []
    needles = needle_set(text, N_EVAL_NEEDLES)
    with tempfile.TemporaryDirectory() as tmp:
        for src in a.models:
            method = ft_method(src) if a.at_4x else None
            base = None
            for name in ["fp32"] + [v for v in a.variants.split(",") if v != "fp32"]:
                opts = VARIANTS[name]
                out = os.path.join(tmp, f"{name}.onnx")
                onnx.save(compact(onnx.load(src), **opts), out)
                model = load_onnx_weights(out)
                ppl, _, n = perplexity(model, text, L0, PPL_BYTES)
                row = {"model": os.path.basename(src), "variant": name, "bytes": os.path.getsize(out),
                       "ppl_L0": round(ppl, 6), "predictions": n}
                if method:
                    row["ppl_4x_" + method], _, row["predictions_4x"] = perplexity(model, text, 4 * L0, PPL_BYTES,
                                                                                  method, factor=4.0, batch=4)
                    row["ppl_4x_" + method] = round(row["ppl_4x_" + method], 6)
                    outs = needle_outcomes(model, text, needles, 4 * L0, method, 4.0, batch=4)
                    row["needles_4x"] = f"{sum(o['exact'] for o in outs)}/{len(outs)}"
                base = base or row
                row["ppl_L0_change_pct"] = round(100 * (row["ppl_L0"] / base["ppl_L0"] - 1), 4)
                row["keep"] = abs(row["ppl_L0_change_pct"]) <= 1.0
                rows.append(row)
                print(json.dumps(row), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"ppl_bytes": PPL_BYTES, "rule": "perplexity at L0 within 1% of fp32", "rows": rows}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

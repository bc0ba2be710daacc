"""Export the shipped mini-model with a dynamic batch axis: input_ids [B, T] -> logits [B, T, 256], the rotary
tables [T, 16] and attention factor shared by the batch (one cell's prompts). For measuring whether batched passes
pay (test/bench/batch.bench.ts); the shipped graph (media/model/ropelens-mini.onnx) keeps B = 1.

usage: python3 training/export_batched.py [SRC.onnx] OUT.onnx
Weights come from SRC (default: the shipped model) via training/onnx_weights.py, which checks them against
media/model/reference.json; the export uses the same opset and query row blocks as training/export_onnx.py.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_onnx import OPSET, QUERY_BLOCKS  # noqa: E402
from model import default_tables  # noqa: E402
from onnx_weights import check_against_reference, load_onnx_weights  # noqa: E402

ROOT = os.path.dirname(HERE)


def main():
    args = sys.argv[1:]
    src = args[0] if len(args) > 1 else os.path.join(ROOT, "media", "model", "ropelens-mini.onnx")
    out = args[-1]
    model = load_onnx_weights(src)
    worst = check_against_reference(model, os.path.join(ROOT, "media", "model", "reference.json"))
    if worst > 1e-4:
        raise SystemExit(f"weights from {src} do not reproduce reference.json (max |diff| {worst:.2e})")
    for b in model.blocks:
        b.query_blocks = QUERY_BLOCKS
    B, T = 2, 7  # B > 1 so the trace keeps the batch dimension symbolic
    ids = torch.randint(0, 256, (B, T), dtype=torch.int64)
    cos, sin = default_tables(T)
    torch.onnx.export(
        model,
        (ids, cos, sin, torch.tensor(1.0, dtype=torch.float32)),
        out,
        input_names=["input_ids", "cos", "sin", "attention_factor"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "B", 1: "T"}, "cos": {0: "T"}, "sin": {0: "T"}, "logits": {0: "B", 1: "T"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    import onnx

    m = onnx.load(out)
    onnx.checker.check_model(m)
    print(f"wrote {out} ({os.path.getsize(out)} bytes); weights max |logit - reference| {worst:.2e}")


if __name__ == "__main__":
    main()

"""PyTorch reference logits for a shipped mini-model graph other than ropelens-mini.onnx (whose reference.json
training/evaluate.py writes): the fine-tuned RoPE graphs and the sinusoidal / ALiBi siblings. The TypeScript parity
test (test/unit/preview-model.test.ts) runs each graph in onnxruntime-web and compares within 1e-4.

The weights are read back from the ONNX file itself (training/onnx_weights.py, which resolves fp16 Casts), so the
reference is TinyLM's PyTorch forward on exactly the weights the graph holds.
  RoPE graphs: evaluate.py's four cases (tables and attention factor stored in each case).
  siblings:    input_ids only, T = 37, 300, 256 and 512 (past L0 = 128, where the positions are extrapolated).
Also the perplexity at L0 over the first 16,384 bytes of eval.txt (the card's definition; unscaled for RoPE).
usage: python3 training/reference_logits.py MODEL.onnx OUT.json
"""
import hashlib
import json
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from evaluate import PPL_BYTES, ROWS, f32, parity_cases  # noqa: E402
from model import L0  # noqa: E402
from onnx_weights import load_onnx_weights  # noqa: E402
from probes import perplexity  # noqa: E402

MEDIA = os.path.join(os.path.dirname(HERE), "media", "model")


def ids_case(model, name, ids, note):
    T = len(ids)
    x = torch.tensor([ids], dtype=torch.int64)
    with torch.no_grad():
        lo = model(x)[0]
    nll = F.cross_entropy(lo[:-1].double(), x[0, 1:], reduction="mean").item()
    return {"name": name, "note": note, "T": T, "input_ids": ids, "logit_rows": ROWS(T),
            "logits": [[f32(v) for v in lo[i].tolist()] for i in ROWS(T)], "mean_nll": nll}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    model = load_onnx_weights(src)
    text = open(os.path.join(MEDIA, "eval.txt"), "rb").read()
    if model.pos == "rope":
        cases = parity_cases(model, text)
    else:
        cases = [ids_case(model, "T37", list(text[:37]), "inside L0"),
                 ids_case(model, "T300", list(text[1000:1300]), "past L0"),
                 ids_case(model, "T256", list(text[5000:5256]), "2xL0"),
                 ids_case(model, "T512", list(text[8000:8512]), "4xL0")]
    ppl, nll, n = perplexity(model, text, L0, PPL_BYTES)
    doc = {
        "format": "ropelens-reference/1",
        "model": os.path.basename(src),
        "model_sha256": hashlib.sha256(open(src, "rb").read()).hexdigest(),
        "positions": model.pos,
        "L0": L0,
        "cases": cases,
        "perplexity_L0": {"L": L0, "N": PPL_BYTES, "perplexity": round(ppl, 6), "mean_nll": round(nll, 8),
                          "predictions": n},
    }
    with open(dst, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {dst}: {len(cases)} cases, perplexity at L0 {ppl:.4f} ({n} predictions)")


if __name__ == "__main__":
    main()

"""Load the weights of an exported ropelens-mini ONNX file back into TinyLM (a PyTorch checkpoint), so a shipped
model can be evaluated or fine-tuned when its training checkpoint is not at hand.

usage: python3 training/onnx_weights.py MODEL.onnx OUT.pt
The ONNX initializers keep the PyTorch parameter names except for Linear weights that constant folding stored
transposed as MatMul inputs; those are matched by shape and graph order and checked by a forward pass: the
loaded model must reproduce media/model/reference.json's logits within 1e-4.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import TinyLM  # noqa: E402


def graph_pos(m):
    """The position encoding an exported graph was built with (export_onnx.py writes metadata "pos"; the RoPE
    graphs shipped before it have none)."""
    return next((p.value for p in m.metadata_props if p.key == "pos"), "rope")


def stored_weights(m):
    """Initializers as float32 arrays under the names the graph's compute nodes read, and those nodes. Graphs from
    training/compact_onnx.py store weights as float16 (+ Cast) or int8 (+ Cast, Mul by per-channel scales) and the
    head's copy of the embedding as a Transpose: the producers are resolved here, in float32 as onnxruntime does."""
    raw = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    out, nodes, quantized = dict(raw), [], set()
    for n in m.graph.node:
        if n.op_type == "Cast" and n.input[0] in raw:
            out[n.output[0]] = raw[n.input[0]].astype(np.float32)
            if raw[n.input[0]].dtype == np.int8:
                quantized.add(n.output[0])
        elif n.op_type == "Mul" and n.input[0] in quantized and n.input[1] in raw:
            out[n.output[0]] = (out[n.input[0]] * raw[n.input[1]]).astype(np.float32)
        elif n.op_type == "Transpose" and n.input[0] == "emb.weight":
            continue
        else:
            nodes.append(n)
    return out, nodes


def load_onnx_weights(path):
    m = onnx.load(path)
    inits, nodes = stored_weights(m)
    model = TinyLM(pos=graph_pos(m))
    state = model.state_dict()
    out = {}
    for name, t in state.items():
        if name in inits and tuple(inits[name].shape) == tuple(t.shape):
            out[name] = torch.from_numpy(inits[name].copy())
    # the rest: MatMul weights stored transposed ([in, out]); match in graph order of use
    missing = [n for n in state if n not in out]
    used = []
    for node in nodes:
        for i in node.input:
            if i in inits and i not in state and i not in used:
                used.append(i)
    for n in missing:
        shape = tuple(state[n].shape)
        cand = [u for u in used if tuple(inits[u].shape) == shape[::-1]]
        if not cand:
            raise SystemExit(f"no ONNX initializer for {n} {shape}")
        out[n] = torch.from_numpy(inits[cand[0]].T.copy())
        used.remove(cand[0])
    model.load_state_dict(out)
    model.eval()
    return model


def check_against_reference(model, ref_path):
    ref = json.load(open(ref_path))
    worst = 0.0
    for c in ref["cases"]:
        T = c["T"]
        cos = torch.tensor(c["cos"], dtype=torch.float32).view(T, -1)
        sin = torch.tensor(c["sin"], dtype=torch.float32).view(T, -1)
        with torch.no_grad():
            lo = model(torch.tensor([c["input_ids"]]), cos, sin, torch.tensor(c["attention_factor"]))[0]
        for r, row in zip(c["logit_rows"], c["logits"]):
            worst = max(worst, float((lo[r] - torch.tensor(row)).abs().max()))
    return worst


def main():
    src, dst = sys.argv[1], sys.argv[2]
    model = load_onnx_weights(src)
    ref = os.path.join(os.path.dirname(HERE), "media", "model", "reference.json")
    worst = check_against_reference(model, ref)
    print(f"max |logit - reference| = {worst:.2e}")
    if worst > 1e-4:
        raise SystemExit("loaded weights do not reproduce reference.json")
    torch.save({"model": model.state_dict(), "from_onnx": os.path.basename(src)}, dst)
    print(f"wrote {dst}")


if __name__ == "__main__":
    main()

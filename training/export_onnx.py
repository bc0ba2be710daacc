"""Export TinyLM to ONNX with the rotary tables and attention factor as graph inputs.

usage: python3 training/export_onnx.py [CHECKPOINT.pt] [OUT.onnx]
Without a checkpoint, exports a seeded random model (interface placeholder).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import HEAD_DIM, TinyLM, default_tables  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "media", "model", "ropelens-mini.onnx")
OPSET = 17


def load_model(ckpt=None, pos="rope"):
    """A checkpoint's model; its "pos" entry (train.py) chooses the position encoding, else `pos`."""
    torch.manual_seed(0)
    state = torch.load(ckpt, map_location="cpu") if ckpt else None
    if state is not None and "pos" in state:
        pos = state["pos"]
    model = TinyLM(pos=pos)
    if state is not None:
        model.load_state_dict(state["model"] if "model" in state else state)
    model.eval()
    return model


# Query row blocks in the exported attention (model.blocked_causal_attention): skips the masked upper triangle's
# block work; 4 blocks cut onnxruntime-web's forward time at T = 2048 by about a third. Logits equal the
# unblocked graph within float rounding (the parity test against reference.json checks 1e-4).
QUERY_BLOCKS = int(os.environ.get("ROPELENS_QUERY_BLOCKS", "4"))


def export(model, out_path):
    for b in model.blocks:
        b.query_blocks = QUERY_BLOCKS
    T = 7
    ids = torch.randint(0, 256, (1, T), dtype=torch.int64)
    if model.pos != "rope":
        return export_no_rotary(model, ids, out_path)
    cos, sin = default_tables(T)
    af = torch.tensor(1.0, dtype=torch.float32)  # 0-d -> ONNX scalar input []
    torch.onnx.export(
        model,
        (ids, cos, sin, af),
        out_path,
        input_names=["input_ids", "cos", "sin", "attention_factor"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {1: "T"}, "cos": {0: "T"}, "sin": {0: "T"}, "logits": {1: "T"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    import onnx

    m = onnx.load(out_path)
    onnx.checker.check_model(m)
    m.doc_string = "RoPE Lens mini-model: byte-level TinyLM; see media/model/INTERFACE.md"
    onnx.save(m, out_path)
    return m


def export_no_rotary(model, ids, out_path):
    """Sinusoidal / ALiBi siblings: input_ids [1,T] -> logits [1,T,256]; positions are computed in the graph from T."""
    torch.onnx.export(
        model,
        (ids,),
        out_path,
        input_names=["input_ids"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {1: "T"}, "logits": {1: "T"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    import onnx

    m = onnx.load(out_path)
    onnx.checker.check_model(m)
    m.doc_string = f"RoPE Lens mini-model sibling ({model.pos} positions): byte-level TinyLM; see media/model/INTERFACE.md"
    onnx.helper.set_model_props(m, {"pos": model.pos})
    onnx.save(m, out_path)
    return m


def check_against_torch(model, out_path):
    """Compare with the Python onnxruntime when installed (Debian has none: use training/check_onnx.mjs)."""
    try:
        import onnxruntime as ort  # noqa: F401
    except ImportError:
        return None
    sess = ort.InferenceSession(out_path)
    T = 300
    if model.pos != "rope":
        ids = torch.randint(0, 256, (1, T), dtype=torch.int64)
        with torch.no_grad():
            ref = model(ids).numpy()
        return float(np.abs(ref - sess.run(None, {"input_ids": ids.numpy()})[0]).max())
    ids = torch.randint(0, 256, (1, T), dtype=torch.int64)
    cos, sin = default_tables(T)
    with torch.no_grad():
        ref = model(ids, cos, sin, torch.tensor(1.1)).numpy()
    got = sess.run(None, {"input_ids": ids.numpy(), "cos": cos.numpy(), "sin": sin.numpy(),
                          "attention_factor": np.array(1.1, dtype=np.float32)})[0]
    return float(np.abs(ref - got).max())


def main():
    ckpt = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    out = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    os.makedirs(os.path.dirname(out), exist_ok=True)
    model = load_model(ckpt)
    m = export(model, out)
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"wrote {out} ({os.path.getsize(out)} bytes), opset {OPSET}, head_dim {HEAD_DIM}")
    for io in list(m.graph.input) + list(m.graph.output):
        dims = [d.dim_param or d.dim_value for d in io.type.tensor_type.shape.dim]
        print(f"  {io.name}: elem_type {io.type.tensor_type.elem_type} shape {dims}")
    print("  ops:", " ".join(ops))
    diff = check_against_torch(model, out)
    if diff is not None:
        print(f"  onnxruntime vs torch max |diff| = {diff:.3g}")


if __name__ == "__main__":
    main()

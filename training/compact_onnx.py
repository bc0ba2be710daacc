"""Store a mini-model's weights in half the bytes without changing what the graph computes with them.

  --fp16   float32 weight matrices (initializers of 2+ dims) become float16 initializers, each followed by one
           Cast back to float32 at the top of the graph: every op still runs in float32, on weights rounded to
           float16 (so the result equals the PyTorch model with its weights rounded, model.half().float()).
  --int8   weight matrices become int8 with one float32 scale per output channel (symmetric, round to nearest),
           each followed by Cast to float32 and Mul by its scales: again every op runs in float32. (Not
           DequantizeLinear: onnxruntime's optimizer, level "extended" and up, fuses DequantizeLinear → MatMul into
           an integer MatMul that quantizes the activations too; measured 0.1 logit off the float result.)
  --tied   the output head's copy of the token embedding (constant folding stores emb.weight.t() as a second
           initializer) becomes a Transpose of emb.weight: lossless, 32,768 weights fewer.
Inputs, outputs and the rest of the graph stay as they are (media/model/INTERFACE.md).
usage: python3 training/compact_onnx.py IN.onnx OUT.onnx [--fp16 | --int8] [--tied]
"""
import argparse
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper


def int8_per_channel(a, axis):
    """symmetric int8 with one scale per index of `axis` (the output channel): q = round(a / scale), |q| <= 127"""
    other = tuple(i for i in range(a.ndim) if i != axis)
    scale = np.abs(a).max(axis=other) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    shape = [1] * a.ndim
    shape[axis] = -1
    q = np.clip(np.rint(a / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def compact(m, fp16=False, tied=False, int8=False):
    g = m.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    front = []  # nodes to put before all others (their outputs keep the names the graph uses)
    if tied and "emb.weight" in inits:
        emb = inits["emb.weight"]
        dup = [n for n, a in inits.items() if n != "emb.weight" and a.shape == emb.shape[::-1]
               and np.array_equal(a, emb.T)]
        for n in dup:
            g.initializer.remove(next(i for i in g.initializer if i.name == n))
            del inits[n]
            front.append(helper.make_node("Transpose", ["emb.weight"], [n], name=f"tied_{n}", perm=[1, 0]))
    casts = []
    if fp16:
        for init in list(g.initializer):
            a = inits[init.name]
            if a.dtype != np.float32 or a.ndim < 2:
                continue
            half = init.name + "_fp16"
            g.initializer.remove(init)
            g.initializer.append(numpy_helper.from_array(a.astype(np.float16), half))
            casts.append(helper.make_node("Cast", [half], [init.name], name=f"cast_{init.name}",
                                          to=onnx.TensorProto.FLOAT))
    if int8:
        for init in list(g.initializer):
            a = inits[init.name]
            if a.dtype != np.float32 or a.ndim != 2:
                continue
            # the output channel: a row of the embedding (Gather; the tied head's rows too), a column of a MatMul
            # weight (constant folding stores Linear weights as [in, out])
            axis = 0 if init.name == "emb.weight" else 1
            q, scale = int8_per_channel(a, axis)
            g.initializer.remove(init)
            g.initializer.extend([numpy_helper.from_array(q, init.name + "_int8"),
                                  numpy_helper.from_array(scale.reshape((-1, 1) if axis == 0 else (1, -1)),
                                                          init.name + "_scale")])
            casts.append(helper.make_node("Cast", [init.name + "_int8"], [init.name + "_q"], name=f"cast_{init.name}",
                                          to=onnx.TensorProto.FLOAT))
            casts.append(helper.make_node("Mul", [init.name + "_q", init.name + "_scale"], [init.name],
                                          name=f"scale_{init.name}"))
    nodes = casts + front + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--fp16", action="store_true")
    ap.add_argument("--tied", action="store_true")
    ap.add_argument("--int8", action="store_true")
    a = ap.parse_args()
    if a.fp16 and a.int8:
        raise SystemExit("--fp16 and --int8 are alternatives")
    m = compact(onnx.load(a.src), a.fp16, a.tied, a.int8)
    onnx.save(m, a.dst)
    print(f"wrote {a.dst}: {os.path.getsize(a.src)} -> {os.path.getsize(a.dst)} bytes")


if __name__ == "__main__":
    main()

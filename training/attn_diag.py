"""Attention diagnostic: per head, the mean attention a query inside the SECOND copy of a repeated random string
puts on (a) the previous position (previous-token head) and (b) the position right after the earlier copy of its
own token (induction head). usage: python3 training/attn_diag.py training/ckpt/final.pt
"""
import math
import os
import random
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_onnx import load_model  # noqa: E402
from model import HEAD_DIM, L0, N_HEADS, apply_rope, default_tables  # noqa: E402
from synth import Corpus, rand_key, twice  # noqa: E402


@torch.no_grad()
def attention_maps(model, ids):
    T = ids.shape[1]
    cos, sin = default_tables(T)
    cf, sf = torch.cat((cos, cos), -1), torch.cat((sin, sin), -1)
    one = torch.tensor(1.0)
    mask = torch.arange(T)[None, :] > torch.arange(T)[:, None]
    x = model.emb(ids)
    maps = []
    for b in model.blocks:
        B = x.shape[0]
        q, k, v = b.qkv(b.ln1(x)).split(x.shape[-1], dim=-1)
        q, k = (apply_rope(t.view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2), cf, sf, one) for t in (q, k))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(HEAD_DIM)
        att = torch.softmax(att.masked_fill(mask, -1e9), -1)
        maps.append(att)
        x = b(x, cf, sf, one, mask)
    return maps


def main():
    model = load_model(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "ckpt", "final.pt"))
    rng = random.Random(5)
    corp = Corpus(open(os.path.join(HERE, "data", "val.txt"), "rb").read())
    prev = {}
    ind = {}
    n = 0
    for _ in range(32):
        s = rand_key(rng, 16, 16)
        x, m = twice(rng, corp, L0, [s])
        second = [i for i, v in enumerate(m) if v]  # letters 2..16 of the second copy
        first = bytes(x).find(s.encode())
        ids = torch.tensor([list(x)])
        maps = attention_maps(model, ids)
        for pos in second[:-1]:
            j = pos - (second[0] - 1)  # letter index within the copy
            tgt = first + j + 1  # the byte after the earlier copy of this letter
            for li, att in enumerate(maps):
                for h in range(N_HEADS):
                    prev[(li, h)] = prev.get((li, h), 0) + att[0, h, pos, pos - 1].item()
                    ind[(li, h)] = ind.get((li, h), 0) + att[0, h, pos, tgt].item()
            n += 1
    print("layer head  prev-token  induction")
    for key in sorted(prev):
        print(f"{key[0]:5d} {key[1]:4d}  {prev[key] / n:10.2f}  {ind[key] / n:9.2f}")


if __name__ == "__main__":
    main()

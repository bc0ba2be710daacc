"""Llama-architecture sibling of the RoPE Lens mini-model: the graph llama.cpp's LLM_ARCH_LLAMA computes.

Differences from TinyLM (training/model.py), each matching llama.cpp's llama graph (src/models/llama.cpp):
separate q/k/v/o projections, SwiGLU feed-forward (down(silu(gate(x)) * up(x))), RMSNorm with eps 1e-5 before
attention, before the FFN and before the output, output projection tied to the token embedding (llama.cpp uses
token_embd.weight when the GGUF has no output.weight). Sizes, byte vocabulary, rotary (full head_dim, theta 10000,
HF rotate-half layout, tables and attention factor as inputs) and L0 = 128 are TinyLM's, so the ONNX graph has
the mini-model's interface (media/model/INTERFACE.md) and the same onnx engine runs it. The GGUF export
(training/gguf_export.py) permutes q/k rows to llama.cpp's interleaved (NORM) rope layout.

Training: the mini-model's copying curriculum (training/train.py stages A/B/C with the stage-D mix) at reduced
steps, one CPU thread, seeded.
usage: python3 training/llama_sibling.py train [--steps-a N] [--steps-b-max N] [--steps-c N] [--seed S]
       python3 training/llama_sibling.py export CKPT      (ONNX + reference outputs + GGUF, media/model/)
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from model import (D_MODEL, HEAD_DIM, L0, N_HEADS, N_LAYERS, NEG, ROPE_THETA, VOCAB, RMSNorm,  # noqa: E402
                   apply_rope, blocked_causal_attention, count_params, default_tables)

# SwiGLU width: 3 x 128 x 256 weights per layer, the same count as TinyLM's two 128 x 384 GELU matrices
D_FF = 256
RMS_EPS = 1e-5
MEDIA = os.path.join(ROOT, "media", "model")
ONNX_OUT = os.path.join(MEDIA, "ropelens-llama-sibling.onnx")
GGUF_OUT = os.path.join(MEDIA, "ropelens-llama-sibling.gguf")
REF_OUT = os.path.join(MEDIA, "llama-sibling-reference.json")
LOG_OUT = os.path.join(MEDIA, "llama-sibling-training-log.jsonl")
CKPT_DIR = os.path.join(HERE, "ckpt")


class LlamaBlock(nn.Module):
    query_blocks = 1  # > 1: blocked causal attention (ONNX export), see model.blocked_causal_attention

    def __init__(self):
        super().__init__()
        self.attn_norm = RMSNorm(D_MODEL, RMS_EPS)
        self.wq = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.wk = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.wv = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.wo = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.ffn_norm = RMSNorm(D_MODEL, RMS_EPS)
        self.w_gate = nn.Linear(D_MODEL, D_FF, bias=False)
        self.w_up = nn.Linear(D_MODEL, D_FF, bias=False)
        self.w_down = nn.Linear(D_FF, D_MODEL, bias=False)

    def forward(self, x, cos_full, sin_full, attention_factor, mask):
        B, T, C = x.shape
        h = self.attn_norm(x)
        q = self.wq(h).view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)
        k = self.wk(h).view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)
        v = self.wv(h).view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)
        q = apply_rope(q, cos_full, sin_full, attention_factor)
        k = apply_rope(k, cos_full, sin_full, attention_factor)
        if self.query_blocks > 1:
            y = blocked_causal_attention(q, k, v, mask, self.query_blocks)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(HEAD_DIM)) + mask
            y = torch.softmax(att, dim=-1) @ v
        x = x + self.wo(y.transpose(1, 2).reshape(B, T, C))
        h = self.ffn_norm(x)
        return x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))


class LlamaSibling(nn.Module):
    """Same call as TinyLM: (input_ids [B,T], cos/sin [T,16], attention_factor []) -> logits [B,T,256]."""

    def __init__(self, n_layers: int = N_LAYERS):
        super().__init__()
        self.tok_embd = nn.Embedding(VOCAB, D_MODEL)
        self.blocks = nn.ModuleList([LlamaBlock() for _ in range(n_layers)])
        self.output_norm = RMSNorm(D_MODEL, RMS_EPS)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
        for b in self.blocks:  # GPT-2 style scaled init of the residual projections, as TinyLM
            nn.init.normal_(b.wo.weight, std=0.02 / math.sqrt(2 * n_layers))
            nn.init.normal_(b.w_down.weight, std=0.02 / math.sqrt(2 * n_layers))

    def forward(self, input_ids, cos, sin, attention_factor):
        T = input_ids.shape[1]
        cos_full = torch.cat((cos, cos), dim=-1)
        sin_full = torch.cat((sin, sin), dim=-1)
        mask = torch.triu(torch.full((T, T), NEG, dtype=cos.dtype, device=input_ids.device), diagonal=1)
        x = self.tok_embd(input_ids)
        for b in self.blocks:
            x = b(x, cos_full, sin_full, attention_factor, mask)
        return self.output_norm(x) @ self.tok_embd.weight.t()


def load(ckpt):
    model = LlamaSibling()
    state = torch.load(ckpt, map_location="cpu")
    model.load_state_dict(state["model"] if "model" in state else state)
    model.eval()
    return model


# ---------------------------------------------------------------- training (train.py's curriculum, fewer steps)

def train(argv):
    from probes import Probes
    from synth import Corpus, batch
    from train import MIX_A, MIX_B, MIX_D, make_opt

    ap = argparse.ArgumentParser(prog="llama_sibling.py train")
    ap.add_argument("--steps-a", type=int, default=600)
    ap.add_argument("--steps-b-max", type=int, default=1500)
    ap.add_argument("--steps-c", type=int, default=1600)
    ap.add_argument("--lr-c", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--probe-every", type=int, default=400)
    ap.add_argument("--out", default=os.path.join(CKPT_DIR, "llama_sibling.pt"))
    ap.add_argument("--log", default=os.path.join(HERE, "logs", "llama_sibling.jsonl"))
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    corpus = Corpus(open(os.path.join(HERE, "data", "train.txt"), "rb").read())
    probes = Probes(open(os.path.join(HERE, "data", "val.txt"), "rb").read())
    model = LlamaSibling()
    opt = make_opt(model)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    os.makedirs(os.path.dirname(a.log), exist_ok=True)
    log = open(a.log, "w")
    t0 = time.time()
    step = 0
    tabs = {T: default_tables(T) for T in (32, L0)}
    one = torch.tensor(1.0)

    def emit(rec):
        rec["min"] = round((time.time() - t0) / 60, 2)
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(json.dumps(rec), flush=True)

    def save():  # every probe: a usable checkpoint exists while training runs
        torch.save({"model": model.state_dict(), "step": step, "seed": a.seed,
                    "minutes": round((time.time() - t0) / 60, 2)}, a.out)

    args = {k: (os.path.relpath(v, ROOT) if k in ("out", "log") else v) for k, v in vars(a).items()}
    emit({"event": "start", "model": "llama-sibling", "params": count_params(model), "seed": a.seed, "args": args})

    def train_step(mix, B, T, lr):
        nonlocal step
        for g in opt.param_groups:
            g["lr"] = lr
        x, m = batch(rng, corpus, mix, B, T + 1)
        x = torch.from_numpy(x)
        m = torch.from_numpy(m)[:, 1:]
        c, s = tabs[T]
        nll = F.cross_entropy(model(x[:, :-1], c, s, one).reshape(-1, VOCAB), x[:, 1:].reshape(-1),
                              reduction="none").view(B, T)
        loss = nll.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        copy = (nll.detach() * m).sum() / m.sum() if m.sum() > 0 else None
        return loss.item(), (copy.item() if copy is not None else None)

    def probe(stage, ema, extra=None):
        rec = {"event": "probe", "stage": stage, "step": step, "train_ema": None if ema is None else round(ema, 4)}
        rec.update(probes.run(model))
        rec.update(extra or {})
        emit(rec)
        save()

    model.train()
    ema = None
    for i in range(a.steps_a):  # stage A: mixed copying tasks and text at L0
        loss, _ = train_step(MIX_A, 16, L0, 3e-3 * min(1.0, (i + 1) / 100))
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        if step % a.probe_every == 0:
            probe("A", ema)
    cema, i = None, 0
    while i < a.steps_b_max:  # stage B: short strings written twice, until the copy NLL EMA < 1 nat
        loss, copy = train_step(MIX_B, 64, 32, 2e-3 * min(1.0, (i + 1) / 50))
        i += 1
        if copy is not None:
            cema = copy if cema is None else 0.95 * cema + 0.05 * copy
        if i % 50 == 0:
            emit({"event": "stageB", "step": step, "copy_nll_ema": round(cema, 4), "loss": round(loss, 4)})
        if i >= 100 and cema < 1.0:
            break
    probe("B", ema, {"end": True, "copy_nll_ema": round(cema, 4), "stageB_steps": i})
    rng.seed(a.seed * 1000 + 3)  # stage C: the stage-D mix (needles anywhere in the window), fresh optimizer
    opt = make_opt(model)
    ema = None
    for i in range(a.steps_c):
        lr = a.lr_c * min(1.0, (i + 1) / 50) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * i / a.steps_c)))
        loss, _ = train_step(MIX_D, 16, L0, lr)
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        if (i + 1) % a.probe_every == 0 and i + 1 < a.steps_c:
            probe("C", ema)
    probe("C", ema, {"end": True})
    emit({"event": "done", "step": step})


# ---------------------------------------------------------------- exports

def export_onnx(model, out=ONNX_OUT):
    """The mini-model's graph interface (export_onnx.export's settings), with this model's doc string."""
    from export_onnx import OPSET, QUERY_BLOCKS
    import onnx

    for b in model.blocks:
        b.query_blocks = QUERY_BLOCKS
    T = 7
    ids = torch.randint(0, VOCAB, (1, T), dtype=torch.int64)
    cos, sin = default_tables(T)
    torch.onnx.export(model, (ids, cos, sin, torch.tensor(1.0)), out,
                      input_names=["input_ids", "cos", "sin", "attention_factor"], output_names=["logits"],
                      dynamic_axes={"input_ids": {1: "T"}, "cos": {0: "T"}, "sin": {0: "T"}, "logits": {1: "T"}},
                      opset_version=OPSET, do_constant_folding=True)
    for b in model.blocks:
        b.query_blocks = 1
    m = onnx.load(out)
    onnx.checker.check_model(m)
    m.doc_string = ("RoPE Lens llama-architecture sibling (RMSNorm, SwiGLU, q/k/v/o): byte-level; "
                    "see media/model/INTERFACE.md and training/llama_sibling.py")
    onnx.save(m, out)
    return sorted({n.op_type for n in m.graph.node})


def ppl_ci95(chunk_nll):
    """95% interval of the perplexity: Student t over the per-chunk mean NLL (the preview reference's rule, see
    MODEL_CARD.md), t quantile by the Cornish-Fisher expansion (within 1e-4 of the exact value for df >= 30)."""
    import numpy as np

    x = np.asarray(chunk_nll, dtype=np.float64)
    n, z = len(x), 1.959963985
    df = n - 1
    t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
    half = t * x.std(ddof=1) / math.sqrt(n)
    return math.exp(x.mean() - half), math.exp(x.mean() + half)


def write_reference(model, ckpt_state, out=REF_OUT):
    """Reference outputs in reference.json's format (evaluate.ref_case), for the ONNX parity test and the
    llama.cpp cross-check: parity cases, per-chunk NLL and perplexity of none at L0, needle retrieval at L0."""
    from evaluate import PPL_BYTES, ref_case, r
    from needle_check import N_EVAL_NEEDLES, needle_outcomes, needle_set, summarize
    from probes import logits_for, perplexity
    from rope_tables import method_params

    text = open(os.path.join(MEDIA, "eval.txt"), "rb").read()
    cases = []
    inv, af = method_params("none", 37)
    cases.append(ref_case(model, "none_T37", list(text[:37]), inv, af, "default tables"))
    inv, af = method_params("yarn", 300, factor=4.0)
    cases.append(ref_case(model, "yarn_s4_T300", list(text[1000:1300]), inv, af,
                          "yarn factor 4 (attention_factor 0.1 ln 4 + 1)"))
    inv, af = method_params("none", 128)
    cases.append(ref_case(model, "none_T128", list(text[:128]), inv, af, "default tables, the first eval chunk"))
    chunk_nll = []
    for j in range(PPL_BYTES // L0):
        x = torch.tensor([list(text[j * L0:(j + 1) * L0])])
        lo = logits_for(model, x)[0].double()
        chunk_nll.append(F.cross_entropy(lo[:-1], x[0, 1:], reduction="mean").item())
    ppl, nll, cnt = perplexity(model, text, L0, PPL_BYTES, "none", batch=64)
    lo, hi = ppl_ci95(chunk_nll)
    needles = needle_set(text, N_EVAL_NEEDLES)
    s = summarize(needle_outcomes(model, text, needles, L0, "none", None, batch=32), len(needles[0]["key"]))
    ref = {
        "format": "ropelens-reference/1",
        "model": os.path.basename(ONNX_OUT),
        "gguf": os.path.basename(GGUF_OUT),
        "L0": L0,
        "train_steps": ckpt_state.get("step"),
        "train_minutes": ckpt_state.get("minutes"),
        "tables": "cos/sin = cos/sin(pos * inv_freq) computed in float64, rounded to float32; row-major [T,16]",
        "cases": cases,
        "perplexity_definition": ("non-overlapping chunks of L bytes from the start of eval.txt, first N bytes; "
                                  "mean NLL (nats) over all predicted positions (L-1 per chunk); ppl = exp(mean)"),
        "perplexity_none_L0": {"L": L0, "N": PPL_BYTES, "perplexity": r(ppl), "mean_nll": r(nll, 8),
                               "predictions": cnt, "ci95": [r(lo, 4), r(hi, 4)], "chunks": len(chunk_nll)},
        "chunk_mean_nll_none_L0": [r(v, 8) for v in chunk_nll],
        "needle_none_L0": {"needle_exact": round(s["exact"] / s["n"], 4), "needle_correct": s["exact"],
                           "needle_total": s["n"], "needle_ci95": s["ci95"], "needle_char": s["char"],
                           "needle_first": s["first"]},
    }
    with open(out, "w") as f:
        json.dump(ref, f, separators=(",", ":"))
        f.write("\n")
    return ref


def export(argv):
    ckpt = argv[0] if argv else os.path.join(CKPT_DIR, "llama_sibling.pt")
    state = torch.load(ckpt, map_location="cpu")
    model = load(ckpt)
    ops = export_onnx(model)
    print(f"wrote {os.path.relpath(ONNX_OUT, ROOT)} ({os.path.getsize(ONNX_OUT)} bytes); ops: {' '.join(ops)}")
    from gguf_export import write_gguf
    write_gguf(model, GGUF_OUT)
    print(f"wrote {os.path.relpath(GGUF_OUT, ROOT)} ({os.path.getsize(GGUF_OUT)} bytes)")
    log = os.path.join(HERE, "logs", "llama_sibling.jsonl")
    if os.path.exists(log):  # the probes over training, beside the model (paths relative to the repository)
        with open(log) as f, open(LOG_OUT, "w") as g:
            g.write(f.read().replace(ROOT + os.sep, ""))
    ref = write_reference(model, state)
    print(f"wrote {os.path.relpath(REF_OUT, ROOT)}: step {ref['train_steps']}, perplexity none at L0 {ref['perplexity_none_L0']}, "
          f"needles {ref['needle_none_L0']}")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("train", "export"):
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    (train if sys.argv[1] == "train" else export)(sys.argv[2:])

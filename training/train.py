"""Train the RoPE Lens mini-model with the copying curriculum (m11 report): seeded and step-budgeted, so one
command reproduces it bit for bit on CPU with one thread.

  stage A  T=128 B=16  kv_v1 .35 / rep .15 / rrep .4 / text .1   lr 3e-3 (100 warm-up steps), STEPS_A steps
  stage B  T=32  B=64  70% text with a 4-10 letter string written twice, 30% text; lr 2e-3;
           until the EMA of the copy NLL < 1.0 nats, at most STEPS_B_MAX steps
  stage C  T=128 B=16  kv_v1 .35 / rep .15 / rrep .3 / text .2   lr 2e-3 cosine to 10% (50 warm-up), STEPS_C steps
  stage D  (--init) T=128 B=16  kv .35 / rep .15 / rrep .3 / text .2   from trained weights; lr --lr-c cosine to
           10% (50 warm-up), --steps-c steps. kv puts the needle anywhere in a full window (needle-to-query distances
           up to ~115 bytes, median 68); kv_v1, the first recipe, made most distances short (median 46).
Probes (JSON lines in training/logs/train.jsonl) every PROBE_EVERY steps.
Positions: --pos rope (default, the shipped model) | sinusoidal | alibi (sibling models, training/model.py); the
same data, curriculum and seeds for all three.
usage: python3 training/train.py [--pos P] [--steps-a N] [--steps-b-max N] [--steps-c N] [--seed S]          (stages A-C)
       python3 training/train.py --init CKPT --init-step N --steps-c N --lr-c LR --seed S --out OUT  (stage D)
       (CKPT may also come from a shipped ONNX file: training/onnx_weights.py)
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import L0, POS_KINDS, TinyLM, count_params, default_tables  # noqa: E402
from probes import Probes  # noqa: E402
from synth import Corpus, batch  # noqa: E402

MIX_A = {"kv_v1": 0.35, "rep": 0.15, "rrep": 0.4, "text": 0.1}
MIX_B = {"short": 1.0}
MIX_C = {"kv_v1": 0.35, "rep": 0.15, "rrep": 0.3, "text": 0.2}
MIX_D = {"kv": 0.35, "rep": 0.15, "rrep": 0.3, "text": 0.2}  # stage C's mix with needles over the whole window


def make_opt(model):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=3e-3, betas=(0.9, 0.95))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps-a", type=int, default=3500)
    ap.add_argument("--steps-b-max", type=int, default=4000)
    ap.add_argument("--steps-c", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pos", default="rope", choices=POS_KINDS, help="position encoding (training/model.py)")
    ap.add_argument("--probe-every", type=int, default=250)
    ap.add_argument("--out", default=os.path.join(HERE, "ckpt", "final.pt"))
    ap.add_argument("--log", default=os.path.join(HERE, "logs", "train.jsonl"))
    ap.add_argument("--resume-c", default=None, metavar="CKPT_B",
                    help="skip stages A and B: load the stage-B checkpoint and run stage C only (same result as a "
                         "full run, because stage C reseeds its data and starts a fresh optimizer)")
    ap.add_argument("--init", default=None, metavar="CKPT",
                    help="skip stages A and B: start stage C from these weights (step counter restarts at 0)")
    ap.add_argument("--lr-c", type=float, default=2e-3, help="stage C peak learning rate")
    ap.add_argument("--init-step", type=int, default=0, help="with --init: the step count the weights were trained for "
                    "(logged steps continue from it; the continuation is logged as stage D)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    train = Corpus(open(os.path.join(HERE, "data", "train.txt"), "rb").read())
    probes = Probes(open(os.path.join(HERE, "data", "val.txt"), "rb").read())
    model = TinyLM(pos=a.pos)
    opt = make_opt(model)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    os.makedirs(os.path.dirname(a.log), exist_ok=True)
    log = open(a.log, "a" if a.resume_c else "w")
    if a.init:
        model.load_state_dict(torch.load(a.init, map_location="cpu")["model"])
        a.resume_c = a.resume_c or "init"
    t0 = time.time()
    step = 0
    tabs = {T: default_tables(T) for T in (32, L0)}
    one = torch.tensor(1.0)

    def emit(rec):
        rec["min"] = round((time.time() - t0) / 60, 2)
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(json.dumps(rec), flush=True)

    emit({"event": "start", "params": count_params(model), "seed": a.seed, "args": vars(a)})

    def train_step(mix, B, T, lr):
        nonlocal step, opt
        for g in opt.param_groups:
            g["lr"] = lr
        x, m = batch(rng, train, mix, B, T + 1)
        x = torch.from_numpy(x)
        m = torch.from_numpy(m)[:, 1:]
        c, s = tabs[T]
        lo = model(x[:, :-1], c, s, one)
        nll = F.cross_entropy(lo.reshape(-1, 256), x[:, 1:].reshape(-1), reduction="none").view(B, T)
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
        # the weights at this probe, for an early export while training runs (never read back by training)
        torch.save({"model": model.state_dict(), "step": step, "pos": a.pos}, a.out.replace(".pt", "_latest.pt"))

    model.train()
    if a.init:
        step = a.init_step
        emit({"event": "init", "from": a.init, "step": step})
        probe("D", None, {"start": True})
    elif a.resume_c:
        state = torch.load(a.resume_c, map_location="cpu")
        model.load_state_dict(state["model"])
        step = state["step"]
        emit({"event": "resume", "from": a.resume_c, "step": step})
    # stage A
    ema = None
    for i in range(0 if a.resume_c else a.steps_a):
        lr = 3e-3 * min(1.0, (i + 1) / 100)
        loss, _ = train_step(MIX_A, 16, L0, lr)
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        if step % a.probe_every == 0:
            probe("A", ema)
    if not a.resume_c:
        probe("A", ema, {"end": True})
        torch.save({"model": model.state_dict(), "step": step, "pos": a.pos}, a.out.replace(".pt", "_A.pt"))
    # stage B
    cema, i = None, 0
    while i < (0 if a.resume_c else a.steps_b_max):
        lr = 2e-3 * min(1.0, (i + 1) / 50)
        loss, copy = train_step(MIX_B, 64, 32, lr)
        i += 1
        if copy is not None:
            cema = copy if cema is None else 0.95 * cema + 0.05 * copy
        if i % 50 == 0:
            emit({"event": "stageB", "step": step, "copy_nll_ema": round(cema, 4), "loss": round(loss, 4)})
        if i >= 100 and cema < 1.0:
            break
    if not a.resume_c:
        probe("B", ema, {"end": True, "copy_nll_ema": round(cema, 4), "stageB_steps": i})
        torch.save({"model": model.state_dict(), "step": step, "pos": a.pos}, a.out.replace(".pt", "_B.pt"))
    # stage C: its own data stream and a fresh optimizer, so it can be rerun from the stage-B checkpoint
    rng.seed(a.seed * 1000 + 3)
    opt = make_opt(model)
    ema = None
    for i in range(a.steps_c):
        warm = min(1.0, (i + 1) / 50)
        cos = 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * i / a.steps_c))
        loss, _ = train_step(MIX_D if a.init else MIX_C, 16, L0, a.lr_c * warm * cos)
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        if (step - (a.init_step if a.init else 0)) % a.probe_every == 0:
            probe("D" if a.init else "C", ema)
    probe("D" if a.init else "C", ema, {"end": True})
    torch.save({"model": model.state_dict(), "step": step, "seed": a.seed, "pos": a.pos}, a.out)
    emit({"event": "done", "step": step})


if __name__ == "__main__":
    main()

"""Probes shared by training (logged over time) and evaluation (model card tables)."""
import random

import numpy as np
import torch
import torch.nn.functional as F

from model import L0
from needles import build_prompt, make_needles
from rope_tables import method_params, tables
from synth import Corpus, rand_key, twice

_TABLE_CACHE = {}


def rope_inputs(method, L, factor=None):
    key = (method, L, factor)
    if key not in _TABLE_CACHE:
        inv, af = method_params(method, L, factor)
        c, s = tables(inv, L)
        _TABLE_CACHE[key] = (torch.from_numpy(c), torch.from_numpy(s), torch.tensor(af, dtype=torch.float32))
    return _TABLE_CACHE[key]


@torch.no_grad()
def logits_for(model, ids, method="none", factor=None):
    """ids int64 [B, T] -> logits [B, T, 256] with the rope tables of `method` at length T."""
    c, s, af = rope_inputs(method, ids.shape[1], factor)
    return model(ids, c, s, af)


class Probes:
    """Fixed held-out probe sets (seeded), evaluated at L0 with unscaled tables."""

    def __init__(self, val: bytes, seed: int = 1234):
        rng = random.Random(seed)
        n = len(val)
        offs = [int(i * (n - 200) / 32) for i in range(32)]
        self.val_ids = torch.tensor([list(val[o:o + L0 + 1]) for o in offs], dtype=torch.int64)
        # passkey: 64 needles in probe format, keys of 8 letters, depths over [0, 0.9]
        self.val = val
        self.needles = make_needles(val, 64, seed=seed, lo=0, hi=n - 4096)
        # repeat: a 12-letter string twice in held-out text
        corp = Corpus(val)
        xs, ms1, ms2 = [], [], []
        for _ in range(32):
            x, m2 = twice(rng, corp, L0, [rand_key(rng, 12, 12)])
            xs.append(list(x))
            m2 = np.array(m2)
            second = np.flatnonzero(m2)
            # first occurrence: same string, letters 2..12
            s = bytes(x)[second[0] - 1: second[0] + 11]
            p1 = bytes(x).find(s) + 1
            m1 = np.zeros(L0)
            m1[p1:p1 + 11] = 1
            ms1.append(m1)
            ms2.append(m2)
        self.rep_ids = torch.tensor(xs, dtype=torch.int64)
        self.rep_m1 = torch.tensor(np.array(ms1), dtype=torch.float32)
        self.rep_m2 = torch.tensor(np.array(ms2), dtype=torch.float32)

    @torch.no_grad()
    def run(self, model):
        model.eval()
        x = self.val_ids
        lo = logits_for(model, x[:, :-1])
        val = F.cross_entropy(lo.reshape(-1, 256), x[:, 1:].reshape(-1)).item()
        pk = passkey(model, self.val, self.needles, L0)
        pk2 = passkey(model, self.val, self.needles, 2 * L0, "yarn")  # zero-shot past L0: watched, not trained
        lo = logits_for(model, self.rep_ids)
        nll = F.cross_entropy(lo[:, :-1].reshape(-1, 256), self.rep_ids[:, 1:].reshape(-1), reduction="none")
        nll = nll.view(self.rep_ids.shape[0], -1)
        r1 = (nll * self.rep_m1[:, 1:]).sum() / self.rep_m1[:, 1:].sum()
        r2 = (nll * self.rep_m2[:, 1:]).sum() / self.rep_m2[:, 1:].sum()
        model.train()
        return {"val_loss": round(val, 4), "pk_exact": pk["exact"], "pk_char": pk["char"], "pk_first": pk["first"],
                "pk2_yarn_exact": pk2["exact"], "pk2_yarn_char": pk2["char"],
                "rep_nll_first": round(r1.item(), 3), "rep_nll_second": round(r2.item(), 3)}


@torch.no_grad()
def passkey(model, text, needles, L, method="none", factor=None, batch=16):
    """Exact / per-char / first-char retrieval over `needles` at prompt length L (teacher-forced argmax)."""
    exact = char = first = 0
    for i in range(0, len(needles), batch):
        group = needles[i:i + batch]
        ids = torch.tensor([list(build_prompt(text, nd["key"], nd["depth"], nd["offset"], L)) for nd in group])
        lo = logits_for(model, ids, method, factor)
        for b, nd in enumerate(group):
            k = len(nd["key"])
            pred = lo[b, L - k - 1:L - 1].argmax(-1)
            ok = pred == ids[b, L - k:]
            exact += int(ok.all())
            char += ok.float().mean().item()
            first += int(ok[0])
    n = len(needles)
    return {"exact": round(exact / n, 4), "char": round(char / n, 4), "first": round(first / n, 4)}


@torch.no_grad()
def perplexity(model, text: bytes, L, n_bytes, method="none", factor=None, batch=8):
    """Non-overlapping chunks of L bytes from the start of text[:n_bytes]; mean NLL over all predicted
    positions (L-1 per chunk); returns (perplexity, mean nll, n_predictions)."""
    n_chunks = n_bytes // L
    if n_chunks < 1:
        raise ValueError(f"n_bytes {n_bytes} < L {L}")
    tot, cnt = 0.0, 0
    for i in range(0, n_chunks, batch):
        ids = torch.tensor([list(text[j * L:(j + 1) * L]) for j in range(i, min(n_chunks, i + batch))])
        lo = logits_for(model, ids, method, factor).double()
        nll = F.cross_entropy(lo[:, :-1].reshape(-1, 256), ids[:, 1:].reshape(-1), reduction="sum")
        tot += nll.item()
        cnt += ids.shape[0] * (L - 1)
    m = tot / cnt
    return float(np.exp(m)), m, cnt

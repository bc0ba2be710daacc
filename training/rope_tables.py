"""Rotary tables for the mini-model, following transformers' modeling_rope_utils (see
the research notes on transformers rope rules). float64 math, rounded to float32 at the end.

Every method returns (inv_freq[16], attention_factor). The mini-model's original context is L0 = 128
(= original_max_position_embeddings = max_position_embeddings), dim = 32, base = 10000.
Factor policy "per-length": s = max(1, L / L0) at length L.
  none    : default frequencies
  linear  : inv_freq / s                                   (Position Interpolation)
  ntk     : base' = base * s^(d/(d-2))                      (static NTK-aware)
  dynamic : HF dynamic with factor s at seq_len L: base' = base * ((s*L/L0) - (s-1))^(d/(d-2)) for L > L0
  yarn    : HF yarn, factor s, beta_fast 32, beta_slow 1, truncate, attention_factor 0.1 ln(s) + 1
  llama3  : HF llama3, factor s, low_freq_factor 1, high_freq_factor 4, omp L0
"""
import math

import numpy as np

L0 = 128
DIM = 32
BASE = 10000.0
METHODS = ["none", "linear", "ntk", "dynamic", "yarn", "llama3"]


def default_inv_freq(base=BASE, dim=DIM):
    return 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.float64) / dim))


def yarn(factor, base=BASE, dim=DIM, omp=L0, beta_fast=32.0, beta_slow=1.0, truncate=True, attention_factor=None):
    inv = default_inv_freq(base, dim)
    if attention_factor is None:
        attention_factor = 1.0 if factor <= 1 else 0.1 * math.log(factor) + 1.0

    def corr(r):
        return dim * math.log(omp / (r * 2 * math.pi)) / (2 * math.log(base))

    low, high = corr(beta_fast), corr(beta_slow)
    if truncate:
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
    extrap = 1 - ramp
    return (inv / factor) * (1 - extrap) + inv * extrap, attention_factor


def llama3(factor, base=BASE, dim=DIM, omp=L0, low_freq_factor=1.0, high_freq_factor=4.0):
    inv = default_inv_freq(base, dim)
    low_wl, high_wl = omp / low_freq_factor, omp / high_freq_factor
    wl = 2 * math.pi / inv
    out = np.where(wl > low_wl, inv / factor, inv)
    smooth = (omp / wl - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth) * out / factor + smooth * out
    mid = ~(wl < high_wl) & ~(wl > low_wl)
    return np.where(mid, smoothed, out), 1.0


def dynamic(factor, seq_len, base=BASE, dim=DIM, mpe=L0):
    L = max(seq_len, mpe)
    b = base * ((factor * L / mpe) - (factor - 1)) ** (dim / (dim - 2))
    return default_inv_freq(b, dim), 1.0


def method_params(method, L, factor=None):
    """(inv_freq float64[16], attention_factor) for `method` at length L; factor defaults to max(1, L/L0)."""
    s = max(1.0, L / L0) if factor is None else float(factor)
    if method == "none":
        return default_inv_freq(), 1.0
    if method == "linear":
        return default_inv_freq() / s, 1.0
    if method == "ntk":
        return default_inv_freq(BASE * s ** (DIM / (DIM - 2))), 1.0
    if method == "dynamic":
        return dynamic(s, L)
    if method == "yarn":
        return yarn(s)
    if method == "llama3":
        return llama3(s)
    raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")


def tables(inv_freq, T):
    """cos, sin half tables float32 [T, 16]: angle = pos * inv_freq in float64, then rounded."""
    ang = np.arange(T, dtype=np.float64)[:, None] * np.asarray(inv_freq, dtype=np.float64)[None, :]
    return np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)

"""TinyLM: byte-level decoder-only transformer whose rotary tables are INPUTS.

The graph never computes rotary frequencies: callers pass cos/sin half tables
(cos(pos * inv_freq), shape [T, head_dim/2]) and an attention factor, so any
RoPE scaling method can be applied at run time (see media/model/INTERFACE.md).

Sibling models for comparison (TinyLM(pos=...)), identical except for positions:
  "sinusoidal"  absolute sinusoidal positions added to the embeddings (Vaswani et al. 2017), no rotary
  "alibi"       per-head linear distance biases on the attention scores (Press et al. 2022), no rotary
Both compute their positions in the graph from T; cos/sin/attention_factor are ignored.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 256
D_MODEL = 128
N_LAYERS = 2
N_HEADS = 4
HEAD_DIM = D_MODEL // N_HEADS  # 32
D_FF = 384
ROPE_THETA = 10000.0
L0 = 128  # training context length (bytes)
NEG = -1e9  # finite mask value: exp() underflows to exactly 0, no -inf in the graph
POS_KINDS = ("rope", "sinusoidal", "alibi")


def sinusoidal_positions(T: int, d: int = D_MODEL):
    """[T, d] with PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)) (Vaswani et al. 2017, 3.5),
    for positions 0..T-1: the same formula at every length, nothing learned."""
    inv = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    ang = torch.arange(T, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.stack((torch.sin(ang), torch.cos(ang)), dim=-1).reshape(T, d)


def alibi_slopes(n: int = N_HEADS):
    """Press et al. 2022: m_h = 2^(-8h/n), h = 1..n (n a power of two); 4 heads: 1/4, 1/16, 1/64, 1/256."""
    return torch.pow(2.0, torch.arange(1, n + 1, dtype=torch.float32) * (-8.0 / n))


def alibi_bias(T: int, mask):
    """[H, T, T]: -m_h * (i - j) for keys j <= i, plus the causal mask (NEG on future keys)."""
    pos = torch.arange(T, dtype=torch.float32)
    dist = (pos[:, None] - pos[None, :]).clamp(min=0.0)
    return mask[None] - alibi_slopes()[:, None, None] * dist[None]


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        # written with elementary ops so the ONNX graph is plain (Pow/ReduceMean/Sqrt/Div)
        return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def apply_rope(x, cos_full, sin_full, attention_factor):
    """x [B,H,T,D]; cos_full/sin_full [T,D] (half tables repeated twice)."""
    return (x * cos_full + rotate_half(x) * sin_full) * attention_factor


def blocked_causal_attention(q, k, v, bias, n):
    """Causal attention with the queries cut into n row blocks; block i attends only to keys [0, end_i), so the
    keys no query of the block can see are never multiplied (n = 4: 10/16 of the T² work). Each row's softmax runs
    over the same unmasked scores (the skipped ones are exactly 0 after exp), so the result equals full attention
    up to float summation order. Export only (training/export_onnx.py sets Block.query_blocks); T is dynamic."""
    T = q.shape[2]
    ys = []
    for i in range(n):
        a, b = T * i // n, T * (i + 1) // n
        # bias: [T,T] causal mask (rope, sinusoidal) or [H,T,T] ALiBi biases with the mask folded in; sliced inline
        # after q/k so the RoPE graph's node order (and the shipped ONNX file) stays exactly as before
        att = (q[:, :, a:b] @ k[:, :, :b].transpose(-2, -1)) * (1.0 / math.sqrt(HEAD_DIM)) + (
            bias[a:b, :b] if bias.dim() == 2 else bias[:, a:b, :b])
        ys.append(torch.softmax(att, dim=-1) @ v[:, :, :b])
    return torch.cat(ys, dim=2)


class Block(nn.Module):
    query_blocks = 1  # > 1: blocked causal attention (ONNX export), see blocked_causal_attention

    def __init__(self, rotary: bool = True):
        super().__init__()
        self.rotary = rotary
        self.ln1 = RMSNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL, bias=False)
        self.proj = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.ln2 = RMSNorm(D_MODEL)
        self.fc1 = nn.Linear(D_MODEL, D_FF, bias=False)
        self.fc2 = nn.Linear(D_FF, D_MODEL, bias=False)

    def forward(self, x, cos_full, sin_full, attention_factor, mask):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D_MODEL, dim=-1)
        q = q.view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)
        k = k.view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)
        v = v.view(B, T, N_HEADS, HEAD_DIM).transpose(1, 2)
        if self.rotary:
            q = apply_rope(q, cos_full, sin_full, attention_factor)
            k = apply_rope(k, cos_full, sin_full, attention_factor)
        if self.query_blocks > 1 and mask.dtype != torch.bool:
            y = blocked_causal_attention(q, k, v, mask, self.query_blocks)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(HEAD_DIM))
            if mask.dtype == torch.bool:  # [T,T] True = future key (training/attn_diag.py passes this form)
                att = torch.where(mask, torch.full_like(att, NEG), att)
            else:  # additive bias [T,T]: 0 or NEG; the same softmax (exp(NEG) underflows to exactly 0), cheaper in ONNX
                att = att + mask
            att = torch.softmax(att, dim=-1)
            y = att @ v
        y = y.transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x


class TinyLM(nn.Module):
    def __init__(self, n_layers: int = N_LAYERS, pos: str = "rope"):
        super().__init__()
        if pos not in POS_KINDS:
            raise ValueError(f"pos must be one of {POS_KINDS}, not {pos!r}")
        self.pos = pos
        self.emb = nn.Embedding(VOCAB, D_MODEL)
        self.blocks = nn.ModuleList([Block(rotary=pos == "rope") for _ in range(n_layers)])
        self.ln_f = RMSNorm(D_MODEL)
        self.apply(self._init)
        for b in self.blocks:  # GPT-2 style scaled init of residual projections
            nn.init.normal_(b.proj.weight, std=0.02 / math.sqrt(2 * n_layers))
            nn.init.normal_(b.fc2.weight, std=0.02 / math.sqrt(2 * n_layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, cos=None, sin=None, attention_factor=None):
        """input_ids [B,T] int64, cos/sin [T,HEAD_DIM/2] float32, attention_factor [] float32 -> logits [B,T,256].
        pos "sinusoidal"/"alibi": only input_ids is used."""
        if self.pos != "rope":
            return self._forward_no_rotary(input_ids)
        T = input_ids.shape[1]
        cos_full = torch.cat((cos, cos), dim=-1)
        sin_full = torch.cat((sin, sin), dim=-1)
        # Causal mask as an additive bias built once for all layers (NEG above the diagonal: future keys). In the
        # ONNX graph this is one Trilu + one Add per layer instead of ConstantOfShape + Where on [1,H,T,T] per layer
        # (~7% faster in onnxruntime-web at T = 2048, ~20% native); logits are bit-identical in PyTorch.
        mask = torch.triu(torch.full((T, T), NEG, dtype=cos.dtype, device=input_ids.device), diagonal=1)
        x = self.emb(input_ids)
        for b in self.blocks:
            x = b(x, cos_full, sin_full, attention_factor, mask)
        return self.ln_f(x) @ self.emb.weight.t()

    def _forward_no_rotary(self, input_ids):
        T = input_ids.shape[1]
        mask = torch.triu(torch.full((T, T), NEG, dtype=torch.float32, device=input_ids.device), diagonal=1)
        x = self.emb(input_ids)
        if self.pos == "sinusoidal":
            # Vaswani et al. 3.4: embeddings scaled by sqrt(d_model) so the unit-size sinusoids do not drown them
            x = x * math.sqrt(D_MODEL) + sinusoidal_positions(T)
        else:
            mask = alibi_bias(T, mask)
        for b in self.blocks:
            x = b(x, None, None, None, mask)
        return self.ln_f(x) @ self.emb.weight.t()


def default_inv_freq(base: float = ROPE_THETA, dim: int = HEAD_DIM):
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))


def default_tables(T: int, inv_freq=None):
    """cos/sin half tables [T, HEAD_DIM/2] for positions 0..T-1 (float32)."""
    if inv_freq is None:
        inv_freq = default_inv_freq()
    ang = torch.arange(T, dtype=torch.float32)[:, None] * inv_freq[None, :]
    return torch.cos(ang), torch.sin(ang)


def count_params(model) -> int:
    return sum(p.numel() for p in model.parameters())

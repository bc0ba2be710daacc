"""Write the llama-architecture sibling (training/llama_sibling.py) as a GGUF file llama.cpp loads as LLM_ARCH_LLAMA.

Follows llama.cpp's converter for HF Llama checkpoints (convert_hf_to_gguf.py, class LlamaModel; in recent trees
conversion/llama.py): the same tensor names and metadata keys, and the same q/k row permutation. Needs the `gguf`
Python package (pip install gguf; 0.19.0 was used).

Rotary layout. The PyTorch/ONNX model rotates pairs (j, j + 16) of each 32-wide head (HF rotate-half); llama.cpp's
llama graph uses rope type NORM, which rotates adjacent pairs (2j, 2j + 1) with the same frequency theta_j.
LlamaModel.permute reorders the rows of wq and wk per head so that row 2j + h of the GGUF tensor is row j + 16 h of
the HF one; q.k dot products are unchanged (the same permutation on both sides), v and wo are not touched.

Tokenizer. llama.cpp must map text to its UTF-8 bytes, one token per byte, id == byte value. A byte-level BPE
vocabulary ("gpt2" model) does this: llama.cpp's BPE session (src/llama-vocab.cpp, llm_tokenizer_bpe_session)
maps every byte of the pre-tokenized text through GPT-2's bytes_to_unicode and looks each symbol up; the 256 symbols
are stored in byte order, so the id is the byte. The loader requires a merges array (it throws "cannot find
tokenizer merges in model file" without one) and the gguf writer cannot write an empty array, so the file carries
one merge that can never apply: its left side is a two-symbol string, and no merge builds it. All tokens are NORMAL
(no special-token matching in text); BOS = EOS = id 0 (the NUL byte, absent from text) and add_bos/add_eos are
false, so nothing is added to what the caller tokenizes.
"""
import numpy as np

from model import D_MODEL, HEAD_DIM, L0, N_HEADS, ROPE_THETA, VOCAB

# ggml type ids: F32 = 0, F16 = 1 (general.file_type ALL_F32 = 0, MOSTLY_F16 = 1)
INERT_MERGE = "\u0100\u0100 \u0100\u0100"  # "ĀĀ ĀĀ": the left side "ĀĀ" is never formed (no merge makes it)


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode map (openai/gpt-2 encoder.py; llama.cpp unicode.cpp)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp convert_hf_to_gguf.py LlamaModel.permute (n_head_kv == n_head): HF rotate-half rows -> NORM rope."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def tensors(model):
    """(gguf name, float32 array in PyTorch [out, in] order) for every weight; no output.weight (tied: llama.cpp's
    llama loader duplicates token_embd.weight when output.weight is absent, src/models/llama.cpp load_arch_tensors)."""
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    out = [("token_embd.weight", sd["tok_embd.weight"])]
    for i in range(len(model.blocks)):
        p = f"blocks.{i}."
        out += [
            (f"blk.{i}.attn_norm.weight", sd[p + "attn_norm.weight"]),
            (f"blk.{i}.attn_q.weight", permute(sd[p + "wq.weight"], N_HEADS)),
            (f"blk.{i}.attn_k.weight", permute(sd[p + "wk.weight"], N_HEADS)),
            (f"blk.{i}.attn_v.weight", sd[p + "wv.weight"]),
            (f"blk.{i}.attn_output.weight", sd[p + "wo.weight"]),
            (f"blk.{i}.ffn_norm.weight", sd[p + "ffn_norm.weight"]),
            (f"blk.{i}.ffn_gate.weight", sd[p + "w_gate.weight"]),
            (f"blk.{i}.ffn_up.weight", sd[p + "w_up.weight"]),
            (f"blk.{i}.ffn_down.weight", sd[p + "w_down.weight"]),
        ]
    out.append(("output_norm.weight", sd["output_norm.weight"]))
    return out


def write_gguf(model, path, f16=False):
    import gguf

    from llama_sibling import D_FF, RMS_EPS

    w = gguf.GGUFWriter(path, "llama")
    w.add_name("ropelens-llama-sibling")
    w.add_description("RoPE Lens llama-architecture sibling of the byte-level mini-model (training/llama_sibling.py)")
    w.add_vocab_size(VOCAB)
    w.add_context_length(L0)
    w.add_embedding_length(D_MODEL)
    w.add_block_count(len(model.blocks))
    w.add_feed_forward_length(D_FF)
    w.add_head_count(N_HEADS)
    w.add_head_count_kv(N_HEADS)
    w.add_rope_dimension_count(HEAD_DIM)
    w.add_rope_freq_base(ROPE_THETA)
    w.add_layer_norm_rms_eps(RMS_EPS)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if f16 else gguf.LlamaFileType.ALL_F32)
    b2u = bytes_to_unicode()
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list([b2u[b] for b in range(256)])
    w.add_token_types([gguf.TokenType.NORMAL] * 256)
    w.add_token_merges([INERT_MERGE])
    w.add_bos_token_id(0)
    w.add_eos_token_id(0)
    w.add_add_bos_token(False)
    w.add_add_eos_token(False)
    for name, arr in tensors(model):
        # llama.cpp keeps norm weights in f32 whatever the file type (as convert_hf_to_gguf.py does for 1-D tensors)
        w.add_tensor(name, arr.astype(np.float16) if f16 and arr.ndim == 2 else arr.astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

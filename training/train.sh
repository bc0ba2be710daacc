#!/usr/bin/env bash
# Rebuild the RoPE Lens mini-model end to end on one CPU thread:
#   corpus -> needles -> base model (stages A/B/C, ~33 min) -> stage D continuation (1,500 steps, ~12 min)
#   -> ONNX export -> evaluation, reference outputs, model card figures.
# Wall times were measured on a shared, heavily loaded 2-core machine; see media/model/MODEL_CARD.md.
# Needs Debian packages: python3-torch python3-onnx python3-numpy libopenblas0-pthread bible-kjv.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
PY=/usr/bin/python3
SEED=${SEED:-7}
$PY training/prep_corpus.py
$PY training/needles.py
$PY training/train.py "$@"   # stages A-C -> training/ckpt/final.pt (8,235 steps with seed 7)
STEP=$($PY -c "import torch; print(torch.load('training/ckpt/final.pt')['step'])")
$PY training/train.py --init training/ckpt/final.pt --init-step "$STEP" --steps-c 1500 --lr-c 1e-3 --seed "$SEED" \
  --out training/ckpt/final_d.pt --log training/logs/train_d.jsonl
cat training/logs/train.jsonl training/logs/train_d.jsonl > media/model/training-log.jsonl
$PY training/export_onnx.py training/ckpt/final_d.pt media/model/ropelens-mini.onnx
$PY training/evaluate.py training/ckpt/final_d.pt --needle-max-mult=4 --no-static   # ~35 min on a loaded machine
$PY training/needle_check.py training/ckpt/final_d.pt   # 64-needle acceptance cells, per needle-to-query distance
$PY training/attn_diag.py training/ckpt/final_d.pt
$PY training/card_tables.py   # markdown tables for MODEL_CARD.md

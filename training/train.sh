#!/usr/bin/env bash
# Rebuild the RoPE Lens mini-model end to end on one CPU thread (measured: training 33 min + evaluation 7 min
# on the shared 2-core machine):
#   corpus -> needles -> train (stages A/B/C) -> ONNX export -> evaluation, reference outputs, model card figures.
# Needs Debian packages: python3-torch python3-onnx python3-numpy libopenblas0-pthread bible-kjv.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
PY=/usr/bin/python3
$PY training/prep_corpus.py
$PY training/needles.py
$PY training/train.py "$@"
cp training/logs/train.jsonl media/model/training-log.jsonl
$PY training/export_onnx.py training/ckpt/final.pt media/model/ropelens-mini.onnx
$PY training/evaluate.py training/ckpt/final.pt
$PY training/attn_diag.py training/ckpt/final.pt
$PY training/card_tables.py   # markdown tables for MODEL_CARD.md

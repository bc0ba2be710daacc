#!/usr/bin/env bash
# Rebuild a position-encoding sibling of the mini-model (sinusoidal or ALiBi) on one CPU thread:
#   same corpus, needles, curriculum and seed as train.sh (stages A/B/C, then the stage-D continuation), with the
#   step budget the shipped siblings were trained with (0.12 of the RoPE model's stages A, C and D; stage B stops
#   on its own criterion, capped at 800) -> ONNX export -> int8 weights -> reference logits -> evaluation.
# usage: bash training/train_sibling.sh sinusoidal|alibi    (STEPS_A, STEPS_B_MAX, STEPS_C, STEPS_D override)
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
POS=${1:?usage: train_sibling.sh sinusoidal|alibi}
PY=/usr/bin/python3
SEED=${SEED:-7}
CK=training/ckpt/$POS
$PY training/prep_corpus.py
$PY training/needles.py
$PY training/train.py --pos "$POS" --steps-a "${STEPS_A:-420}" --steps-b-max "${STEPS_B_MAX:-800}" \
  --steps-c "${STEPS_C:-480}" --probe-every 120 --seed "$SEED" --out "$CK/final.pt" --log "training/logs/train_$POS.jsonl"
STEP=$($PY -c "import torch; print(torch.load('$CK/final.pt')['step'])")
$PY training/train.py --pos "$POS" --init "$CK/final.pt" --init-step "$STEP" --steps-c "${STEPS_D:-180}" --lr-c 1e-3 \
  --seed "$SEED" --probe-every 120 --out "$CK/final_d.pt" --log "training/logs/train_${POS}_d.jsonl"
cat "training/logs/train_$POS.jsonl" "training/logs/train_${POS}_d.jsonl" > "media/model/training-log-$POS.jsonl"
$PY training/export_onnx.py "$CK/final_d.pt" "$CK/fp32.onnx"
$PY training/compact_check.py "$CK/fp32.onnx" --variants fp32,int8+tied   # perplexity at L0: int8 within 1%?
$PY training/compact_onnx.py "$CK/fp32.onnx" "media/model/ropelens-mini-$POS.onnx" --int8 --tied
$PY training/reference_logits.py "media/model/ropelens-mini-$POS.onnx" "media/model/reference-$POS.json"
$PY training/sibling_eval.py "media/model/ropelens-mini-$POS.onnx" "media/model/eval-results-$POS.json"

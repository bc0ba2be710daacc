#!/usr/bin/env bash
# Serve Qwen2.5-7B-Instruct with YaRN at 128K on vLLM.
set -euo pipefail

vllm serve Qwen/Qwen2.5-7B-Instruct \
  --tensor-parallel-size 2 \
  --rope-scaling '{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}' \
  --max-model-len 262144 \
  --port 8000

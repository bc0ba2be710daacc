#!/bin/sh
# llama.cpp server for a Qwen2.5 GGUF at 128K with YaRN.
./build/bin/llama-server -m models/qwen2.5-7b-instruct-q4_k_m.gguf \
  --rope-scaling yarn --rope-scale 4 --yarn-orig-ctx 32768 \
  --rope-freq-scale 0.5 \
  --yarn-attn-factor 1.1386 \
  -ngl 99 --port 8080

// `ropelens <command> --help`: every option described, with an example. One place, so `ropelens --help`, the
// per-command help and the README can be checked against each other by a test.

export const COMMAND_HELP: Record<string, string> = {
  check: `Usage: ropelens check [options] PATH... | -

Diagnose rope blocks (rope_scaling / rope_parameters) in model configs, Python scripts, YAML recipes and serving
command lines. PATH is a file, a folder (walked, honouring .gitignore) or a quoted glob the tool expands
('**/config.json'); - reads standard input.

Options:
  -f, --format FORMAT      text (default), json, sarif (SARIF 2.1.0 for code scanning) or github (workflow
                           annotations)
  --transformers VERSION   describe this transformers release (5.15.0, 4.57, latest); default: the project config
                           (ropelens.toml or [tool.ropelens] in pyproject.toml), else the project's transformers==
                           pin in requirements*.txt or pyproject.toml, else the newest release RoPE Lens knows
  --max-warnings N         also fail (exit 1) when there are more than N warnings (-1: no limit)
  --stdin-filename NAME    the name the text on standard input goes by: picks its dialect (config.json, serve.sh,
                           recipe.yaml, train.py) and the name in messages
  --verbose                list the files skipped (no dialect reads them, not a model config, excluded)
  -h, --help               this help

Exit codes: 0 no error-level finding (and warnings within --max-warnings), 1 findings, 2 usage or I/O error.

Examples:
  ropelens check .
  ropelens check --format github --max-warnings 0 '**/config.json'
  cat config.json | ropelens check --stdin-filename models/x/config.json -
`,
  explain: `Usage: ropelens explain [options] FILE | -

What every rope block in FILE does: per-dimension frequencies (kept, blended, interpolated), the attention factor
and the effective context per engine.

Options:
  --json                   the explanation as JSON
  --seq-len N              the sequence length for length-dependent methods (dynamic NTK), in tokens
  --transformers VERSION   describe this transformers release (default as for check)
  --stdin-filename NAME    with -: the name the text on standard input goes by (picks its dialect)
  -h, --help               this help

Example:
  ropelens explain --seq-len 65536 models/qwen/config.json
`,
  suggest: `Usage: ropelens suggest --target N [options] FILE

Recommend how to extend the context to N tokens: the method, why, notes and warnings, and the change as a diff
(--write applies it). Command lines also get the engine's context flag (--max-model-len, --context-length, -c).

Options:
  -t, --target N           the context to reach, in tokens (131072, 128k, 1m) (required)
  --finetune               you will fine-tune at the new length (changes the advice)
  --steps N                rough fine-tuning budget in optimizer steps (implies --finetune)
  --engine ENGINE          transformers, vllm, sglang, llama.cpp or tgi (a command line is advised for its own engine)
  --original N             the trained context when the file does not say it
  --measure                measure the top two methods on the bundled mini-model and add the numbers
  --budget S               seconds the measurement may take (with --measure)
  --method yarn            write plain YaRN whatever the advice (no --finetune/--engine/--measure)
  -w, --write              write the change into FILE instead of printing a diff
  -h, --help               this help

Exit codes: 0 advice given (written with --write), 2 usage or I/O error.

Example:
  ropelens suggest --target 128k --engine vllm --write serve.sh
`,
  preview: `Usage: ropelens preview [options] [FILE]

Measure perplexity and needle retrieval per scaling method and length on the bundled mini-model (byte-level,
trained at a short length). FILE adds "yours": the first rope block in it. Ctrl-C stops the run and prints the
cells measured so far.

Options:
  --methods LIST           none,linear,ntk,dynamic,yarn,llama3,window,yours; sinusoidal,alibi (other
                           encodings); linear+ft,ntk+ft,yarn+ft (fine-tuned at 4x, run at factor 4) (default:
                           the built-in methods and window, plus the others where the reference holds them)
  --lengths LIST           1x,2x,4x,... multiples of the trained length, or byte counts (128,256)
  --factor-policy POLICY   per-length (s = L/L0 at each length, default) or static (one factor everywhere)
  --static-factor S        the factor for --factor-policy static (≥ 1)
  --probe LIST             ppl, needle or ppl,needle (default both)
  --budget SECONDS         time the run may take; sample sizes follow from it, priced before the run starts
  --needles N              needle prompts per cell (overrides the budget's choice)
  --eval-bytes N           bytes of held-out text per length for perplexity (overrides the budget's choice)
  --threads N              WebAssembly threads (default 1)
  --json                   the full result as JSON
  -h, --help               this help

Real models (--engine): the same sweep on your model, in its own tokens: perplexity on the shipped eval text and
needle retrieval on prompts of exactly L tokens, per method and length (default none,linear,ntk,yarn at 1, 2, 4 ×
the model's original context, read from its GGUF header). Faults (engine missing, unreadable model, out of memory
at a length, server gone) print one line and the cells measured before them.
  --engine ENGINE          llama.cpp (a GGUF file, in-process via node-llama-cpp), onnx (a mini-model-interface
                           .onnx file), openai (an OpenAI-compatible server with prompt log-probabilities)
  --model FILE|NAME        the .gguf / .onnx file, or the served model's name (openai)
  --url URL                openai: a server for every method, or METHOD=URL for one (repeatable)
  --launch TEMPLATE        openai: a command RoPE Lens starts, measures and stops per method
  --lengths LIST           tokens (4096), thousands (8k,16k,32k) or multiples of the original context (2x)
  --budget SECONDS         wall-clock time for the sweep once the model is loaded (default 120)
  --needles N, --eval-tokens N   exact sample sizes per cell instead of a budget
  --threads N              llama.cpp CPU threads (default 2)
  --original-context N, --rope-theta X, --head-dim N
                           openai: the model's facts from its config.json (L0, rope_theta, rotary dimension)

Examples:
  ropelens preview --methods none,yarn --lengths 1x,4x --budget 4 models/qwen/config.json
  ropelens preview --engine llama.cpp --model qwen2.5-0.5b-q8_0.gguf --lengths 4k,8k,16k --budget 300
  ropelens preview --engine onnx --model media/model/ropelens-llama-sibling.onnx --needles 8 --eval-tokens 2048
  ropelens preview --engine openai --url http://127.0.0.1:8000 --model Qwen/Qwen2.5-7B-Instruct --json
`,
};

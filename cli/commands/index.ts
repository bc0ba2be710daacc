// The subcommand registry `ropelens` dispatches on. Each command lives in its own file and is added here
// with one line (static imports, so the CLI bundles into one file).
import type { CliCommand } from '../io';
import { run as check } from './check';
import { run as explain } from './explain';
import { run as preview } from './preview';
import { run as suggest } from './suggest';

export interface CommandEntry {
  run: CliCommand;
  /** One line for `ropelens --help`. */
  summary: string;
  usage: string;
}

export const COMMANDS: Record<string, CommandEntry> = {
  check: {
    run: check,
    summary: 'diagnose rope blocks in model configs (files or folders)',
    usage: 'ropelens check [--format text|json|sarif|github] [--transformers VERSION] [--max-warnings N] [--stdin-filename NAME] [--verbose] PATH...|-',
  },
  explain: {
    run: explain,
    summary: 'what every rope block does: per-dimension frequencies, attention factor, effective context per engine',
    usage: 'ropelens explain [--json] [--seq-len N] [--transformers VERSION] [--stdin-filename NAME] FILE|-',
  },
  preview: {
    run: preview,
    summary: 'measure perplexity and needle retrieval per scaling method and length on the bundled mini-model',
    usage: 'ropelens preview [--methods ...] [--lengths 1x,2x,...] [--factor-policy per-length|static] [--static-factor S] [--probe ppl,needle] [--budget S] [--needles N] [--eval-bytes N] [--threads N] [--json] [FILE]',
  },
  suggest: {
    run: suggest,
    summary: 'recommend how to extend the context to N tokens (method, reason, change); --write applies it',
    usage: 'ropelens suggest --target N [--finetune] [--steps N] [--engine transformers|vllm|sglang|llama.cpp|tgi] [--original N] [--measure [--budget S]] [--method yarn] [--write] FILE',
  },
};

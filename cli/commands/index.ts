// The subcommand registry `ropelens` dispatches on. Each command lives in its own file and is added here
// with one line (static imports, so the CLI bundles into one file).
import type { CliCommand } from '../io';
import { run as check } from './check';
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
    usage: 'ropelens check [--format text|json|sarif] [--transformers VERSION] PATH...',
  },
  suggest: {
    run: suggest,
    summary: 'show (or --write) the YaRN change that extends a config to N tokens',
    usage: 'ropelens suggest --target N [--write] FILE',
  },
};

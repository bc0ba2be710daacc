// What a CLI run checks a file with: the transformers version (flag, else the project config, else the project's
// pin, else the newest known) and the config's rule severities and per-file ignores. Discovery is shared with the
// language server (host/projectConfig.ts); the choice is core/project-config.ts.
import { relative } from 'node:path';
import { chooseTransformersVersion, type VersionChoice } from '../core/project-config';
import { configIgnores, type ProjectFacts } from '../host/projectConfig';
import type { FileCheckOptions } from './commands/check';

export interface FileRun {
  choice: VersionChoice;
  options: FileCheckOptions;
  /** Problems with the config file, one line each (reported once per run). */
  problems: readonly string[];
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : path;
}

/** The version choice for a project, as the CLI states it (paths relative to the working folder). */
export function versionChoice(facts: ProjectFacts, flag: string | undefined, cwd: string): VersionChoice {
  const configFile = facts.configFile ? `${shown(facts.configFile, cwd)}${/pyproject\.toml$/.test(facts.configFile) ? ' [tool.ropelens]' : ''}` : '';
  return chooseTransformersVersion({
    ...(flag ? { explicit: { version: flag, source: '--transformers' } } : {}),
    ...(facts.config ? { config: { ...(facts.config.transformersVersion ? { version: facts.config.transformersVersion } : {}), file: configFile } } : {}),
    ...(facts.pin ? { pin: { ...facts.pin, file: shown(facts.pin.file, cwd) } } : {}),
  });
}

export function fileRun(facts: ProjectFacts, file: string, flag: string | undefined, cwd: string): FileRun {
  const choice = versionChoice(facts, flag, cwd);
  const ignore = configIgnores(facts, file);
  const options: FileCheckOptions = { transformersVersion: choice.version };
  if (facts.config && Object.keys(facts.config.rules).length) options.rules = facts.config.rules;
  if (ignore.length) options.ignore = ignore;
  return { choice, options, problems: facts.config?.problems ?? [] };
}

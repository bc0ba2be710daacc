// Settings per resource, pulled with workspace/configuration (the client owns them) and cached until
// workspace/didChangeConfiguration says they changed, merged with the project config file (ropelens.toml or
// [tool.ropelens] in pyproject.toml) and the project's transformers pin, found as the CLI finds them
// (projectConfig.ts). Editor settings override the file, as ruff's extension does: an explicitly set
// ropelens.transformersVersion wins over the file and the pin, and ropelens.rules entries over the file's rules.
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, parseSettings, type RopeLensSettings } from '../../common/settings';
import { chooseTransformersVersion } from '../../core/project-config';
import { configIgnores, isExcluded, ProjectCache } from '../../host/projectConfig';

export interface ServerSettings extends RopeLensSettings {
  /** Where transformersVersion came from, said in hovers and the language status item. */
  transformersSource: string;
  /** Rule ids the project config's per-file-ignores switch off for this file. */
  projectIgnore: string[];
}

const DEFAULT_SERVER: ServerSettings = { ...DEFAULT_SETTINGS, transformersSource: 'default: the newest release RoPE Lens knows', projectIgnore: [] };

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The folder of `path` among `folders` (file URIs), for a shorter name in messages and a place to stop the walk. */
function folderOf(path: string, folders: readonly string[]): string | undefined {
  return folders.map(filePath).filter((f): f is string => !!f && !relative(f, path).startsWith('..')).sort((a, b) => b.length - a.length)[0];
}

export class SettingsStore {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  private canPull = false;
  /** Settings pushed with didChangeConfiguration, for clients without workspace/configuration. */
  private pushedRaw: unknown = undefined;
  /** Bumped on every change so cached results computed with older settings are recognisable. */
  generation = 0;
  readonly projects = new ProjectCache();
  /** Workspace folder URIs (the server keeps them current). */
  folders: () => readonly string[] = () => [];

  constructor(private readonly connection: Connection) {}

  setCanPull(v: boolean): void {
    this.canPull = v;
  }

  changed(pushedRaw: unknown): void {
    this.generation++;
    this.cache.clear();
    if (!this.canPull && pushedRaw && typeof pushedRaw === 'object') this.pushedRaw = (pushedRaw as Record<string, unknown>)['ropelens'];
  }

  /** A config or requirements file changed on disk. */
  projectFilesChanged(): void {
    this.projects.clear();
    this.changed(undefined);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  get(uri: string): Promise<ServerSettings> {
    let p = this.cache.get(uri);
    if (!p) {
      const raw = this.canPull ? this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'ropelens' }) : Promise.resolve(this.pushedRaw);
      p = raw.then((r) => this.merge(uri, r), () => DEFAULT_SERVER);
      this.cache.set(uri, p);
    }
    return p;
  }

  /** Editor settings over the project file over the pin over the default. */
  merge(uri: string, raw: unknown): ServerSettings {
    const editor = parseSettings(raw);
    const typed = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)['transformersVersion'] : undefined;
    const explicit = typeof typed === 'string' && typed.trim() !== '' && editor.transformersVersion === typed.trim()
      ? { version: editor.transformersVersion, source: 'setting ropelens.transformersVersion' } : undefined;
    const path = filePath(uri);
    if (!path) {
      const choice = chooseTransformersVersion(explicit ? { explicit } : {});
      return { ...editor, transformersVersion: choice.version, transformersSource: choice.source, projectIgnore: [] };
    }
    const folder = folderOf(path, this.folders());
    const facts = this.projects.get(dirname(path), folder);
    const shown = (p: string): string => (folder ? relative(folder, p).split('\\').join('/') : p);
    const choice = chooseTransformersVersion({
      ...(explicit ? { explicit } : {}),
      ...(facts.config && facts.configFile
        ? { config: { ...(facts.config.transformersVersion ? { version: facts.config.transformersVersion } : {}), file: `${shown(facts.configFile)}${facts.configFile.endsWith('pyproject.toml') ? ' [tool.ropelens]' : ''}` } }
        : {}),
      ...(facts.pin ? { pin: { ...facts.pin, file: shown(facts.pin.file) } } : {}),
    });
    return {
      ...editor,
      // A file the project config excludes is not checked, as in the CLI.
      enable: editor.enable && !isExcluded(facts, path),
      transformersVersion: choice.version,
      transformersSource: choice.source,
      rules: { ...(facts.config?.rules ?? {}), ...editor.rules },
      projectIgnore: configIgnores(facts, path),
    };
  }
}

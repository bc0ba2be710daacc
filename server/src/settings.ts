// Settings per resource, pulled with workspace/configuration (the client owns them) and cached until
// workspace/didChangeConfiguration says they changed.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, parseSettings, type RopeLensSettings } from '../../common/settings';

export class SettingsStore {
  private readonly cache = new Map<string, Promise<RopeLensSettings>>();
  private canPull = false;
  /** Settings pushed with didChangeConfiguration, for clients without workspace/configuration. */
  private pushed: RopeLensSettings = DEFAULT_SETTINGS;
  /** Bumped on every change so cached results computed with older settings are recognisable. */
  generation = 0;

  constructor(private readonly connection: Connection) {}

  setCanPull(v: boolean): void {
    this.canPull = v;
  }

  changed(pushedRaw: unknown): void {
    this.generation++;
    this.cache.clear();
    if (!this.canPull && pushedRaw && typeof pushedRaw === 'object') {
      this.pushed = parseSettings((pushedRaw as Record<string, unknown>)['ropelens']);
    }
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  get(uri: string): Promise<RopeLensSettings> {
    if (!this.canPull) return Promise.resolve(this.pushed);
    let p = this.cache.get(uri);
    if (!p) {
      p = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'ropelens' })
        .then(parseSettings, () => DEFAULT_SETTINGS);
      this.cache.set(uri, p);
    }
    return p;
  }
}

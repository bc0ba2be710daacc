// Push diagnostics: debounced per uri, results for an outdated version dropped, cleared on close.
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkDocument, type CheckOptions } from '../../../core/check';
import type { ParsedDocument } from '../../../core/model';
import type { Finding } from '../../../core/rules/types';
import { ignoredRulesFor } from '../../../common/settings';
import { pathsForUri, toDiagnostic } from '../convert';
import type { DocumentCache } from '../documentCache';
import { NOTIFY_STATUS, type StatusParams } from '../../../common/protocol';
import type { ServerSettings, SettingsStore } from '../settings';

export interface ServerState {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  cache: DocumentCache;
  settings: SettingsStore;
  workspaceFolders: string[];
  /** Resolves once every dialect (Python's grammar included) can parse; features wait for it. */
  ready: Promise<unknown>;
  log(message: string): void;
}

/** An open document RoPE Lens is enabled for, parsed (cached), once every dialect is ready; else undefined. */
export async function enabledDocument(state: ServerState, uri: string): Promise<{ doc: TextDocument; parsed: ParsedDocument; settings: ServerSettings } | undefined> {
  const doc = state.documents.get(uri);
  if (!doc) return undefined;
  await state.ready;
  const settings = await state.settings.get(doc.uri);
  if (!settings.enable) return undefined;
  return { doc, parsed: state.cache.get(doc), settings };
}

export function checkOptions(settings: ServerSettings, uri: string, folders: readonly string[]): CheckOptions {
  return {
    transformersVersion: settings.transformersVersion,
    rules: settings.rules,
    ignore: [...ignoredRulesFor(settings.ignoredRules, pathsForUri(uri, folders)), ...settings.projectIgnore],
  };
}

/** Findings for a document under its settings; shared by diagnostics and fix-all so both agree. */
export async function findingsFor(state: ServerState, doc: TextDocument): Promise<{ parsed: ParsedDocument; findings: Finding[]; settings: ServerSettings }> {
  await state.ready;
  const settings = await state.settings.get(doc.uri);
  const parsed = state.cache.get(doc);
  if (!settings.enable || !parsed.relevant) return { parsed, findings: [], settings };
  return { parsed, findings: checkDocument(parsed, checkOptions(settings, doc.uri, state.workspaceFolders)), settings };
}

export class DiagnosticsScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bumped per uri on every schedule/close, so a run that finishes late knows it is stale. */
  private readonly tickets = new Map<string, number>();

  constructor(private readonly state: ServerState, private readonly delayMs = 200) {}

  schedule(doc: TextDocument, delay = this.delayMs): void {
    const uri = doc.uri;
    const ticket = (this.tickets.get(uri) ?? 0) + 1;
    this.tickets.set(uri, ticket);
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.run(uri, ticket);
      }, delay),
    );
  }

  scheduleAll(): void {
    for (const d of this.state.documents.all()) this.schedule(d, 0);
  }

  clear(uri: string): void {
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.delete(uri);
    this.tickets.set(uri, (this.tickets.get(uri) ?? 0) + 1);
    void this.state.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async run(uri: string, ticket: number): Promise<void> {
    const { connection, documents } = this.state;
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    try {
      const { parsed, findings, settings } = await findingsFor(this.state, doc);
      // The document changed or closed while settings were fetched: a newer run is on its way.
      if (this.tickets.get(uri) !== ticket || documents.get(uri)?.version !== version) return;
      const diagnostics = findings.map((f) => toDiagnostic(doc, f));
      await connection.sendDiagnostics({ uri, version, diagnostics });
      const status: StatusParams = {
        uri,
        relevant: settings.enable && parsed.relevant,
        blockCount: parsed.blocks.length,
        transformersVersion: settings.transformersVersion,
        transformersSource: settings.transformersSource,
      };
      await connection.sendNotification(NOTIFY_STATUS, status);
    } catch (e) {
      this.state.log(`diagnostics failed for ${uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}

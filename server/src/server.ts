// Language server entry: connection wiring only. Features live in handlers/, logic in core/.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentCache } from './documentCache';
import { FIX_ALL_KIND, onCodeAction } from './handlers/codeActions';
import { onCompletion } from './handlers/completion';
import { DiagnosticsScheduler, type ServerState } from './handlers/diagnostics';
import { onExecuteCommand, SERVER_COMMANDS } from './handlers/commands';
import { onHover } from './handlers/hover';
import { onCodeLens } from './handlers/codeLens';
import { onBlockAt } from './handlers/previewBlock';
import { REQUEST_BLOCK_AT, type BlockAtParams } from '../../common/protocol';
import { guard } from './guard';
import { SettingsStore } from './settings';
import { loadDialects } from '../../host/dialects';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (message: string): void => connection.console.error(message);
const state: ServerState = {
  connection,
  documents,
  cache: new DocumentCache(32, (e) => log(`parse failed: ${String(e)}`)),
  settings: new SettingsStore(connection),
  workspaceFolders: [],
  // Python parses once its grammar is loaded; until then features wait (a few ms at start-up). After a wasm abort the
  // parser restarts on a fresh instance and every open document is checked again.
  ready: loadDialects(__dirname, (e) => log(`Python dialect unavailable: ${String(e)}`), (cause) => {
    log(`Python parser restarted after: ${cause}`);
    state.cache.clear();
    diagnostics.scheduleAll();
  }),
  log,
};
const delay = Number(process.env['ROPELENS_DEBOUNCE_MS'] ?? '');
const diagnostics = new DiagnosticsScheduler(state, Number.isFinite(delay) && delay >= 0 && process.env['ROPELENS_DEBOUNCE_MS'] ? delay : 200);
state.settings.folders = () => state.workspaceFolders;
let dynamicConfigRegistration = false;
let folderEvents = false;

connection.onInitialize((params): InitializeResult => {
  const caps = params.capabilities;
  state.settings.setCanPull(caps.workspace?.configuration === true);
  dynamicConfigRegistration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  folderEvents = caps.workspace?.workspaceFolders === true;
  state.workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (!state.workspaceFolders.length && params.rootUri) state.workspaceFolders = [params.rootUri];
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: ['"', "'", ':', ' '], resolveProvider: false },
      codeActionProvider: {
        codeActionKinds: ['quickfix', 'refactor.rewrite.ropelens', 'refactor.ropelens', FIX_ALL_KIND],
        resolveProvider: false,
      },
      executeCommandProvider: { commands: SERVER_COMMANDS },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'ropelens' },
  };
});

connection.onInitialized(() => {
  if (dynamicConfigRegistration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ropelens' });
  if (folderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => f.uri));
      state.workspaceFolders = [...state.workspaceFolders.filter((u) => !removed.has(u)), ...e.added.map((f) => f.uri)];
      state.settings.changed(undefined);
      diagnostics.scheduleAll();
    });
  }
});

// ropelens.toml, pyproject.toml and requirements*.txt (the client watches them): the project facts are re-read.
connection.onDidChangeWatchedFiles(() => {
  state.settings.projectFilesChanged();
  diagnostics.scheduleAll();
});

connection.onDidChangeConfiguration((change) => {
  state.settings.changed(change.settings);
  diagnostics.scheduleAll();
});

documents.onDidOpen((e) => diagnostics.schedule(e.document, 0));
documents.onDidChangeContent((e) => diagnostics.schedule(e.document));
documents.onDidClose((e) => {
  state.cache.delete(e.document.uri);
  state.settings.forget(e.document.uri);
  diagnostics.clear(e.document.uri);
});

connection.onHover(guard(log, 'hover', (p) => onHover(state, p), null));
connection.onCompletion(guard(log, 'completion', (p) => onCompletion(state, p), []));
connection.onCodeAction(guard(log, 'codeAction', (p) => onCodeAction(state, p), []));
connection.onCodeLens(guard(log, 'codeLens', (p) => onCodeLens(state, p), []));
connection.onRequest(REQUEST_BLOCK_AT, guard(log, 'blockAt', (p: BlockAtParams) => onBlockAt(state, p), null));
connection.onExecuteCommand((p, token) => guard(log, 'executeCommand', (q: typeof p) => onExecuteCommand(state, q, token), null)(p));

// Any bytes a client sends must not take the server down: log and keep serving.
process.on('uncaughtException', (e) => log(`uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${String(e)}`));

documents.listen(connection);
connection.listen();

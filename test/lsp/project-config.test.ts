// The language server reads the project config and the transformers pin as the CLI does (host/projectConfig.ts),
// says where the version came from (hover, ropelens/status), lets editor settings override the file, and re-reads
// the files when the client reports them changed (workspace/didChangeWatchedFiles).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, HoverRequest, type Hover } from 'vscode-languageserver-protocol';
import { NOTIFY_STATUS, type StatusParams } from '../../common/protocol';
import { TestClient } from './client';

// Integer factor: transformers 4.x warns "must be a float" (int-where-float, warning), 5.x gives a hint only.
const CONFIG = '{\n  "model_type": "llama",\n  "max_position_embeddings": 8192,\n  "rope_theta": 10000.0,\n  "rope_scaling": {"rope_type": "linear", "factor": 2}\n}\n';

const dir = mkdtempSync(join(tmpdir(), 'ropelens-lsp-project-'));
mkdirSync(join(dir, '.git'));
mkdirSync(join(dir, 'models', 'm'), { recursive: true });
writeFileSync(join(dir, 'requirements.txt'), 'torch\ntransformers==4.45.2\n');
writeFileSync(join(dir, 'models', 'm', 'config.json'), CONFIG);
const ROOT = pathToFileURL(dir).href;
const URI = pathToFileURL(join(dir, 'models', 'm', 'config.json')).href;

let c: TestClient;
const statuses: StatusParams[] = [];

before(async () => {
  c = new TestClient();
  c.conn.onNotification(NOTIFY_STATUS, (s: StatusParams) => void statuses.push(s));
  await c.initialize(ROOT);
});

after(async () => {
  await c.shutdown();
});

function severityOf(p: { diagnostics: Array<{ code?: string | number; severity?: number }> }, code: string): number | undefined {
  return p.diagnostics.find((d) => d.code === code)?.severity;
}

async function hoverText(): Promise<string> {
  const at = CONFIG.indexOf('"linear"') + 2;
  const line = CONFIG.slice(0, at).split('\n').length - 1;
  const character = at - CONFIG.lastIndexOf('\n', at - 1) - 1;
  const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line, character } })) as Hover;
  return (h.contents as { value: string }).value;
}

async function statusFor(pred: (s: StatusParams) => boolean): Promise<StatusParams> {
  for (let i = 0; i < 200; i++) {
    const s = [...statuses].reverse().find((x) => x.uri === URI);
    if (s && pred(s)) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no matching status; last: ${JSON.stringify(statuses.at(-1))}`);
}

test('the pin sets the version: 4.45 warns about the integer factor; status and hover say "pinned in requirements.txt"', async () => {
  const d = c.diagnostics(URI, (p) => p.version === 1);
  await c.open(URI, CONFIG);
  assert.equal(severityOf(await d, 'int-where-float'), 2, 'warning under 4.45');
  const s = await statusFor((x) => x.transformersVersion === '4.45.2');
  assert.match(s.transformersSource ?? '', /pinned in requirements\.txt:2/);
  assert.match(await hoverText(), /transformers 4\.45\.2: pinned in requirements\.txt:2/);
});

test('ropelens.toml beats the pin (version and rule severity); a change on disk is picked up when the client reports it', async () => {
  writeFileSync(join(dir, 'ropelens.toml'), 'transformers-version = "5.15.0"\n[rules]\nint-where-float = "error"\n');
  const d = c.diagnostics(URI, (p) => severityOf(p, 'int-where-float') === 1);
  await c.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(dir, 'ropelens.toml')).href, type: FileChangeType.Created }] });
  await d;
  const s = await statusFor((x) => x.transformersVersion === '5.15.0');
  assert.equal(s.transformersSource, 'set in ropelens.toml');
});

test('editor settings override the file: an explicit version and a rule severity win', async () => {
  const d = c.diagnostics(URI, (p) => severityOf(p, 'int-where-float') === 3);
  await c.setSettings({ transformersVersion: '4.45.0', rules: { 'int-where-float': 'information' } });
  await d;
  const s = await statusFor((x) => x.transformersVersion === '4.45.0');
  assert.equal(s.transformersSource, 'setting ropelens.transformersVersion');
  // An empty setting (the default) hands the choice back to the file.
  const back = c.diagnostics(URI, (p) => severityOf(p, 'int-where-float') === 1);
  await c.setSettings({ transformersVersion: '' });
  await back;
  assert.equal((await statusFor((x) => x.transformersVersion === '5.15.0')).transformersSource, 'set in ropelens.toml');
});

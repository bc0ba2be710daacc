// One size-benchmark measurement in its own process, so its peak memory is its own:
// `node --import tsx test/bench/check-child.ts <kind> <bytes>` prints one JSON line {ms, peakMB, baseMB, findings, chars, lines}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initDialects } from '../../core/dialects';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { bigInput, BIG_URIS, type BigKind } from './big-inputs';

const ROOT = join(__dirname, '..', '..');

async function main(): Promise<void> {
  const [kind, bytesArg] = process.argv.slice(2) as [BigKind, string];
  await initDialects({
    runtimeWasm: readFileSync(join(ROOT, 'node_modules/web-tree-sitter/web-tree-sitter.wasm')),
    grammarWasm: readFileSync(join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm')),
  });
  const text = bigInput(kind, Number(bytesArg));
  const uri = BIG_URIS[kind];
  // Warm the code paths on a small document so the figure is the size's, not the JIT's.
  checkDocument(parseDocument(uri, bigInput(kind, 4096)));
  const baseMB = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const findings = checkDocument(parseDocument(uri, text));
  const ms = performance.now() - t0;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, peakMB, baseMB, findings: findings.length, chars: text.length, lines: text.split('\n').length - 1 }));
}

void main();

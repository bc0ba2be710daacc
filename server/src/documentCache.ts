// Parse once per (uri, version, languageId) and hand the result to every feature (diagnostics, hover,
// completion, code actions). A small LRU keeps memory bounded when many files are open.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument } from '../../core/model';
import { parseDocument } from '../../core/parse/index';

interface Entry {
  version: number;
  languageId: string;
  parsed: ParsedDocument;
}

export class DocumentCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly capacity = 32, private readonly onError: (e: unknown) => void = () => {}) {}

  get(doc: TextDocument): ParsedDocument {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version && hit.languageId === doc.languageId) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(doc.uri);
      this.entries.set(doc.uri, hit);
      return hit.parsed;
    }
    const parsed = this.parse(doc);
    this.entries.delete(doc.uri);
    this.entries.set(doc.uri, { version: doc.version, languageId: doc.languageId, parsed });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  /** Forgets every parse (after the Python parser restarted: results from the dead one are stale). */
  clear(): void {
    this.entries.clear();
  }

  private parse(doc: TextDocument): ParsedDocument {
    const text = doc.getText();
    try {
      return parseDocument(doc.uri, text, doc.languageId);
    } catch (e) {
      // A parser bug must not take features down: the file gets one analysis-failed finding instead.
      this.onError(e);
      return { uri: doc.uri, text, dialect: 'json', relevant: true, blocks: [], failure: e instanceof Error ? e.message : String(e) };
    }
  }
}

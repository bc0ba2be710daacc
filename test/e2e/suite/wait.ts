// Explicit waits for the extension-host suite: poll a probe until it holds or a timeout passes (no fixed sleeps).
import * as vscode from 'vscode';

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | PromiseLike<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** RoPE Lens diagnostics currently attached to `uri`. */
export function ropeDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ropelens');
}

export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c);
}

/** Waits until diagnostics for `uri` satisfy `ok` (e.g. a rule appears or disappears). */
export function waitForDiagnostics(uri: vscode.Uri, what: string, ok: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return waitFor(what, () => {
    const ds = ropeDiagnostics(uri);
    return ok(ds) ? ds : undefined;
  }, timeoutMs);
}

// Pure shell builder for the preview webview: one root element, one bundled script, a strict nonce CSP.
// No `vscode` import, so the browser test harness builds the very same page (habit 15 in anchors-aesthetics.md).

export interface ShellOptions {
  /** `webview.cspSource` in VS Code; the harness's http origin in tests. */
  cspSource: string;
  /** 128-bit random, base64 or hex; the only way a script may run. */
  nonce: string;
  /** The bundled webview script (dist/media/webview.js). */
  scriptUri: string;
  /** Stylesheets, in order (media/preview.css; the harness adds a theme file). */
  styleUris: string[];
  /** Folder (with trailing slash) holding onnxruntime-web's wasm files (dist/media/ort/). */
  ortBaseUri: string;
  /** The ONNX model and its probes (media/model/...). */
  modelUri: string;
  evalUri: string;
  needlesUri: string;
  /** The reference measurements shipped beside the model (media/model/preview-reference.json). */
  referenceUri?: string;
  /** Extra boot data the script reads from the root element (must be JSON-serialisable). */
  boot?: Record<string, unknown>;
  title?: string;
}

/** The Content-Security-Policy of the view: nothing but our own origin, nonce scripts and wasm compilation. */
export function buildCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    // 'wasm-unsafe-eval' lets onnxruntime compile its wasm; no 'unsafe-eval', no inline script without the nonce.
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    // fetch() of the model, the probes and the .wasm files.
    `connect-src ${cspSource}`,
    `worker-src ${cspSource} blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

/** A fresh nonce from Web Crypto (present in Node 20 and browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function buildHtml(o: ShellOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('buildHtml: nonce must be at least 16 url-safe characters');
  const boot = JSON.stringify({
    ortBaseUri: o.ortBaseUri,
    modelUri: o.modelUri,
    evalUri: o.evalUri,
    needlesUri: o.needlesUri,
    ...(o.referenceUri ? { referenceUri: o.referenceUri } : {}),
    ...(o.boot ?? {}),
  });
  const styles = o.styleUris.map((u) => `    <link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildCsp(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeHtml(o.title ?? 'RoPE Lens preview')}</title>
  </head>
  <body>
    <div id="root" data-boot="${escapeHtml(boot)}"><p class="boot-msg">Loading RoPE Lens preview…</p></div>
    <script type="module" nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
  </body>
</html>
`;
}

// markdown-it ships no types; the tests use only its renderer (it comes with @vscode/vsce).
declare module 'markdown-it' {
  export default class MarkdownIt {
    constructor(options?: { html?: boolean; linkify?: boolean });
    render(src: string): string;
  }
}

// Markdown from data: every string that comes from a file, a setting or a flag goes through one of these before it
// is placed in hover, completion documentation or message markdown, so it renders as the text it is (no image
// fetched, no link, no `command:` URI, no HTML). The static docs around them stay markdown.

/** Longest user string shown; past it the text is cut with "…" (a hover is not a place for a megabyte). */
export const MAX_MARKDOWN_VALUE = 200;

function clean(text: string): string {
  // Line breaks and other control characters would end a code span or start a block (a blank line, a heading).
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
  const one = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return one.length > MAX_MARKDOWN_VALUE ? `${one.slice(0, MAX_MARKDOWN_VALUE)}…` : one;
}

/**
 * `text` as an inline code span: the fence is one backtick longer than the longest run inside, padded with spaces
 * when the text starts or ends with a backtick. Code spans are not parsed further (no links, images or HTML).
 */
export function mdCode(text: string): string {
  const t = clean(text);
  let longest = 0;
  for (const run of t.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t === '' || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/**
 * `text` as plain markdown prose: every ASCII punctuation character backslash-escaped (CommonMark allows it for all
 * of them), so no emphasis, link, image, autolink (`https\:`), HTML tag or entity can form.
 */
export function mdText(text: string): string {
  return clean(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * Text for a VS Code notification, which renders only `[label](link)` (command: links included): a `](` is split so
 * no link forms; everything else shows as written.
 */
export function notificationText(text: string): string {
  return clean(text).replace(/\]\s*\(/g, '] (');
}

// `ropelens.ignoredRules` globs, matched with picomatch one path segment at a time. A workspace's settings come from
// whoever wrote the repository, so the cost is bounded whatever the pattern: `**` runs are collapsed and handled by
// a linear pass over the path's segments, each other segment is one picomatch test on a string of at most 255
// characters with at most MAX_GLOB_STARS_PER_SEGMENT `*` runs and MAX_GLOB_BRACES_PER_SEGMENT `{…}` groups
// (backtracking grows as length^runs), and patterns
// past the limits match only the exact path they spell.
import picomatch from 'picomatch';
import { MAX_GLOB_BRACES_PER_SEGMENT, MAX_GLOB_LENGTH, MAX_GLOB_STARS_PER_SEGMENT, MAX_MATCHED_PATH_LENGTH } from '../core/limits';

/** Longest path segment (file or folder name) a glob segment is tested on: file systems stop at 255. */
const MAX_SEGMENT = 255;
const MAX_SEGMENTS = 64;
/** Extglobs (`+(a|aa)`) can backtrack without `*`; negation would turn "ignore here" into "ignore everywhere else". */
const OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, nonegate: true, windows: false };

type Segment = '**' | string | ((name: string) => boolean);
export type GlobMatcher = (path: string) => boolean;

/** A matcher for a '/'-separated glob (`*`, `**`, `?`, `[...]`, `{a,b}`), or undefined when it is past the limits. */
export function globMatcher(glob: string): GlobMatcher | undefined {
  if (glob.length === 0 || glob.length > MAX_GLOB_LENGTH) return undefined;
  // A brace group spanning folders cannot be split into segments.
  if (/\{[^}]*\/[^}]*\}/.test(glob)) return undefined;
  const parts: Segment[] = [];
  for (const s of glob.split('/')) {
    if (s === '**') {
      if (parts[parts.length - 1] !== '**') parts.push('**');
      continue;
    }
    if ((s.match(/\*+/g) ?? []).length > MAX_GLOB_STARS_PER_SEGMENT) return undefined;
    if ((s.match(/\{/g) ?? []).length > MAX_GLOB_BRACES_PER_SEGMENT) return undefined;
    if (!/[*?[\]{}\\()!+@]/.test(s)) parts.push(s);
    else {
      const re = picomatch.makeRe(s, OPTIONS);
      parts.push((name) => re.test(name));
    }
  }
  if (parts.length > MAX_SEGMENTS) return undefined;
  return (path) => matchSegments(parts, path);
}

/** reach[j]: the pattern so far matches the first j segments; one pass per pattern segment. */
function matchSegments(parts: readonly Segment[], path: string): boolean {
  if (path.length > MAX_MATCHED_PATH_LENGTH) return false;
  const names = path.split('/');
  if (names.some((n) => n.length > MAX_SEGMENT)) return false;
  const n = names.length;
  let reach = new Uint8Array(n + 1);
  reach[0] = 1;
  for (const part of parts) {
    const next = new Uint8Array(n + 1);
    if (part === '**') {
      let on = 0;
      for (let j = 0; j <= n; j++) {
        if (reach[j]) on = 1;
        next[j] = on;
      }
    } else {
      for (let j = 0; j < n; j++) {
        if (reach[j] && (typeof part === 'string' ? part === names[j] : part(names[j]!))) next[j + 1] = 1;
      }
    }
    reach = next;
  }
  return reach[n] === 1;
}

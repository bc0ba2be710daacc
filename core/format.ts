// One way to put a value from a user's file into a message: never JavaScript's defaults (`undefined`, `NaN`,
// `[object Object]`), always bounded, Python's spelling for special floats (the engines are Python). And lookups
// keyed by a user's key that see only own properties (`__proto__`, `constructor` are ordinary keys here).

/** Longest rendering of one value in a message. */
export const VALUE_MAX_CHARS = 80;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** A value as a message shows it: numbers as Python prints them, strings quoted, containers abbreviated. */
export function formatValue(v: unknown, max = VALUE_MAX_CHARS): string {
  switch (typeof v) {
    case 'number':
      return num(v);
    case 'string':
      return clip(JSON.stringify(v), max);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return clip(v.toString(), max);
    case 'undefined':
      return 'no value';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        const parts: string[] = [];
        let len = 2;
        for (const x of v) {
          const s = formatValue(x, max);
          if (len + s.length > max) {
            parts.push(`… ${v.length - parts.length} more`);
            break;
          }
          parts.push(s);
          len += s.length + 2;
        }
        return `[${parts.join(', ')}]`;
      }
      const keys = Object.keys(v);
      const parts: string[] = [];
      let len = 2;
      for (const k of keys) {
        const s = `${JSON.stringify(k)}: ${formatValue((v as Record<string, unknown>)[k], max)}`;
        if (len + s.length > max) {
          parts.push(`… ${keys.length - parts.length} more`);
          break;
        }
        parts.push(s);
        len += s.length + 2;
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return 'a value';
  }
}

/** A value the parser could not read as a literal (a variable, a call): its source text, abbreviated. */
export function formatSource(text: string, max = VALUE_MAX_CHARS): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one ? `\`${clip(one, max)}\`` : 'no value';
}

/** A lookup table that answers only for its own keys: `t["__proto__"]`, `t["toString"]` are undefined. */
export function ownTable<V>(entries: Record<string, V>): Record<string, V> {
  return Object.assign(Object.create(null) as Record<string, V>, entries);
}

/** `o[k]` when `k` is o's own key. */
export function own<V>(o: Readonly<Record<string, V>>, k: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/** `o[k] = v` that makes an own property for any key (assignment to `__proto__` would set the prototype). */
export function setOwn<V>(o: Record<string, V>, k: string, v: V): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

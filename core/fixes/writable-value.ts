// The one check every writer makes before it writes a value into a file: a fix never proposes a value that is not
// valid for its key (a NaN from arithmetic on odd input, a zero length, "undefined" as a rope type). A writer
// answers no edit for such a value, and a fix without edits is not offered.

/** Keys whose value must be a positive number. */
const POSITIVE = new Set([
  'factor', 'original_max_position_embeddings', 'max_position_embeddings', 'rope_theta', 'beta_fast', 'beta_slow',
  'attention_factor', 'low_freq_factor', 'high_freq_factor', 'mscale', 'mscale_all_dim', 'head_dim',
  'hidden_size', 'num_attention_heads', 'partial_rotary_factor',
]);
/** Keys whose value is a whole number of tokens or units. */
const INTEGER = new Set(['original_max_position_embeddings', 'max_position_embeddings', 'head_dim', 'hidden_size', 'num_attention_heads']);
const TYPE_KEYS = new Set(['rope_type', 'type']);

export function writableValue(key: string, value: unknown): boolean {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return false;
      if (POSITIVE.has(key) && !(value > 0)) return false;
      return !INTEGER.has(key) || Number.isInteger(value);
    case 'string':
      return !TYPE_KEYS.has(key) || /^[a-z][a-z0-9_]*$/.test(value) && !['nan', 'undefined', 'null'].includes(value);
    case 'boolean':
      return !POSITIVE.has(key) && !TYPE_KEYS.has(key);
    case 'object':
      if (value === null) return false;
      if (Array.isArray(value)) return value.every((x) => typeof x === 'number' ? Number.isFinite(x) : writableValue('', x));
      return Object.values(value).every((x) => x === null || writableValue('', x));
    default:
      return false;
  }
}

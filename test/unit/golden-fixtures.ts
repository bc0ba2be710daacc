// The golden cases (numbers from running transformers' own rope code; see test/fixtures/golden/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GoldenCase {
  id: string;
  transformers: string;
  rope_type: string;
  config: Record<string, unknown>;
  seq_len: number | null;
  rope_dim: number;
  inv_freq: number[];
  attention_factor: number;
}

export const GOLDEN_VERSIONS = ['4.45.0', '4.57.0', '5.15.0'] as const;

export function loadGolden(version: string): GoldenCase[] {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'golden');
  return JSON.parse(readFileSync(join(dir, `inv_freq_v${version}.json`), 'utf8')) as GoldenCase[];
}

// Reading numbers out of parsed values: a finite number or nothing (NaN, Infinity, strings and the rest are nothing).
import type { ContextValue } from './model';

export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

export function ctxNum(v: ContextValue | undefined): number | undefined {
  return num(v?.value);
}

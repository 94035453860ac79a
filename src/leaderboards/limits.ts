import { validationFailed } from '../common/domain-error';

/** Parses a numeric query parameter already shape-checked by its DTO. */
export function parseLimit(
  raw: string | undefined,
  fallback: number,
  max: number,
  min = 1,
  field = 'limit',
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw validationFailed(field, `must be an integer ${min}..${max}`);
  }
  return n;
}

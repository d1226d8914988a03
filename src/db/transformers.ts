/**
 * Column transformers for 64-bit integers. PostgreSQL returns `bigint` as a string and SQLite as
 * a number; both are converted with a range check, never with a blind `Number()`.
 */
import type { ValueTransformer } from 'typeorm';

/** Converts a stored 64-bit integer to a JS number, refusing anything outside +-(2^53 - 1). */
export function toSafeInteger(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) {
    return Number(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const big = BigInt(value);
    if (big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(big);
  }
  throw new RangeError('stored integer is outside the safe range');
}

export const safeBigint: ValueTransformer = {
  to: (value: unknown) => {
    if (value === null || value === undefined || typeof value === 'object') return value;
    return toSafeInteger(value);
  },
  from: (value: unknown) => (value === null || value === undefined ? value : toSafeInteger(value)),
};

/** Timestamps as epoch milliseconds in a `bigint`: portable between SQLite and PostgreSQL and exact. */
export const epochMillis: ValueTransformer = {
  to: (value: unknown) => (value instanceof Date ? value.getTime() : value),
  from: (value: unknown) => (value === null || value === undefined ? value : new Date(toSafeInteger(value))),
};

/** Text checks shared by input validation. */

/**
 * Control characters (C0, DEL, C1), bidirectional embeddings, overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069: they make text display in another order than it is stored,
 * e.g. "Trojan Source", CVE-2021-42574), or a lone UTF-16 surrogate. The implicit marks U+200E,
 * U+200F and U+061C stay allowed: they only set the direction of neighbouring neutral characters,
 * cannot reorder a whole run, and Arabic text with digits or Latin needs them.
 */
export function hasControlOrBrokenText(value: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(value) || !value.isWellFormed();
}

/** Keys that could pollute prototypes when a JSON object is merged or copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonLimits {
  /** Nesting of objects/arrays; a flat object is 1. */
  maxDepth: number;
  /** Keys and array items at all levels together. */
  maxEntries: number;
}

export type JsonProblem = 'too-deep' | 'too-many-entries' | 'forbidden-key' | 'unsafe-number';

/**
 * The first way a parsed JSON value breaks the limits, or null. The walk is iterative and stops
 * at the first problem, so a value nested thousands of levels deep costs neither stack nor time:
 * run it before anything recursive (JSON.stringify, canonical JSON for hashing) sees the value.
 *
 * Numbers must be finite and within +-(2^53 - 1): JSON's `1e400` parses to Infinity, which
 * JSON.stringify then writes as null, and a bigger integer has already been rounded by the parser
 * (12345678901234567890 arrives as ...7000), so storing either would silently change the data.
 * This also refuses big floats such as 1e300; such values (or exact big ids) belong in strings.
 */
export function jsonProblem(value: unknown, limits: JsonLimits): JsonProblem | null {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let entries = 0;
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (typeof item.value === 'number') {
      if (!(Math.abs(item.value) <= Number.MAX_SAFE_INTEGER)) return 'unsafe-number';
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= limits.maxDepth) return 'too-deep';
    for (const [key, child] of Object.entries(item.value)) {
      if (++entries > limits.maxEntries) return 'too-many-entries';
      if (FORBIDDEN_KEYS.has(key)) return 'forbidden-key';
      pending.push({ value: child, depth: item.depth + 1 });
    }
  }
  return null;
}

/** Text checks shared by input validation. */

/** Control characters (C0, DEL, C1) or a lone UTF-16 surrogate. */
export function hasControlOrBrokenText(value: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(value) || !value.isWellFormed();
}

/** Keys that could pollute prototypes when a JSON object is merged or copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Depth of nested objects/arrays (a flat object is 1), or Infinity when a forbidden key is found. */
export function jsonDepth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return Infinity;
    deepest = Math.max(deepest, jsonDepth((value as Record<string, unknown>)[key]));
  }
  return deepest + 1;
}

/**
 * The kinds of setting the environment holds, each a zod schema from the variable's text to its
 * value. Blank or absent means unset: the default applies (`undefined` when the default depends on
 * other keys and `loadConfig` works it out). A bad value becomes a zod issue whose message is what
 * follows the key: `PORT` + ` must be a whole number ...`, or, for one item of a list,
 * `ALLOWED_CURRENCIES` + `: "usd" is not ...`. zod's own messages are not used because an operator
 * should read what the value must be, and what was given.
 */
import { z } from 'zod';

/** Reports one problem with the text being parsed; the parse then fails whatever it returns. */
type Report = (message: string) => void;

/** One setting: `parse` turns the trimmed, non-blank text into the value, calling `report` when it cannot. */
export function setting<T, D extends T | undefined>(fallback: D, parse: (text: string, report: Report) => T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | D => {
      const text = raw?.trim() ?? '';
      if (text === '') return fallback;
      let failed = false;
      const value = parse(text, (message) => {
        failed = true;
        ctx.issues.push({ code: 'custom', input: raw, message });
      });
      return failed ? z.NEVER : value;
    });
}

export function text<D extends string | undefined = undefined>(fallback?: D) {
  return setting(fallback as D, (value) => value);
}

/** A whole number within bounds (at most 2^53 - 1). */
export function int<D extends number | undefined = undefined>(min: number, max: number, fallback?: D) {
  return setting(fallback as D, (value, report) => {
    const number = Number(value);
    if (/^\d+$/.test(value) && Number.isSafeInteger(number) && number >= min && number <= max) return number;
    report(`must be a whole number from ${min} to ${max} (got "${value}")`);
    return 0;
  });
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export function bool<D extends boolean | undefined = undefined>(fallback?: D) {
  return setting(fallback as D, (value, report) => {
    const word = value.toLowerCase();
    if (!TRUE.includes(word) && !FALSE.includes(word)) report(`must be true or false (got "${word}")`);
    return TRUE.includes(word);
  });
}

export function oneOf<const V extends readonly [string, ...string[]], D extends V[number] | undefined = undefined>(
  values: V,
  fallback?: D,
) {
  const allowed = z.enum(values);
  return setting(fallback as D, (value, report): V[number] => {
    if (!allowed.safeParse(value).success) report(`must be one of ${values.join(', ')} (got "${value}")`);
    return value;
  });
}

/** An absolute http(s) URL, without trailing slashes (paths are appended to it). */
export function httpUrl(fallback: string) {
  return setting(fallback, (value, report) => {
    if (!z.url({ protocol: /^https?$/ }).safeParse(value).success) report(`must be an absolute http(s) URL (got "${value}")`);
    return value.replace(/\/+$/, '');
  });
}

/** An absolute URL with one of `schemes` (e.g. `redis`), or undefined when unset. */
export function urlOf(schemes: readonly string[]) {
  const schema = z.url({ protocol: new RegExp(`^(${schemes.join('|')})$`) });
  return setting(undefined, (value, report) => {
    if (!schema.safeParse(value).success) report(`must be a ${schemes.map((scheme) => `${scheme}:`).join(' or ')} URL`);
    return value;
  });
}

/** A comma-separated list (items trimmed, blank items dropped); `item` parses each one, reporting what is wrong with it. */
export function list<T, D extends T[] | undefined = undefined>(item: (value: string, report: Report) => T, fallback?: D) {
  return setting(fallback as D, (value, report) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => item(part, (message) => report(`: "${part}" ${message}`))),
  );
}

export const anyItem = (value: string): string => value;

/** `https://Shop.example:443/` -> `https://shop.example`; null when it is not a bare http(s) origin. */
export function normaliseOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** Exact origins, normalised; `*` kept as it is when `wildcard` allows it. */
export function origins(wildcard: boolean) {
  return list((value, report) => {
    if (wildcard && value === '*') return value;
    const origin = normaliseOrigin(value);
    if (origin === null) report('is not an origin like https://shop.example');
    return origin ?? value;
  }, [] as string[]);
}

/** An HTTP field name (RFC 9110 `token`): what a browser may list in Access-Control-Request-Headers. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Header names, lower-cased and without repeats; `*` is refused (it means nothing with credentials). */
export function headerNames() {
  return list((value, report) => {
    const name = value.toLowerCase();
    if (name === '*') report('is not allowed: list the header names');
    else if (!HEADER_NAME.test(name)) report('is not an HTTP header name like x-shop-session');
    return name;
  }, [] as string[]).transform((names) => [...new Set(names)]);
}

export type DatabaseConfig = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

/** `sqlite:<file>` (or `file:`) or `postgres://...`. */
export function databaseUrl(fallbackFile: string) {
  return setting<DatabaseConfig, DatabaseConfig>({ kind: 'sqlite', file: fallbackFile }, (value, report) => {
    if (/^postgres(ql)?:\/\//.test(value)) {
      if (!URL.canParse(value)) report('is not a valid postgres:// URL');
      return { kind: 'postgres', url: value };
    }
    const file = value.replace(/^(sqlite|file):(\/\/)?/, '');
    if (file === value) report('must start with sqlite:, file: or postgres://');
    else if (file === '') report('names no SQLite file (use sqlite:./data/bff.sqlite)');
    return { kind: 'sqlite', file };
  });
}

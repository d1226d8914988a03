/**
 * Money for people: minor units to an exact decimal string and a localised display, using the
 * currency's ISO 4217 exponent. Never through floating point, so amounts beyond 2^31 (or 2^53's
 * neighbours) stay exact.
 */
import { LRUCache } from 'lru-cache';
import { badInput } from '../../common/errors';

/** ISO 4217 minor-unit exponents that are not 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** `3000000000` SYP -> `"30000000.00"`; `1234` KWD -> `"1.234"`; `500` JPY -> `"500"`. */
export function toDecimalString(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits)) throw new RangeError('amount must be a safe integer');
  const exponent = currencyExponent(currency);
  const digits = BigInt(minorUnits < 0 ? -minorUnits : minorUnits)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${minorUnits < 0 ? '-' : ''}${whole}${fraction}`;
}

/** Whether `locale` is a well-formed BCP 47 tag that Intl supports. */
export function isSupportedLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1 && Intl.NumberFormat.supportedLocalesOf(locale).length === 1;
  } catch {
    return false;
  }
}

/**
 * Formatters by locale and currency, and locales known to be supported: building an
 * Intl.NumberFormat and asking ICU about a locale cost more than the rest of a read (a profile of
 * the client's `Payment` read: ~9 %). Bounded in entries (keys are at most 35 + 3 characters, so
 * in bytes too); a client sending many locales only evicts its own.
 */
const FORMATTERS = new LRUCache<string, Intl.NumberFormat>({ max: 512 });
const LOCALES = new LRUCache<string, boolean>({ max: 512 });

/**
 * `3000000000` SYP in `en-US` -> `"SYP 30,000,000.00"`. Intl formats the decimal string exactly
 * (no conversion to a double) with exactly the currency's exponent digits.
 */
export function formatAmount(minorUnits: number, currency: string, locale: string): string {
  const key = `${locale}\u0000${currency}`;
  let format = FORMATTERS.get(key);
  if (format === undefined) {
    const exponent = currencyExponent(currency);
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    FORMATTERS.set(key, format);
  }
  return format.format(toDecimalString(minorUnits, currency) as unknown as number);
}

/** The display string for a GraphQL client; an unknown locale is BAD_USER_INPUT on `locale`. */
export function displayAmount(minorUnits: number, currency: string, locale: string): string {
  if (locale.length > 35) throw badInput('locale', 'locale must be a supported BCP 47 language tag, e.g. en-US');
  let supported = LOCALES.get(locale);
  if (supported === undefined) {
    supported = isSupportedLocale(locale);
    LOCALES.set(locale, supported);
  }
  if (!supported) throw badInput('locale', 'locale must be a supported BCP 47 language tag, e.g. en-US');
  return formatAmount(minorUnits, currency, locale);
}

/**
 * Asks ICU its first questions before any request does: the first locale check and formatter of a
 * process loaded ICU's data inside a client's read (16 % of a 282 ms event-loop turn in the first
 * seconds of a soak under load). The default locale, and the example checkout's.
 */
export function warmAmountFormats(locales: readonly string[] = ['en-US', 'ar-SY']): void {
  for (const locale of locales) displayAmount(0, 'SYP', locale);
}

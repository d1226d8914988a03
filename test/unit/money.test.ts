import { currencyExponent, displayAmount, formatAmount, toDecimalString } from '../../src/payments/core/money';

describe('money for people', () => {
  it.each([
    ['JPY', 0, 500, '500', '¥500'],
    ['USD', 2, 10098, '100.98', '$100.98'],
    ['SYP', 2, 3_000_000_000, '30000000.00', 'SYP 30,000,000.00'],
    ['KWD', 3, 1234, '1.234', 'KWD 1.234'],
  ])('uses the ISO 4217 exponent of %s (%i)', (currency, exponent, minor, decimal, display) => {
    expect(currencyExponent(currency)).toBe(exponent);
    expect(toDecimalString(minor, currency)).toBe(decimal);
    expect(formatAmount(minor, currency, 'en-US').replace(/\u00a0/g, ' ')).toBe(display);
  });

  it('stays exact far beyond 2^31, where a double would round the last digit', () => {
    expect(toDecimalString(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91');
    expect(formatAmount(Number.MAX_SAFE_INTEGER, 'USD', 'en-US')).toBe('$90,071,992,547,409.91');
    expect(formatAmount(2 ** 31 + 1, 'JPY', 'en-US')).toBe('¥2,147,483,649');
  });

  it('pads small amounts and keeps the sign', () => {
    expect(toDecimalString(5, 'KWD')).toBe('0.005');
    expect(toDecimalString(-5, 'USD')).toBe('-0.05');
  });

  it('formats for the requested locale', () => {
    expect(formatAmount(123456, 'EUR', 'de-DE').replace(/\u00a0/g, ' ')).toBe('1.234,56 €');
    expect(formatAmount(3_000_000_000, 'TRY', 'tr-TR')).toMatch(/30\.000\.000,00/);
  });

  it('refuses an unknown locale as BAD_USER_INPUT on locale', () => {
    expect(() => displayAmount(1, 'USD', 'not a locale!')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', extensions: { field: 'locale' } }),
    );
  });
});

describe('warmAmountFormats', () => {
  it("asks ICU its first questions at start: afterwards a read in the default or the example's locale asks ICU nothing", () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const money = require('../../src/payments/core/money') as typeof import('../../src/payments/core/money');
      money.warmAmountFormats();
      const asked = jest.spyOn(Intl.NumberFormat, 'supportedLocalesOf');
      try {
        expect(money.displayAmount(12_000_000, 'SYP', 'en-US').replace(/\u00a0/g, ' ')).toBe('SYP 120,000.00');
        expect(money.displayAmount(12_000_000, 'SYP', 'ar-SY')).toMatch(/\u0644\.\u0633\.?/);
        expect(asked).not.toHaveBeenCalled();
        // A locale not warmed is asked about, as before.
        money.displayAmount(100, 'SYP', 'tr-TR');
        expect(asked).toHaveBeenCalled();
      } finally {
        asked.mockRestore();
      }
    });
  });
});

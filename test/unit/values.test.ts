import { toSafeInteger } from '../../src/db/transformers';
import { coercionField } from '../../src/graphql/format-error';
import { PaymentPolicy } from '../../src/payments/payment-policy';
import { paymentPageUrl, returnUrlFor } from '../../src/payments/payment.mapper';

describe('64-bit integer columns', () => {
  it('converts PostgreSQL bigint strings exactly and refuses anything beyond 2^53 - 1', () => {
    expect(toSafeInteger('3000000000')).toBe(3_000_000_000);
    expect(toSafeInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toSafeInteger('9007199254740992')).toThrow(RangeError);
    expect(() => toSafeInteger(2 ** 53)).toThrow(RangeError);
    expect(() => toSafeInteger('12abc')).toThrow(RangeError);
  });
});

describe('redirect policy', () => {
  const policy = (origins: string[] = []) =>
    new PaymentPolicy({ redirectOrigins: origins, currencies: ['USD'], maxAmount: 100, statusTtlMs: 0, paidStatusTtlMs: 0 });

  it('allows any localhost port when no origins are configured (development)', () => {
    expect(policy().isAllowedRedirect('http://localhost:5173/return')).toBe(true);
    expect(policy().isAllowedRedirect('http://127.0.0.1:3000/')).toBe(true);
    expect(policy().isAllowedRedirect('http://localhost.evil.example/')).toBe(false);
  });

  it('compares the exact origin after parsing', () => {
    const p = policy(['https://shop.example']);
    expect(p.isAllowedRedirect('https://shop.example/done?x=1')).toBe(true);
    expect(p.isAllowedRedirect('https://shop.example.evil.example/')).toBe(false);
    expect(p.isAllowedRedirect('http://shop.example/')).toBe(false);
    expect(p.isAllowedRedirect('https://user@shop.example/')).toBe(false);
    expect(p.isAllowedRedirect('https:\\\\evil.example')).toBe(false);
    expect(p.isAllowedRedirect('data:text/html,hi')).toBe(false);
  });
});

describe('payment page URL', () => {
  it('follows the documented format and keeps the return URL query intact', () => {
    const returnUrl = returnUrlFor('https://shop.example/back?order=7&x=a%20b', 'ref-1');
    expect(returnUrl).toBe('https://shop.example/back?order=7&x=a+b&cashii_ref=ref-1');
    const page = new URL(paymentPageUrl('https://cashii.app/payment', '1234567890123456', returnUrl));
    expect(page.searchParams.get('code')).toBe('1234567890123456');
    expect(page.searchParams.get('redirect')).toBe(returnUrl);
  });
});

describe('coercion error field', () => {
  it.each([
    ['Variable "$input" got invalid value 10.5 at "input.amount"; SafeInt cannot represent non-integer value: 10.5', 'amount'],
    ['Variable "$input" got invalid value {}; Field "amount" of required type "SafeInt!" was not provided.', 'amount'],
    ['Field "CreateRemotePaymentInput.redirectUrl" of required type "String!" was not provided.', 'redirectUrl'],
    ['Variable "$id" of required type "ID!" was not provided.', 'id'],
  ])('finds the field in %s', (message, field) => expect(coercionField(message)).toBe(field));
});

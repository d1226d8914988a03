import { sleep } from '../../src/common/clock';
import { toSafeInteger } from '../../src/db/transformers';
import { coercionField } from '../../src/graphql/format-error';
import { redactBody } from '../../src/payments/core/describe-error';
import { MEMORY_STORE_BYTES, MemoryRateLimitStore } from '../../src/rate-limit/rate-limiter';
import { clientAddress } from '../../src/http/client-address';
import { PaymentPolicy } from '../../src/payments/core/payment-policy';
import { paymentPageUrl, returnUrlFor } from '../../src/payments/core/payment-view';

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

describe('upstream bodies in logs', () => {
  it('are cut short and lose anything key- or token-like', () => {
    const body = JSON.stringify({ error: 'bad', api_key: 'sk_live_abcdefghijkl', note: 'Bearer abc.def.ghi', echo: 'sk_test_1234567890' });
    const logged = redactBody(body)!;
    expect(logged).not.toMatch(/sk_live_abcdefghijkl|abc\.def\.ghi|sk_test_1234567890/);
    expect(logged).toContain('"error":"bad"');
    expect(redactBody('x'.repeat(1000))).toHaveLength(300);
  });
});

describe('client address for rate limits', () => {
  const req = (xff: string | undefined) => ({ headers: { 'x-forwarded-for': xff }, socket: { remoteAddress: '10.0.0.9' } }) as never;

  it('takes the entry the trusted proxy appended (the last), not what the client wrote', () => {
    expect(clientAddress(req('6.6.6.6, 203.0.113.7'), true)).toBe('203.0.113.7');
    expect(clientAddress(req('203.0.113.7'), true)).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For without a trusted proxy', () => {
    expect(clientAddress(req('6.6.6.6'), false)).toBe('10.0.0.9');
  });
});

describe('in-memory rate limit windows', () => {
  it('count per key within a window and start over after it', async () => {
    const store = new MemoryRateLimitStore();
    const first = await store.hit('a', 40);
    expect(first.count).toBe(1);
    expect((await store.hit('a', 40)).count).toBe(2);
    expect((await store.hit('b', 40)).count).toBe(1);
    await sleep(first.resetMs + 5);
    expect((await store.hit('a', 40)).count).toBe(1);
    await store.close();
  });

  it('stay within their byte budget however many keys arrive, the oldest dropped first', async () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 60_000; i++) await store.hit(`k${i}`, 60_000);
    const held = store.held();
    expect(held.bytes).toBeLessThanOrEqual(MEMORY_STORE_BYTES);
    expect(held.entries).toBeGreaterThan(40_000);
    expect(held.entries).toBeLessThan(60_000);
    // The newest key still counts from its own window; the oldest was dropped (from its limiter too), so it starts over.
    expect((await store.hit('k59999', 60_000)).count).toBe(2);
    expect((await store.hit('k0', 60_000)).count).toBe(1);
    await store.close();
    expect(store.held()).toEqual({ entries: 0, bytes: 0 });
  });
});

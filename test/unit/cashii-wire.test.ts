import {
  ACCOUNT_MAX_DIGITS,
  RAW_STATUS_MAX_LENGTH,
  WireFormatError,
  parseCreated,
  parseSnapshot,
  toCreateBody,
} from '../../src/cashii/wire';
import { parseRetryAfter } from '../../src/cashii/client';

describe('Cashii wire format', () => {
  it('unwraps the data envelope of a create and keeps the id as a string', () => {
    expect(parseCreated({ data: { id: '0123456789012345' } })).toBe('0123456789012345');
  });

  it('accepts a numeric id only while it is exact', () => {
    expect(parseCreated({ data: { id: 1234567890123456 } })).toBe('1234567890123456');
    // 9007199254740993 has already been rounded to ...992 by JSON.parse: it must not be stored.
    expect(() => parseCreated(JSON.parse('{"data":{"id":9007199254740993}}'))).toThrow(WireFormatError);
    expect(() => parseCreated({ data: { id: 123 } })).toThrow(WireFormatError);
  });

  it('rejects an answer without the data envelope', () => {
    expect(() => parseCreated({ id: '1234567890123456' })).toThrow(WireFormatError);
    expect(() => parseSnapshot(null)).toThrow(WireFormatError);
  });

  it('maps payable_to to payableTo in both directions and accepts numeric accounts', () => {
    expect(toCreateBody({ amount: 5, currency: 'USD', payableTo: '1111222233334444' })).toEqual({
      amount: 5,
      currency: 'USD',
      payable_to: '1111222233334444',
    });
    const snapshot = parseSnapshot({
      data: {
        id: '1234567890123456',
        amount: 5,
        currency: 'USD',
        status: 'paid',
        from: 1111222233334444,
        to: '1000000000000001',
        payable_to: '1111222233334444',
        extra: true,
      },
    });
    expect(snapshot).toMatchObject({ status: 'paid', from: '1111222233334444', payableTo: '1111222233334444' });
  });

  it('keeps an unknown status raw instead of failing the whole answer', () => {
    const snapshot = parseSnapshot({ data: { id: '1234567890123456', status: 'expired' } });
    expect(snapshot.status).toBeNull();
    expect(snapshot.rawStatus).toBe('expired');
  });

  it('keeps an unknown status of any length bounded: cut to 32 characters with an ellipsis, control characters replaced', () => {
    const long = 'awaiting_issuer_' + 'x'.repeat(40);
    const snapshot = parseSnapshot({ data: { id: '1234567890123456', status: long } });
    expect(snapshot.status).toBeNull();
    expect(snapshot.rawStatus).toBe(`${long.slice(0, RAW_STATUS_MAX_LENGTH - 1)}\u2026`);
    expect(Array.from(snapshot.rawStatus!)).toHaveLength(RAW_STATUS_MAX_LENGTH);
    // Cut by characters, never inside one (an emoji is two UTF-16 units).
    const emoji = parseSnapshot({ data: { id: '1234567890123456', status: '\u{1F600}'.repeat(40) } }).rawStatus!;
    expect(Array.from(emoji)).toEqual([...Array<string>(RAW_STATUS_MAX_LENGTH - 1).fill('\u{1F600}'), '\u2026']);
    expect(parseSnapshot({ data: { id: '1234567890123456', status: 'pa\u0000id' } }).rawStatus).toBe('pa\ufffdid');
    // A known status is known as sent, and kept as it is.
    expect(parseSnapshot({ data: { id: '1234567890123456', status: 'paid' } })).toMatchObject({ status: 'paid', rawStatus: 'paid' });
  });

  it('refuses an account number longer than 32 digits as a malformed answer', () => {
    for (const field of ['from', 'to', 'payable_to']) {
      expect(() =>
        parseSnapshot({ data: { id: '1234567890123456', status: 'paid', [field]: '1'.repeat(ACCOUNT_MAX_DIGITS + 1) } }),
      ).toThrow(WireFormatError);
      expect(parseSnapshot({ data: { id: '1234567890123456', status: 'paid', [field]: '1'.repeat(ACCOUNT_MAX_DIGITS) } })).toBeTruthy();
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

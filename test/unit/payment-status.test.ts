import { PaymentStatus as S, canTransition, isFinal, pathBetween } from '../../src/payments/core/payment-status';

describe('payment state machine', () => {
  it.each([
    [S.PENDING, S.PAID],
    [S.PENDING, S.CANCELED],
    [S.PENDING, S.REJECTED],
    [S.PAID, S.REFUNDED],
  ])('allows %s -> %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each([
    [S.PAID, S.PENDING],
    [S.CANCELED, S.PAID],
    [S.REJECTED, S.PAID],
    [S.REFUNDED, S.PAID],
    [S.PENDING, S.REFUNDED],
    [S.PAID, S.PAID],
  ])('refuses %s -> %s', (from, to) => expect(canTransition(from, to)).toBe(false));

  it('walks PENDING -> PAID -> REFUNDED when Cashii already reports a refund', () => {
    expect(pathBetween(S.PENDING, S.REFUNDED)).toEqual([S.PAID, S.REFUNDED]);
    expect(pathBetween(S.PAID, S.PENDING)).toBeNull();
    expect(pathBetween(S.CANCELED, S.CANCELED)).toEqual([]);
  });

  it('treats canceled, rejected and refunded as final, and paid as still refundable', () => {
    expect([S.PENDING, S.PAID, S.CANCELED, S.REJECTED, S.REFUNDED].map(isFinal)).toEqual([false, false, true, true, true]);
  });
});

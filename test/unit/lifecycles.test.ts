/** The create and review lifecycles are tables: every step they allow, and only those, can be written. */
import { CreateState, canStepCreate, createStepsInto } from '../../src/payments/store/create-lifecycle';
import { PaymentOrder } from '../../src/payments/store/payment-entity';
import { PaymentStatus, ReviewReason } from '../../src/payments/store/payment-values';
import {
  ReviewState,
  assertReviewStep,
  canStepReview,
  hasOpenReview,
  inReviewQueue,
  queueReasonOf,
  reviewStateOf,
} from '../../src/payments/store/review-lifecycle';

const { SENDING, CREATED, FAILED, UNKNOWN } = CreateState;

describe('the create lifecycle', () => {
  it.each([
    [SENDING, [CREATED, FAILED, UNKNOWN]],
    [FAILED, [SENDING, CREATED]],
    [UNKNOWN, [SENDING, CREATED]],
    [CREATED, []],
  ])('lets %s step to exactly %j', (from, allowed) => {
    for (const to of Object.values(CreateState)) expect(canStepCreate(from, to)).toBe(allowed.includes(to));
  });

  it('records Cashii id from any open create, and never leaves CREATED', () => {
    expect(createStepsInto(CREATED).sort()).toEqual([FAILED, SENDING, UNKNOWN]);
    expect(createStepsInto(SENDING).sort()).toEqual([FAILED, UNKNOWN]);
    expect(Object.values(CreateState).filter((to) => canStepCreate(CREATED, to))).toEqual([]);
  });

  it('refuses a write that names a step the table does not have', () => {
    expect(createStepsInto(UNKNOWN, [SENDING])).toEqual([SENDING]);
    expect(() => createStepsInto(SENDING, [CREATED])).toThrow('illegal create step CREATED -> SENDING');
    expect(() => createStepsInto(FAILED, [UNKNOWN])).toThrow('illegal create step UNKNOWN -> FAILED');
  });
});

function record(overrides: Partial<PaymentOrder>): PaymentOrder {
  return Object.assign(new PaymentOrder(), {
    id: 'r-1',
    createState: CREATED,
    status: PaymentStatus.PENDING,
    updatedAt: new Date(1_000),
    ...overrides,
  });
}

describe('the review lifecycle', () => {
  it('opens, resolves and reopens, and nothing else', () => {
    const steps = Object.values(ReviewState).flatMap((from) =>
      Object.values(ReviewState)
        .filter((to) => canStepReview(from, to))
        .map((to) => `${from}->${to}`),
    );
    expect(steps).toEqual(['NONE->OPEN', 'OPEN->RESOLVED', 'RESOLVED->OPEN']);
    expect(() => assertReviewStep(ReviewState.NONE, ReviewState.RESOLVED)).toThrow('illegal review step NONE -> RESOLVED');
  });

  it('reads the state from the stored columns', () => {
    expect(reviewStateOf(record({}))).toBe(ReviewState.NONE);
    expect(reviewStateOf(record({ reviewCode: ReviewReason.STATUS_CONFLICT }))).toBe(ReviewState.OPEN);
    expect(reviewStateOf(record({ reviewCode: ReviewReason.STATUS_CONFLICT, reviewResolvedAt: new Date() }))).toBe(ReviewState.RESOLVED);
    expect(hasOpenReview(record({ reviewCode: ReviewReason.AMOUNT_MISMATCH }))).toBe(true);
  });

  it('queues open reviews, stale pending payments and old unknown creates, each with its reason, and nothing resolved', () => {
    const cutoff = new Date(2_000);
    const cases: Array<[Partial<PaymentOrder>, ReviewReason | null]> = [
      [{}, null],
      [{ reviewCode: ReviewReason.SUPERSEDED_PAID, status: PaymentStatus.PAID }, ReviewReason.SUPERSEDED_PAID],
      [{ reviewCode: ReviewReason.SUPERSEDED_PAID, reviewResolvedAt: new Date() }, null],
      [{ staleAt: new Date() }, ReviewReason.STALE],
      [{ staleAt: new Date(), status: PaymentStatus.PAID }, null],
      [{ staleAt: new Date(), reviewResolvedAt: new Date() }, null],
      [{ createState: UNKNOWN, updatedAt: new Date(1_000) }, ReviewReason.UNKNOWN_CREATE],
      [{ createState: UNKNOWN, updatedAt: new Date(3_000) }, null],
      [{ createState: FAILED, updatedAt: new Date(1_000) }, null],
    ];
    for (const [overrides, reason] of cases) {
      const queued = record(overrides);
      expect({ overrides, reason: inReviewQueue(queued, cutoff) ? queueReasonOf(queued) : null }).toEqual({ overrides, reason });
    }
  });
});

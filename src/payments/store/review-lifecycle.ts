/**
 * Whether a payment waits for a person, as data. A stored review is NONE (never flagged), OPEN
 * (flagged, `reviewCode` set) or RESOLVED (an operator closed it); `REVIEW_STEPS` says how it may
 * move, and the repository's two review writes (flag, resolve) go through `assertReviewStep`.
 * The back office's queue also holds states read from other columns (a pending payment marked
 * stale, a create left UNKNOWN past the deadline): `inReviewQueue` and `QUEUE_CONDITIONS` are the
 * one rule for it, in code and in SQL side by side.
 */
import { CreateState, PaymentStatus, ReviewReason } from './payment-values';
import type { PaymentOrder } from './payment-entity';

export enum ReviewState {
  NONE = 'NONE',
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

const REVIEW_STEPS: Readonly<Record<ReviewState, readonly ReviewState[]>> = {
  [ReviewState.NONE]: [ReviewState.OPEN],
  // An operator closes it (one wins under concurrency).
  [ReviewState.OPEN]: [ReviewState.RESOLVED],
  // A new disagreement after a resolution opens a new review (the history keeps both).
  [ReviewState.RESOLVED]: [ReviewState.OPEN],
};

type Reviewed = Pick<PaymentOrder, 'reviewCode' | 'reviewResolvedAt'>;

export function reviewStateOf(record: Reviewed): ReviewState {
  if (record.reviewResolvedAt !== null) return ReviewState.RESOLVED;
  return record.reviewCode !== null ? ReviewState.OPEN : ReviewState.NONE;
}

export function canStepReview(from: ReviewState, to: ReviewState): boolean {
  return REVIEW_STEPS[from].includes(to);
}

/** Throws unless `from -> to` is a legal review step: a bug, never an input error. */
export function assertReviewStep(from: ReviewState, to: ReviewState): void {
  if (!canStepReview(from, to)) throw new Error(`illegal review step ${from} -> ${to}`);
}

/** Flagged for a person and not resolved yet (the payment is then not treated as settled, nor polled). */
export function hasOpenReview(record: Reviewed): boolean {
  return reviewStateOf(record) === ReviewState.OPEN;
}

type Queued = Reviewed & Pick<PaymentOrder, 'status' | 'staleAt' | 'createState' | 'updatedAt'>;

/** In the back office's queue: an open review, a pending payment past the horizon, or a create UNKNOWN since before `unknownBefore`. */
export function inReviewQueue(record: Queued, unknownBefore: Date): boolean {
  if (record.reviewResolvedAt !== null) return false;
  if (record.reviewCode !== null) return true;
  if (record.staleAt !== null && record.status === PaymentStatus.PENDING) return true;
  return record.createState === CreateState.UNKNOWN && record.updatedAt < unknownBefore;
}

/** Why a queued record is there (flags first, then the states read from other columns). */
export function queueReasonOf(record: Pick<PaymentOrder, 'reviewCode' | 'staleAt'>): ReviewReason {
  if (record.reviewCode !== null) return record.reviewCode;
  if (record.staleAt !== null) return ReviewReason.STALE;
  return ReviewReason.UNKNOWN_CREATE;
}

/**
 * `inReviewQueue` in SQL (alias `p`, parameter `unknownBefore` from `queueParameters`), each reason
 * on its own: every condition also requires no resolution. The states are literals, not
 * parameters, so that the planner can prove each condition implies QUEUE_INDEX_WHERE (the partial
 * index the queue is read through, instead of every payment).
 */
export const QUEUE_CONDITIONS: Readonly<Record<'flagged' | 'stale' | 'unknown', string>> = {
  flagged: '(p.reviewResolvedAt IS NULL AND p.reviewCode IS NOT NULL)',
  stale: `(p.reviewResolvedAt IS NULL AND p.reviewCode IS NULL AND p.staleAt IS NOT NULL AND p.status = '${PaymentStatus.PENDING}')`,
  unknown: `(p.reviewResolvedAt IS NULL AND p.reviewCode IS NULL AND p.createState = '${CreateState.UNKNOWN}' AND p.updatedAt < :unknownBefore)`,
};

/** The rows any of QUEUE_CONDITIONS can match: the predicate of the queue's partial index (few rows of many). */
export const QUEUE_INDEX_WHERE = `"reviewResolvedAt" IS NULL AND ("reviewCode" IS NOT NULL OR "staleAt" IS NOT NULL OR "createState" = '${CreateState.UNKNOWN}')`;

/**
 * QUEUE_INDEX_WHERE as a condition of a query on alias `p`, added to the queue's reads: implied by
 * QUEUE_CONDITIONS, so it changes no answer, but SQLite uses a partial index only when the query
 * states each term of its predicate (it does not prove an OR from its branches as PostgreSQL does).
 */
export const QUEUE_INDEX_TERMS = `(p.reviewResolvedAt IS NULL AND (p.reviewCode IS NOT NULL OR p.staleAt IS NOT NULL OR p.createState = '${CreateState.UNKNOWN}'))`;

/** The payments the reconciler may still check (created, not stale, a check set): the predicate of its due index. */
export const DUE_INDEX_WHERE = `"createState" = '${CreateState.CREATED}' AND "staleAt" IS NULL AND "nextCheckAt" IS NOT NULL`;

export function queueParameters(unknownBefore: Date) {
  return { unknownBefore: unknownBefore.getTime() };
}

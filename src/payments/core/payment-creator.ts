/**
 * Creating a Remote Payment without losing or doubling it. The record is written (SENDING) before
 * Cashii is called; the outcome is recorded as CREATED, FAILED (nothing created) or UNKNOWN (Cashii
 * may have created it). An idempotency key, unique per owner, makes a replay return the same
 * payment, makes concurrent duplicates wait for the first, and lets a retry continue a FAILED or
 * UNKNOWN create.
 */
import { createHash, randomUUID } from 'node:crypto';
import { CashiiError, type CashiiClient } from '../../cashii';
import { idempotencyKeyReused, upstreamUnavailable } from '../../common/errors';
import { SingleFlight } from '../../common/singleflight';
import type { Logger } from '../../logger';
import type { CreateRecorder } from './create-recorder';
import { describeError } from './describe-error';
import { CreateState, PaymentOrder } from '../store/payment.entity';
import type { CreatePaymentCommand } from './payment-commands';
import { returnUrlFor } from './payment-view';
import type { PaymentRepository } from '../store/payment.repository';
import { PaymentStatus } from './payment-status';

export interface CreationOptions {
  /** The Cashii call's deadline; a SENDING record older than twice this is taken as crashed. */
  cashiiTimeoutMs: number;
  /** First reconciler check of a new payment after this long. */
  firstCheckDelayMs: number;
}

const WAIT_STEP_MS = 50;

/** What the creator needs of the store, Cashii and the recorder (narrow seams: unit tests pass fakes). */
export type CreatorStore = Pick<
  PaymentRepository,
  'findByIdempotencyKey' | 'insert' | 'findById' | 'claimCreateRetry' | 'expireSending' | 'markCreateOutcome'
>;
export type CreatorCashii = Pick<CashiiClient, 'createRemotePayment'>;
export type CreatorRecorder = Pick<CreateRecorder, 'record' | 'has' | 'flush' | 'replay'>;

export class PaymentCreator {
  /** Creates in flight in this process, by record id: duplicates await them instead of polling. */
  private readonly sends = new SingleFlight<string, PaymentOrder>();

  constructor(
    private readonly repository: CreatorStore,
    private readonly cashii: CreatorCashii,
    private readonly recorder: CreatorRecorder,
    private readonly options: CreationOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Before serving: Cashii ids journaled during a database outage are recorded, then (with one
   * process owning the database, SQLite) creates left SENDING by a process that is gone become
   * UNKNOWN, so the next retry of their key proceeds at once. Where replicas share the table
   * (PostgreSQL) a SENDING record counts as interrupted only once older than twice the deadline.
   */
  async recoverAtStart({ singleProcess }: { singleProcess: boolean }): Promise<void> {
    const left = await this.recorder.replay();
    if (left > 0) this.log.error({ left }, 'journaled Cashii ids could not be recorded at start; the reconciler keeps trying');
    if (!singleProcess) return;
    const now = new Date();
    const expired = await this.repository.expireSending(new Date(now.getTime() + 1), now);
    if (expired > 0) this.log.warn({ count: expired }, 'creates interrupted by the last shutdown marked UNKNOWN');
  }

  /** Resolves once every create in flight in this process has settled (shutdown waits for it). */
  async drain(): Promise<void> {
    await Promise.allSettled(this.sends.pending());
  }

  /** Returns the created record (createState CREATED). The service has validated and normalised the command. */
  async create(input: CreatePaymentCommand, ownerId: string): Promise<PaymentOrder> {
    const key = input.idempotencyKey ?? null;
    const hash = requestHash(input);
    if (key !== null) {
      const existing = await this.repository.findByIdempotencyKey(ownerId, key);
      if (existing) return this.resume(existing, hash);
    }
    const record = newRecord(input, ownerId, hash);
    try {
      await this.repository.insert(record);
    } catch (error) {
      // Lost a race for the same key: another request inserted first.
      const winner = key === null ? null : await this.repository.findByIdempotencyKey(ownerId, key);
      if (winner) return this.resume(winner, hash);
      throw error;
    }
    return this.sends.run(record.id, () => this.send(record));
  }

  /** Continues an earlier create with the same key: its result, a wait for it, or a retry of it. */
  private async resume(existing: PaymentOrder, hash: string): Promise<PaymentOrder> {
    if (existing.requestHash !== hash) throw idempotencyKeyReused();
    const deadline = Date.now() + this.options.cashiiTimeoutMs * 2 + 1000;
    let record: PaymentOrder | null = existing;
    let waited = false;
    while (record) {
      const state = record.createState;
      if (state === CreateState.CREATED) return record;
      if (this.recorder.has(record.id)) {
        // Cashii created it and its id waits in the journal: record that id, never create again.
        await this.recorder.flush(record.id);
      } else if (state === CreateState.FAILED || state === CreateState.UNKNOWN) {
        // A duplicate that waited for the first attempt shares its failure; only a later retry sends again.
        if (waited) throw upstreamUnavailable(true);
        if (await this.repository.claimCreateRetry(record.id, state, new Date())) {
          if (state === CreateState.UNKNOWN) {
            this.log.warn({ orderRef: record.id }, 'retrying a create whose outcome was unknown; an orphaned Cashii payment may exist');
          }
          const claimed = Object.assign(new PaymentOrder(), record, { createState: CreateState.SENDING });
          return this.sends.run(record.id, () => this.send(claimed));
        }
      } else {
        const local = this.sends.get(record.id);
        if (local) {
          waited = true;
          await local.catch(() => undefined);
        } else if (Date.now() > deadline) {
          throw upstreamUnavailable(true, 'The payment is still being created, please try again');
        } else {
          // A SENDING record this old belongs to a process that died mid-call: it becomes UNKNOWN and
          // this request retries it at once. A younger one may be another replica's live call: wait.
          const expired = await this.repository.expireSending(
            new Date(Date.now() - this.options.cashiiTimeoutMs * 2),
            new Date(),
            record.id,
          );
          if (expired === 0) {
            waited = true;
            await sleep(WAIT_STEP_MS);
          }
        }
      }
      record = await this.repository.findById(record.id);
    }
    throw new Error(`payment order ${existing.id} disappeared`);
  }

  private async send(record: PaymentOrder): Promise<PaymentOrder> {
    let cashiiId: string;
    try {
      cashiiId = await this.cashii.createRemotePayment({
        amount: record.amount,
        currency: record.currency,
        note: record.note,
        metadata: record.metadata === null ? null : (JSON.parse(record.metadata) as Record<string, unknown>),
        payableTo: record.payableTo,
      });
    } catch (error) {
      const outcome = error instanceof CashiiError && error.createOutcome === 'not-created' ? CreateState.FAILED : CreateState.UNKNOWN;
      this.log.warn({ orderRef: record.id, outcome, err: describeError(error) }, 'Cashii create failed');
      await this.repository.markCreateOutcome(record.id, outcome, new Date()).catch((dbError: unknown) => {
        this.log.error({ orderRef: record.id, outcome, err: describeError(dbError) }, 'could not record the create outcome');
      });
      throw error;
    }

    const at = new Date();
    const nextCheckAt = new Date(at.getTime() + this.options.firstCheckDelayMs);
    // Cashii has the payment now: the recorder never loses its id (retries, then the journal).
    await this.recorder.record(record.id, cashiiId, at);
    this.log.info({ orderRef: record.id, cashiiId, amount: record.amount, currency: record.currency }, 'payment created');
    return Object.assign(new PaymentOrder(), record, {
      cashiiId,
      createState: CreateState.CREATED,
      updatedAt: at,
      verifiedAt: at,
      nextCheckAt,
    });
  }
}

function newRecord(input: CreatePaymentCommand, ownerId: string, hash: string): PaymentOrder {
  const now = new Date();
  const id = randomUUID();
  return Object.assign(new PaymentOrder(), {
    id,
    cashiiId: null,
    createState: CreateState.SENDING,
    ownerId,
    amount: input.amount,
    currency: input.currency,
    note: input.note ?? null,
    metadata: input.metadata == null ? null : JSON.stringify(input.metadata),
    status: PaymentStatus.PENDING,
    upstreamStatus: null,
    from: null,
    to: null,
    payableTo: input.payableTo ?? null,
    orderId: input.orderId ?? null,
    returnUrl: returnUrlFor(input.redirectUrl, id),
    transactionId: null,
    returnSignature: null,
    returnClaimedStatus: null,
    idempotencyKey: input.idempotencyKey ?? null,
    requestHash: hash,
    reviewReason: null,
    nextCheckAt: null,
    checkAttempts: 0,
    staleAt: null,
    createdAt: now,
    updatedAt: now,
    verifiedAt: null,
  } satisfies PaymentOrder);
}

/** SHA-256 of the input without its key, with object keys sorted, so equal inputs hash equally. */
export function requestHash(input: CreatePaymentCommand): string {
  const canonical = canonicalJson({
    amount: input.amount,
    currency: input.currency,
    note: input.note ?? null,
    metadata: input.metadata ?? null,
    payableTo: input.payableTo ?? null,
    orderId: input.orderId ?? null,
    redirectUrl: input.redirectUrl,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Creating a Remote Payment without losing or doubling it. The record is written (SENDING) before
 * Cashii is called; the outcome is recorded as CREATED, FAILED (nothing created) or UNKNOWN (Cashii
 * may have created it). An idempotency key, unique per owner, makes a replay return the same
 * payment, makes concurrent duplicates wait for the first, and lets a retry continue a FAILED or
 * UNKNOWN create.
 */
import { createHash, randomUUID } from 'node:crypto';
import { CashiiError, type CashiiClient } from '../../cashii';
import { AppError, idempotencyKeyReused, upstreamUnavailable } from '../../common/errors';
import type { OrderRepository } from '../store/order-repository';
import { type Clock, systemClock } from '../../common/clock';
import { SingleFlight } from '../../common/singleflight';
import type { Logger } from '../../logger';
import { isStorageFault } from '../../db/storage-fault';
import type { CreateRecorder } from './create-recorder';
import { describeError } from './describe-error';
import { paymentErrorOf } from './upstream-errors';
import { CreateState, PaymentOrder } from '../store/payment-entity';
import type { CreatePaymentCommand } from './payment-commands';
import { returnUrlFor } from './payment-view';
import type { PaymentRepository } from '../store/payment-repository';
import { PaymentStatus } from './payment-status';

export interface CreationOptions {
  /** The Cashii call's deadline; a SENDING record older than twice this is taken as crashed. */
  cashiiTimeoutMs: number;
  /** First reconciler check of a new payment after this long. */
  firstCheckDelayMs: number;
  /** Time (tests move it); the machine's by default. */
  clock?: Clock;
}

const WAIT_STEP_MS = 50;
/** How long an unsure insert is retried as FAILED before the time rule for SENDING takes over. */
const ABANDON_WINDOW_MS = 60_000;
/** Looks at an order again at most this often when concurrent creates keep moving it. */
const ORDER_ATTEMPTS = 20;
/** Follows an order's live payment at most this many times (each step is a create that superseded the last). */
const FOLLOW_STEPS = 100;

/** What the creator needs of the store, Cashii and the recorder (narrow seams: unit tests pass fakes). */
export type CreatorStore = Pick<
  PaymentRepository,
  'findByIdempotencyKey' | 'insert' | 'findById' | 'claimCreateRetry' | 'expireSending' | 'markCreateOutcome'
>;
export type CreatorCashii = Pick<CashiiClient, 'createRemotePayment'>;
export type CreatorRecorder = Pick<CreateRecorder, 'record' | 'has' | 'flush' | 'replay' | 'assertJournalWritable'>;
export type CreatorOrders = Pick<OrderRepository, 'ensure' | 'startAttempt' | 'find'>;

export class PaymentCreator {
  /** Records whose insert failed with a storage fault (it may have committed); never sent to Cashii. */
  private readonly abandoned = new Set<string>();
  /** Creates in flight in this process, by record id: duplicates await them instead of polling. */
  private readonly sends = new SingleFlight<string, PaymentOrder>();

  constructor(
    private readonly repository: CreatorStore,
    private readonly cashii: CreatorCashii,
    private readonly recorder: CreatorRecorder,
    private readonly options: CreationOptions,
    private readonly log: Logger,
    /** Merchant orders; without them (unit tests of other rules) `orderId` is only stored. */
    private readonly orders: CreatorOrders | null = null,
    /** Settles an order a paid payment did not settle yet (its settlement met a storage fault). */
    private readonly settle: ((paid: PaymentOrder) => Promise<void>) | null = null,
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
    const now = this.date();
    const expired = await this.repository.expireSending(new Date(now.getTime() + 1), now);
    if (expired > 0) this.log.warn({ count: expired }, 'creates interrupted by the last shutdown marked UNKNOWN');
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  private date(): Date {
    return new Date(this.clock.now());
  }

  /** Resolves once every create in flight in this process has settled (shutdown waits for it). */
  async drain(): Promise<void> {
    await Promise.allSettled(this.sends.pending());
  }

  /**
   * Returns the created record (createState CREATED), never one superseded by a newer create of
   * its order. The service has validated and normalised the command.
   */
  async create(input: CreatePaymentCommand, ownerId: string): Promise<PaymentOrder> {
    // Without a writable journal a Cashii id could be lost in a database outage: refused before anything is written or sent.
    this.recorder.assertJournalWritable();
    return this.live(await this.createOrResume(input, ownerId), ownerId);
  }

  private async createOrResume(input: CreatePaymentCommand, ownerId: string): Promise<PaymentOrder> {
    const key = input.idempotencyKey ?? null;
    const hash = requestHash(input);
    if (key !== null) {
      const existing = await this.repository.findByIdempotencyKey(ownerId, key);
      if (existing) {
        if (existing.requestHash !== hash) throw idempotencyKeyReused();
        // The cart changed since this key's payment: never sent again, the order's live payment answers (live() follows it).
        return existing.supersededAt !== null ? existing : this.resume(existing, hash);
      }
    }
    if (input.orderId != null && this.orders !== null) return this.createForOrder(input, input.orderId, ownerId, hash);
    const record = newRecord(input, ownerId, hash, this.date());
    try {
      await this.repository.insert(record);
    } catch (error) {
      this.abandonIfUnsure(record, error);
      // Lost a race for the same key: another request inserted first.
      const winner = key === null ? null : await this.repository.findByIdempotencyKey(ownerId, key).catch(() => null);
      if (winner) return this.resume(winner, hash);
      throw error;
    }
    return this.sends.run(record.id, () => this.send(record));
  }

  /**
   * What a create answers for an order: its record while that is the order's live payment. One a
   * newer create superseded (meanwhile, or before a replay of its key) is never handed out: the
   * order's live payment answers instead, waited for while it is being created (never sent again
   * from here), or ORDER_ALREADY_PAID once the order is paid. Each step follows a create that
   * really happened, so concurrent creates of one order converge on the last one.
   */
  private async live(record: PaymentOrder, ownerId: string): Promise<PaymentOrder> {
    if (record.orderId === null || this.orders === null) return record;
    let current = record;
    for (let step = 0; step < FOLLOW_STEPS; step++) {
      let stored: PaymentOrder | null;
      try {
        stored = await this.repository.findById(current.id);
      } catch (error) {
        // The database is down: Cashii's id is journaled and nothing can supersede it now; answer it as created.
        if (isStorageFault(error)) return current;
        throw error;
      }
      if (stored === null || stored.supersededAt === null) {
        return stored?.createState === CreateState.CREATED ? stored : current;
      }
      const order = await this.orders.find(ownerId, stored.orderId!);
      if (order?.paidPaymentId) throw await this.alreadyPaid(order.paidPaymentId);
      const active = order?.activePaymentId ? await this.repository.findById(order.activePaymentId) : null;
      if (active === null || active.id === stored.id) break;
      // Another request's create: waited for, its failure shared (the next create of the order retries).
      current = await this.resume(active, active.requestHash ?? '', { mayRetry: false });
    }
    throw upstreamUnavailable(true, 'This order is being paid in another request, please try again');
  }

  /**
   * A create for a merchant's order: the order row decides. Paid (or refunded) already: refused,
   * no Cashii call. A pending payment for the same amount and currency: that payment (waited for
   * while it is being created). A pending one for another amount or currency (the cart changed):
   * a new payment, and the old one is superseded, never handed out again. Concurrent creates for
   * one order race for one conditional UPDATE: one sends, the others follow it.
   */
  private async createForOrder(input: CreatePaymentCommand, orderId: string, ownerId: string, hash: string): Promise<PaymentOrder> {
    const orders = this.orders!;
    for (let attempt = 0; attempt < ORDER_ATTEMPTS; attempt++) {
      const order = await orders.ensure(ownerId, orderId, this.date());
      if (order.paidPaymentId !== null) throw await this.alreadyPaid(order.paidPaymentId);
      const active = order.activePaymentId === null ? null : await this.repository.findById(order.activePaymentId);
      if (active && (active.status === PaymentStatus.PAID || active.status === PaymentStatus.REFUNDED)) {
        // Paid, but the order row missed it (the settlement after the status change failed): settle it now.
        await this.settle?.(active);
        throw await this.alreadyPaid(active.id);
      }
      const pending = active !== null && active.status === PaymentStatus.PENDING;
      if (pending && active.amount === input.amount && active.currency === input.currency) {
        // The same cart: the payment already handed out, whoever asked for it and with whatever key.
        return this.resume(active, active.requestHash ?? hash);
      }
      // The payment carries the order's reference as first spelt (one order, one spelling; the key compares them).
      const record = newRecord({ ...input, orderId: order.orderId }, ownerId, hash, this.date());
      try {
        if (await orders.startAttempt(order, record, order.activePaymentId, pending)) {
          if (pending)
            this.log.info({ reference: record.id, superseded: active.id }, 'the cart changed: a new payment supersedes the pending one');
          return await this.sends.run(record.id, () => this.send(record));
        }
      } catch (error) {
        this.abandonIfUnsure(record, error);
        const winner =
          input.idempotencyKey == null ? null : await this.repository.findByIdempotencyKey(ownerId, input.idempotencyKey).catch(() => null);
        if (winner) return this.resume(winner, hash);
        throw error;
      }
      // Another create for this order moved first: look again.
    }
    throw upstreamUnavailable(true, 'This order is being paid in another request, please try again');
  }

  private async alreadyPaid(recordId: string): Promise<AppError> {
    const paid = await this.repository.findById(recordId);
    return new AppError('ORDER_ALREADY_PAID', 'This order is already paid', { paymentId: paid?.cashiiId ?? null });
  }

  /**
   * Continues an earlier create with the same key: its result, a wait for it, or (`mayRetry`, the
   * key's own request) a retry of it.
   */
  private async resume(existing: PaymentOrder, hash: string, { mayRetry = true } = {}): Promise<PaymentOrder> {
    if (existing.requestHash !== hash) throw idempotencyKeyReused();
    const deadline = this.clock.now() + this.options.cashiiTimeoutMs * 2 + 1000;
    let record: PaymentOrder | null = existing;
    let waited = !mayRetry;
    while (record) {
      const state = record.createState;
      if (state === CreateState.CREATED) return record;
      if (this.recorder.has(record.id)) {
        // Cashii created it and its id waits in the journal: record that id, never create again.
        await this.recorder.flush(record.id);
      } else if (state === CreateState.FAILED || state === CreateState.UNKNOWN) {
        // A duplicate that waited for the first attempt shares its failure; only a later retry sends again.
        if (waited) throw upstreamUnavailable(true);
        if (await this.repository.claimCreateRetry(record.id, state, this.date())) {
          if (state === CreateState.UNKNOWN) {
            this.log.warn({ reference: record.id }, 'retrying a create whose outcome was unknown; an orphaned Cashii payment may exist');
          }
          const claimed = Object.assign(new PaymentOrder(), record, { createState: CreateState.SENDING });
          return this.sends.run(record.id, () => this.send(claimed));
        }
      } else if (this.abandoned.has(record.id)) {
        // Our own insert whose COMMIT failed but may have landed: never sent, so FAILED (and then retried here).
        await this.repository.markCreateOutcome(record.id, CreateState.FAILED, this.date());
      } else {
        const local = this.sends.get(record.id);
        if (local) {
          waited = true;
          await local.catch(() => undefined);
        } else if (this.clock.now() > deadline) {
          throw upstreamUnavailable(true, 'The payment is still being created, please try again');
        } else {
          // A SENDING record this old belongs to a process that died mid-call: it becomes UNKNOWN and
          // this request retries it at once. A younger one may be another replica's live call: wait.
          const expired = await this.repository.expireSending(
            new Date(this.clock.now() - this.options.cashiiTimeoutMs * 2),
            this.date(),
            record.id,
          );
          if (expired === 0) {
            waited = true;
            await this.clock.sleep(WAIT_STEP_MS);
          }
        }
      }
      record = await this.repository.findById(record.id);
    }
    throw new Error(`payment order ${existing.id} disappeared`);
  }

  /**
   * After a storage fault on the insert nobody knows whether the SENDING record was committed (a
   * COMMIT cut off on PostgreSQL may have landed). It was never sent to Cashii, so it is marked
   * FAILED as soon as the database takes it: a retry of its key (or its order) then proceeds at
   * once instead of waiting for the crash rule, here or on another replica.
   */
  private abandonIfUnsure(record: PaymentOrder, error: unknown): void {
    if (!isStorageFault(error) || this.abandoned.has(record.id)) return;
    this.abandoned.add(record.id);
    const until = this.clock.now() + ABANDON_WINDOW_MS;
    void (async () => {
      for (let wait = 100; this.clock.now() < until; wait = Math.min(wait * 2, 2000)) {
        try {
          await this.repository.markCreateOutcome(record.id, CreateState.FAILED, this.date());
          break;
        } catch {
          await this.clock.sleep(wait);
        }
      }
      this.abandoned.delete(record.id);
    })();
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
      this.log.warn({ reference: record.id, outcome, err: describeError(error) }, 'Cashii create failed');
      await this.repository.markCreateOutcome(record.id, outcome, this.date()).catch((dbError: unknown) => {
        this.log.error({ reference: record.id, outcome, err: describeError(dbError) }, 'could not record the create outcome');
      });
      throw paymentErrorOf(error, this.log);
    }

    const at = this.date();
    const nextCheckAt = new Date(at.getTime() + this.options.firstCheckDelayMs);
    // Cashii has the payment now: the recorder never loses its id (retries, then the journal).
    await this.recorder.record(record.id, cashiiId, at);
    this.log.info({ reference: record.id, cashiiId, amount: record.amount, currency: record.currency }, 'payment created');
    return Object.assign(new PaymentOrder(), record, {
      cashiiId,
      createState: CreateState.CREATED,
      updatedAt: at,
      verifiedAt: at,
      nextCheckAt,
    });
  }
}

function newRecord(input: CreatePaymentCommand, ownerId: string, hash: string, now: Date): PaymentOrder {
  const id = randomUUID();
  // Only what a new record knows: every other column starts as the entity declares it (null).
  return Object.assign(new PaymentOrder(), {
    id,
    createState: CreateState.SENDING,
    ownerId,
    amount: input.amount,
    currency: input.currency,
    note: input.note ?? null,
    metadata: input.metadata == null ? null : JSON.stringify(input.metadata),
    status: PaymentStatus.PENDING,
    payableTo: input.payableTo ?? null,
    orderId: input.orderId ?? null,
    returnUrl: returnUrlFor(input.redirectUrl, id),
    idempotencyKey: input.idempotencyKey ?? null,
    requestHash: hash,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<PaymentOrder>);
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

/**
 * The payment aggregate: creating a Remote Payment at Cashii around a durable record, and reading
 * it back with a status confirmed with Cashii.
 */
import { randomUUID } from 'node:crypto';
import { CashiiError, type CashiiClient, type RemotePaymentSnapshot } from '../cashii';
import type { Logger } from '../logger';
import { CreateState, PaymentOrder } from './payment.entity';
import type { CreateRemotePaymentInput } from './payment.input';
import type { PaymentLoaders } from './payment.loader';
import { returnUrlFor, toRemotePayment } from './payment.mapper';
import type { PaymentRepository, VerificationPatch } from './payment.repository';
import { PaymentStatus, canTransition, fromCashiiStatus, isFinal, pathBetween } from './payment-status';
import type { RemotePayment } from './payment.type';

export interface PaymentServiceOptions {
  paymentPageUrl: string;
  /** Re-read a pending payment from Cashii when its confirmation is older than this. */
  statusTtlMs: number;
  /** Re-read a paid payment (it may be refunded) when its confirmation is older than this. */
  paidStatusTtlMs: number;
}

export class PaymentService {
  constructor(
    private readonly repository: PaymentRepository,
    private readonly cashii: CashiiClient,
    private readonly options: PaymentServiceOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the payment at Cashii. The record is written first (SENDING) so that no outcome is
   * lost; a failure marks it FAILED (nothing created) or UNKNOWN (Cashii may have created it).
   * Input must already be validated.
   */
  async create(input: CreateRemotePaymentInput, ownerId: string): Promise<RemotePayment> {
    const now = new Date();
    const record = Object.assign(new PaymentOrder(), {
      id: randomUUID(),
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
      transactionId: null,
      createdAt: now,
      updatedAt: now,
      verifiedAt: null,
    } satisfies Omit<PaymentOrder, 'returnUrl'>);
    record.returnUrl = returnUrlFor(input.redirectUrl, record.id);
    await this.repository.insert(record);

    let cashiiId: string;
    try {
      cashiiId = await this.cashii.createRemotePayment({
        amount: record.amount,
        currency: record.currency,
        note: record.note,
        metadata: input.metadata ?? null,
        payableTo: record.payableTo,
      });
    } catch (error) {
      const outcome = error instanceof CashiiError && error.createOutcome === 'not-created' ? CreateState.FAILED : CreateState.UNKNOWN;
      this.log.warn({ orderRef: record.id, outcome, err: describe(error) }, 'Cashii create failed');
      await this.repository.markCreateOutcome(record.id, outcome, new Date()).catch((dbError: unknown) => {
        this.log.error({ orderRef: record.id, outcome, err: describe(dbError) }, 'could not record the create outcome');
      });
      throw error;
    }

    const createdAt = new Date();
    try {
      await this.repository.markCreated(record.id, cashiiId, createdAt);
    } catch (error) {
      // Cashii has the payment but our record does not say so: keep both ids in the log so it can be recovered.
      this.log.error({ orderRef: record.id, cashiiId, err: describe(error) }, 'Cashii created a payment that could not be recorded');
      throw error;
    }
    Object.assign(record, { cashiiId, createState: CreateState.CREATED, updatedAt: createdAt, verifiedAt: createdAt });
    this.log.info({ orderRef: record.id, cashiiId, amount: record.amount, currency: record.currency }, 'payment created');
    return toRemotePayment(record, this.options.paymentPageUrl);
  }

  /**
   * The viewer's payment by Cashii id, refreshed from Cashii first when its status can still
   * change and its last confirmation is older than the TTL. Someone else's payment and an
   * unknown id are both null. When Cashii cannot be reached, the stored status is served.
   */
  async findForViewer(cashiiId: string, ownerId: string, loaders: PaymentLoaders): Promise<RemotePayment | null> {
    let record = await loaders.records.load(cashiiId);
    if (record === null || record.ownerId !== ownerId) return null;
    if (this.isStale(record, Date.now())) {
      record = await this.refresh(record, loaders);
      loaders.records.clear(cashiiId).prime(cashiiId, record);
    }
    return toRemotePayment(record, this.options.paymentPageUrl);
  }

  private isStale(record: PaymentOrder, now: number): boolean {
    if (isFinal(record.status)) return false;
    const ttl = record.status === PaymentStatus.PAID ? this.options.paidStatusTtlMs : this.options.statusTtlMs;
    return record.verifiedAt === null || now - record.verifiedAt.getTime() >= ttl;
  }

  /** Reads the payment from Cashii and applies what it says; returns the record as stored afterwards. */
  private async refresh(record: PaymentOrder, loaders: PaymentLoaders): Promise<PaymentOrder> {
    const cashiiId = record.cashiiId as string;
    let snapshot: RemotePaymentSnapshot;
    try {
      snapshot = await loaders.upstream.load(cashiiId);
    } catch (error) {
      this.log.warn({ cashiiId, err: describe(error) }, 'Cashii read failed; serving the last confirmed status');
      return record;
    }
    const changed = await this.apply(record, snapshot);
    return changed ? ((await this.repository.findByCashiiId(cashiiId)) ?? record) : record;
  }

  /**
   * Applies a Cashii snapshot through the state machine. A status that is not reachable from the
   * stored one (a late `pending` after `paid`) is ignored and logged; returns whether the row changed.
   */
  private async apply(record: PaymentOrder, snapshot: RemotePaymentSnapshot): Promise<boolean> {
    const cashiiId = record.cashiiId as string;
    const now = new Date();
    const patch: VerificationPatch = {
      verifiedAt: now,
      upstreamStatus: snapshot.rawStatus,
      from: snapshot.from ?? record.from,
      to: snapshot.to ?? record.to,
    };
    if (snapshot.status === null) {
      this.log.warn({ cashiiId, upstreamStatus: snapshot.rawStatus }, 'Cashii sent an unknown status; keeping the last known one');
      return this.repository.recordVerification(cashiiId, record.status, { upstreamStatus: snapshot.rawStatus }, now);
    }
    const target = fromCashiiStatus(snapshot.status);
    if (target === record.status) return this.repository.recordVerification(cashiiId, record.status, patch, now);

    const path = pathBetween(record.status, target);
    if (path === null) {
      this.log.warn({ cashiiId, stored: record.status, reported: target }, 'ignoring a status that would move the payment backwards');
      return false;
    }
    let from = record.status;
    for (const to of path) {
      if (!canTransition(from, to) || !(await this.repository.changeStatus(cashiiId, from, to, patch, now))) {
        this.log.info({ cashiiId, from, to }, 'status changed concurrently; re-reading the record');
        return true;
      }
      this.log.info({ cashiiId, from, to, source: 'read' }, 'payment status changed');
      from = to;
    }
    return true;
  }
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof CashiiError) return { type: error.name, kind: error.kind, httpStatus: error.httpStatus, detail: error.detail };
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: typeof error };
}

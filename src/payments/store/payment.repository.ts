/**
 * All reads and writes of payment order records and their events. The status column is written
 * only by `transition`: one conditional UPDATE whose affected-row count is checked, and the
 * event row, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { type EntityManager, In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import type { Database } from '../../db/database';
import { PaymentEventRecord } from './payment-event.entity';
import { CreateState, PaymentOrder } from './payment.entity';
import { PaymentEventSource, PaymentStatus } from './payment-values';
import { PaymentRowReader } from './payment-row';

/** Columns a confirmation with Cashii may update besides the status. */
export type VerificationPatch = Partial<Pick<PaymentOrder, 'verifiedAt' | 'upstreamStatus' | 'from' | 'to' | 'nextCheckAt'>>;

export class PaymentRepository {
  private readonly rows: PaymentRowReader;

  constructor(private readonly db: Database) {
    this.rows = new PaymentRowReader(db.dataSource);
  }

  /** Writes a new record (before Cashii is called). Throws on a duplicate idempotency key. */
  async insert(record: PaymentOrder): Promise<void> {
    await this.db.write((m) => m.insert(PaymentOrder, record));
  }

  findById(id: string): Promise<PaymentOrder | null> {
    return this.db.reader.findOne(PaymentOrder, { where: { id } });
  }

  /** The hot read (every `payment(id)`), as one plain SELECT. */
  findByCashiiIds(cashiiIds: readonly string[]): Promise<PaymentOrder[]> {
    return this.rows.findByCashiiIds(cashiiIds);
  }

  findByIdempotencyKey(ownerId: string, idempotencyKey: string): Promise<PaymentOrder | null> {
    return this.db.reader.findOne(PaymentOrder, { where: { ownerId, idempotencyKey } });
  }

  /**
   * Records Cashii's id once the create is confirmed, with the first event, in one transaction.
   * Idempotent (journal replays): `recorded` now, `already` held this very id, or `conflict` (the
   * record holds another id, or is missing).
   */
  recordCreatedId(id: string, cashiiId: string, at: Date, nextCheckAt: Date | null): Promise<'recorded' | 'already' | 'conflict'> {
    return this.db.write(async (m) => {
      // UNKNOWN and FAILED too: a call that outlived the crash detector still brings Cashii's authoritative answer.
      const result = await m.update(
        PaymentOrder,
        { id, createState: In([CreateState.SENDING, CreateState.UNKNOWN, CreateState.FAILED]) },
        { cashiiId, createState: CreateState.CREATED, updatedAt: at, verifiedAt: at, nextCheckAt },
      );
      if (result.affected === 1) {
        await this.insertEvent(m, id, null, PaymentStatus.PENDING, PaymentEventSource.CREATE, at);
        return 'recorded';
      }
      const current = await m.findOne(PaymentOrder, { where: { id } });
      return current?.cashiiId === cashiiId ? 'already' : 'conflict';
    });
  }

  /** Records that a create failed (`FAILED`) or that its outcome is unknown (`UNKNOWN`). */
  async markCreateOutcome(id: string, state: CreateState.FAILED | CreateState.UNKNOWN, at: Date): Promise<void> {
    await this.db.write((m) => m.update(PaymentOrder, { id, createState: CreateState.SENDING }, { createState: state, updatedAt: at }));
  }

  /** Takes a FAILED or UNKNOWN create back to SENDING for a retry; false when another caller took it first. */
  claimCreateRetry(id: string, from: CreateState.FAILED | CreateState.UNKNOWN, at: Date): Promise<boolean> {
    return this.affectedOne((m) => m.update(PaymentOrder, { id, createState: from }, { createState: CreateState.SENDING, updatedAt: at }));
  }

  /** Marks creates that have been SENDING since before `cutoff` (the process died mid-call) as UNKNOWN. */
  async expireSending(cutoff: Date, at: Date, id?: string): Promise<number> {
    const result = await this.db.write((m) =>
      m.update(
        PaymentOrder,
        { ...(id ? { id } : {}), createState: CreateState.SENDING, updatedAt: LessThan(cutoff) },
        { createState: CreateState.UNKNOWN, updatedAt: at },
      ),
    );
    return result.affected ?? 0;
  }

  /**
   * THE status write: moves the payment from `from` to `to` with `patch` and records the event, in
   * one transaction. False when the row was no longer in `from` (another writer got there first).
   */
  transition(
    id: string,
    from: PaymentStatus,
    to: PaymentStatus,
    source: PaymentEventSource,
    patch: VerificationPatch,
    at: Date,
  ): Promise<boolean> {
    return this.db.write(async (m) => {
      const result = await m.update(PaymentOrder, { id, status: from }, { ...patch, status: to, updatedAt: at });
      if (result.affected !== 1) return false;
      await this.insertEvent(m, id, from, to, source, at);
      return true;
    });
  }

  /** Updates verification columns while the status stays `status`; false when it has moved meanwhile. */
  recordVerification(id: string, status: PaymentStatus, patch: VerificationPatch, at: Date): Promise<boolean> {
    return this.affectedOne((m) => m.update(PaymentOrder, { id, status }, { ...patch, updatedAt: at }));
  }

  /** Flags a payment for a person's review and stops polling it. */
  async flagForReview(id: string, reason: string, at: Date): Promise<void> {
    await this.db.write((m) => m.update(PaymentOrder, { id }, { reviewReason: reason, nextCheckAt: null, verifiedAt: at, updatedAt: at }));
  }

  /** Keeps what a return redirect carried (signature and claimed status for audit; the transaction id once verified). */
  /**
   * Keeps what a return redirect carried: the raw signature and claimed status for audit, and the
   * transaction id once verified. The first verified return wins; replays change nothing after it.
   */
  async recordReturn(
    id: string,
    values: { transactionId: string | null; signature: string; claimedStatus: string },
    at: Date,
  ): Promise<void> {
    await this.db.write((m) =>
      m.update(
        PaymentOrder,
        { id, transactionId: IsNull() },
        {
          ...(values.transactionId === null ? {} : { transactionId: values.transactionId }),
          returnSignature: values.signature,
          returnClaimedStatus: values.claimedStatus,
          updatedAt: at,
        },
      ),
    );
  }

  /** Created payments of one owner, newest first, strictly after `after`. */
  listForOwner(ownerId: string, limit: number, after: { createdAtMs: number; id: string } | null, status: PaymentStatus | null) {
    const query = this.db.reader
      .createQueryBuilder(PaymentOrder, 'p')
      .where('p.ownerId = :ownerId', { ownerId })
      .andWhere('p.createState = :created', { created: CreateState.CREATED })
      .orderBy('p.createdAt', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit);
    if (status !== null) query.andWhere('p.status = :status', { status });
    if (after !== null) {
      query.andWhere('(p.createdAt < :at OR (p.createdAt = :at AND p.id < :id))', { at: after.createdAtMs, id: after.id });
    }
    return query.getMany();
  }

  eventsFor(paymentIds: readonly string[]): Promise<PaymentEventRecord[]> {
    return this.db.reader.find(PaymentEventRecord, { where: { paymentId: In([...paymentIds]) }, order: { at: 'ASC' } });
  }

  /**
   * Claims up to `limit` pending payments due for a reconciler check by pushing their next check to
   * `leaseUntil`. On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so replicas never
   * claim the same row; on SQLite writes are serialised anyway.
   */
  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<PaymentOrder[]> {
    return this.db.write(async (m) => {
      const query = m
        .createQueryBuilder(PaymentOrder, 'p')
        .where({ status: PaymentStatus.PENDING, createState: CreateState.CREATED, staleAt: IsNull(), nextCheckAt: LessThanOrEqual(now) })
        .orderBy('p.nextCheckAt', 'ASC')
        .limit(limit);
      if (this.db.kind === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const due = await query.getMany();
      if (due.length > 0) await m.update(PaymentOrder, { id: In(due.map((p) => p.id)) }, { nextCheckAt: leaseUntil });
      return due;
    });
  }

  /** Number of pending payments waiting for a reconciler check. */
  countDue(now: Date): Promise<number> {
    return this.db.reader.count(PaymentOrder, {
      where: { status: PaymentStatus.PENDING, createState: CreateState.CREATED, staleAt: IsNull(), nextCheckAt: LessThanOrEqual(now) },
    });
  }

  async scheduleCheck(id: string, nextCheckAt: Date | null, attempts: number): Promise<void> {
    await this.db.write((m) => m.update(PaymentOrder, { id }, { nextCheckAt, checkAttempts: attempts }));
  }

  /** A pending payment past the horizon: no longer polled, status unchanged. */
  async markStale(id: string, at: Date): Promise<void> {
    await this.db.write((m) => m.update(PaymentOrder, { id, status: PaymentStatus.PENDING }, { staleAt: at, nextCheckAt: null }));
  }

  private async affectedOne(work: (m: EntityManager) => Promise<{ affected?: number | null }>): Promise<boolean> {
    return (await this.db.write(work)).affected === 1;
  }

  private async insertEvent(
    m: EntityManager,
    paymentId: string,
    from: PaymentStatus | null,
    to: PaymentStatus,
    source: PaymentEventSource,
    at: Date,
  ) {
    await m.insert(PaymentEventRecord, { id: randomUUID(), paymentId, fromStatus: from, toStatus: to, source, at });
  }
}

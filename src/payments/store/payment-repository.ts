/**
 * All reads and writes of payment order records and their events. The status column is written
 * only by `transition`: one conditional UPDATE whose affected-row count is checked, and the
 * event row, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { type FindOptionsWhere, In, IsNull, LessThan, LessThanOrEqual, Raw } from 'typeorm';
import { createStepsInto } from './create-lifecycle';
import { QUEUE_CONDITIONS, QUEUE_INDEX_TERMS, ReviewState, assertReviewStep, queueParameters, reviewStateOf } from './review-lifecycle';
import type { Database, WriteOptions, WriteStatements } from '../../db/database';
import { PaymentEventRecord } from './payment-event-entity';
import { type CashiiColumn, CreateState, PaymentOrder, hasOpenReview } from './payment-entity';
import { PaymentEventSource, PaymentStatus, ReviewReason, type ReviewResolution } from './payment-values';
import { CreatedIdUpdate, EntityRows, GuardedUpdate, PaymentRowReader, RowInserter } from './payment-row';
import { VerificationBatch } from './verification-batch';
import {
  type FreshUntil,
  type OwnerPage,
  type PagePosition,
  ReadVersions,
  noteEvents,
  noteOrderPayments,
  noteOwnerPage,
  notePayments,
} from './read-notes';

/** Columns a confirmation with Cashii may update besides the status: Cashii's own (CASHII_COLUMNS) and our bookkeeping. */
export type VerificationPatch = Partial<
  Pick<PaymentOrder, 'verifiedAt' | 'upstreamStatus' | CashiiColumn | 'nextCheckAt' | 'checkAttempts' | 'staleAt'>
>;

/**
 * Payments due for a reconciler check by `now`: those of the due index (payment-entity.ts,
 * DUE_INDEX_WHERE), its conditions written as literals so that both planners can prove the query
 * reads that partial index, whatever their statistics say (a PostgreSQL without autovacuum has none:
 * it sorted every created payment on each claim, 9 to 25 ms).
 */
function dueBy(now: Date): FindOptionsWhere<PaymentOrder> {
  return { createState: Raw((column) => `${column} = '${CreateState.CREATED}'`), staleAt: IsNull(), nextCheckAt: LessThanOrEqual(now) };
}

/** Kept pages checked in one PostgreSQL statement at most (a UNION ALL of this many subqueries). */
const PAGES_PER_STATEMENT = 32;

export class PaymentRepository {
  private readonly rows: PaymentRowReader;
  private readonly records: RowInserter<PaymentOrder>;
  private readonly events: RowInserter<PaymentEventRecord>;
  private readonly eventRows: EntityRows<PaymentEventRecord>;
  private readonly createdId: CreatedIdUpdate;
  /** One payment's columns while its status stays: the confirmations' write (on SQLite, and PostgreSQL's one-row fallback). */
  private readonly guarded: GuardedUpdate;
  /** PostgreSQL only: verifications of one turn in one statement. */
  private readonly verifications: VerificationBatch | null;

  /** What this store reads for a request is recorded with its version (./read-notes.ts); `freshUntil` says until when a record stays as read. */
  readonly versions: ReadVersions;

  constructor(
    private readonly db: Database,
    private readonly freshUntil?: FreshUntil,
  ) {
    this.rows = new PaymentRowReader(db, freshUntil);
    this.versions = new ReadVersions(db, this.rows, (pages) => this.ownerPages(pages));
    this.records = new RowInserter(db.dataSource, PaymentOrder);
    this.events = new RowInserter(db.dataSource, PaymentEventRecord);
    this.eventRows = new EntityRows(db.dataSource, PaymentEventRecord);
    this.createdId = new CreatedIdUpdate(db.dataSource);
    this.guarded = new GuardedUpdate(db.dataSource);
    this.verifications =
      db.kind === 'postgres'
        ? new VerificationBatch(db, (id, status, values) => this.db.writeOne((w) => this.guarded.run(w, id, status, values)))
        : null;
  }

  /** Writes a new record (before Cashii is called). Throws on a duplicate idempotency key. */
  async insert(record: PaymentOrder): Promise<void> {
    await this.db.writeStatement(this.records.sql, this.records.values(record));
  }

  findById(id: string): Promise<PaymentOrder | null> {
    return this.rows.findById(id);
  }

  /** Several records by their own ids, in one SELECT (unknown ids are absent). */
  findByIds(ids: readonly string[]): Promise<PaymentOrder[]> {
    return this.rows.findByIds(ids);
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
  async recordCreatedId(id: string, cashiiId: string, at: Date, nextCheckAt: Date | null): Promise<'recorded' | 'already' | 'conflict'> {
    const values = { cashiiId, createState: CreateState.CREATED, updatedAt: at, verifiedAt: at, nextCheckAt };
    // From SENDING, UNKNOWN and FAILED (create-lifecycle.ts): a call that outlived the crash detector still brings Cashii's authoritative answer.
    if (this.db.kind === 'postgres') {
      const event = this.eventRecord(id, null, PaymentStatus.PENDING, PaymentEventSource.CREATE, at);
      const rows = await this.db.writeStatement(...this.createdId.withEvent(this.events, id, values, event));
      if (Array.isArray(rows) && rows.length === 1) return 'recorded';
      const current = await this.findById(id);
      return current?.cashiiId === cashiiId ? 'already' : 'conflict';
    }
    return this.db.write(async (w) => {
      if (await this.createdId.run(w, id, values)) {
        await this.insertEvent(w, id, null, PaymentStatus.PENDING, PaymentEventSource.CREATE, at);
        return 'recorded';
      }
      const current = await w.findOne(PaymentOrder, { id }, { id: true, cashiiId: true });
      return current?.cashiiId === cashiiId ? 'already' : 'conflict';
    });
  }

  /** Records that a create failed (`FAILED`) or that its outcome is unknown (`UNKNOWN`). */
  async markCreateOutcome(id: string, state: CreateState.FAILED | CreateState.UNKNOWN, at: Date): Promise<void> {
    await this.db.writeOne((w) => this.stepCreate(w, { id }, [CreateState.SENDING], state, { updatedAt: at }));
  }

  /** Takes a FAILED or UNKNOWN create back to SENDING for a retry; false when another caller took it first. */
  claimCreateRetry(id: string, from: CreateState.FAILED | CreateState.UNKNOWN, at: Date): Promise<boolean> {
    return this.affectedOne((w) => this.stepCreate(w, { id }, [from], CreateState.SENDING, { updatedAt: at }));
  }

  /** Marks creates that have been SENDING since before `cutoff` (the process died mid-call) as UNKNOWN. */
  async expireSending(cutoff: Date, at: Date, id?: string): Promise<number> {
    return this.db.writeOne((w) =>
      this.stepCreate(w, { ...(id ? { id } : {}), updatedAt: LessThan(cutoff) }, [CreateState.SENDING], CreateState.UNKNOWN, {
        updatedAt: at,
      }),
    );
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
    return this.db.write(async (w) => {
      const changed = await w.update(PaymentOrder, { id, status: from }, { ...patch, status: to, updatedAt: at });
      if (changed !== 1) return false;
      await this.insertEvent(w, id, from, to, source, at);
      return true;
    });
  }

  /**
   * Updates verification columns while the status stays `status`; false when it has moved meanwhile.
   * `durable: false` for a confirmation that Cashii gives again when asked (database.ts, WriteOptions).
   */
  recordVerification(id: string, status: PaymentStatus, patch: VerificationPatch, at: Date, options: WriteOptions = {}): Promise<boolean> {
    // PostgreSQL: the confirmations of one turn share one statement (./verification-batch.ts).
    if (this.verifications !== null) return this.verifications.record(id, status, { ...patch, updatedAt: at });
    return this.db.writeOne((w) => this.guarded.run(w, id, status, { ...patch, updatedAt: at }), options);
  }

  /**
   * Puts a payment in the review queue with `code` and `reason` (in words) and stops polling it;
   * the history gets a `review` event saying why. A payment already waiting for review keeps its
   * first reason.
   */
  async flagForReview(id: string, code: ReviewReason, reason: string, at: Date): Promise<void> {
    await this.db.write(async (w) => {
      const open = await w.findOne(PaymentOrder, { id }, { id: true, status: true, reviewCode: true, reviewResolvedAt: true });
      if (!open || hasOpenReview(open)) return;
      assertReviewStep(reviewStateOf(open), ReviewState.OPEN);
      await w.update(
        PaymentOrder,
        { id },
        {
          reviewCode: code,
          reviewReason: reason,
          reviewResolution: null,
          reviewResolvedAt: null,
          reviewResolvedBy: null,
          nextCheckAt: null,
          verifiedAt: at,
          updatedAt: at,
        },
      );
      await this.insertEvent(w, id, open.status, open.status, PaymentEventSource.REVIEW, at, { note: reason });
    });
  }

  /** Closes the open review of a payment (or its STALE / UNKNOWN_CREATE queue entry) with the operator's event; false when nothing was open. */
  resolveReview(id: string, resolution: ReviewResolution, operator: string, note: string, at: Date): Promise<boolean> {
    return this.db.write(async (w) => {
      const record = await w.findOne(PaymentOrder, { id });
      if (!record || record.reviewResolvedAt !== null) return false;
      // A queue entry read from other columns (stale, unknown create) closes like an open review.
      assertReviewStep(record.reviewCode === null ? ReviewState.OPEN : reviewStateOf(record), ReviewState.RESOLVED);
      // Two operators at once: one UPDATE wins, the other changes nothing and writes no event.
      const resolved = await w.update(
        PaymentOrder,
        { id, reviewResolvedAt: IsNull() },
        { reviewResolution: resolution, reviewResolvedAt: at, reviewResolvedBy: operator, updatedAt: at },
      );
      if (resolved !== 1) return false;
      await this.insertEvent(w, id, record.status, record.status, PaymentEventSource.OPERATOR_RESOLVE, at, {
        actor: operator,
        note: `${resolution}: ${note}`,
      });
      return true;
    });
  }

  /** Appends an operator's action to a payment's history (the history is append-only: nothing updates or deletes events). */
  async appendOperatorEvent(
    id: string,
    status: PaymentStatus,
    source: PaymentEventSource,
    operator: string,
    note: string,
    at: Date,
  ): Promise<void> {
    await this.db.writeOne((w) => this.insertEvent(w, id, status, status, source, at, { actor: operator, note }));
  }

  /**
   * One page of the review queue, oldest first: open flags (by code), pending payments marked stale,
   * and creates left UNKNOWN since before `unknownBefore`; `reason` narrows it to one of them.
   */
  reviewQueue(reason: ReviewReason | null, limit: number, after: { createdAtMs: number; id: string } | null, unknownBefore: Date) {
    const query = this.db.reader
      .createQueryBuilder(PaymentOrder, 'p')
      .where(QUEUE_INDEX_TERMS)
      .orderBy('p.createdAt', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit);
    const parameters = queueParameters(unknownBefore);
    if (reason === ReviewReason.STALE) query.andWhere(QUEUE_CONDITIONS.stale, parameters);
    else if (reason === ReviewReason.UNKNOWN_CREATE) query.andWhere(QUEUE_CONDITIONS.unknown, parameters);
    else if (reason !== null) query.andWhere(`${QUEUE_CONDITIONS.flagged} AND p.reviewCode = :code`, { code: reason });
    else query.andWhere(`(${QUEUE_CONDITIONS.flagged} OR ${QUEUE_CONDITIONS.stale} OR ${QUEUE_CONDITIONS.unknown})`, parameters);
    if (after !== null) {
      query.andWhere('(p.createdAt > :at OR (p.createdAt = :at AND p.id > :afterId))', { at: after.createdAtMs, afterId: after.id });
    }
    return query.getMany();
  }

  /** How many wait in the review queue, by reason (the metrics gauge). */
  async reviewQueueCounts(unknownBefore: Date): Promise<Record<ReviewReason, number>> {
    const counts = Object.fromEntries(Object.values(ReviewReason).map((reason) => [reason, 0])) as Record<ReviewReason, number>;
    const parameters = queueParameters(unknownBefore);
    const flagged = await this.db.reader
      .createQueryBuilder(PaymentOrder, 'p')
      .select('p.reviewCode', 'code')
      .addSelect('COUNT(*)', 'count')
      .where(QUEUE_CONDITIONS.flagged)
      .groupBy('p.reviewCode')
      .getRawMany<{ code: ReviewReason; count: string | number }>();
    for (const row of flagged) counts[row.code] = Number(row.count);
    const count = (condition: string) => this.db.reader.createQueryBuilder(PaymentOrder, 'p').where(condition, parameters).getCount();
    counts[ReviewReason.STALE] += await count(QUEUE_CONDITIONS.stale);
    counts[ReviewReason.UNKNOWN_CREATE] += await count(QUEUE_CONDITIONS.unknown);
    return counts;
  }

  /** Every attempt to pay one order of one owner that reached Cashii, newest first. */
  async paymentsOfOrder(ownerId: string, orderId: string): Promise<PaymentOrder[]> {
    return (await this.paymentsOfOrders([{ ownerId, orderId }]))[0];
  }

  /** The same for several orders in one SELECT: one list per order, in the order asked. */
  async paymentsOfOrders(orders: ReadonlyArray<{ ownerId: string; orderId: string }>): Promise<PaymentOrder[][]> {
    const rows = await this.db.trackedReader.find(PaymentOrder, {
      where: orders.map(({ ownerId, orderId }) => ({ ownerId, orderId, createState: CreateState.CREATED })),
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    notePayments(rows, this.freshUntil);
    return orders.map(({ ownerId, orderId }) => {
      const payments = rows.filter((row) => row.ownerId === ownerId && row.orderId === orderId);
      noteOrderPayments(ownerId, orderId, payments);
      return payments;
    });
  }

  /**
   * Keeps what a return redirect carried: the raw signature and claimed status for audit, and the
   * transaction id once verified. The first verified return wins; replays change nothing after it.
   */
  async recordReturn(
    id: string,
    values: { transactionId: string | null; signature: string; claimedStatus: string },
    at: Date,
  ): Promise<void> {
    await this.db.writeOne((w) =>
      w.update(
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

  /**
   * Created payments of one owner, newest first, strictly after `after`. Recorded for the request:
   * each record, and the page itself (which records, in which order) by its parameters.
   */
  async listForOwner(ownerId: string, limit: number, after: PagePosition | null, status: PaymentStatus | null): Promise<PaymentOrder[]> {
    const page: OwnerPage = { ownerId, limit, after, status };
    const [sql, params] = this.ownerPageQuery(page, this.rows.all.selectList);
    const rows = (await this.db.select(sql, params)).map((row) => this.rows.all.hydrate(row));
    notePayments(rows, this.freshUntil);
    noteOwnerPage(page, rows);
    return rows;
  }

  /**
   * These pages as they are now, each its records in order, not recorded as a read (./read-notes.ts
   * compares them, and the versions of the records on them). On SQLite one prepared statement per
   * page (no round trip to save); on PostgreSQL the pages of one batch in one statement, so a batch
   * of kept pages costs one round trip instead of one per page.
   */
  async ownerPages(pages: readonly OwnerPage[]): Promise<PaymentOrder[][]> {
    const t = this.rows.all;
    const hydrate = (rows: Record<string, unknown>[]) => rows.map((row) => t.hydrate(row));
    if (this.db.kind === 'sqlite') {
      return Promise.all(pages.map(async (page) => hydrate(await this.db.select(...this.ownerPageQuery(page, t.selectList)))));
    }
    const found: PaymentOrder[][] = pages.map(() => []);
    for (let first = 0; first < pages.length; first += PAGES_PER_STATEMENT) {
      const chunk = pages.slice(first, first + PAGES_PER_STATEMENT);
      const params: unknown[] = [];
      // Each page a subquery with its own ORDER BY and LIMIT, tagged with its place; ROW_NUMBER keeps
      // the database's order (its collation, not JavaScript's) across UNION ALL.
      const order = `${t.column('createdAt')} DESC, ${t.column('id')} DESC`;
      const parts = chunk.map((page, i) => {
        const [sql] = this.ownerPageQuery(
          page,
          `${first + i} AS "page", ROW_NUMBER() OVER (ORDER BY ${order}) AS "n", ${t.selectList}`,
          params,
        );
        return `SELECT * FROM (${sql}) AS "p${i}"`;
      });
      const rows = await this.db.select<Record<string, unknown> & { page: number | string; n: number | string }>(
        parts.join(' UNION ALL '),
        params,
      );
      rows.sort((a, b) => Number(a.page) - Number(b.page) || Number(a.n) - Number(b.n));
      for (const row of rows) found[Number(row.page)].push(t.hydrate(row));
    }
    return found;
  }

  /**
   * An owner's created payments, newest first, strictly after `after`, as plain SQL (the query
   * builder was a tenth of a page's CPU): it reads the index on (ownerId, createState, createdAt, id).
   * `params` collects the parameters (several pages in one statement share one list).
   */
  private ownerPageQuery({ ownerId, limit, after, status }: OwnerPage, columns: string, params: unknown[] = []): [string, unknown[]] {
    const t = this.rows.all;
    const next = (value: unknown) => (params.push(value), t.params(1, params.length - 1));
    const where = [`${t.column('ownerId')} = ${next(ownerId)}`, `${t.column('createState')} = ${next(CreateState.CREATED)}`];
    if (status !== null) where.push(`${t.column('status')} = ${next(status)}`);
    if (after !== null) {
      const at = t.column('createdAt');
      where.push(`(${at} < ${next(after.createdAtMs)} OR (${at} = ${next(after.createdAtMs)} AND ${t.column('id')} < ${next(after.id)}))`);
    }
    const order = `${t.column('createdAt')} DESC, ${t.column('id')} DESC`;
    return [`SELECT ${columns} FROM ${t.table} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${next(limit)}`, params];
  }

  /** The histories of these payments, oldest event first, in one SELECT of plain SQL (recorded as the request's reads). */
  async eventsFor(paymentIds: readonly string[]): Promise<PaymentEventRecord[]> {
    const rows = this.eventRows;
    const sql = rows.statement(
      'by-payment',
      paymentIds.length,
      () =>
        `SELECT ${rows.selectList} FROM ${rows.table} WHERE ${rows.column('paymentId')} IN (${rows.params(paymentIds.length)}) ORDER BY ${rows.column('at')} ASC`,
    );
    const events = (await this.db.select(sql, paymentIds)).map((row) => rows.hydrate(row));
    noteEvents(paymentIds, events);
    return events;
  }

  /**
   * Claims up to `limit` payments due for a reconciler check (pending ones, superseded included, and
   * settled ones in their few later checks) by pushing their next check to `leaseUntil`; the records
   * are answered as they were when claimed (`nextCheckAt` the time they came due), most overdue first.
   * On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so replicas never claim the same
   * row, in one statement (below); on SQLite writes are serialised anyway.
   */
  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<PaymentOrder[]> {
    if (this.db.kind === 'postgres') return this.claimDuePostgres(now, limit, leaseUntil);
    // A lease lost to a power loss is claimed again after the restart: not worth an fsync.
    return this.db.write(
      async (w) => {
        const due = await w.claim(PaymentOrder, dueBy(now), { nextCheckAt: 'ASC' }, limit);
        if (due.length > 0) await w.update(PaymentOrder, { id: In(due.map((p) => p.id)) }, { nextCheckAt: leaseUntil });
        return due;
      },
      { durable: false },
    );
  }

  /**
   * PostgreSQL: the claim as one data-modifying statement, atomic without BEGIN/COMMIT. It was a
   * transaction of four round trips (BEGIN, SELECT ... FOR UPDATE SKIP LOCKED, UPDATE, COMMIT) on
   * every pass of every replica, and on PostgreSQL each round trip is what costs (a system call that
   * wakes a backend). The due rows are read through the partial due index (dueBy's conditions as
   * literals), locked and skipped as before, and RETURNING answers them with the time they came due.
   */
  private async claimDuePostgres(now: Date, limit: number, leaseUntil: Date): Promise<PaymentOrder[]> {
    const t = this.rows.all;
    const next = t.column('nextCheckAt');
    const id = t.column('id');
    const sql = t.statement('claimDue', 3, () =>
      [
        `WITH due AS (SELECT ${id}, ${next} FROM ${t.table}`,
        `WHERE ${t.column('createState')} = '${CreateState.CREATED}' AND ${t.column('staleAt')} IS NULL AND ${next} <= $1`,
        `ORDER BY ${next} ASC LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        `UPDATE ${t.table} AS p SET ${next} = $3 FROM due WHERE p.${id} = due.${id}`,
        `RETURNING ${t.qualifiedList('p', { nextCheckAt: 'due' })}`,
      ].join(' '),
    );
    const rows = await this.db.writeStatement(sql, [now.getTime(), limit, leaseUntil.getTime()]);
    const due = rows.map((row) => t.hydrate(row));
    // RETURNING keeps no order: most overdue first, as the SELECT had them.
    return due.sort((a, b) => a.nextCheckAt!.getTime() - b.nextCheckAt!.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Number of payments waiting for a reconciler check, counted up to `cap` (a big backlog is not walked whole every pass). */
  async countDue(now: Date, cap: number): Promise<number> {
    const due = await this.db.reader.createQueryBuilder(PaymentOrder, 'p').select('p.id').where(dueBy(now)).limit(cap).getRawMany();
    return due.length;
  }

  /** The next check (a schedule lost to a power loss only brings a check sooner: no fsync). */
  async scheduleCheck(id: string, nextCheckAt: Date | null, attempts: number): Promise<void> {
    await this.db.writeOne((w) => w.update(PaymentOrder, { id }, { nextCheckAt, checkAttempts: attempts }), { durable: false });
  }

  /** A pending payment past the horizon: no longer polled, status unchanged. */
  async markStale(id: string, at: Date): Promise<void> {
    await this.db.writeOne((w) => w.update(PaymentOrder, { id, status: PaymentStatus.PENDING }, { staleAt: at, nextCheckAt: null }));
  }

  /** THE create-state write (but Cashii's id, which `recordCreatedId` writes from the same table): one conditional UPDATE. */
  private stepCreate(
    w: WriteStatements,
    where: FindOptionsWhere<PaymentOrder>,
    from: readonly CreateState[],
    to: CreateState,
    values: Pick<Partial<PaymentOrder>, 'updatedAt'>,
  ): Promise<number> {
    return w.update(PaymentOrder, { ...where, createState: In(createStepsInto(to, from)) }, { ...values, createState: to });
  }

  /** One UPDATE (atomic by itself) and whether it changed exactly one row. */
  private async affectedOne(work: (w: WriteStatements) => Promise<number>, options: WriteOptions = {}): Promise<boolean> {
    return (await this.db.writeOne(work, options)) === 1;
  }

  /** Appends one event inside the write's transaction (or as the write's one statement). */
  private async insertEvent(w: WriteStatements, ...facts: Parameters<PaymentRepository['eventRecord']>) {
    await this.events.insert(w, this.eventRecord(...facts));
  }

  /** A new event row of the append-only history. */
  private eventRecord(
    paymentId: string,
    from: PaymentStatus | null,
    to: PaymentStatus,
    source: PaymentEventSource,
    at: Date,
    extra: { actor?: string; note?: string } = {},
  ): PaymentEventRecord {
    return Object.assign(new PaymentEventRecord(), {
      id: randomUUID(),
      paymentId,
      fromStatus: from,
      toStatus: to,
      source,
      at,
      actor: extra.actor ?? null,
      note: extra.note ?? null,
    });
  }
}

/**
 * Reads and conditional writes of merchant orders. "Paid at most once" and "one payment handed
 * out per order" are decided here by conditional UPDATEs whose affected-row count is checked, in
 * the same transaction as the payment record they concern.
 */
import { noteUntrackedRead } from '../../observability/request-scope';
import { noteOrders } from './read-notes';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { Database } from '../../db/database';
import { MerchantOrder } from './order-entity';
import { orderKeyOf } from './order-key';
import { PaymentOrder } from './payment-entity';
import { EntityRows } from './payment-row';
import { PaymentStatus } from './payment-values';

/** Rolls back an attempt whose superseded payment moved on under it. */
class AttemptOvertaken extends Error {}

export class OrderRepository {
  /** Orders as plain SQL (the query builder was most of an order read's own CPU). */
  private readonly rows: EntityRows<MerchantOrder>;

  constructor(private readonly db: Database) {
    this.rows = new EntityRows(db.dataSource, MerchantOrder);
  }

  /** The owner's order with this reference, in any spelling of it (compared by its key). */
  async find(ownerId: string, orderId: string): Promise<MerchantOrder | null> {
    return (await this.findMany([{ ownerId, orderId }]))[0];
  }

  /** Several owners' orders by reference in one SELECT: each answer (or null) in the order asked. */
  async findMany(wanted: ReadonlyArray<{ ownerId: string; orderId: string }>): Promise<Array<MerchantOrder | null>> {
    if (wanted.length === 0) return [];
    const keys = wanted.map(({ ownerId, orderId }) => ({ ownerId, orderKey: orderKeyOf(orderId) }));
    const table = this.rows;
    const sql = table.statement('by-key', keys.length, () => {
      const pairs = keys.map(
        (_, i) =>
          `(${table.column('ownerId')} = ${table.params(1, 2 * i)} AND ${table.column('orderKey')} = ${table.params(1, 2 * i + 1)})`,
      );
      return `SELECT ${table.selectList} FROM ${table.table} WHERE ${pairs.join(' OR ')}`;
    });
    const rows = (
      await this.db.select(
        sql,
        keys.flatMap(({ ownerId, orderKey }) => [ownerId, orderKey]),
      )
    ).map((row) => table.hydrate(row));
    const found = keys.map(({ ownerId, orderKey }) => rows.find((row) => row.ownerId === ownerId && row.orderKey === orderKey) ?? null);
    // An order not found: nothing versions its absence (./read-notes.ts).
    if (found.includes(null)) noteUntrackedRead();
    noteOrders(found);
    return found;
  }

  /**
   * The owner's order with this reference (any spelling), created when it is new (a race creates it
   * once). The INSERT is one statement, atomic by itself (no BEGIN/COMMIT round trips on
   * PostgreSQL), and a new order is answered as written, not read back.
   */
  async ensure(ownerId: string, orderId: string, at: Date): Promise<MerchantOrder> {
    const found = await this.find(ownerId, orderId);
    if (found) return found;
    const order = Object.assign(new MerchantOrder(), {
      id: randomUUID(),
      ownerId,
      orderId,
      orderKey: orderKeyOf(orderId),
      activePaymentId: null,
      paidPaymentId: null,
      createdAt: at,
      updatedAt: at,
    });
    try {
      await this.db.writeOne((w) => w.insert(MerchantOrder, { ...order }));
    } catch (error) {
      // Another create inserted it first (the unique index on owner and reference).
      const winner = await this.find(ownerId, orderId);
      if (winner) return winner;
      throw error;
    }
    return order;
  }

  /**
   * Writes `record` (a new attempt, SENDING) and makes it the order's active payment, if the
   * order is unpaid and its active payment is still `expected`; the attempt it replaces is marked
   * superseded when `supersede`. All in one transaction; false (nothing written) when another
   * create got there first.
   */
  startAttempt(order: MerchantOrder, record: PaymentOrder, expected: string | null, supersede: boolean): Promise<boolean> {
    return this.db
      .write(async (w) => {
        const claimed = await w.update(
          MerchantOrder,
          { id: order.id, activePaymentId: expected ?? IsNull(), paidPaymentId: IsNull() },
          { activePaymentId: record.id, updatedAt: record.createdAt },
        );
        if (claimed !== 1) return false;
        await w.insert(PaymentOrder, record);
        if (supersede && expected !== null) {
          const superseded = await w.update(
            PaymentOrder,
            { id: expected, supersededAt: IsNull(), status: PaymentStatus.PENDING },
            // Its schedule stays: it can still be paid on Cashii's page, and the reconciler must see it if it is.
            { supersededAt: record.createdAt },
          );
          // It was paid (or ended) meanwhile: undo everything, the caller looks at the order again.
          if (superseded !== 1) throw new AttemptOvertaken();
        }
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof AttemptOvertaken) return false;
        throw error;
      });
  }

  /** Marks the order paid by `paymentId` unless something paid it already; answers the id of the payment that did. */
  async settlePaid(orderId: string, paymentId: string, at: Date): Promise<string> {
    return this.db.write(async (w) => {
      const changed = await w.update(MerchantOrder, { id: orderId, paidPaymentId: IsNull() }, { paidPaymentId: paymentId, updatedAt: at });
      if (changed === 1) return paymentId;
      const order = await w.findOne(MerchantOrder, { id: orderId }, { id: true, paidPaymentId: true });
      return order?.paidPaymentId ?? paymentId;
    });
  }
}

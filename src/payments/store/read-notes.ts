/**
 * What the payment stores read, recorded for the request (src/observability/request-scope.ts) where
 * it is read, and the same versions read back later for a keeper of answers to compare. Four
 * kinds, each with its own key and version:
 *
 *   payment:<record id>              every stored column of the record
 *   events:<record id>               how many events it has (events are only ever appended)
 *   order:<order id>                 every stored column of the order
 *   order-payments:<owner>\0<ref>    the ids of the order's created payments, in order
 *   owner-page:<page as JSON>        the ids of a page of an owner's payments, in order
 *
 * A payment also says until when it stays as read: the time a read would confirm it with Cashii
 * again (the module's freshness policy, handed in as `freshUntil`).
 */
import { In } from 'typeorm';
import { noteRead } from '../../observability/request-scope';
import type { Database } from '../../db/database';
import { MerchantOrder } from './order-entity';
import { PaymentEventRecord } from './payment-event-entity';
import { CreateState } from './create-lifecycle';
import { PaymentOrder } from './payment-entity';
import { type PaymentRowReader, placeholder } from './payment-row';

/** Until when a record read now stays as it was read (epoch ms; Infinity: until it is written). */
export type FreshUntil = (record: PaymentOrder) => number;

/**
 * Every stored column, so that any write shows, even two in one millisecond (an `updatedAt` would
 * not); by sorted names, so records hydrated by TypeORM and by the fast reader compare equal.
 */
export function versionOf(record: object): string {
  const values = record as Record<string, unknown>;
  // Each value tagged by type, strings length-prefixed (so no two records share a version), times as
  // epoch ms: about 6x cheaper than JSON with a replacer list, which formats every Date as ISO text.
  let version = '';
  for (const name of sortedKeysOf(record)) {
    const value = values[name];
    if (value === null || value === undefined) version += 'n|';
    else if (value instanceof Date) version += `d${value.getTime()}|`;
    else if (typeof value === 'string') version += `s${value.length}:${value}|`;
    else if (typeof value === 'number' || typeof value === 'boolean')
      version += `${typeof value === 'number' ? 'i' : 'b'}${String(value)}|`;
    else version += `j${JSON.stringify(value)}|`;
  }
  return version;
}

/** Per class, the property names of the last record seen and the same sorted: sorting is done again only when they differ. */
const sortedKeys = new WeakMap<object, { names: string[]; sorted: string[] }>();
function sortedKeysOf(record: object): string[] {
  const names = Object.keys(record);
  const prototype = Object.getPrototypeOf(record) as object;
  const known = sortedKeys.get(prototype);
  if (known !== undefined && known.names.length === names.length && known.names.every((name, i) => name === names[i])) return known.sorted;
  const sorted = [...names].sort();
  sortedKeys.set(prototype, { names, sorted });
  return sorted;
}

const orderPaymentsKey = (ownerId: string, orderId: string) => `order-payments:${ownerId}\u0000${orderId}`;

/** Where a page starts: after the payment created at `createdAtMs` with this id. */
export interface PagePosition {
  createdAtMs: number;
  id: string;
}

/** One page of an owner's created payments, newest first (PaymentRepository.listForOwner). */
export interface OwnerPage {
  ownerId: string;
  limit: number;
  after: PagePosition | null;
  status: string | null;
}

export function noteOwnerPage(page: OwnerPage, payments: readonly PaymentOrder[]): void {
  const { ownerId, limit, after, status } = page;
  noteRead(
    `owner-page:${JSON.stringify([ownerId, limit, after?.createdAtMs ?? null, after?.id ?? null, status])}`,
    payments.map((payment) => payment.id).join(','),
  );
}

export function notePayments(records: readonly PaymentOrder[], freshUntil: FreshUntil | undefined): void {
  for (const record of records) noteRead(`payment:${record.id}`, versionOf(record), freshUntil?.(record));
}

export function noteEvents(paymentIds: readonly string[], events: readonly PaymentEventRecord[]): void {
  for (const id of paymentIds) noteRead(`events:${id}`, String(events.filter((event) => event.paymentId === id).length));
}

export function noteOrders(orders: ReadonlyArray<MerchantOrder | null>): void {
  for (const order of orders) if (order !== null) noteRead(`order:${order.id}`, versionOf(order));
}

export function noteOrderPayments(ownerId: string, orderId: string, payments: readonly PaymentOrder[]): void {
  noteRead(orderPaymentsKey(ownerId, orderId), payments.map((payment) => payment.id).join(','));
}

/**
 * The stored version of each key now (absent: no such record). One SELECT per kind asked for,
 * none of them recorded as a read of the request that happens to run it.
 */
export class ReadVersions {
  constructor(
    private readonly db: Database,
    private readonly rows: PaymentRowReader,
    /** Owners' pages now, each its records in order (PaymentRepository.ownerPages). */
    private readonly pagesNow: (pages: readonly OwnerPage[]) => Promise<PaymentOrder[][]>,
  ) {}

  async of(keys: readonly string[]): Promise<Map<string, string>> {
    const wanted = {
      payment: [] as string[],
      events: [] as string[],
      order: [] as string[],
      orderPayments: [] as string[],
      pages: [] as string[],
    };
    for (const key of keys) {
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon);
      const id = key.slice(colon + 1);
      if (kind === 'payment') wanted.payment.push(id);
      else if (kind === 'events') wanted.events.push(id);
      else if (kind === 'order') wanted.order.push(id);
      else if (kind === 'order-payments') wanted.orderPayments.push(id);
      else if (kind === 'owner-page') wanted.pages.push(id);
    }
    const versions = new Map<string, string>();
    const reads = this.db.trackedReader;
    // The records on a page are versioned from the page's own rows, so a kept page (its list and
    // its records) costs one statement, and only the payments on no page are then read by id.
    const payments = async () => {
      if (wanted.pages.length > 0) {
        const pages = wanted.pages.map((page): OwnerPage => {
          const [ownerId, limit, createdAtMs, id, status] = JSON.parse(page) as [
            string,
            number,
            number | null,
            string | null,
            string | null,
          ];
          return { ownerId, limit, after: createdAtMs === null || id === null ? null : { createdAtMs, id }, status };
        });
        const found = await this.pagesNow(pages);
        wanted.pages.forEach((page, i) => versions.set(`owner-page:${page}`, found[i].map((record) => record.id).join(',')));
        for (const record of found.flat()) versions.set(`payment:${record.id}`, versionOf(record));
      }
      const rest = wanted.payment.filter((id) => !versions.has(`payment:${id}`));
      if (rest.length === 0) return;
      for (const record of await this.rows.unrecordedByIds(rest)) versions.set(`payment:${record.id}`, versionOf(record));
    };
    await Promise.all([
      payments(),
      wanted.events.length > 0 &&
        this.db
          .select<{ paymentId: string; count: string | number }>(this.eventCounts(wanted.events.length), wanted.events)
          .then((counts) => {
            for (const id of wanted.events) versions.set(`events:${id}`, '0');
            for (const { paymentId, count } of counts) versions.set(`events:${paymentId}`, String(Number(count)));
          }),
      wanted.order.length > 0 &&
        reads.find(MerchantOrder, { where: { id: In(wanted.order) } }).then((orders) => {
          for (const order of orders) versions.set(`order:${order.id}`, versionOf(order));
        }),
      wanted.orderPayments.length > 0 &&
        (async () => {
          const pairs = wanted.orderPayments.map((name) => {
            const cut = name.indexOf('\u0000');
            return { ownerId: name.slice(0, cut), orderId: name.slice(cut + 1) };
          });
          const payments = await reads.find(PaymentOrder, {
            select: { id: true, ownerId: true, orderId: true },
            where: pairs.map(({ ownerId, orderId }) => ({ ownerId, orderId, createState: CreateState.CREATED })),
            order: { createdAt: 'DESC', id: 'DESC' },
          });
          for (const { ownerId, orderId } of pairs) {
            const ids = payments.filter((row) => row.ownerId === ownerId && row.orderId === orderId).map((row) => row.id);
            versions.set(orderPaymentsKey(ownerId, orderId), ids.join(','));
          }
        })(),
    ]);
    return versions;
  }

  /** Plain SQL (the query builder was a tenth of a kept answer's CPU): how many events each payment has. */
  private eventCounts(count: number): string {
    const metadata = this.db.dataSource.getMetadata(PaymentEventRecord);
    const column = `"${metadata.findColumnWithPropertyName('paymentId')!.databaseName}"`;
    const params = Array.from({ length: count }, (_, i) => placeholder(this.db.dataSource, i)).join(', ');
    return `SELECT ${column} AS "paymentId", COUNT(*) AS "count" FROM "${metadata.tableName}" WHERE ${column} IN (${params}) GROUP BY ${column}`;
  }
}

/**
 * The one door into payments. Every command (create, read, list, confirm a return, watch) enters
 * here, whoever calls: each method runs the command's rules, normalisation and policy itself
 * before anything is read, written or sent to Cashii, then delegates to the part that does the
 * work (creator, sync, watchers, repository) and answers with views, never records.
 */
import type { Logger } from '../../logger';
import type { StatusBus } from '../../messaging/status-bus';
import { type PaymentLoaders, createPaymentLoaders } from '../store/payment-loaders';
import type { PaymentOrder } from '../store/payment-entity';
import type { PaymentRepository } from '../store/payment-repository';
import type { FreshnessPolicy } from './freshness';
import type { Viewer } from '../../auth/viewer';
import { AppError, badInput } from '../../common/errors';
import type { MerchantOrder } from '../store/order-entity';
import { CUSTOMER_EVENT_SOURCES } from '../store/payment-values';
import type { OrderRepository } from '../store/order-repository';
import type { BackOffice } from './back-office';
import { type OrderView, toOrderView } from './order-view';
import {
  type CommandInput,
  ConfirmReturnCommand,
  type CreatePaymentCommand,
  ListPaymentsCommand,
  ResolveReviewCommand,
  ReviewQueueCommand,
  PAYMENT_ID_PATTERN,
  checkOrderRef,
  checkPaymentId,
  checkRules,
  normalisedCreate,
} from './payment-commands';
import type { PaymentCreator } from './payment-creator';
import type { PaymentPolicy } from './payment-policy';
import { PaymentStatus } from './payment-status';
import type { PaymentSync } from './payment-sync';
import {
  type OperatorEventView,
  PaymentEventSource,
  type PaymentEventView,
  type PaymentPage,
  type PaymentView,
  type ReviewedPaymentView,
  decodeCursor,
  toOperatorEventView,
  toPaymentEventView,
  toPaymentView,
  toPage,
  toReviewedPaymentView,
} from './payment-view';
import { PaymentWatchers } from './payment-watchers';

export interface PaymentServiceOptions {
  paymentPageUrl: string;
  /** Live subscriptions one viewer may hold at once. */
  maxWatchesPerViewer: number;
}

export interface ReviewQueuePage {
  edges: Array<{ cursor: string; node: ReviewedPaymentView }>;
  pageInfo: PaymentPage['pageInfo'];
}

/** Back-office commands need an operator; anyone else gets FORBIDDEN (and no hint of what exists). */
function requireOperator(viewer: Viewer): void {
  if (!viewer.operator) throw new AppError('FORBIDDEN', 'This needs a back-office operator');
}

/** A Cashii payment id (16 digits) or our own reference (the UUID in the return URL). */
function checkIdOrReference(id: unknown): string {
  if (typeof id === 'string' && /^([0-9]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(id)) return id;
  throw badInput('id', 'id must be a 16-digit Cashii payment id or a payment reference');
}

/** The position `after` names, or BAD_USER_INPUT when it is not one of our cursors. */
function afterPosition(after: string | null | undefined) {
  if (!after) return null;
  const position = decodeCursor(after);
  if (position === null) throw badInput('after', 'after must be a cursor from pageInfo.endCursor');
  return position;
}

/** Per-request batching of reads (one SQL query for several `payment` fields of one operation). */
export type PaymentReadBatch = PaymentLoaders;

/** What a read leaves for a whole-answer cache: the record shown, its version, and until when it stays as shown. */
export interface ShownRecord {
  readonly key: string;
  readonly version: string;
  readonly until: number;
}

/**
 * A record's version for answer caches: every stored column, so that any write shows, even two
 * in the same millisecond (an `updatedAt` alone would not tell them apart).
 */
function versionOf(record: PaymentOrder): string {
  return JSON.stringify(Object.values(record), (_key, value: unknown) => (value instanceof Date ? value.getTime() : value));
}

export class PaymentService {
  private readonly watchers: PaymentWatchers;

  constructor(
    private readonly repository: PaymentRepository,
    private readonly creator: PaymentCreator,
    private readonly sync: PaymentSync,
    private readonly policy: PaymentPolicy,
    private readonly freshness: FreshnessPolicy,
    private readonly orders: OrderRepository,
    private readonly backOffice: BackOffice,
    bus: StatusBus,
    private readonly options: PaymentServiceOptions,
    private readonly log: Logger,
  ) {
    this.watchers = new PaymentWatchers(
      repository,
      sync,
      bus,
      freshness,
      { maxPerViewer: options.maxWatchesPerViewer, present: (record) => this.present(record) },
      log,
    );
  }

  /** A fresh batch for one request (GraphQL context): reads of one operation share queries. */
  readBatch(): PaymentReadBatch {
    return createPaymentLoaders(this.repository, this.orders);
  }

  /**
   * Creates the payment at Cashii (idempotently when a key is given). The input is normalised
   * (NFC), checked against the static rules and the configured policy before anything happens.
   */
  async create(input: CommandInput<CreatePaymentCommand>, ownerId: string): Promise<PaymentView> {
    const command = await checkRules(normalisedCreate(input));
    const broken = this.policy.check(command);
    if (broken) throw broken;
    return this.present(await this.creator.create(command, ownerId));
  }

  /**
   * The viewer's payment by Cashii id, refreshed from Cashii first when the freshness policy says
   * so. Someone else's payment and an unknown id are both null. When Cashii cannot be reached,
   * the stored status is served.
   */
  async findForViewer(
    cashiiId: string,
    ownerId: string,
    batch: PaymentReadBatch = this.readBatch(),
    shown?: { stamps: ShownRecord[] },
  ): Promise<PaymentView | null> {
    checkPaymentId(cashiiId);
    let record = await batch.records.load(cashiiId);
    if (record === null || record.ownerId !== ownerId) return null;
    if (this.freshness.isStale(record)) {
      record = (await this.sync.refresh(record, PaymentEventSource.READ, { ifStale: true })).record;
      batch.records.clear(cashiiId).prime(cashiiId, record);
    }
    // Served as stored until the freshness policy would ask Cashii again: an answer cache may keep it that long.
    shown?.stamps.push({ key: cashiiId, version: versionOf(record), until: this.freshness.staleAt(record) });
    return this.present(record);
  }

  /** The stored version of each shown record by Cashii id (one SELECT; unknown ids are absent): what an answer cache compares before reusing an answer. */
  async versionsOf(cashiiIds: readonly string[]): Promise<Map<string, string>> {
    const stored = await this.repository.findByCashiiIds(cashiiIds);
    return new Map(stored.map((record) => [record.cashiiId!, versionOf(record)]));
  }

  /** Every status change of a payment (by its record id), oldest first. */
  async history(recordId: string, batch: PaymentReadBatch = this.readBatch()): Promise<PaymentEventView[]> {
    // The back office's own events (reviews, operators' actions and notes) are not the customer's to see.
    return (await batch.events.load(recordId)).filter((event) => CUSTOMER_EVENT_SOURCES.includes(event.source)).map(toPaymentEventView);
  }

  /**
   * The user came back from the payment page. The redirect's claims are kept for audit but prove
   * nothing: the status is re-read from Cashii (or shared with a re-read of the same payment already
   * in flight), final ones included. Replays are harmless.
   */
  async confirmReturn(input: CommandInput<ConfirmReturnCommand>, ownerId: string): Promise<PaymentView> {
    const command = await checkRules(Object.assign(new ConfirmReturnCommand(), input));
    const record = await this.repository.findById(command.reference);
    if (record === null || record.ownerId !== ownerId || record.cashiiId === null) {
      throw badInput('reference', 'No payment matches this reference');
    }
    // Final statuses too: Cashii may contradict the stored one, and that goes to the review queue.
    const { record: synced, confirmed } = await this.sync.refresh(record, PaymentEventSource.RETURN, { ifStale: false });
    if (confirmed && synced.status.toLowerCase() !== command.status) {
      this.log.warn(
        { cashiiId: record.cashiiId, claimed: command.status, confirmed: synced.status },
        'a return redirect claimed a status that Cashii does not confirm',
      );
    }
    await this.repository.recordReturn(
      record.id,
      // The transaction id is kept only once Cashii confirms the user acted (a forged return on a pending payment proves nothing).
      {
        transactionId: confirmed && synced.status !== PaymentStatus.PENDING ? command.transactionId : null,
        signature: command.signature,
        claimedStatus: command.status,
      },
      new Date(),
    );
    return this.present((await this.repository.findById(record.id)) ?? synced);
  }

  /** The viewer's payments, newest first, as stored (each `payment(id)` read refreshes one). */
  async listForViewer(ownerId: string, input: Partial<CommandInput<ListPaymentsCommand>>): Promise<PaymentPage> {
    const command = await checkRules(
      Object.assign(new ListPaymentsCommand(), { first: input.first ?? 20, after: input.after ?? null, status: input.status ?? null }),
    );
    const after = afterPosition(command.after);
    const rows = await this.repository.listForOwner(ownerId, command.first + 1, after, command.status ?? null);
    return toPage(rows, command.first, after, (record) => this.present(record));
  }

  /**
   * Emits the viewer's payment on every status change, whatever caused it. While watched, a
   * payment that can still change is kept fresh (one Cashii read per TTL, shared by all watchers).
   * Someone else's or an unknown id yields nothing, exactly like a payment that never changes.
   */
  async watch(cashiiId: string, ownerId: string): Promise<AsyncIterableIterator<PaymentView>> {
    checkPaymentId(cashiiId);
    const [record] = await this.repository.findByCashiiIds([cashiiId]);
    if (!record || record.ownerId !== ownerId) return this.watchers.silent(ownerId);
    return this.watchers.watch(record, ownerId);
  }

  /** The viewer's order by the merchant's reference; null for an unknown order or someone else's (no difference visible). */
  async orderForViewer(orderRef: string, ownerId: string): Promise<OrderView | null> {
    const ref = checkOrderRef(orderRef);
    const order = await this.orders.find(ownerId, ref);
    return order ? this.presentOrder(order) : null;
  }

  /** The order a payment belongs to, as its owner (or an operator) may see it; the orders of a page's payments are read together. */
  async orderOfPayment(payment: PaymentView, viewer: Viewer, batch: PaymentReadBatch = this.readBatch()): Promise<OrderView | null> {
    if (payment.orderId === null || (payment.ownerId !== viewer.id && !viewer.operator)) return null;
    const order = await batch.orders.load({ ownerId: payment.ownerId, orderRef: payment.orderId });
    return order ? this.presentOrder(order, batch) : null;
  }

  /** BACK OFFICE: a page of the review queue (operators only). */
  async reviewQueue(viewer: Viewer, input: Partial<CommandInput<ReviewQueueCommand>>): Promise<ReviewQueuePage> {
    requireOperator(viewer);
    const command = await checkRules(
      Object.assign(new ReviewQueueCommand(), { reason: input.reason ?? null, first: input.first ?? 20, after: input.after ?? null }),
    );
    const after = afterPosition(command.after);
    const items = await this.backOffice.queue(command.reason ?? null, command.first + 1, after);
    return toPage(
      items.map(({ record, reason }) => ({ createdAt: record.createdAt, id: record.id, record, reason })),
      command.first,
      after,
      ({ record, reason }) => toReviewedPaymentView(record, reason, this.options.paymentPageUrl),
    );
  }

  /** BACK OFFICE: how many payments wait in the queue, by reason (for the metrics gauge). */
  reviewQueueCounts() {
    return this.backOffice.counts();
  }

  /** BACK OFFICE: any payment, by Cashii id or reference (operators only); null when unknown. */
  async paymentForOperator(viewer: Viewer, id: string): Promise<ReviewedPaymentView | null> {
    requireOperator(viewer);
    const record = await this.backOffice.find(checkIdOrReference(id));
    return record ? this.presentReviewed(record) : null;
  }

  /**
   * BACK OFFICE: a payment's whole history, operators' actions and notes included (operators only).
   * By reference, the histories of a page's payments are read together.
   */
  async historyForOperator(viewer: Viewer, reference: string, batch: PaymentReadBatch = this.readBatch()): Promise<OperatorEventView[]> {
    requireOperator(viewer);
    const id = checkIdOrReference(reference);
    if (!PAYMENT_ID_PATTERN.test(id)) return (await batch.events.load(id)).map(toOperatorEventView);
    const record = await this.backOffice.find(id);
    return record ? (await this.backOffice.history(record)).map(toOperatorEventView) : [];
  }

  /** BACK OFFICE: any owner's order (operators only). */
  async orderForOperator(viewer: Viewer, ownerId: string, orderRef: string): Promise<OrderView | null> {
    requireOperator(viewer);
    const order = await this.backOffice.order(ownerId, checkOrderRef(orderRef));
    return order ? this.presentOrder(order) : null;
  }

  /** BACK OFFICE: re-reads a payment from Cashii now; the history notes the operator (operators only). */
  async recheckPayment(viewer: Viewer, id: string): Promise<ReviewedPaymentView> {
    requireOperator(viewer);
    return this.presentReviewed(await this.backOffice.recheck(checkIdOrReference(id), viewer.id));
  }

  /** BACK OFFICE: closes a payment's review with a typed resolution and a note; it leaves the queue (operators only). */
  async resolvePaymentReview(viewer: Viewer, id: string, input: CommandInput<ResolveReviewCommand>): Promise<ReviewedPaymentView> {
    requireOperator(viewer);
    const reference = checkIdOrReference(id);
    const note = typeof input.note === 'string' ? input.note.normalize('NFC') : input.note;
    const command = await checkRules(Object.assign(new ResolveReviewCommand(), { resolution: input.resolution, note }));
    return this.presentReviewed(await this.backOffice.resolve(reference, command.resolution, command.note, viewer.id));
  }

  /** Ends every live subscription (shutdown). */
  closeWatchers(): void {
    this.watchers.closeAll();
  }

  private present(record: PaymentOrder): PaymentView {
    return toPaymentView(record, this.options.paymentPageUrl);
  }

  private async presentOrder(order: MerchantOrder, batch?: PaymentReadBatch): Promise<OrderView> {
    const payments = batch
      ? await batch.orderPayments.load({ ownerId: order.ownerId, orderRef: order.orderRef })
      : await this.repository.paymentsOfOrder(order.ownerId, order.orderRef);
    return toOrderView(order, payments, (record) => this.present(record));
  }

  private presentReviewed(record: PaymentOrder): ReviewedPaymentView {
    return toReviewedPaymentView(record, this.backOffice.queueEntry(record), this.options.paymentPageUrl);
  }
}

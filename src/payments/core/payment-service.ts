/**
 * The customers' door into payments. Every command a customer sends (create, read, list, confirm a
 * return, watch, read an order) enters here, whoever calls: each method runs the command's rules,
 * normalisation and policy itself before anything is read, written or sent to Cashii, then
 * delegates to the part that does the work (creator, sync, watchers, store) and answers with
 * views, never records. What operators may do is the other door (back-office-service.ts).
 */
import type { Viewer } from '../../auth/viewer';
import { badInput } from '../../common/errors';
import type { OrderRepository } from '../store/order-repository';
import { type PaymentLoaders, createPaymentLoaders } from '../store/payment-loaders';
import type { PaymentRepository } from '../store/payment-repository';
import { CUSTOMER_EVENT_SOURCES } from '../store/payment-values';
import type { OrderView } from './order-view';
import {
  type CommandInput,
  ConfirmReturnCommand,
  type CreatePaymentCommand,
  ListPaymentsCommand,
  afterPosition,
  checkOrderRef,
  checkPaymentId,
  checkRules,
  normalisedCreate,
} from './payment-commands';
import type { PaymentCreator } from './payment-creator';
import type { PaymentPolicy } from './payment-policy';
import type { PaymentPresenter } from './payment-presenter';
import type { PaymentSync } from './payment-sync';
import type { PaymentWatchers } from './payment-watchers';
import { PaymentEventSource, type PaymentEventView, type PaymentPage, type PaymentView, toPage, toPaymentEventView } from './payment-view';

/** The stores the doors read: payment records and merchant orders. */
export interface PaymentStores {
  readonly payments: PaymentRepository;
  readonly orders: OrderRepository;
}

/** Per-request batching of reads (one SQL query for several `payment` fields of one operation). */
export type PaymentReadBatch = PaymentLoaders;

export class PaymentService {
  constructor(
    private readonly stores: PaymentStores,
    private readonly creator: PaymentCreator,
    private readonly sync: PaymentSync,
    private readonly watchers: PaymentWatchers,
    private readonly presenter: PaymentPresenter,
    private readonly policy: PaymentPolicy,
  ) {}

  /** A fresh batch for one request (GraphQL context): reads of one operation share queries. */
  readBatch(): PaymentReadBatch {
    return createPaymentLoaders(this.stores.payments, this.stores.orders);
  }

  /**
   * Creates the payment at Cashii (idempotently when a key is given). The input is normalised
   * (NFC), checked against the static rules and the configured policy before anything happens.
   */
  async create(input: CommandInput<CreatePaymentCommand>, ownerId: string): Promise<PaymentView> {
    const command = await checkRules(normalisedCreate(input));
    const broken = this.policy.check(command);
    if (broken) throw broken;
    return this.presenter.payment(await this.creator.create(command, ownerId));
  }

  /**
   * The viewer's payment by Cashii id, refreshed from Cashii first when the freshness policy says
   * so. Someone else's payment and an unknown id are both null. When Cashii cannot be reached,
   * the stored status is served.
   */
  async findForViewer(cashiiId: string, ownerId: string, batch: PaymentReadBatch = this.readBatch()): Promise<PaymentView | null> {
    checkPaymentId(cashiiId);
    let record = await batch.records.load(cashiiId);
    if (record === null || record.ownerId !== ownerId) return null;
    if (this.sync.isStale(record)) {
      record = (await this.sync.refresh(record, PaymentEventSource.READ, { ifStale: true })).record;
      batch.records.clear(cashiiId).prime(cashiiId, record);
    }
    return this.presenter.payment(record);
  }

  /** Every status change of a payment (by its record id), oldest first. */
  async history(reference: string, batch: PaymentReadBatch = this.readBatch()): Promise<PaymentEventView[]> {
    // The back office's own events (reviews, operators' actions and notes) are not the customer's to see.
    return (await batch.events.load(reference)).filter((event) => CUSTOMER_EVENT_SOURCES.includes(event.source)).map(toPaymentEventView);
  }

  /**
   * The user came back from the payment page. The redirect's claims are kept for audit but prove
   * nothing: the status is re-read from Cashii (or shared with a re-read of the same payment already
   * in flight), final ones included. Replays are harmless.
   */
  async confirmReturn(input: CommandInput<ConfirmReturnCommand>, ownerId: string): Promise<PaymentView> {
    const command = await checkRules(Object.assign(new ConfirmReturnCommand(), input));
    const payments = this.stores.payments;
    const record = await payments.findById(command.reference);
    if (record === null || record.ownerId !== ownerId || record.cashiiId === null) {
      throw badInput('reference', 'No payment matches this reference');
    }
    const { record: synced } = await this.sync.confirmReturn(record, command);
    return this.presenter.payment((await payments.findById(record.id)) ?? synced);
  }

  /** The viewer's payments, newest first, as stored (each `payment(id)` read refreshes one). */
  async listForViewer(ownerId: string, input: Partial<CommandInput<ListPaymentsCommand>>): Promise<PaymentPage> {
    const command = await checkRules(
      Object.assign(new ListPaymentsCommand(), { first: input.first ?? 20, after: input.after ?? null, status: input.status ?? null }),
    );
    const after = afterPosition(command.after);
    const rows = await this.stores.payments.listForOwner(ownerId, command.first + 1, after, command.status ?? null);
    return toPage(rows, command.first, after, (record) => this.presenter.payment(record));
  }

  /**
   * Emits the viewer's payment on every status change, whatever caused it. While watched, a
   * payment that can still change is kept fresh (one Cashii read per TTL, shared by all watchers).
   * Someone else's or an unknown id yields nothing, exactly like a payment that never changes.
   */
  async watch(cashiiId: string, ownerId: string): Promise<AsyncIterableIterator<PaymentView>> {
    checkPaymentId(cashiiId);
    const [record] = await this.stores.payments.findByCashiiIds([cashiiId]);
    if (!record || record.ownerId !== ownerId) return this.watchers.silent(ownerId);
    return this.watchers.watch(record, ownerId);
  }

  /** The viewer's order by the merchant's reference; null for an unknown order or someone else's (no difference visible). */
  async orderForViewer(orderId: string, ownerId: string): Promise<OrderView | null> {
    const order = await this.stores.orders.find(ownerId, checkOrderRef(orderId));
    return order ? this.presenter.order(order) : null;
  }

  /** The order a payment belongs to, as its owner (or an operator) may see it; the orders of a page's payments are read together. */
  async orderOfPayment(payment: PaymentView, viewer: Viewer, batch: PaymentReadBatch = this.readBatch()): Promise<OrderView | null> {
    if (payment.orderId === null || (payment.ownerId !== viewer.id && !viewer.operator)) return null;
    const order = await batch.orders.load({ ownerId: payment.ownerId, orderId: payment.orderId });
    return order ? this.presenter.order(order, batch) : null;
  }

  /** Ends every live subscription (shutdown). */
  closeWatchers(): void {
    this.watchers.closeAll();
  }
}

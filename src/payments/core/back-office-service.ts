/**
 * The operators' door into payments: the review queue, any customer's payment and order, a
 * re-read from Cashii, a review's resolution. Every method refuses anyone but an operator
 * (FORBIDDEN, with no hint of what exists) and runs its command's rules before anything else; the
 * work is the back office's (back-office.ts), the views the presenter's.
 */
import type { Viewer } from '../../auth/viewer';
import { AppError, badInput } from '../../common/errors';
import type { PaymentLoaders } from '../store/payment-loaders';
import type { ReviewReason } from '../store/payment-values';
import type { BackOffice } from './back-office';
import {
  type CommandInput,
  PAYMENT_ID_PATTERN,
  ResolveReviewCommand,
  ReviewQueueCommand,
  afterPosition,
  checkOrderRef,
  checkRules,
} from './payment-commands';
import type { OrderView } from './order-view';
import type { PaymentPresenter } from './payment-presenter';
import { type OperatorEventView, type PaymentPage, type ReviewedPaymentView, toOperatorEventView, toPage } from './payment-view';

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

export class BackOfficeService {
  constructor(
    private readonly backOffice: BackOffice,
    private readonly presenter: PaymentPresenter,
  ) {}

  /** A page of the review queue, oldest first. */
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
      ({ record, reason }) => this.presenter.reviewed(record, reason),
    );
  }

  /** How many payments wait in the queue, by reason (the metrics gauge; no viewer: the process asks). */
  reviewQueueCounts(): Promise<Record<ReviewReason, number>> {
    return this.backOffice.counts();
  }

  /** Any payment, by Cashii id or reference; null when unknown. */
  async paymentForOperator(viewer: Viewer, id: string): Promise<ReviewedPaymentView | null> {
    requireOperator(viewer);
    const record = await this.backOffice.find(checkIdOrReference(id));
    return record ? this.presenter.reviewed(record, this.backOffice.queueEntry(record)) : null;
  }

  /**
   * A payment's whole history, operators' actions and notes included. By reference, the
   * histories of a page's payments are read together.
   */
  async historyForOperator(viewer: Viewer, reference: string, batch?: PaymentLoaders): Promise<OperatorEventView[]> {
    requireOperator(viewer);
    const id = checkIdOrReference(reference);
    if (batch && !PAYMENT_ID_PATTERN.test(id)) return (await batch.events.load(id)).map(toOperatorEventView);
    const record = await this.backOffice.find(id);
    return record ? (await this.backOffice.history(record)).map(toOperatorEventView) : [];
  }

  /** Any owner's order. */
  async orderForOperator(viewer: Viewer, ownerId: string, orderId: string): Promise<OrderView | null> {
    requireOperator(viewer);
    const order = await this.backOffice.order(ownerId, checkOrderRef(orderId));
    return order ? this.presenter.order(order) : null;
  }

  /** Re-reads a payment from Cashii now; the history notes the operator and what Cashii answered. */
  async recheckPayment(viewer: Viewer, id: string): Promise<ReviewedPaymentView> {
    requireOperator(viewer);
    const record = await this.backOffice.recheck(checkIdOrReference(id), viewer.id);
    return this.presenter.reviewed(record, this.backOffice.queueEntry(record));
  }

  /** Closes a payment's review with a typed resolution and a note; it leaves the queue. */
  async resolvePaymentReview(viewer: Viewer, id: string, input: CommandInput<ResolveReviewCommand>): Promise<ReviewedPaymentView> {
    requireOperator(viewer);
    const reference = checkIdOrReference(id);
    const note = typeof input.note === 'string' ? input.note.normalize('NFC') : input.note;
    const command = await checkRules(Object.assign(new ResolveReviewCommand(), { resolution: input.resolution, note }));
    const record = await this.backOffice.resolve(reference, command.resolution, command.note, viewer.id);
    return this.presenter.reviewed(record, this.backOffice.queueEntry(record));
  }
}

/**
 * The payment aggregate's entry points: create, read (refreshed from Cashii when stale), confirm a
 * return from the payment page, and the status history.
 */
import { badInput } from '../../common/errors';
import type { Logger } from '../../logger';
import { type PaymentConnection, type PaymentsArgs, decodeCursor, encodeCursor } from '../api/payment-connection';
import type { PaymentCreator } from './payment-creator';
import type { PaymentSync } from './payment-sync';
import type { PaymentOrder } from '../store/payment.entity';
import type { ConfirmPaymentReturnInput, CreateRemotePaymentInput } from '../api/payment.input';
import type { PaymentLoaders } from '../store/payment.loader';
import { toRemotePayment } from './payment-view';
import type { PaymentRepository } from '../store/payment.repository';
import { PAYMENT_ID_PATTERN } from '../api/payment.input';
import type { StatusBus } from '../../messaging/status-bus';
import { PaymentWatchers } from './payment-watchers';
import { PaymentStatus, isFinal } from './payment-status';
import type { RemotePayment } from '../api/payment.type';

export interface PaymentServiceOptions {
  paymentPageUrl: string;
  /** Re-read a pending payment from Cashii when its confirmation is older than this. */
  statusTtlMs: number;
  /** Re-read a paid payment (it may be refunded) when its confirmation is older than this. */
  paidStatusTtlMs: number;
  /** Live subscriptions one viewer may hold at once. */
  maxWatchesPerViewer: number;
}

export class PaymentService {
  private readonly watchers: PaymentWatchers;

  constructor(
    private readonly repository: PaymentRepository,
    private readonly creator: PaymentCreator,
    private readonly sync: PaymentSync,
    bus: StatusBus,
    private readonly options: PaymentServiceOptions,
    private readonly log: Logger,
  ) {
    this.watchers = new PaymentWatchers(
      repository,
      sync,
      bus,
      {
        pollMs: Math.max(1000, options.statusTtlMs),
        maxPerViewer: options.maxWatchesPerViewer,
        isStale: (record) => this.isStale(record, Date.now()),
        ttlOf: (record) => this.ttlOf(record),
        present: (record) => this.present(record),
      },
      log,
    );
  }

  /** Creates the payment at Cashii (idempotently when a key is given). Input must already be validated. */
  async create(input: CreateRemotePaymentInput, ownerId: string): Promise<RemotePayment> {
    return this.present(await this.creator.create(input, ownerId));
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
      record = (await this.sync.refresh(record, 'read', this.ttlOf(record))).record;
      loaders.records.clear(cashiiId).prime(cashiiId, record);
    }
    return this.present(record);
  }

  /**
   * The user came back from the payment page. The redirect's claims are kept for audit but prove
   * nothing: the status is always re-read from Cashii. Replays are harmless.
   */
  async confirmReturn(input: ConfirmPaymentReturnInput, ownerId: string): Promise<RemotePayment> {
    const record = await this.repository.findById(input.reference);
    if (record === null || record.ownerId !== ownerId || record.cashiiId === null) {
      throw badInput('reference', 'No payment matches this reference');
    }
    // A final status cannot change any more: there is nothing to re-read.
    const { record: synced, confirmed } = isFinal(record.status) ? { record, confirmed: true } : await this.sync.refresh(record, 'return');
    if (confirmed && synced.status.toLowerCase() !== input.status) {
      this.log.warn(
        { cashiiId: record.cashiiId, claimed: input.status, confirmed: synced.status },
        'a return redirect claimed a status that Cashii does not confirm',
      );
    }
    await this.repository.recordReturn(
      record.id,
      // The transaction id is kept only once Cashii confirms the user acted (a forged return on a pending payment proves nothing).
      {
        transactionId: confirmed && synced.status !== PaymentStatus.PENDING ? input.transactionId : null,
        signature: input.signature,
        claimedStatus: input.status,
      },
      new Date(),
    );
    return this.present((await this.repository.findById(record.id)) ?? synced);
  }

  /** The viewer's payments, newest first, as stored (each `payment(id)` read refreshes one). */
  async listForViewer(ownerId: string, args: PaymentsArgs): Promise<PaymentConnection> {
    const after = args.after ? decodeCursor(args.after) : null;
    const rows = await this.repository.listForOwner(ownerId, args.first + 1, after, args.status ?? null);
    const page = rows.slice(0, args.first);
    const edges = page.map((record) => ({
      cursor: encodeCursor({ createdAtMs: record.createdAt.getTime(), id: record.id }),
      node: this.present(record),
    }));
    return { edges, pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * Emits the viewer's payment on every status change, whatever caused it. While watched, a
   * payment that can still change is kept fresh (one Cashii read per TTL, shared by all watchers).
   * Someone else's or an unknown id yields nothing, exactly like a payment that never changes.
   */
  async watch(cashiiId: string, ownerId: string): Promise<AsyncIterableIterator<RemotePayment>> {
    if (!PAYMENT_ID_PATTERN.test(cashiiId)) throw badInput('id', 'id must be a 16-digit Cashii payment id');
    const [record] = await this.repository.findByCashiiIds([cashiiId]);
    if (!record || record.ownerId !== ownerId) return this.watchers.silent(ownerId);
    return this.watchers.watch(record, ownerId);
  }

  /** Ends every live subscription (shutdown). */
  closeWatchers(): void {
    this.watchers.closeAll();
  }

  private isStale(record: PaymentOrder, now: number): boolean {
    if (isFinal(record.status) || record.reviewReason !== null) return false;
    return record.verifiedAt === null || now - record.verifiedAt.getTime() >= this.ttlOf(record);
  }

  private ttlOf(record: PaymentOrder): number {
    return record.status === PaymentStatus.PAID ? this.options.paidStatusTtlMs : this.options.statusTtlMs;
  }

  private present(record: PaymentOrder): RemotePayment {
    return toRemotePayment(record, this.options.paymentPageUrl);
  }
}

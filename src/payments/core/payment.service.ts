/**
 * The one door into payments. Every command (create, read, list, confirm a return, watch) enters
 * here, whoever calls: each method runs the command's rules, normalisation and policy itself
 * before anything is read, written or sent to Cashii, then delegates to the part that does the
 * work (creator, sync, watchers, repository) and answers with views, never records.
 */
import { badInput } from '../../common/errors';
import type { Logger } from '../../logger';
import type { StatusBus } from '../../messaging/status-bus';
import { type PaymentLoaders, createPaymentLoaders } from '../store/payment.loader';
import type { PaymentOrder } from '../store/payment.entity';
import type { PaymentRepository } from '../store/payment.repository';
import type { FreshnessPolicy } from './freshness';
import {
  type CommandInput,
  ConfirmReturnCommand,
  type CreatePaymentCommand,
  ListPaymentsCommand,
  checkPaymentId,
  checkRules,
  normalisedCreate,
} from './payment-commands';
import type { PaymentCreator } from './payment-creator';
import type { PaymentPolicy } from './payment-policy';
import { PaymentStatus, isFinal } from './payment-status';
import type { PaymentSync } from './payment-sync';
import {
  PaymentEventSource,
  type PaymentEventView,
  type PaymentPage,
  type PaymentView,
  decodeCursor,
  encodeCursor,
  toPaymentEventView,
  toPaymentView,
} from './payment-view';
import { PaymentWatchers } from './payment-watchers';

export interface PaymentServiceOptions {
  paymentPageUrl: string;
  /** Live subscriptions one viewer may hold at once. */
  maxWatchesPerViewer: number;
}

/** Per-request batching of reads (one SQL query for several `payment` fields of one operation). */
export type PaymentReadBatch = PaymentLoaders;

export class PaymentService {
  private readonly watchers: PaymentWatchers;

  constructor(
    private readonly repository: PaymentRepository,
    private readonly creator: PaymentCreator,
    private readonly sync: PaymentSync,
    private readonly policy: PaymentPolicy,
    private readonly freshness: FreshnessPolicy,
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
    return createPaymentLoaders(this.repository);
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
  async findForViewer(cashiiId: string, ownerId: string, batch: PaymentReadBatch = this.readBatch()): Promise<PaymentView | null> {
    checkPaymentId(cashiiId);
    let record = await batch.records.load(cashiiId);
    if (record === null || record.ownerId !== ownerId) return null;
    if (this.freshness.isStale(record)) {
      record = (await this.sync.refresh(record, PaymentEventSource.READ, { ifStale: true })).record;
      batch.records.clear(cashiiId).prime(cashiiId, record);
    }
    return this.present(record);
  }

  /** Every status change of a payment (by its record id), oldest first. */
  async history(recordId: string, batch: PaymentReadBatch = this.readBatch()): Promise<PaymentEventView[]> {
    return (await batch.events.load(recordId)).map(toPaymentEventView);
  }

  /**
   * The user came back from the payment page. The redirect's claims are kept for audit but prove
   * nothing: the status is always re-read from Cashii. Replays are harmless.
   */
  async confirmReturn(input: CommandInput<ConfirmReturnCommand>, ownerId: string): Promise<PaymentView> {
    const command = await checkRules(Object.assign(new ConfirmReturnCommand(), input));
    const record = await this.repository.findById(command.reference);
    if (record === null || record.ownerId !== ownerId || record.cashiiId === null) {
      throw badInput('reference', 'No payment matches this reference');
    }
    // A final status cannot change any more: there is nothing to re-read.
    const { record: synced, confirmed } = isFinal(record.status)
      ? { record, confirmed: true }
      : await this.sync.refresh(record, PaymentEventSource.RETURN, { ifStale: false });
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
    const after = command.after ? decodeCursor(command.after) : null;
    if (command.after && after === null) throw badInput('after', 'after must be a cursor from pageInfo.endCursor');
    const rows = await this.repository.listForOwner(ownerId, command.first + 1, after, command.status ?? null);
    const page = rows.slice(0, command.first);
    const edges = page.map((record) => ({
      cursor: encodeCursor({ createdAtMs: record.createdAt.getTime(), id: record.id }),
      node: this.present(record),
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > command.first,
        // Pages go forward only: anything asked for after a cursor has that cursor's payment before it.
        hasPreviousPage: after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
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

  /** Ends every live subscription (shutdown). */
  closeWatchers(): void {
    this.watchers.closeAll();
  }

  private present(record: PaymentOrder): PaymentView {
    return toPaymentView(record, this.options.paymentPageUrl);
  }
}

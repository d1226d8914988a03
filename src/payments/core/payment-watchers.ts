/**
 * Live watchers of payments. However many subscriptions watch one payment, it has one bus
 * listener and one poller (which keeps a payment that can still change fresh, one Cashii read
 * per TTL through PaymentSync), and each viewer may watch a bounded number at once. The poller
 * waits on the Clock and arms its next check only once the last one has finished, so a slow
 * Cashii never stacks checks of one payment.
 */
import { Channel } from '../../common/channel';
import type { Clock } from '../../common/clock';
import { AppError } from '../../common/errors';
import type { Logger } from '../../logger';
import type { PaymentSync } from './payment-sync';
import type { PaymentOrder } from '../store/payment-entity';
import type { PaymentRepository } from '../store/payment-repository';
import { type PaymentStatus, isFinal, pathBetween } from './payment-status';
import type { StatusBus } from '../../messaging/status-bus';
import type { FreshnessPolicy } from './freshness';
import { PaymentEventSource, type PaymentView } from './payment-view';

export interface WatcherOptions {
  /** Live subscriptions one viewer may hold at once (all connections, this process). */
  maxPerViewer: number;
  present(record: PaymentOrder): PaymentView;
}

interface Watched {
  readonly recordId: string;
  last: PaymentStatus;
  readonly channels: Set<Channel<PaymentView>>;
  /** The next poll, or null when none is due (final, stopped, or a poll running). */
  timer: { cancel(): void } | null;
  stopped: boolean;
  readonly unsubscribe: () => void;
}

/** What the watchers need of the store and the sync (narrow seams: unit tests pass fakes). */
export type WatcherStore = Pick<PaymentRepository, 'findById'>;
export type WatcherSync = Pick<PaymentSync, 'refresh'>;

export class PaymentWatchers {
  private readonly watched = new Map<string, Watched>();
  private readonly perViewer = new Map<string, number>();

  constructor(
    private readonly repository: WatcherStore,
    private readonly sync: WatcherSync,
    private readonly bus: Pick<StatusBus, 'subscribe'>,
    private readonly freshness: FreshnessPolicy,
    private readonly options: WatcherOptions,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** A channel of the payment's changes, counted against `viewerId`'s limit until it closes. */
  watch(record: PaymentOrder, viewerId: string): Channel<PaymentView> {
    const held = this.perViewer.get(viewerId) ?? 0;
    if (held >= this.options.maxPerViewer) {
      throw new AppError('RATE_LIMITED', `At most ${this.options.maxPerViewer} live subscriptions at once`, { retryable: true });
    }
    this.perViewer.set(viewerId, held + 1);
    const cashiiId = record.cashiiId as string;
    const entry = this.watched.get(cashiiId) ?? this.start(cashiiId, record);
    const channel: Channel<PaymentView> = new Channel<PaymentView>(() => {
      entry.channels.delete(channel);
      const left = (this.perViewer.get(viewerId) ?? 1) - 1;
      if (left > 0) this.perViewer.set(viewerId, left);
      else this.perViewer.delete(viewerId);
      if (entry.channels.size === 0) this.stop(cashiiId, entry);
    });
    entry.channels.add(channel);
    // First the payment as it is now: a change made just before subscribing is never missed.
    channel.push(this.options.present(record));
    return channel;
  }

  /** A channel that never yields, for ids the viewer may not see (indistinguishable from a quiet payment). */
  silent(viewerId: string): Channel<PaymentView> {
    const held = this.perViewer.get(viewerId) ?? 0;
    if (held >= this.options.maxPerViewer) {
      throw new AppError('RATE_LIMITED', `At most ${this.options.maxPerViewer} live subscriptions at once`, { retryable: true });
    }
    this.perViewer.set(viewerId, held + 1);
    return new Channel<PaymentView>(() => {
      const left = (this.perViewer.get(viewerId) ?? 1) - 1;
      if (left > 0) this.perViewer.set(viewerId, left);
      else this.perViewer.delete(viewerId);
    });
  }

  /** Ends every subscription (shutdown). */
  closeAll(): void {
    for (const entry of this.watched.values()) for (const channel of [...entry.channels]) channel.close();
  }

  private start(cashiiId: string, record: PaymentOrder): Watched {
    const entry: Watched = {
      recordId: record.id,
      last: record.status,
      channels: new Set(),
      timer: null,
      stopped: false,
      unsubscribe: this.bus.subscribe(cashiiId, () => void this.update(entry).catch((error: unknown) => this.failed(error))),
    };
    this.armPoll(entry);
    this.watched.set(cashiiId, entry);
    return entry;
  }

  private stop(cashiiId: string, entry: Watched): void {
    entry.stopped = true;
    entry.timer?.cancel();
    entry.timer = null;
    entry.unsubscribe();
    this.watched.delete(cashiiId);
  }

  /** Pushes the stored status when it moved forward (answers can arrive out of order). */
  private async update(entry: Watched): Promise<void> {
    const fresh = await this.repository.findById(entry.recordId);
    if (!fresh) return;
    const path = pathBetween(entry.last, fresh.status);
    if (path === null || path.length === 0) return;
    entry.last = fresh.status;
    const payment = this.options.present(fresh);
    for (const channel of entry.channels) channel.push(payment);
    if (isFinal(entry.last)) {
      entry.timer?.cancel();
      entry.timer = null;
    }
  }

  /** Arms the next poll of a payment that can still change, `pollMs` from now. */
  private armPoll(entry: Watched): void {
    if (entry.stopped || isFinal(entry.last)) return;
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = null;
      void this.poll(entry)
        .catch((error: unknown) => this.failed(error))
        .finally(() => this.armPoll(entry));
    }, this.freshness.pollMs);
  }

  private async poll(entry: Watched): Promise<void> {
    const fresh = await this.repository.findById(entry.recordId);
    if (fresh && this.freshness.isStale(fresh)) await this.sync.refresh(fresh, PaymentEventSource.READ, { ifStale: true });
    await this.update(entry); // also catches a change made between the first read and the subscription
  }

  private failed(error: unknown): void {
    this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'payment watch update failed');
  }
}

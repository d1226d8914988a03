/**
 * Tells subscribers that a payment's status changed. In one process an EventEmitter does; on
 * PostgreSQL every change is also sent with NOTIFY and every replica LISTENs, so a change made by
 * one replica reaches the subscribers of another.
 */
import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Logger } from '../logger';

const CHANNEL = 'cashii_bff_payment_status';

export interface StatusBus {
  /** Announces a change of the payment with this Cashii id. */
  publish(cashiiId: string): void;
  /** Calls `listener` on every announced change of `cashiiId`; returns the unsubscribe function. */
  subscribe(cashiiId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

export class LocalStatusBus implements StatusBus {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(cashiiId: string): void {
    this.emitter.emit(cashiiId);
  }

  subscribe(cashiiId: string, listener: () => void): () => void {
    this.emitter.on(cashiiId, listener);
    return () => this.emitter.off(cashiiId, listener);
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}

export class PostgresStatusBus extends LocalStatusBus {
  private listener: Client | null = null;
  private notifier: Client | null = null;
  private closing = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Opens the LISTEN connection (and the one that NOTIFYs). */
  async start(): Promise<void> {
    this.notifier = new Client({ connectionString: this.url });
    this.notifier.on('error', (error) => this.log.error({ err: error.message }, 'status bus notifier connection failed'));
    await this.notifier.connect();
    await this.listen();
  }

  /** Delivers locally only through LISTEN (its own NOTIFY included), so every replica sees each change once. */
  override publish(cashiiId: string): void {
    if (!this.notifier) return super.publish(cashiiId);
    this.notifier.query('SELECT pg_notify($1, $2)', [CHANNEL, cashiiId]).catch((error: Error) => {
      this.log.error({ err: error.message, cashiiId }, 'NOTIFY failed; delivering locally only');
      super.publish(cashiiId);
    });
  }

  override async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.listener?.end().catch(() => undefined), this.notifier?.end().catch(() => undefined)]);
    await super.close();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.emitter.emit(message.payload);
    });
    client.on('error', (error) => {
      this.log.error({ err: error.message }, 'status bus LISTEN connection lost; reconnecting');
      void client.end().catch(() => undefined);
      if (!this.closing) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }
}

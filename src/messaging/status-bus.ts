/**
 * Tells subscribers that a payment's status changed. In one process an EventEmitter does; on
 * PostgreSQL every change is also sent with NOTIFY and every replica LISTENs, so a change made by
 * one replica reaches the subscribers of another.
 */
import { sleep } from '../common/clock';
import { EventEmitter } from 'node:events';
import type { Client } from 'pg';
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
  private closing = false;

  constructor(
    private readonly url: string,
    /** The application's pool (which reconnects by itself) for NOTIFY; LISTEN needs a connection of its own. */
    private readonly pool: { query(sql: string, parameters: unknown[]): Promise<unknown> },
    private readonly log: Logger,
  ) {
    super();
  }

  /** Opens the LISTEN connection. */
  start(): Promise<void> {
    return this.listen();
  }

  /** Delivers locally only through LISTEN (its own NOTIFY included), so every replica sees each change once. */
  override publish(cashiiId: string): void {
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, cashiiId]).catch((error: Error) => {
      this.log.error({ err: error.message, cashiiId }, 'NOTIFY failed; delivering locally only');
      super.publish(cashiiId);
    });
  }

  override async close(): Promise<void> {
    this.closing = true;
    await this.listener?.end().catch(() => undefined);
    await super.close();
  }

  private async listen(): Promise<void> {
    // pg is loaded only on PostgreSQL (a BFF on SQLite never comes here).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client: PgClient } = require('pg') as typeof import('pg');
    const client: Client = new PgClient({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.emitter.emit(message.payload);
    });
    // A cut connection may emit several errors: only the first, on the live listener, starts one reconnect loop.
    client.on('error', (error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.log.error({ err: error.message }, 'status bus LISTEN connection lost; reconnecting');
      void client.end().catch(() => undefined);
      void this.reconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
  }

  /** Keeps trying (1 s, 2 s, ... up to 30 s apart) until LISTEN works again or the bus closes. */
  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closing; attempt++) {
      await sleep(Math.min(30_000, 1000 * 2 ** attempt));
      if (this.closing) return;
      try {
        await this.listen();
        this.log.info('status bus LISTEN connection restored');
        return;
      } catch (error) {
        this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'status bus LISTEN reconnect failed');
      }
    }
  }
}

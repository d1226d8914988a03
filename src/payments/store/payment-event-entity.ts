/** One status change of a payment, written in the same transaction as the change itself. */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../../db/transformers';
import type { PaymentEventSource, PaymentStatus } from './payment-values';

@Entity({ name: 'payment_events' })
@Index('idx_payment_events_payment', ['paymentId', 'at'])
export class PaymentEventRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The order record's id (our reference). */
  @Column({ type: 'varchar', length: 36 })
  paymentId: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus: PaymentStatus | null = null;

  @Column({ type: 'varchar', length: 16 })
  toStatus: PaymentStatus;

  @Column({ type: 'varchar', length: 16 })
  source: PaymentEventSource;

  @Column({ type: 'bigint', transformer: epochMillis })
  at: Date;

  /** The operator's subject for a back-office action; null for everything the system did. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  actor: string | null = null;

  /** The operator's note, or why the payment was put in the review queue. */
  @Column({ type: 'text', nullable: true })
  note: string | null = null;
}

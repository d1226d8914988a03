/**
 * A merchant's order (their `orderId`, per owner) and the attempts to pay it. The row is the
 * arbiter of "paid at most once": the active attempt and the paid one change only by conditional
 * UPDATEs, so concurrent creates and late payments are decided by the database.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../../db/transformers';

@Entity({ name: 'merchant_orders' })
@Index('uq_merchant_orders_owner_key', ['ownerId', 'orderKey'], { unique: true })
export class MerchantOrder {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  ownerId: string;

  /** The merchant's own order id (`orderId` of the create input), as first spelt (column `orderRef`). */
  @Column({ name: 'orderRef', type: 'varchar', length: 128 })
  orderId: string;

  /** The reference in its one compared spelling (store/order-key.ts): unique per owner. */
  @Column({ type: 'varchar', length: 255, default: '' })
  orderKey: string;

  /** The payment record handed out for this order now (null: none, or the last one failed). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  activePaymentId: string | null;

  /** The payment record that paid this order; set once, never replaced. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  paidPaymentId: string | null;

  @Column({ type: 'bigint', transformer: epochMillis })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMillis })
  updatedAt: Date;
}

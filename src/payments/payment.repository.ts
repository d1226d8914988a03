/**
 * All reads and writes of payment order records. The status column is written only by
 * `changeStatus`: one conditional UPDATE whose affected-row count is checked.
 */
import { type DataSource, In, type Repository } from 'typeorm';
import { CreateState, PaymentOrder } from './payment.entity';
import type { PaymentStatus } from './payment-status';

/** Columns a confirmation with Cashii may update besides the status. */
export type VerificationPatch = Partial<Pick<PaymentOrder, 'verifiedAt' | 'upstreamStatus' | 'from' | 'to'>>;

export class PaymentRepository {
  private readonly repo: Repository<PaymentOrder>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(PaymentOrder);
  }

  /** Writes a new record (before Cashii is called). */
  async insert(record: PaymentOrder): Promise<void> {
    await this.repo.insert(record);
  }

  /** Records Cashii's id once the create is confirmed. */
  async markCreated(id: string, cashiiId: string, at: Date): Promise<void> {
    const result = await this.repo.update(
      { id, createState: CreateState.SENDING },
      { cashiiId, createState: CreateState.CREATED, updatedAt: at, verifiedAt: at },
    );
    if (result.affected !== 1) throw new Error(`payment order ${id} was not in SENDING state`);
  }

  /** Records that a create failed (`FAILED`) or that its outcome is unknown (`UNKNOWN`). */
  async markCreateOutcome(id: string, state: CreateState.FAILED | CreateState.UNKNOWN, at: Date): Promise<void> {
    await this.repo.update({ id, createState: CreateState.SENDING }, { createState: state, updatedAt: at });
  }

  /** Created records by Cashii id, in one query. */
  findByCashiiIds(cashiiIds: readonly string[]): Promise<PaymentOrder[]> {
    return this.repo.find({ where: { cashiiId: In([...cashiiIds]) } });
  }

  findByCashiiId(cashiiId: string): Promise<PaymentOrder | null> {
    return this.repo.findOne({ where: { cashiiId } });
  }

  /**
   * Moves the status from one of `from` to `to` (with `patch`) in one conditional UPDATE.
   * Returns false when the row was no longer in an expected status (another writer got there first).
   */
  async changeStatus(cashiiId: string, from: PaymentStatus, to: PaymentStatus, patch: VerificationPatch, at: Date): Promise<boolean> {
    const result = await this.repo.update({ cashiiId, status: from }, { ...patch, status: to, updatedAt: at });
    return result.affected === 1;
  }

  /** Updates verification columns while the status stays `status`; false when it has moved meanwhile. */
  async recordVerification(cashiiId: string, status: PaymentStatus, patch: VerificationPatch, at: Date): Promise<boolean> {
    const result = await this.repo.update({ cashiiId, status }, { ...patch, updatedAt: at });
    return result.affected === 1;
  }
}

/**
 * Records Cashii's id once Cashii has created a payment, whatever the database does meanwhile.
 * A failed write puts the id in the journal (fsynced) first; the id is then retried in the
 * background for `windowMs`, and after that by every reconciler pass and every start. The request
 * that created it waits at most `waitMs` and then answers STORAGE_UNAVAILABLE (retryable); a retry
 * with the same idempotency key finds the id here and never sends a second create.
 */
import { sleep } from '../../common/clock';
import { StorageUnavailableError, isStorageFault } from '../../db/storage-fault';
import type { Logger } from '../../logger';
import type { CreateJournal, JournalEntry } from './create-journal';
import { describeError } from './describe-error';
import type { PaymentRepository } from '../store/payment-repository';
import { ReviewReason } from '../store/payment-values';

export interface CreateRecorderOptions {
  /** The creating request waits this long for the id to reach the database. */
  waitMs: number;
  /** Background retries go on this long after Cashii answered. */
  windowMs: number;
  /** First reconciler check of a new payment after this long. */
  firstCheckDelayMs: number;
  /** Counts each journaled id that was replayed into the database (`recorded`) or could not be (`failed`). */
  onReplay?: (result: 'recorded' | 'failed' | 'conflict') => void;
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;

export class CreateRecorder {
  private retrying: Promise<void> | null = null;
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(
    private readonly repository: PaymentRepository,
    private readonly journal: CreateJournal,
    private readonly options: CreateRecorderOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Writes Cashii's id for `recordId`. Resolves once the database holds it; rejects with
   * StorageUnavailableError when it could not within `waitMs` (the id stays journaled).
   */
  async record(recordId: string, cashiiId: string, at: Date): Promise<void> {
    const outcome = await this.repository
      .recordCreatedId(recordId, cashiiId, at, this.firstCheckAt(at))
      .catch((error: unknown) => ({ failed: error }));
    if (outcome === 'recorded' || outcome === 'already') return;
    if (outcome === 'conflict') {
      this.log.error({ reference: recordId, cashiiId }, 'the record already holds another Cashii id: check this payment at Cashii');
      throw new Error(`payment order ${recordId} already holds another Cashii id`);
    }
    // Whatever failed (a storage fault or not), Cashii's id must not be lost: journal it and retry.
    this.log.warn({ reference: recordId, cashiiId, err: describeError(outcome.failed) }, 'recording a created payment failed; retrying');
    const entry = { recordId, cashiiId, at: at.getTime() };
    await this.journal.append(entry).then(
      () =>
        this.log.warn(
          { reference: recordId, cashiiId },
          'Cashii created a payment the database cannot take yet: kept in the create journal',
        ),
      // The log line is the last copy: both ids, at error level, for an operator to recover by hand.
      (error: unknown) =>
        this.log.error(
          { reference: recordId, cashiiId, journal: this.journal.file, err: describeError(error) },
          'Cashii created a payment that neither the database nor the journal could take; kept in memory only',
        ),
    );
    const recorded = new Promise<void>((resolve) => this.waiters.set(recordId, [...(this.waiters.get(recordId) ?? []), resolve]));
    this.kick();
    const waited = await Promise.race([recorded.then(() => 'recorded' as const), sleep(this.options.waitMs)]);
    if (waited !== 'recorded') throw new StorageUnavailableError('CREATE_NOT_RECORDED');
  }

  /**
   * Throws StorageUnavailableError (reason JOURNAL_UNWRITABLE, retryable) while the create journal
   * cannot be written: a create must not reach Cashii then, since an id the database could not take
   * would live in memory only and a crash would cost its key a second Cashii create. Cheap (no fs
   * call): the journal keeps its state from its last write and its probe timer.
   */
  assertJournalWritable(): void {
    if (this.journal.unwritableReason !== null) throw new StorageUnavailableError('JOURNAL_UNWRITABLE');
  }

  /** Whether a Cashii id for `recordId` waits here (a retry must use it, never create again). */
  has(recordId: string): boolean {
    return this.journal.get(recordId) !== undefined;
  }

  /** Writes the waiting id of one record now; rejects with StorageUnavailableError while the database cannot take it. */
  async flush(recordId: string): Promise<void> {
    const entry = this.journal.get(recordId);
    if (!entry) return;
    const left = await this.apply([entry]);
    if (left.length > 0) throw new StorageUnavailableError('CREATE_NOT_RECORDED');
  }

  /** Writes every waiting id (at start, and on each reconciler pass); returns how many are still waiting. */
  async replay(): Promise<number> {
    if (this.journal.size === 0) return 0;
    return (await this.apply(this.journal.all())).length;
  }

  /** Resolves when the background retries have stopped (shutdown). */
  async drain(): Promise<void> {
    await this.retrying;
  }

  private async apply(entries: JournalEntry[]): Promise<JournalEntry[]> {
    const done: string[] = [];
    const left: JournalEntry[] = [];
    for (const entry of entries) {
      try {
        const at = new Date(entry.at);
        const outcome = await this.repository.recordCreatedId(entry.recordId, entry.cashiiId, at, this.firstCheckAt(at));
        if (outcome === 'conflict') {
          this.options.onReplay?.('conflict');
          this.log.error(
            { reference: entry.recordId, cashiiId: entry.cashiiId },
            'a journaled Cashii id does not match the record (another id or no record): check this payment at Cashii',
          );
          // The back office's queue shows it (when the record exists): Cashii may hold a payment nobody was shown.
          await this.repository.flagForReview(
            entry.recordId,
            ReviewReason.RECOVERED_ID,
            `The create journal held Cashii id ${entry.cashiiId} for this record, which holds another: check ${entry.cashiiId} at Cashii`,
            new Date(),
          );
        } else {
          this.options.onReplay?.('recorded');
          this.log.info({ reference: entry.recordId, cashiiId: entry.cashiiId }, 'journaled Cashii id recorded');
        }
        done.push(entry.recordId);
      } catch (error) {
        if (!isStorageFault(error))
          this.log.warn({ reference: entry.recordId, err: describeError(error) }, 'replaying a journaled id failed');
        this.options.onReplay?.('failed');
        left.push(entry);
      }
    }
    if (done.length > 0) {
      await this.journal.remove(done).catch((error: unknown) => {
        // The entries are recorded; left in the file they are only replayed again, harmlessly.
        this.log.warn({ err: describeError(error) }, 'could not compact the create journal');
      });
      for (const id of done) {
        for (const wake of this.waiters.get(id) ?? []) wake();
        this.waiters.delete(id);
      }
    }
    return left;
  }

  /** One background loop retries every waiting id with backoff until the window closes. */
  private kick(): void {
    if (this.retrying) return;
    this.retrying = (async () => {
      let wait = RETRY_FIRST_MS;
      while (this.journal.size > 0) {
        await sleep(wait);
        const left = await this.apply(this.journal.all());
        const now = Date.now();
        if (left.every((entry) => now - entry.at > this.options.windowMs)) break;
        wait = Math.min(wait * 2, RETRY_MAX_MS);
      }
    })()
      .catch((error: unknown) => this.log.error({ err: describeError(error) }, 'create journal retries failed'))
      .finally(() => (this.retrying = null));
  }

  private firstCheckAt(at: Date): Date {
    return new Date(at.getTime() + this.options.firstCheckDelayMs);
  }
}

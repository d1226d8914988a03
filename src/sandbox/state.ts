/** In-memory store and fault script of the Cashii simulator. */
import { randomInt } from 'node:crypto';
import type { CashiiStatus } from '../cashii/wire';

/** The simulator speaks Cashii's own status list (the adapter's). */
export type SimStatus = CashiiStatus;

export interface SimPayment {
  id: string;
  amount: number;
  currency: string;
  note: string | null;
  metadata: Record<string, unknown> | null;
  payable_to: string | null;
  status: SimStatus;
  from: string | null;
  to: string;
  created_at: string;
}

/** Which API route a scripted fault applies to. */
export type FaultRoute = 'create' | 'get' | 'any';

/** A scripted misbehaviour for the next `times` matching API requests. */
export interface Fault {
  route: FaultRoute;
  /** Answer with this HTTP status (and `body`, default a JSON error). */
  status?: number;
  body?: string;
  /** Header value for `Retry-After` (with status 429). */
  retryAfter?: string;
  /** Answer 2xx with invalid JSON. */
  malformed?: boolean;
  /** Announce the full body length but send only part, then close the socket. */
  truncated?: boolean;
  /** Destroy the connection without answering. */
  reset?: boolean;
  /** Wait this long before answering (or misbehaving). */
  delayMs?: number;
  /** For `create`: store the payment first, then misbehave (the "created, but the answer was lost" case). */
  afterCreate?: boolean;
  /** How many requests this applies to; default 1. */
  times?: number;
}

export interface SimStats {
  create: number;
  get: number;
  page: number;
  unauthorized: number;
}

export class SimulatorState {
  readonly payments = new Map<string, SimPayment>();
  faults: Fault[] = [];
  latencyMs = 0;
  stats: SimStats = { create: 0, get: 0, page: 0, unauthorized: 0 };

  /** Takes the next fault for a route, consuming one of its `times`. */
  takeFault(route: 'create' | 'get'): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.route === route || fault.route === 'any');
    if (index < 0) return undefined;
    const fault = this.faults[index];
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.faults.splice(index, 1);
    else this.faults[index] = { ...fault, times: left };
    return fault;
  }

  reset(): void {
    this.payments.clear();
    this.faults = [];
    this.latencyMs = 0;
    this.stats = { create: 0, get: 0, page: 0, unauthorized: 0 };
  }

  /**
   * Stores a new pending payment from a validated create body (api.ts checks it first): the one place
   * that says what the simulator keeps of a payment, so a new Cashii field is added here (and to SimPayment).
   */
  create(body: Record<string, unknown>, merchantAccount: string): SimPayment {
    const payment: SimPayment = {
      id: this.newId(),
      amount: body.amount as number,
      currency: body.currency as string,
      note: (body.note as string | undefined) ?? null,
      metadata: (body.metadata as Record<string, unknown> | undefined) ?? null,
      payable_to: (body.payable_to as string | undefined) ?? null,
      status: 'pending',
      from: null,
      to: merchantAccount,
      created_at: new Date().toISOString(),
    };
    this.payments.set(payment.id, payment);
    return payment;
  }

  /** A random 16-digit id that is not taken yet. */
  newId(): string {
    for (;;) {
      const id = randomDigits(16, true);
      if (!this.payments.has(id)) return id;
    }
  }
}

/** `count` random digits; `leadingNonZero` keeps the id 16 digits long as a number too. */
export function randomDigits(count: number, leadingNonZero = false): string {
  let digits = leadingNonZero ? String(randomInt(1, 10)) : String(randomInt(0, 10));
  while (digits.length < count) digits += String(randomInt(0, 10));
  return digits;
}

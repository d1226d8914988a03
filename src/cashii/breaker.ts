/**
 * Circuit breaker around Cashii. After `threshold` consecutive failures that say Cashii is down
 * (5xx, network faults, timeouts, garbage), calls fail fast without touching the network for
 * `cooldownMs`; then one probe is let through, and its success closes the circuit. Cashii's 4xx
 * answers (including 429 and 401) prove it is up and never trip it.
 */
import { CashiiBadResponseError, CashiiUnavailableError } from './errors';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Thrown instead of calling Cashii while the circuit is open. Nothing was sent. */
export class CashiiCircuitOpenError extends CashiiUnavailableError {
  constructor() {
    super('Cashii calls are paused after repeated failures', 'not-created');
  }
}

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  onStateChange?: (state: BreakerState) => void;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  constructor(private readonly options: BreakerOptions) {}

  get state(): BreakerState {
    return this.current;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const probe = this.admit();
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (error) {
      if (isOutage(error)) this.failed();
      else this.succeeded();
      throw error;
    } finally {
      // Only the probe itself frees the probe slot (a call admitted earlier may finish meanwhile).
      if (probe) this.probing = false;
    }
  }

  /** Lets a call through or throws; true when the call is the half-open probe. */
  private admit(): boolean {
    if (this.current === 'closed') return false;
    const now = this.options.now?.() ?? Date.now();
    if (this.current === 'open' && now - this.openedAt >= this.options.cooldownMs) this.setState('half-open');
    if (this.current === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    throw new CashiiCircuitOpenError();
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.current !== 'closed') this.setState('closed');
  }

  private failed(): void {
    this.failures++;
    if (this.current === 'half-open' || this.failures >= this.options.threshold) {
      this.openedAt = this.options.now?.() ?? Date.now();
      if (this.current !== 'open') this.setState('open');
    }
  }

  private setState(state: BreakerState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}

function isOutage(error: unknown): boolean {
  return (error instanceof CashiiUnavailableError && !(error instanceof CashiiCircuitOpenError)) || error instanceof CashiiBadResponseError;
}

/**
 * The configurable rules on a new payment (allowed currencies, amount limit, redirect origins).
 * Checked by the service (the one door) after the static rules, before anything is written or sent.
 */
import type { Config } from '../../config';
import { type AppError, badInput } from '../../common/errors';
import type { CreatePaymentCommand } from './payment-commands';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export class PaymentPolicy {
  constructor(
    private readonly rules: Config['payments'],
    /** Production accepts https return URLs only. */
    private readonly httpsOnly = false,
  ) {}

  /** The first rule the input breaks, or null. */
  check(input: CreatePaymentCommand): AppError | null {
    if (input.amount > this.rules.maxAmount) return badInput('amount', `amount must be at most ${this.rules.maxAmount}`);
    if (!this.rules.currencies.includes(input.currency)) {
      return badInput('currency', `currency must be one of ${this.rules.currencies.join(', ')}`);
    }
    if (!this.isAllowedRedirect(input.redirectUrl)) {
      return badInput('redirectUrl', 'redirectUrl must be an absolute http(s) URL on an allowed origin');
    }
    return null;
  }

  /**
   * Compares the exact origin after WHATWG parsing. Userinfo is refused outright (it hides the real host).
   * Without configured origins (development only) any localhost port is allowed.
   */
  isAllowedRedirect(value: string): boolean {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    if (url.protocol !== 'https:' && (this.httpsOnly || url.protocol !== 'http:')) return false;
    if (url.username !== '' || url.password !== '') return false;
    if (this.rules.redirectOrigins.length === 0) return LOCAL_HOSTS.has(url.hostname);
    return this.rules.redirectOrigins.includes(url.origin);
  }
}

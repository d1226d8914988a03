/** What every resolver gets: the viewer, the services, and this request's DataLoaders. */
import type { PaymentLoaders } from '../payments/store/payment.loader';
import type { PaymentService } from '../payments/core/payment.service';
import type { ConfirmReturnLimits, CreatePaymentLimits } from '../rate-limit/rate-limiter';

export interface Viewer {
  /** Stable id of the customer (the owner of payments): the JWT `sub`, or a development user. */
  readonly id: string;
  /** When the credentials stop being valid (epoch ms), if they expire. */
  readonly expiresAt?: number;
}

export interface GraphQLContext {
  readonly viewer: Viewer;
  /** The client's address (X-Forwarded-For only when TRUST_PROXY is set), for rate limits. */
  readonly clientAddress: string;
  readonly payments: PaymentService;
  readonly loaders: PaymentLoaders;
  readonly createLimits: CreatePaymentLimits;
  readonly confirmLimits: ConfirmReturnLimits;
}

/** What every resolver gets: the viewer, the services, and this request's read batch. */
import type { Viewer } from '../auth/viewer';
import type { BackOfficeService } from '../payments/core/back-office-service';
import type { PaymentReadBatch, PaymentService } from '../payments/core/payment-service';
import type { ConfirmReturnLimits, CreatePaymentLimits } from '../rate-limit/rate-limiter';

export type { Viewer };

export interface GraphQLContext {
  readonly viewer: Viewer;
  /** The client's address (X-Forwarded-For only when TRUST_PROXY is set), for rate limits. */
  readonly clientAddress: string;
  /** The customers' door. */
  readonly payments: PaymentService;
  /** The operators' door (each of its methods refuses anyone but an operator). */
  readonly backOffice: BackOfficeService;
  /** Reads of this request batched together (one SQL query for several payment fields). */
  readonly loaders: PaymentReadBatch;
  readonly createLimits: CreatePaymentLimits;
  readonly confirmLimits: ConfirmReturnLimits;
}

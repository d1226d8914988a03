/** What every resolver gets: the viewer, the services, and this request's DataLoaders. */
import type { PaymentLoaders } from '../payments/payment.loader';
import type { PaymentService } from '../payments/payment.service';

export interface Viewer {
  /** Stable id of the customer (the owner of payments). */
  readonly id: string;
}

export interface GraphQLContext {
  readonly viewer: Viewer;
  readonly payments: PaymentService;
  readonly loaders: PaymentLoaders;
}

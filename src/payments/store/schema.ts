/** What the payments module stores: its entities and the migrations that create them, handed to the database room. */
import { CreatePaymentOrders1764150000000 } from './migrations/1764150000000-CreatePaymentOrders';
import { PaymentLifecycle1764160000000 } from './migrations/1764160000000-PaymentLifecycle';
import { PaymentEventRecord } from './payment-event.entity';
import { PaymentOrder } from './payment.entity';

export const PAYMENT_ENTITIES = [PaymentOrder, PaymentEventRecord];
export const PAYMENT_MIGRATIONS = [CreatePaymentOrders1764150000000, PaymentLifecycle1764160000000];

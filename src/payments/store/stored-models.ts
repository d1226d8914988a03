/** What the payments module stores: its entities and the migrations that create them, handed to the database room. */
import { CreatePaymentOrders1764150000000 } from './migrations/1764150000000-CreatePaymentOrders';
import { PaymentLifecycle1764160000000 } from './migrations/1764160000000-PaymentLifecycle';
import { OrdersAndReviews1764180000000 } from './migrations/1764180000000-OrdersAndReviews';
import { CreateStateIndex1764190000000 } from './migrations/1764190000000-CreateStateIndex';
import { OrderKeysAndDueIndex1764200000000 } from './migrations/1764200000000-OrderKeysAndDueIndex';
import { MerchantOrder } from './order-entity';
import { PaymentEventRecord } from './payment-event-entity';
import { PaymentOrder } from './payment-entity';

export const PAYMENT_ENTITIES = [PaymentOrder, PaymentEventRecord, MerchantOrder];
export const PAYMENT_MIGRATIONS = [
  CreatePaymentOrders1764150000000,
  PaymentLifecycle1764160000000,
  OrdersAndReviews1764180000000,
  CreateStateIndex1764190000000,
  OrderKeysAndDueIndex1764200000000,
];

/**
 * The one spelling merchant orders are compared in (`merchant_orders.orderKey`): Unicode NFKC,
 * then case-folded (lower case, and NFKC again, since lower-casing can leave text unnormalised).
 * So `ORDER-1`, `order-1`, its NFD form and its fullwidth form `ＯＲＤＥＲ-1` are one order. What
 * the key cannot merge (invisible characters, unusual spaces, other dashes, mixed scripts) is
 * refused before it is computed (core/order-ref.ts). The 1764200000000 migration computed the key
 * of the rows stored before it with this function: a change to it needs a migration too.
 */
export function orderKeyOf(orderId: string): string {
  return orderId.normalize('NFKC').toLowerCase().normalize('NFKC');
}

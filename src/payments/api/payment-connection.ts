/** The viewer's payments as a Relay-style cursor connection, newest first (order-history screens). */
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { PaymentStatus } from '../core/payment-status';
import { MAX_PAGE_SIZE } from '../core/payment-commands';
import type { PaymentPage } from '../core/payment-view';
import { RemotePayment } from './payment-types';

@ArgsType()
export class PaymentsArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many payments to return (1-${MAX_PAGE_SIZE}).` })
  first: number;

  @Field(() => String, { nullable: true, description: 'Return payments after this cursor (pageInfo.endCursor of the previous page).' })
  after?: string | null;

  @Field(() => PaymentStatus, { nullable: true, description: 'Only payments with this status.' })
  status?: PaymentStatus | null;
}

@ObjectType({ description: 'Where a page of a connection starts and ends (Relay connection spec).' })
export class PageInfo {
  @Field({ description: 'Whether more payments follow this page.' })
  hasNextPage: boolean;

  @Field({
    description: 'Whether payments come before this page (true when it was asked for `after` a cursor; pages go forward only).',
  })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first payment of this page; null on an empty page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page; null on an empty page.' })
  endCursor: string | null;
}

@ObjectType({ description: 'A payment in a connection, with its cursor.' })
export class PaymentEdge {
  @Field({ description: 'Opaque position of this payment in the list.' })
  cursor: string;

  @Field(() => RemotePayment, { description: 'The payment.' })
  node: RemotePayment;
}

@ObjectType({ description: "A page of the viewer's payments, newest first." })
export class PaymentConnection implements PaymentPage {
  @Field(() => [PaymentEdge], { description: 'The payments of this page.' })
  edges: PaymentEdge[];

  @Field(() => PageInfo, { description: 'Whether and where to continue.' })
  pageInfo: PageInfo;
}

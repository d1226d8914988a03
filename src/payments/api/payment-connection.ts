/** The viewer's payments as a cursor-paginated connection, newest first (order-history screens). */
import { Max, Min, MaxLength, IsOptional } from 'class-validator';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from '../../common/errors';
import { PaymentStatus } from '../core/payment-status';
import { RemotePayment } from './payment.type';

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PaymentsArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many payments to return (1-${MAX_PAGE_SIZE}).` })
  @Min(1, { message: 'first must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
  first: number;

  @Field(() => String, { nullable: true, description: 'Return payments after this cursor (pageInfo.endCursor of the previous page).' })
  @IsOptional()
  @MaxLength(200, { message: 'after must be a cursor from pageInfo.endCursor' })
  after?: string | null;

  @Field(() => PaymentStatus, { nullable: true, description: 'Only payments with this status.' })
  @IsOptional()
  status?: PaymentStatus | null;
}

@ObjectType({ description: 'Where a page of a connection ends.' })
export class PageInfo {
  @Field({ description: 'Whether more payments follow this page.' })
  hasNextPage: boolean;

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
export class PaymentConnection {
  @Field(() => [PaymentEdge], { description: 'The payments of this page.' })
  edges: PaymentEdge[];

  @Field(() => PageInfo, { description: 'Whether and where to continue.' })
  pageInfo: PageInfo;
}

/** A position in the newest-first order: creation time, then record id to break ties. */
export interface ListPosition {
  createdAtMs: number;
  id: string;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.createdAtMs}.${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  const match = /^(\d{1,16})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !Number.isSafeInteger(Number(match[1]))) throw badInput('after', 'after must be a cursor from pageInfo.endCursor');
  return { createdAtMs: Number(match[1]), id: match[2] };
}

/**
 * The Apollo Client cache settings for the BFF's types (`@cashii/bff-client/apollo`):
 * `new InMemoryCache({ typePolicies })`.
 */
import type { TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

export const typePolicies: TypePolicies = {
  // A payment is one entity whichever operation brought it, so a status change updates every view of it.
  RemotePayment: { keyFields: ['id'] },
  // An order has no `id`: its merchant's `orderId` names it.
  Order: { keyFields: ['orderId'] },
  Query: {
    fields: {
      // `fetchMore({ variables: { after: pageInfo.endCursor } })` appends a page; each status filter is its own list.
      payments: relayStylePagination(['status']),
      reviewQueue: relayStylePagination(['reason']),
    },
  },
};

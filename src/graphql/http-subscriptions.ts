/**
 * Subscriptions run over graphql-ws only (src/http/subscriptions.ts). Sent over HTTP, Apollo would
 * execute one as a query, without its event stream; this plugin refuses it once Apollo has parsed
 * the document and resolved the operation, so the edge never parses a document itself.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';

export const SUBSCRIPTION_OVER_HTTP = 'Subscriptions are served over a WebSocket (graphql-ws) at /graphql, not over HTTP';

export function subscriptionsOverHttpRefused<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation }) {
          if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return Promise.resolve();
          throw new GraphQLError(SUBSCRIPTION_OVER_HTTP, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        },
      });
    },
  };
}

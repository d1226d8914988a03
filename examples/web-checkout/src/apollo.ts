/**
 * Apollo Client 4 for the example: queries and mutations over HTTP POST (JSON, which Apollo
 * Server's CSRF prevention expects), subscriptions over graphql-ws, both on the same `/graphql`
 * path (Vite's dev server proxies it to the BFF). In production the page would add
 * `Authorization: Bearer <token>` to both links; the BFF in development needs none.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';

function webSocketUrl(path: string): string {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

const http = new HttpLink({ uri: '/graphql' });
const ws = new GraphQLWsLink(createClient({ url: webSocketUrl('/graphql'), lazy: true, retryAttempts: 5 }));

export const client = new ApolloClient({
  link: ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, ws, http),
  cache: new InMemoryCache(),
});

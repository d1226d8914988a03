/// <reference types="vite/client" />
/**
 * Apollo Client 4 for the example: queries and mutations over HTTP POST (JSON, which Apollo
 * Server's CSRF prevention expects), subscriptions over graphql-ws, both on the BFF's `/graphql`.
 * In production the page would add `Authorization: Bearer <token>` to both links; the BFF in
 * development needs none.
 *
 * Two build-time settings (Vite reads `VITE_*` from the environment):
 * - `VITE_GRAPHQL_URL`: the BFF's GraphQL URL when the page lives on another origin, e.g.
 *   `http://127.0.0.1:4000/graphql` (the BFF answers CORS for it). Unset, the page calls
 *   `/graphql` on its own origin and Vite's dev server proxies it to the BFF.
 * - `VITE_PERSISTED_DOCUMENTS=manifest`: send each operation by its id in the persisted-document
 *   manifest (`sha256:<hex>`, which codegen also embeds in each typed document) instead of its
 *   text, as apps do when the BFF runs with `GRAPHQL_TRUSTED_DOCUMENTS_ONLY=true`.
 */
import { ApolloClient, ApolloLink, type DocumentNode, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode, print } from 'graphql';
import { createClient } from 'graphql-ws';

const env = import.meta.env as { VITE_GRAPHQL_URL?: string; VITE_PERSISTED_DOCUMENTS?: string };
const graphqlUrl = new URL(env.VITE_GRAPHQL_URL ?? '/graphql', window.location.href);
const webSocketUrl = new URL(graphqlUrl);
webSocketUrl.protocol = graphqlUrl.protocol === 'https:' ? 'wss:' : 'ws:';

/** The manifest id codegen put on a typed document; any other document is hashed as APQ does. */
async function documentId(document: DocumentNode): Promise<string> {
  const id = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (id !== undefined) return id;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(print(document)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const http = new HttpLink({ uri: graphqlUrl.href });
const httpLink = env.VITE_PERSISTED_DOCUMENTS === 'manifest' ? new PersistedQueryLink({ generateHash: documentId }).concat(http) : http;
const ws = new GraphQLWsLink(createClient({ url: webSocketUrl.href, lazy: true, retryAttempts: 5 }));

export const client = new ApolloClient({
  link: ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, ws, httpLink),
  cache: new InMemoryCache(),
});

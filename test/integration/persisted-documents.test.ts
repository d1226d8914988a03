/**
 * Persisted documents with the clients frontends use: Apollo Client 4's PersistedQueryLink given
 * the client preset's ids (prefixed `sha256:<hex>` or bare), automatic persisted queries as usual
 * when not enforcing, `documentId` as in the GraphQL over HTTP appendix (POST and GET), and in
 * trusted-only mode the manifest's documents accepted as Apollo Client prints them (over HTTP and
 * graphql-ws), everything else refused. With Apollo's persisted-query manifest as the trusted
 * documents: the real PersistedQueryLink with generatePersistedQueryIdsFromManifest sends ids only,
 * and an Apollo Kotlin-style GET by id runs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, type DocumentNode, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import { firstValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { CreateRemotePaymentDocument, PaymentDocument, PaymentStatusChangedDocument, PaymentsDocument } from '../../client/src/gql/graphql';
import { type TestStack, startStack } from '../support/stack';

const MANIFEST = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'client', 'src', 'gql', 'persisted-documents.json'), 'utf8'),
) as Record<string, string>;
const APOLLO_MANIFEST_FILE = path.join(__dirname, '..', '..', 'client', 'src', 'gql', 'persisted-query-manifest.json');
const APOLLO_MANIFEST = JSON.parse(fs.readFileSync(APOLLO_MANIFEST_FILE, 'utf8')) as {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: Array<{ id: string; name: string; type: 'query' | 'mutation' | 'subscription'; body: string }>;
};
const apolloId = (name: string) => APOLLO_MANIFEST.operations.find((operation) => operation.name === name)!.id;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ID = '1234567890123456';
const input = { amount: 1500, currency: 'USD', redirectUrl: 'http://localhost:5173/return' };

/** The id codegen embedded in a typed document: `sha256:<hex>`. */
const manifestId = (document: DocumentNode) => (document as unknown as { __meta__: { hash: string } }).__meta__.hash;

interface Sent {
  method: string;
  body: { query?: string; documentId?: string; extensions?: { persistedQuery?: { sha256Hash: string } } } | null;
}

describe('persisted documents with Apollo Client 4', () => {
  let open: TestStack;
  let trustedOnly: TestStack;
  beforeAll(async () => {
    [open, trustedOnly] = await Promise.all([
      startStack('sqlite', { AUTH_MODE: 'dev' }),
      startStack('sqlite', { AUTH_MODE: 'dev', GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' }),
    ]);
  });
  afterAll(async () => {
    const errorLogs = [...open.logs, ...trustedOnly.logs].filter((line) => line.includes('"level":50'));
    await Promise.all([open.close(), trustedOnly.close()]);
    expect(errorLogs).toEqual([]);
  });

  /** An Apollo Client whose HTTP requests are recorded in `sent`. */
  function client(stack: TestStack, persisted: PersistedQueryLink | null, sent: Sent[] = []) {
    const http = new HttpLink({
      uri: `${stack.app.url}/graphql`,
      fetch: async (uri, init) => {
        sent.push({ method: init?.method ?? 'GET', body: typeof init?.body === 'string' ? JSON.parse(init.body) : null });
        return fetch(uri, init);
      },
    });
    return new ApolloClient({ link: persisted ? ApolloLink.from([persisted, http]) : http, cache: new InMemoryCache() });
  }
  const byManifestId = (bare = false) =>
    new PersistedQueryLink({ generateHash: (document) => (bare ? manifestId(document).replace(/^sha256:/, '') : manifestId(document)) });

  describe.each([
    ['not enforcing', () => open],
    ['trusted documents only', () => trustedOnly],
  ])('%s', (_mode, stackOf) => {
    it.each([
      ['prefixed (sha256:<hex>)', false],
      ['bare (<hex>)', true],
    ])('PersistedQueryLink with the client preset’s ids, %s, runs queries and mutations by id in one request each', async (_form, bare) => {
      const sent: Sent[] = [];
      const apollo = client(stackOf(), byManifestId(bare), sent);
      const created = await apollo.mutate({ mutation: CreateRemotePaymentDocument, variables: { input } });
      const id = created.data!.createRemotePayment.id;
      const read = await apollo.query({ query: PaymentDocument, variables: { id } });
      expect(read.data!.payment).toMatchObject({ id, status: 'PENDING', amount: 1500 });
      const list = await apollo.query({ query: PaymentsDocument, variables: { first: 5 } });
      expect(list.data!.payments.edges.map((edge) => edge.node.id)).toContain(id);

      expect(sent).toHaveLength(3);
      for (const [request, document] of sent.map(
        (request, i) => [request, [CreateRemotePaymentDocument, PaymentDocument, PaymentsDocument][i]] as const,
      )) {
        expect(request.body!.query).toBeUndefined();
        expect(request.body!.extensions!.persistedQuery!.sha256Hash).toBe(bare ? manifestId(document).slice(7) : manifestId(document));
        expect(MANIFEST[manifestId(document)]).toBeDefined();
      }
    });

    it('takes documentId (prefixed or bare) over POST, and over GET for queries', async () => {
      const key = manifestId(PaymentDocument);
      const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
      for (const documentId of [key, key.slice(7)]) {
        const response = await fetch(`${stackOf().app.url}/graphql`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ documentId, variables: { id: ID } }),
        });
        expect(await response.json()).toEqual({ data: { __typename: 'Query', payment: null } });
      }
      const search = new URLSearchParams({ documentId: key, variables: JSON.stringify({ id: ID }) });
      const get = await fetch(`${stackOf().app.url}/graphql?${search}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
      expect(await get.json()).toEqual({ data: { __typename: 'Query', payment: null } });
      const mutation = new URLSearchParams({ documentId: manifestId(CreateRemotePaymentDocument), variables: JSON.stringify({ input }) });
      const refused = await fetch(`${stackOf().app.url}/graphql?${mutation}`, {
        headers: { ...headers, 'apollo-require-preflight': 'true' },
      });
      expect(refused.status).toBe(405);
    });
  });

  describe('not enforcing', () => {
    it('registers and reuses automatic persisted queries as usual, with the hash bare or prefixed', async () => {
      const documents = ['cursor', 'node { id }'].map(
        (selection) => gql`
          query Mine($first: Int!) {
            payments(first: $first) {
              edges {
                ${selection}
              }
            }
          }
        `,
      );
      const link = (prefix: string) => new PersistedQueryLink({ sha256: (text) => `${prefix}${sha256(text)}` });
      const run = async (prefix: string, document: DocumentNode) => {
        const sent: Sent[] = [];
        const result = await client(open, link(prefix), sent).query({ query: document, variables: { first: 1 } });
        expect(result.error).toBeUndefined();
        return sent.map((request) => (request.body!.query === undefined ? 'by hash' : 'with the document'));
      };
      expect(await run('', documents[0])).toEqual(['by hash', 'with the document']); // not found, then registered
      expect(await run('', documents[0])).toEqual(['by hash']);
      expect(await run('sha256:', documents[0])).toEqual(['by hash']); // the same registration, named with the prefix
      expect(await run('sha256:', documents[1])).toEqual(['by hash', 'with the document']);
      expect(await run('sha256:', documents[1])).toEqual(['by hash']);
    });

    it('answers an unknown documentId with a coded 404', async () => {
      const response = await fetch(`${open.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: `sha256:${'a'.repeat(64)}` }),
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { errors: Array<{ extensions: unknown }> }).errors[0].extensions).toEqual({
        code: 'PERSISTED_QUERY_NOT_FOUND',
      });
    });
  });

  describe('trusted documents only', () => {
    it('accepts the manifest’s documents as Apollo Client prints them, which are not the manifest’s bytes', async () => {
      const sent: Sent[] = [];
      const apollo = client(trustedOnly, null, sent);
      const created = await apollo.mutate({ mutation: CreateRemotePaymentDocument, variables: { input } });
      const id = created.data!.createRemotePayment.id;
      expect((await apollo.query({ query: PaymentDocument, variables: { id } })).data!.payment!.id).toBe(id);
      expect((await apollo.query({ query: PaymentsDocument, variables: { first: 1 } })).data!.payments.edges).toHaveLength(1);
      const hashes = new Set(Object.keys(MANIFEST).map((key) => key.slice(7)));
      expect(sent.map((request) => hashes.has(sha256(request.body!.query!)))).toEqual([false, false, false]);
    });

    it('accepts a subscription as Apollo Client sends it over graphql-ws', async () => {
      // GraphQLWsLink looks for a global WebSocket to classify errors: Node 20 has none.
      const globals = globalThis as { WebSocket?: unknown };
      globals.WebSocket ??= WebSocket;
      const apollo = client(trustedOnly, null);
      const created = await apollo.mutate({ mutation: CreateRemotePaymentDocument, variables: { input } });
      const ws = createClient({ url: trustedOnly.app.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
      const live = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
      try {
        const id = created.data!.createRemotePayment.id;
        const first = await firstValueFrom(live.subscribe({ query: PaymentStatusChangedDocument, variables: { id } }));
        expect(first.error).toBeUndefined();
        expect(first.data!.paymentStatusChanged).toMatchObject({ id, status: 'PENDING' });
        const other = await firstValueFrom(live.subscribe({ query: gql`subscription { paymentStatusChanged(id: "${id}") { id } }` }));
        expect(CombinedGraphQLErrors.is(other.error) && other.error.errors[0].extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
      } finally {
        await ws.dispose();
      }
    });

    it('refuses a manifest document with a field more, an alias or another argument', async () => {
      const manifestDocument = MANIFEST[manifestId(PaymentDocument)];
      for (const query of [
        manifestDocument.replace('amountDecimal', 'amountDecimal metadata'),
        manifestDocument.replace('amountDecimal', 'decimal: amountDecimal'),
        manifestDocument.replace('payment(id: $id)', 'payment(id: "1234567890123456")'),
      ]) {
        const response = await fetch(`${trustedOnly.app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query, variables: { id: ID } }),
        });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { errors: Array<{ extensions: unknown }> }).errors[0].extensions).toEqual({
          code: 'TRUSTED_DOCUMENT_REQUIRED',
        });
      }
    });
  });

  describe("Apollo's persisted-query manifest as the trusted documents, nothing else accepted", () => {
    let apolloOnly: TestStack;
    beforeAll(async () => {
      apolloOnly = await startStack('sqlite', {
        AUTH_MODE: 'dev',
        GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true',
        GRAPHQL_TRUSTED_DOCUMENTS_FILE: APOLLO_MANIFEST_FILE,
      });
    });
    afterAll(() => apolloOnly.close());

    it('PersistedQueryLink with generatePersistedQueryIdsFromManifest runs queries and mutations by id alone', async () => {
      const sent: Sent[] = [];
      const link = new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => Promise.resolve(APOLLO_MANIFEST) }));
      const apollo = client(apolloOnly, link, sent);
      const created = await apollo.mutate({ mutation: CreateRemotePaymentDocument, variables: { input } });
      expect(created.error).toBeUndefined();
      const id = created.data!.createRemotePayment.id;
      const read = await apollo.query({ query: PaymentDocument, variables: { id } });
      expect(read.data!.payment).toMatchObject({ id, status: 'PENDING', amount: 1500, formattedAmount: expect.any(String) });
      const list = await apollo.query({ query: PaymentsDocument, variables: { first: 5 } });
      expect(list.data!.payments.edges.map((edge) => edge.node.id)).toEqual([id]);

      expect(sent.map((request) => [request.body!.query, request.body!.extensions!.persistedQuery!.sha256Hash])).toEqual([
        [undefined, apolloId('CreateRemotePayment')],
        [undefined, apolloId('Payment')],
        [undefined, apolloId('Payments')],
      ]);
    });

    it('runs an Apollo Kotlin-style GET by id, and a documentId, with the ids Apollo computed', async () => {
      const id = apolloId('Payment');
      const search = new URLSearchParams({
        operationName: 'Payment',
        variables: JSON.stringify({ id: ID }),
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: id } }),
      });
      const get = await fetch(`${apolloOnly.app.url}/graphql?${search}`, {
        headers: {
          accept: 'multipart/mixed;deferSpec=20220824, application/graphql-response+json, application/json',
          'x-apollo-operation-name': 'Payment',
          'x-apollo-operation-id': id,
        },
      });
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({ data: { payment: null } });
      const post = await fetch(`${apolloOnly.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: id, variables: { id: ID } }),
      });
      expect(await post.json()).toEqual({ data: { payment: null } });
    });

    it('still refuses what is not in the manifest', async () => {
      const response = await fetch(`${apolloOnly.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ __typename }') } } }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: Array<{ extensions: unknown }> }).errors[0].extensions).toEqual({
        code: 'TRUSTED_DOCUMENT_REQUIRED',
      });
    });
  });
});

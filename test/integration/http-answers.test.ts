/**
 * Everything the HTTP layer answers by itself is a GraphQL response with `extensions.code`, in the
 * media type the client accepted, and the real Apollo Client 4 (HttpLink over fetch) and urql read
 * that code from the error they raise. Requests a client library would never send are made by
 * bending that library's own request in its `fetch`, so the answer goes through its real parsing.
 */
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError, gql } from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client as UrqlClient, fetchExchange } from '@urql/core';
import { PaymentDocument } from '../../client/src/gql/graphql';
import { type TestStack, startStack } from '../support/stack';

const GRAPHQL_RESPONSE = 'application/graphql-response+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const TYPENAME = gql`
  query Typename {
    __typename
  }
`;
const ID = '1234567890123456';

type Bend = (init: RequestInit) => RequestInit;

/** The code Apollo Client 4 reports for an operation, and the class of error it reported it with. */
async function apolloCode(client: ApolloClient, run: (client: ApolloClient) => Promise<unknown>): Promise<{ via: string; code: unknown }> {
  try {
    await run(client);
  } catch (error) {
    if (CombinedGraphQLErrors.is(error)) return { via: 'CombinedGraphQLErrors', code: error.errors[0]?.extensions?.code };
    if (ServerError.is(error)) {
      const body = JSON.parse(error.bodyText) as { errors: Array<{ extensions: { code: string } }> };
      return { via: `ServerError ${error.statusCode}`, code: body.errors[0].extensions.code };
    }
    throw error;
  }
  throw new Error('the operation succeeded');
}

describe('answers of the HTTP layer', () => {
  let stack: TestStack;
  let trustedStack: TestStack;
  beforeAll(async () => {
    [stack, trustedStack] = await Promise.all([
      startStack('sqlite', { AUTH_MODE: 'dev' }),
      startStack('sqlite', { AUTH_MODE: 'dev', GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' }),
    ]);
  });
  afterAll(async () => {
    const errorLogs = [...stack.logs, ...trustedStack.logs].filter((line) => line.includes('"level":50'));
    await Promise.all([stack.close(), trustedStack.close()]);
    // None of these refusals is the server's fault: nothing is logged at error level.
    expect(errorLogs).toEqual([]);
  });

  const apollo = (link: ApolloLink) => new ApolloClient({ link, cache: new InMemoryCache() });
  const httpLink = (target: TestStack, bend: Bend = (init) => init, options: Partial<HttpLink.Options> = {}) =>
    new HttpLink({
      uri: `${target.app.url}/graphql`,
      fetch: (uri, init) => fetch(uri, bend(init ?? {})),
      ...options,
    });
  const query = (client: ApolloClient) => client.query({ query: TYPENAME, fetchPolicy: 'no-cache' });
  const withBody = (body: string) => (init: RequestInit) => ({ ...init, body });
  const withContentType = (type: string) => (init: RequestInit) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'content-type': type },
  });

  describe('Apollo Client 4 reads the code of each refusal', () => {
    it.each<[string, () => ApolloClient, (client: ApolloClient) => Promise<unknown>, string]>([
      ['a body that is not JSON', () => apollo(httpLink(stack, withBody('{"query": '))), query, 'BAD_REQUEST'],
      ['an empty body', () => apollo(httpLink(stack, withBody(''))), query, 'BAD_REQUEST'],
      [
        'a body over the limit (413)',
        () => apollo(httpLink(stack)),
        (client) => client.query({ query: PaymentDocument, variables: { id: 'x'.repeat(200 * 1024) } }),
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'a body that is not application/json (415)',
        () => apollo(httpLink(stack, withContentType('application/xml'))),
        query,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a method other than GET or POST (405)',
        () => apollo(httpLink(stack, (init) => ({ ...init, method: 'PUT' }))),
        query,
        'METHOD_NOT_ALLOWED',
      ],
      [
        'a batch of operations',
        () => apollo(new BatchHttpLink({ uri: `${stack.app.url}/graphql`, batchMax: 2, batchInterval: 20 })),
        async (client) => Promise.all([query(client), client.query({ query: PaymentDocument, variables: { id: ID } })]),
        'BAD_REQUEST',
      ],
      ['a document outside the manifest in trusted-only mode', () => apollo(httpLink(trustedStack)), query, 'TRUSTED_DOCUMENT_REQUIRED'],
      [
        'a document that does not match its persisted-query hash',
        // Any hash that is not the document's: the first try finds nothing, the retry sends the document.
        () => apollo(new PersistedQueryLink({ generateHash: () => 'f'.repeat(64) }).concat(httpLink(stack))),
        query,
        'PERSISTED_QUERY_HASH_MISMATCH',
      ],
    ])('%s', async (_name, makeClient, run, code) => {
      expect(await apolloCode(makeClient(), run)).toEqual({ via: 'CombinedGraphQLErrors', code });
    });

    it('keeps the coded body on its ServerError when the client accepts only application/json', async () => {
      const client = apollo(httpLink(stack, withBody('{"query": '), { headers: { accept: 'application/json' } }));
      expect(await apolloCode(client, query)).toEqual({ via: 'ServerError 400', code: 'BAD_REQUEST' });
    });
  });

  describe('urql reads the code too', () => {
    const urql = (target: TestStack, bend: Bend = (init) => init) =>
      new UrqlClient({
        url: `${target.app.url}/graphql`,
        exchanges: [fetchExchange],
        fetch: (uri, init) => fetch(uri, bend(init ?? {})),
        preferGetMethod: false,
      });

    it.each<[string, () => UrqlClient, string]>([
      ['a body that is not JSON', () => urql(stack, withBody('{')), 'BAD_REQUEST'],
      ['a body that is not application/json (415)', () => urql(stack, withContentType('application/xml')), 'UNSUPPORTED_MEDIA_TYPE'],
      ['a document outside the manifest in trusted-only mode', () => urql(trustedStack), 'TRUSTED_DOCUMENT_REQUIRED'],
    ])('%s', async (_name, makeClient, code) => {
      const result = await makeClient().query(TYPENAME, {}).toPromise();
      expect(result.error?.graphQLErrors[0]?.extensions.code).toBe(code);
    });
  });

  describe('over plain HTTP, in the media type the client accepted', () => {
    const post = (target: TestStack, init: RequestInit & { path?: string }) =>
      fetch(`${target.app.url}${init.path ?? '/graphql'}`, { method: 'POST', ...init });
    const json = { 'content-type': 'application/json' };

    it.each<[string, (accept: string) => Promise<Response>, number, string]>([
      ['bad JSON', (accept) => post(stack, { headers: { ...json, accept }, body: '{"query":' }), 400, 'BAD_REQUEST'],
      ['an empty body', (accept) => post(stack, { headers: { ...json, accept }, body: '' }), 400, 'BAD_REQUEST'],
      [
        'invalid UTF-8',
        (accept) => post(stack, { headers: { ...json, accept }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }),
        400,
        'BAD_REQUEST',
      ],
      [
        'a body over the limit',
        (accept) =>
          post(stack, { headers: { ...json, accept }, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(120_000)}` }) }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'a non-JSON body sent with a preflight header',
        (accept) => post(stack, { headers: { 'content-type': 'text/plain', 'apollo-require-preflight': 'true', accept }, body: '{}' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'no content type with a preflight header',
        (accept) => post(stack, { headers: { 'apollo-require-preflight': 'true', accept }, body: '{}' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a form POST without a preflight header (CSRF)',
        (accept) => post(stack, { headers: { 'content-type': 'text/plain', accept }, body: '{}' }),
        400,
        'BAD_REQUEST',
      ],
      ['DELETE', (accept) => post(stack, { method: 'DELETE', headers: { accept } }), 405, 'METHOD_NOT_ALLOWED'],
      [
        'a mutation over GET',
        (accept) =>
          fetch(`${stack.app.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, {
            headers: { accept, 'apollo-require-preflight': 'true' },
          }),
        405,
        'BAD_REQUEST',
      ],
      [
        'an untrusted document in trusted-only mode',
        (accept) => post(trustedStack, { headers: { ...json, accept }, body: JSON.stringify({ query: '{ __typename }' }) }),
        400,
        'TRUSTED_DOCUMENT_REQUIRED',
      ],
      [
        'a persisted-query hash that is not the document’s',
        (accept) =>
          post(stack, {
            headers: { ...json, accept },
            body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }),
          }),
        400,
        'PERSISTED_QUERY_HASH_MISMATCH',
      ],
      [
        'a persistedQuery extension of another version',
        (accept) =>
          post(stack, {
            headers: { ...json, accept },
            body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: '0'.repeat(64) } } }),
          }),
        400,
        'BAD_REQUEST',
      ],
      ['an unknown path', (accept) => fetch(`${stack.app.url}/nowhere`, { headers: { accept } }), 404, 'NOT_FOUND'],
    ])('%s', async (_name, send, status, code) => {
      for (const [accept, type] of [
        ['application/graphql-response+json', GRAPHQL_RESPONSE],
        ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE],
        ['application/json', JSON_TYPE],
        ['*/*', JSON_TYPE],
      ]) {
        const response = await send(accept);
        expect({ accept, status: response.status, type: response.headers.get('content-type') }).toEqual({ accept, status, type });
        const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0].extensions.code).toBe(code);
      }
    });

    it('answers a batch with one coded refusal per operation, and a huge batch with one', async () => {
      const batch = (size: number) =>
        post(stack, {
          headers: { ...json, accept: 'application/graphql-response+json' },
          body: JSON.stringify(Array.from({ length: size }, () => ({ query: '{ __typename }' }))),
        });
      const two = await batch(2);
      expect(two.status).toBe(400);
      const answers = (await two.json()) as Array<{ errors: Array<{ extensions: { code: string } }> }>;
      expect(answers.map((answer) => answer.errors.map((error) => error.extensions.code))).toEqual([['BAD_REQUEST'], ['BAD_REQUEST']]);
      const huge = await batch(1000);
      expect(huge.status).toBe(400);
      expect(((await huge.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    });

    it('names the methods it allows on a 405', async () => {
      const response = await post(stack, { method: 'PUT', headers: json, body: '{}' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    });
  });
});

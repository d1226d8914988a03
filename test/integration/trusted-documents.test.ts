/**
 * Trusted documents for mobile: only the manifest's operations when switched on; APQ as usual when off.
 * Manifests in codegen's format or Apollo's, several files at once; a malformed one stops the start with
 * the file and the formats named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from '../../src/graphql/trusted-documents';
import { ConfigError, loadConfig } from '../../src/config';
import { spawnServer } from '../support/server-process';
import { type TestStack, mintToken, startStack } from '../support/stack';

const TRUSTED = 'query Trusted($id: ID!) { payment(id: $id) { id status } }';
const OTHER = '{ payments(first: 1) { edges { cursor } } }';

describe('trusted documents', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-trusted-'));
  const manifest = path.join(dir, 'persisted-documents.json');
  fs.writeFileSync(manifest, JSON.stringify({ [sha256(TRUSTED)]: TRUSTED }));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function post(stack: TestStack, body: unknown) {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintToken('mobile')}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  }
  const byHash = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });

  describe('switched on', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack('sqlite', { GRAPHQL_TRUSTED_DOCUMENTS_FILE: manifest, GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' });
    });
    afterAll(() => stack.close());

    it('runs a manifest document sent by hash alone, or in full', async () => {
      const hashOnly = await post(stack, { ...byHash(TRUSTED), variables: { id: '1234567890123456' } });
      expect(hashOnly).toEqual({ status: 200, body: { data: { payment: null } } });
      const full = await post(stack, { query: TRUSTED, variables: { id: '1234567890123456' } });
      expect(full.body).toEqual({ data: { payment: null } });
    });

    it('refuses any other document, in full or by hash', async () => {
      for (const body of [{ query: OTHER }, byHash(OTHER)]) {
        const response = await post(stack, body);
        expect(response.status).toBe(400);
        expect(response.body.errors![0].extensions).toEqual({ code: 'TRUSTED_DOCUMENT_REQUIRED' });
      }
    });
  });

  describe('switched off', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack('sqlite', { GRAPHQL_TRUSTED_DOCUMENTS_FILE: manifest });
    });
    afterAll(() => stack.close());

    it('keeps automatic persisted queries working for any document', async () => {
      expect((await post(stack, byHash(OTHER))).body.errors![0].extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND' });
      expect((await post(stack, { query: OTHER, ...byHash(OTHER) })).body).toEqual({ data: { payments: { edges: [] } } });
      expect((await post(stack, byHash(OTHER))).body).toEqual({ data: { payments: { edges: [] } } });
    });

    it('still resolves manifest hashes', async () => {
      expect((await post(stack, { ...byHash(TRUSTED), variables: { id: '1234567890123456' } })).body).toEqual({ data: { payment: null } });
    });
  });

  describe("several manifests, codegen's and Apollo's formats", () => {
    const IOS = 'query IosPayment($id: ID!) { payment(id: $id) { id status __typename } }';
    const iosManifest = path.join(dir, 'ios-persisted-query-manifest.json');
    fs.writeFileSync(
      iosManifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: sha256(IOS), name: 'IosPayment', type: 'query', body: IOS }],
      }),
    );
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack('sqlite', { GRAPHQL_TRUSTED_DOCUMENTS_FILE: `${manifest},${iosManifest}` });
    });
    afterAll(() => stack.close());

    it('resolves the ids of every file (documentId is not automatic persisted queries: an unknown one is a 404)', async () => {
      for (const [documentId, field] of [
        [sha256(TRUSTED), { payment: null }],
        [`sha256:${sha256(IOS)}`, { payment: null }],
      ] as const) {
        expect(await post(stack, { documentId, variables: { id: '1234567890123456' } })).toEqual({ status: 200, body: { data: field } });
      }
      expect((await post(stack, { documentId: sha256(OTHER) })).status).toBe(404);
    });
  });

  it.each([
    [
      "Apollo's format, an id not a string",
      { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 1, name: 'P', type: 'query', body: '{ __typename }' }] },
    ],
    ['neither format', { version: 1 }],
  ])('refuses to start with a malformed manifest (%s), naming the file and the formats it expects', async (_name, content) => {
    const bad = path.join(dir, 'malformed-manifest.json');
    fs.writeFileSync(bad, JSON.stringify(content));
    const server = spawnServer({
      PORT: '0',
      CASHII_SIMULATOR_PORT: '0',
      DATABASE_URL: `sqlite:${path.join(dir, 'malformed.sqlite')}`,
      GRAPHQL_TRUSTED_DOCUMENTS_FILE: bad,
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(`Trusted documents manifest ${bad}`);
    expect(server.output()).toContain('"sha256:<hex>": "<document>"');
    expect(server.output()).toContain('"format": "apollo-persisted-query-manifest"');
    expect(server.output()).not.toContain('Body must be a string');
  });

  describe('with the manifest that codegen commits', () => {
    let stack: TestStack;
    const generated = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'client', 'src', 'gql', 'persisted-documents.json'), 'utf8'),
    ) as Record<string, string>;
    beforeAll(async () => {
      stack = await startStack('sqlite', { GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' });
    });
    afterAll(() => stack.close());

    it('runs every generated operation by its hash', async () => {
      const [key, document] = Object.entries(generated).find(([, doc]) => doc.startsWith('fragment') && doc.includes('query Payments'))!;
      const hash = key.replace(/^sha256:/, '');
      expect(hash).toBe(sha256(document));
      const response = await post(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: { first: 5 } });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.payments.edges).toEqual([]);
      expect((await post(stack, { documentId: key, variables: { first: 5 } })).body.errors).toBeUndefined();
    });
  });

  it('refuses to start with the switch on and no manifest', () => {
    expect(() =>
      loadConfig({ GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true', GRAPHQL_TRUSTED_DOCUMENTS_FILE: path.join(dir, 'missing.json') }),
    ).toThrow(ConfigError);
  });
});

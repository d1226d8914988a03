/** Persisted-document resolution: ids in every form, documents compared by shape, and every refusal coded. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, print } from 'graphql';
import { ManifestError, TrustedDocuments, VERDICT_CACHE_BYTES, normalise, sha256 } from '../../src/graphql/trusted-documents';

const QUERY =
  'fragment F on RemotePayment { __typename id status } query Payment($id: ID!, $locale: String! = "en-US") { __typename payment(id: $id) { __typename ...F amountDecimal formattedAmount(locale: $locale) } }';
const HASH = sha256(QUERY);
const manifest = { [`sha256:${HASH}`]: QUERY };

/** The same document as Apollo Client sends it: printed its way, fields in source order, no __typename at the root. */
const AS_APOLLO_SENDS = `query Payment($locale: String! = "en-US", $id: ID!) {
  payment(id: $id) {
    formattedAmount(locale: $locale)
    ...F
    amountDecimal
    __typename
  }
}

# a comment
fragment F on RemotePayment {
  status
  id
}`;

describe('normalise', () => {
  it('gives one shape whatever the formatting, order of fields, definitions and variables, and __typename', () => {
    expect(normalise(AS_APOLLO_SENDS, 1000)).toBe(normalise(QUERY, 1000));
    expect(normalise(print(parse(QUERY)), 1000)).toBe(normalise(QUERY, 1000));
  });

  it('tells apart documents that select or ask differently', () => {
    const shape = normalise(QUERY, 1000);
    for (const other of [
      QUERY.replace('amountDecimal', 'amountDecimal note'),
      QUERY.replace('amountDecimal', 'total: amountDecimal'),
      QUERY.replace('$id: ID!', '$id: ID').replace('(id: $id)', '(id: $id)'),
      QUERY.replace('"en-US"', '"ar-SY"'),
      QUERY.replace('{ __typename id status }', '{ __typename id status @include(if: true) }'),
      QUERY.replace('query Payment', 'query Other'),
    ]) {
      expect(normalise(other, 1000)).not.toBe(shape);
    }
  });

  it('refuses to parse past the token bound, and anything that does not parse', () => {
    expect(normalise(QUERY, 10)).toBeNull();
    expect(normalise('{ payment(', 1000)).toBeNull();
  });
});

describe('TrustedDocuments.resolve', () => {
  const open = new TrustedDocuments(manifest, false);
  const enforcing = new TrustedDocuments(manifest, true);
  const apq = (hash: string, query?: string) => ({
    query,
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    variables: { id: '1' },
  });

  it.each([
    ['an APQ hash, bare', apq(HASH)],
    ['an APQ hash, prefixed', apq(`sha256:${HASH}`)],
    ['an APQ hash in upper case', apq(HASH.toUpperCase())],
    ['a documentId, prefixed', { documentId: `sha256:${HASH}`, variables: { id: '1' } }],
    ['a documentId, bare', { documentId: HASH, variables: { id: '1' } }],
  ])('fills in the manifest document for %s and drops the id', (_name, body) => {
    for (const trusted of [open, enforcing]) {
      const result = trusted.resolve(body) as { ok: boolean; body: Record<string, any> };
      expect(result.ok).toBe(true);
      expect(result.body).toMatchObject({ query: QUERY, variables: { id: '1' } });
      expect(result.body.documentId).toBeUndefined();
      expect(result.body.extensions?.persistedQuery).toBeUndefined();
    }
  });

  it('runs the document a client sent with a manifest id when it is the same document', () => {
    const result = enforcing.resolve(apq(`sha256:${HASH}`, AS_APOLLO_SENDS));
    expect(result).toEqual({ ok: true, body: { query: AS_APOLLO_SENDS, extensions: {}, variables: { id: '1' } } });
  });

  it('refuses a document sent with an id that is not its own (400, never an internal error)', () => {
    for (const trusted of [open, enforcing]) {
      for (const body of [
        apq(HASH, '{ __typename }'),
        apq('0'.repeat(64), '{ __typename }'),
        { documentId: `sha256:${HASH}`, query: '{ a }' },
      ]) {
        expect(trusted.resolve(body)).toMatchObject({ ok: false, status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' });
      }
    }
  });

  it('leaves automatic persisted queries to Apollo when not enforcing, with the hash bare', () => {
    const own = '{ __typename }';
    expect(open.resolve(apq(`sha256:${sha256(own)}`, own))).toEqual({ ok: true, body: apq(sha256(own), own) });
    expect(open.resolve(apq(sha256(own)))).toEqual({ ok: true, body: apq(sha256(own)) });
  });

  it('answers an unknown documentId with PERSISTED_QUERY_NOT_FOUND (404), or TRUSTED_DOCUMENT_REQUIRED when enforcing', () => {
    const body = { documentId: `sha256:${'a'.repeat(64)}` };
    expect(open.resolve(body)).toMatchObject({ ok: false, status: 404, code: 'PERSISTED_QUERY_NOT_FOUND' });
    expect(enforcing.resolve(body)).toMatchObject({ ok: false, status: 400, code: 'TRUSTED_DOCUMENT_REQUIRED' });
    expect(open.resolve({ documentId: 42 })).toMatchObject({ ok: false, status: 400, code: 'BAD_REQUEST' });
  });

  it('refuses a malformed persistedQuery extension with BAD_REQUEST (Apollo would call it an internal error)', () => {
    for (const persistedQuery of [
      { version: 2, sha256Hash: HASH },
      { sha256Hash: HASH },
      { version: 1, sha256Hash: 42 },
      { version: 1 },
      'x',
    ]) {
      expect(open.resolve({ query: QUERY, extensions: { persistedQuery } })).toMatchObject({ ok: false, status: 400, code: 'BAD_REQUEST' });
    }
  });

  it('when enforcing, accepts a manifest document in any formatting and refuses anything else', () => {
    expect(enforcing.resolve({ query: AS_APOLLO_SENDS })).toEqual({ ok: true, body: { query: AS_APOLLO_SENDS } });
    expect(enforcing.resolve({ query: QUERY })).toEqual({ ok: true, body: { query: QUERY } });
    for (const query of [QUERY.replace('amountDecimal', 'amountDecimal note'), '{ __typename }', '', undefined]) {
      expect(enforcing.resolve({ query })).toMatchObject({ ok: false, status: 400, code: 'TRUSTED_DOCUMENT_REQUIRED' });
    }
    expect(enforcing.resolve(apq('b'.repeat(64)))).toMatchObject({ ok: false, code: 'TRUSTED_DOCUMENT_REQUIRED' });
  });

  it('remembers verdicts within a byte budget: a flood of distinct documents never grows it, and the manifest still passes', () => {
    const gate = new TrustedDocuments(manifest, true);
    for (let n = 0; n < 5000; n++) {
      expect(gate.resolve({ query: `{ n${n}: __typename }` })).toMatchObject({ ok: false, code: 'TRUSTED_DOCUMENT_REQUIRED' });
    }
    expect(gate.held().bytes).toBeLessThanOrEqual(VERDICT_CACHE_BYTES);
    expect(gate.held().entries).toBeLessThan(5000);
    expect(gate.resolve({ query: AS_APOLLO_SENDS })).toEqual({ ok: true, body: { query: AS_APOLLO_SENDS } });
  });

  it('does not parse a flood when enforcing: it has more tokens than any manifest document', () => {
    const flood = `{ __typename ${'@a '.repeat(30_000)}}`;
    expect(enforcing.resolve({ query: flood })).toMatchObject({ ok: false, code: 'TRUSTED_DOCUMENT_REQUIRED' });
    // A manifest document with extra __typename selections has the manifest's shape once parsed: a few
    // extra pass, but a flood of them is refused, so it was not parsed (how long that takes is the bench's).
    const padded = (extra: number) => QUERY.replace('{ __typename payment', `{ ${'__typename '.repeat(extra)}payment`);
    expect(enforcing.resolve({ query: padded(10) })).toEqual({ ok: true, body: { query: padded(10) } });
    expect(enforcing.resolve({ query: padded(30_000) })).toMatchObject({ ok: false, code: 'TRUSTED_DOCUMENT_REQUIRED' });
  });
});

describe('TrustedDocuments.fromFile: manifests in either format, one file or several', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-manifests-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const OTHER = 'mutation Recheck($id: ID!) { recheckPayment(id: $id) { reference } }';
  const apollo = (operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
  const codegenFile = write('persisted-documents.json', manifest);
  const apolloFile = write(
    'persisted-query-manifest.json',
    apollo([
      { id: sha256(AS_APOLLO_SENDS), name: 'Payment', type: 'query', body: AS_APOLLO_SENDS },
      // Apollo iOS / Kotlin may be configured with ids of their own: any string names its document.
      { id: 'android-recheck-1', name: 'Recheck', type: 'mutation', body: OTHER },
    ]),
  );
  const byApq = (id: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id } }, variables: { id: '1' } });

  it("reads Apollo's persisted-query manifest: its ids run their bodies, by APQ hash and documentId, when enforcing", () => {
    const trusted = TrustedDocuments.fromFile(apolloFile, true);
    expect(trusted.size).toBe(2);
    for (const body of [byApq(sha256(AS_APOLLO_SENDS)), { documentId: `sha256:${sha256(AS_APOLLO_SENDS)}`, variables: { id: '1' } }]) {
      expect(trusted.resolve(body)).toMatchObject({ ok: true, body: { query: AS_APOLLO_SENDS, variables: { id: '1' } } });
    }
    expect(trusted.resolve({ documentId: 'android-recheck-1', variables: { id: '1' } })).toEqual({
      ok: true,
      body: { query: OTHER, variables: { id: '1' } },
    });
    // The codegen printing of the same document, sent in full, is the same document.
    expect(trusted.resolve({ query: QUERY })).toEqual({ ok: true, body: { query: QUERY } });
    expect(trusted.resolve(byApq(HASH))).toMatchObject({ ok: false, code: 'TRUSTED_DOCUMENT_REQUIRED' });
  });

  it('takes several files separated by commas (web, iOS, Android), in either format', () => {
    const trusted = TrustedDocuments.fromFile(` ${codegenFile} , ${apolloFile},`, true);
    expect(trusted.size).toBe(3);
    expect(trusted.resolve(byApq(HASH))).toMatchObject({ ok: true, body: { query: QUERY } });
    expect(trusted.resolve(byApq(sha256(AS_APOLLO_SENDS)))).toMatchObject({ ok: true, body: { query: AS_APOLLO_SENDS } });
    expect(trusted.resolve({ documentId: 'android-recheck-1' })).toMatchObject({ ok: true, body: { query: OTHER } });
    expect(TrustedDocuments.fromFile([codegenFile, apolloFile], false).size).toBe(3);
  });

  it('refuses an id that two files give to different documents, naming both files', () => {
    const clash = write('clash.json', apollo([{ id: 'android-recheck-1', name: 'Recheck', type: 'mutation', body: '{ __typename }' }]));
    expect(() => TrustedDocuments.fromFile(`${apolloFile},${clash}`, false)).toThrow(
      new RegExp(`${clash}.*android-recheck-1.*${apolloFile}`),
    );
  });

  it.each([
    [
      'an Apollo manifest taken for the other format before (Body must be a string. Received: 1.)',
      apollo([{ id: 1, name: 'P', type: 'query', body: '{ a }' }]),
    ],
    ['not JSON', '{"sha256:abc": '],
    ['an array', [QUERY]],
    ['a document that is not a string', { [`sha256:${HASH}`]: 1 }],
    ['a document that is not GraphQL', { [`sha256:${HASH}`]: 'query {' }],
    ['another format', { format: 'relay', version: 1, operations: [] }],
    ['another version', { ...apollo([]), version: 2 }],
    ['operations that are not an array', { ...apollo([]), operations: {} }],
    ['an operation without a body', apollo([{ id: 'x', name: 'P', type: 'query' }])],
    ['an operation of an unknown type', apollo([{ id: 'x', name: 'P', type: 'fragment', body: '{ a }' }])],
  ])('refuses a malformed manifest at start, naming the file and both formats: %s', (_name, content) => {
    const file = write('bad.json', content);
    let error: unknown;
    try {
      TrustedDocuments.fromFile(file, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('"sha256:<hex>": "<document>"');
    expect(message).toContain('"format": "apollo-persisted-query-manifest", "version": 1');
  });

  it('skips a missing file when not enforcing, and refuses to start without it when enforcing', () => {
    const missing = path.join(dir, 'missing.json');
    expect(TrustedDocuments.fromFile(`${codegenFile},${missing}`, false).size).toBe(1);
    expect(() => TrustedDocuments.fromFile(`${codegenFile},${missing}`, true)).toThrow(new RegExp(`${missing}.*does not exist`));
  });
});

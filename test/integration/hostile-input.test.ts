/**
 * Input built to slip past the limits (text that grows under NFC, bidirectional overrides, deep or
 * non-finite JSON, broken UTF-8, endless chunked bodies, subscriptions over HTTP) is refused with a
 * coded error, before any row is written or any request reaches Cashii, and without an error log.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CREATE, type GraphQLResponse, type TestStack, expectNoSecrets, mintToken, startStack, validInput } from '../support/stack';

/** `{"a":{"a":...1...}}`, as JSON text (built by hand: nothing recursive touches it on this side). */
function nestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** The create mutation's body with `metadata` spliced in as raw JSON text (numbers JSON.stringify cannot write). */
function createBodyWithMetadata(metadataJson: string): string {
  const input = JSON.stringify(validInput()).replace(/}$/, `,"metadata":${metadataJson}}`);
  return `{"query":${JSON.stringify(CREATE)},"variables":{"input":${input}}}`;
}

/** A create written inline in the query text, with `metadata` as a GraphQL literal. */
function inlineCreate(metadataLiteral: string): string {
  return `mutation { createRemotePayment(input: { amount: 100, currency: "SYP", redirectUrl: "http://localhost:3000/", metadata: ${metadataLiteral} }) { id } }`;
}

/**
 * A client in its own process that streams a chunked body without end and reports what it got,
 * one line per attempt. In-process the client would read the reply before the server's reset lands.
 */
const ENDLESS_CHUNKED_CLIENT = `
const http = require('node:http');
const [url, token, attempts] = process.argv.slice(1);
const chunk = Buffer.alloc(64 * 1024, 'x');
function attempt() {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: 'Bearer ' + token },
    });
    let done = false;
    const finish = (line) => { if (!done) { done = true; req.destroy(); resolve(line); } };
    req.on('response', (res) => {
      let text = '';
      res.on('data', (part) => (text += part));
      res.on('end', () => finish(JSON.stringify({ status: res.statusCode, body: JSON.parse(text) })));
    });
    req.on('error', (error) => finish(JSON.stringify({ error: error.code })));
    const pump = () => { while (!done && req.write(chunk)); if (!done) req.once('drain', pump); };
    req.write('{"query":"');
    pump();
  });
}
(async () => { for (let i = 0; i < Number(attempts); i++) console.log(await attempt()); })();
`;

describe('hostile input', () => {
  let stack: TestStack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack('sqlite');
    token = await mintToken('hostile-user');
  });
  afterAll(async () => {
    expectNoSecrets(stack);
    await stack.close();
  });

  const errorLogs = () => stack.logs.filter((line) => line.includes('"level":50'));

  /** POSTs a raw body (text or bytes) to /graphql as the test user. */
  const post = async (body: string | Buffer): Promise<GraphQLResponse> => {
    const response = await fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await response.text();
    stack.responses.push(text);
    return { status: response.status, body: JSON.parse(text), text };
  };

  /** Runs `send` and checks it was refused with `code` (and `field`) and left no trace: no row, no Cashii call, no error log. */
  const expectRefused = async (send: () => Promise<GraphQLResponse>, code: string, field?: string): Promise<GraphQLResponse> => {
    const before = { records: (await stack.records()).length, creates: (await stack.simulatorStats()).create, errors: errorLogs().length };
    const response = await send();
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0].extensions).toEqual(field === undefined ? { code } : { code, field });
    // The parser's own "Maximum call stack size exceeded" may be the message; a stack trace may not.
    expect(response.text).not.toMatch(/stacktrace|"stack"|at \w+ \(|node_modules|\.ts:\d+/);
    expect((await stack.records()).length).toBe(before.records);
    expect((await stack.simulatorStats()).create).toBe(before.creates);
    expect(errorLogs().slice(before.errors)).toEqual([]);
    return response;
  };

  describe('text limits apply to the NFC text that is stored and sent', () => {
    it.each([
      ['a note of 500 U+FB2C (1,500 characters once NFC)', { note: '\ufb2c'.repeat(500) }, 'note'],
      ['an orderId of 128 U+FB2C (384 characters once NFC)', { orderId: '\ufb2c'.repeat(128) }, 'orderId'],
    ])('refuses %s', async (_name, overrides, field) => {
      await expectRefused(() => stack.gql(CREATE, { input: validInput(overrides) }), 'BAD_USER_INPUT', field);
    });

    it('accepts a note that NFC shortens to the limit, and stores and sends it normalised', async () => {
      const response = await stack.gql(CREATE, { input: validInput({ note: 'e\u0301'.repeat(500) }) });
      const payment = response.body.data!.createRemotePayment;
      expect(payment.note).toBe('\u00e9'.repeat(500));
      expect((await stack.records()).find((r) => r.cashiiId === payment.id)!.note).toBe('\u00e9'.repeat(500));
      expect(stack.simulator.state.payments.get(payment.id)!.note).toBe('\u00e9'.repeat(500));
    });
  });

  describe('bidirectional controls', () => {
    it.each([
      ['a right-to-left override (U+202E) in the note', { note: 'invoice \u202egnp.exe' }, 'note'],
      ['a left-to-right embedding (U+202A) in the note', { note: '\u202aOrder 42' }, 'note'],
      ['a pop directional formatting (U+202C) in the note', { note: 'Order 42\u202c' }, 'note'],
      ['a right-to-left isolate (U+2067) in the orderId', { orderId: 'order-\u206742\u2069' }, 'orderId'],
      ['a first-strong isolate (U+2068) in the orderId', { orderId: '\u2068order-42' }, 'orderId'],
    ])('refuses %s', async (_name, overrides, field) => {
      await expectRefused(() => stack.gql(CREATE, { input: validInput(overrides) }), 'BAD_USER_INPUT', field);
    });

    it('accepts the implicit marks (U+200E, U+200F) that Arabic text with digits needs', async () => {
      const note = 'طلب رقم \u200f42\u200e';
      const response = await stack.gql(CREATE, { input: validInput({ note }) });
      expect(response.body.data!.createRemotePayment.note).toBe(note);
    });
  });

  describe('metadata', () => {
    it('refuses metadata nested 8,000 levels deep in a variable as BAD_USER_INPUT on metadata', async () => {
      await expectRefused(() => post(createBodyWithMetadata(nestedJson(8000))), 'BAD_USER_INPUT', 'metadata');
    });

    it('refuses metadata nested too deep as an inline literal, within the token limit', async () => {
      // 100 levels is ~400 tokens: under GRAPHQL_MAX_TOKENS, so the metadata rule answers.
      await expectRefused(() => stack.gql(inlineCreate(`${'{a:'.repeat(100)}1${'}'.repeat(100)}`)), 'BAD_USER_INPUT', 'metadata');
    });

    it('refuses metadata nested 1,000 levels deep as an inline literal at the token limit (coded 400)', async () => {
      const response = await expectRefused(
        () => stack.gql(inlineCreate(`${'{a:'.repeat(1000)}1${'}'.repeat(1000)}`)),
        'GRAPHQL_PARSE_FAILED',
      );
      expect(response.status).toBe(400);
    });

    it('answers an inline literal too deep for the GraphQL parser with a coded 400', async () => {
      const response = await expectRefused(
        () => stack.gql(inlineCreate(`${'{a:'.repeat(8000)}1${'}'.repeat(8000)}`)),
        'GRAPHQL_PARSE_FAILED',
      );
      expect(response.status).toBe(400);
    });

    it.each([
      ['1e400 (Infinity once parsed)', '{"n":1e400}'],
      ['-1e400 inside an array', '{"list":[1,-1e400]}'],
      ['an integer beyond 2^53 that JSON parsing rounds', '{"ref":12345678901234567890}'],
    ])('refuses a metadata number %s', async (_name, metadata) => {
      const response = await expectRefused(() => post(createBodyWithMetadata(metadata)), 'BAD_USER_INPUT', 'metadata');
      expect(response.body.errors![0].message).toMatch(/finite/);
    });

    it('refuses 1e400 written as an inline literal', async () => {
      await expectRefused(() => stack.gql(inlineCreate('{ n: 1e400 }')), 'BAD_USER_INPUT', 'metadata');
    });

    it('keeps numbers within ±(2^53 - 1) exactly', async () => {
      const metadata = { big: Number.MAX_SAFE_INTEGER, small: -Number.MAX_SAFE_INTEGER, ratio: 0.25 };
      const response = await stack.gql(CREATE, { input: validInput({ metadata }) });
      expect(response.body.data!.createRemotePayment.metadata).toEqual(metadata);
    });
  });

  describe('the HTTP layer', () => {
    it('answers a subscription sent over POST with 400 BAD_REQUEST pointing at the WebSocket', async () => {
      const response = await expectRefused(
        () => stack.gql(`subscription { paymentStatusChanged(id: "1234567890123456") { id } }`),
        'BAD_REQUEST',
      );
      expect(response.status).toBe(400);
      expect(response.body.errors![0].message).toMatch(/WebSocket.*\/graphql/);
    });

    it('still runs the query a document names when the document also holds a subscription', async () => {
      const document = `subscription Watch { paymentStatusChanged(id: "1234567890123456") { id } } query Plain { __typename }`;
      const response = await post(JSON.stringify({ query: document, operationName: 'Plain' }));
      expect(response.body).toEqual({ data: { __typename: 'Query' } });
    });

    it('answers an endless chunked body with 413 that the client receives, not a reset', async () => {
      const before = { records: (await stack.records()).length, errors: errorLogs().length };
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-e', ENDLESS_CHUNKED_CLIENT, `${stack.app.url}/graphql`, token, '8'],
        { timeout: 20_000 },
      );
      const results = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(results).toHaveLength(8);
      for (const result of results) {
        expect(result).toEqual({
          status: 413,
          body: { errors: [{ message: 'Request body is larger than 102400 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
        });
      }
      expect((await stack.records()).length).toBe(before.records);
      expect(errorLogs().slice(before.errors)).toEqual([]);
    });

    it.each([
      ['a 0xFF byte', Buffer.from([0xff])],
      ['a UTF-8-encoded lone surrogate (U+D800)', Buffer.from([0xed, 0xa0, 0x80])],
      ['an overlong encoding of "/"', Buffer.from([0xc0, 0xaf])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
    ])('refuses a body with invalid UTF-8 (%s) with 400 instead of storing U+FFFD', async (_name, bad) => {
      const [head, tail] = JSON.stringify({ query: CREATE, variables: { input: validInput({ note: 'BAD' }) } }).split('BAD');
      const body = Buffer.concat([Buffer.from(head), Buffer.from('note '), bad, Buffer.from(tail)]);
      const response = await expectRefused(() => post(body), 'BAD_REQUEST');
      expect(response.status).toBe(400);
      expect(response.body.errors![0].message).toMatch(/UTF-8/);
    });
  });
});

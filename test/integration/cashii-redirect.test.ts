/** A redirect from Cashii's host is a bad answer: the client never follows it, whatever the status. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CashiiBadResponseError, CashiiClient } from '../../src/cashii';

const KEY = 'sk_redirect_test_key';

interface CountingServer {
  readonly url: string;
  readonly hits: string[];
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers every request as Cashii would, with a payment: had the client followed a redirect here, it would have "worked". */
async function startTarget(): Promise<CountingServer> {
  const hits: string[] = [];
  const server = await listen((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { id: '1234567890123456', status: 'pending', amount: 1, currency: 'USD' } }));
  });
  return { ...server, hits };
}

/** Poses as Cashii's host and redirects every request to the same path on `target`. */
async function startRedirector(target: string, status: () => number): Promise<CountingServer> {
  const hits: string[] = [];
  const server = await listen((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(status(), { location: `${target}${req.url}`, 'content-type': 'text/plain' });
    res.end('moved');
  });
  return { ...server, hits };
}

let target: CountingServer;
let redirector: CountingServer;
let status = 302;

beforeAll(async () => {
  target = await startTarget();
  redirector = await startRedirector(target.url, () => status);
});
afterAll(async () => {
  await redirector.close();
  await target.close();
});
beforeEach(() => {
  target.hits.length = 0;
  redirector.hits.length = 0;
});

const client = () => new CashiiClient({ baseUrl: redirector.url, apiKey: KEY, timeoutMs: 1000, backoffBaseMs: 10 });

describe('CashiiClient and redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'never follows a %s on a create, and reports it as a bad answer whose outcome is unknown',
    async (redirect) => {
      status = redirect;
      const error = await client()
        .createRemotePayment({ amount: 1, currency: 'USD' })
        .catch((e: unknown) => e);
      expect(target.hits).toEqual([]);
      expect(redirector.hits).toEqual(['POST /api/v1/remote-payments']);
      expect(error).toBeInstanceOf(CashiiBadResponseError);
      expect(error).toMatchObject({ httpStatus: redirect, createOutcome: 'unknown' });
      expect((error as Error).message).not.toContain(KEY);
    },
  );

  it.each([302, 307])('never follows a %s on a read, nor retries it', async (redirect) => {
    status = redirect;
    const error = await client()
      .getRemotePayment('1234567890123456')
      .catch((e: unknown) => e);
    expect(target.hits).toEqual([]);
    expect(redirector.hits).toEqual(['GET /api/v1/remote-payments/1234567890123456']);
    expect(error).toBeInstanceOf(CashiiBadResponseError);
    expect(error).toMatchObject({ httpStatus: redirect });
  });
});

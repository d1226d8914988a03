/**
 * CORS for /graphql: preflights answered with what Apollo Client and urql send, the allowed origin
 * echoed with `Vary: Origin` on every answer (errors too, so a page can read their codes),
 * credentials only when configured, CSRF prevention still on, and the same rule for the
 * WebSocket's Origin. In development any localhost port is allowed by default; production refuses
 * `*` and plain-http origins.
 */
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/config';
import { type TestStack, startStack } from '../support/stack';

/** What Apollo Client 4 (with client awareness) and urql ask to send, plus the CSRF-prevention headers. */
const REQUESTED_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'accept',
];
/** What OpenTelemetry-web and Sentry add to every fetch, and a request id. */
const TRACING_HEADERS = ['traceparent', 'tracestate', 'baggage', 'sentry-trace', 'x-request-id'];
/** What an allowed page may read besides the safelisted response headers. */
const EXPOSED = { 'access-control-expose-headers': 'x-request-id' };

describe('CORS', () => {
  const preflight = (stack: TestStack, origin: string, headers = REQUESTED_HEADERS) =>
    fetch(`${stack.app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers.join(',') },
    });
  const post = (stack: TestStack, origin: string | null, body = '{"query":"{ __typename }"}', contentType = 'application/json') =>
    fetch(`${stack.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/graphql-response+json', ...(origin ? { origin } : {}) },
      body,
    });
  const cors = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary' || name === 'allow'));
  /** The status of a WebSocket upgrade to /graphql with this Origin (101 when it opens). */
  const upgrade = (stack: TestStack, origin?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(`${stack.app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', origin ? { origin } : {});
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_req, res) => {
        res.resume();
        socket.terminate();
        resolve(res.statusCode ?? 0);
      });
      socket.once('error', reject);
    });

  describe('in development, with no origin configured', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack('sqlite', { AUTH_MODE: 'dev' });
    });
    afterAll(() => stack.close());

    it.each(['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080'])(
      'answers a preflight from %s with 204 and everything the clients send',
      async (origin) => {
        const response = await preflight(stack, origin);
        expect(response.status).toBe(204);
        expect(cors(response)).toEqual({
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': expect.any(String),
          'access-control-max-age': '7200',
          allow: 'GET, POST, OPTIONS',
          vary: 'Origin',
        });
        const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
        expect(allowed).toEqual(expect.arrayContaining([...REQUESTED_HEADERS, 'x-dev-user', 'x-dev-operator']));
      },
    );

    it('gives a page on another origin no permission, but the same Vary', async () => {
      const refused = await preflight(stack, 'https://evil.example');
      expect(refused.status).toBe(204);
      expect(cors(refused)).toEqual({ allow: 'GET, POST, OPTIONS', vary: 'Origin' });
      const answer = await post(stack, 'https://evil.example');
      expect(cors(answer)).toEqual({ vary: 'Origin' });
      expect(cors(await post(stack, 'http://localhost.evil.example:5173'))).toEqual({ vary: 'Origin' });
    });

    it('lets an allowed page read answers and refusals alike, without credentials', async () => {
      const origin = 'http://localhost:5173';
      const ok = await post(stack, origin);
      expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
      expect(cors(ok)).toEqual({ 'access-control-allow-origin': origin, vary: 'Origin', ...EXPOSED });
      const bad = await post(stack, origin, '{"query":');
      expect(bad.status).toBe(400);
      expect(cors(bad)).toEqual({ 'access-control-allow-origin': origin, vary: 'Origin', ...EXPOSED });
      const noOrigin = await post(stack, null);
      expect(cors(noOrigin)).toEqual({ vary: 'Origin' });
    });

    it('allows the tracing headers of OpenTelemetry-web and Sentry, and lets the page read the request id', async () => {
      const origin = 'http://localhost:5173';
      const response = await preflight(stack, origin, [...REQUESTED_HEADERS, ...TRACING_HEADERS]);
      expect(response.headers.get('access-control-allow-headers')!.split(', ')).toEqual(expect.arrayContaining(TRACING_HEADERS));
      const traced = await fetch(`${stack.app.url}/graphql`, {
        method: 'POST',
        headers: {
          origin,
          'content-type': 'application/json',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          'x-request-id': 'web-7',
        },
        body: '{"query":"{ __typename }"}',
      });
      expect(traced.status).toBe(200);
      expect(cors(traced)).toMatchObject(EXPOSED);
      expect(traced.headers.get('x-request-id')).toBe('web-7');
    });

    it('keeps CSRF prevention on for allowed origins: a text/plain POST without a preflight header is refused', async () => {
      const response = await post(stack, 'http://localhost:5173', '{"query":"{ __typename }"}', 'text/plain');
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/CSRF/);
    });

    it('opens WebSockets from allowed origins, the same host, or no browser at all, and refuses the rest with 403', async () => {
      expect(await upgrade(stack, 'http://localhost:5173')).toBe(101);
      expect(await upgrade(stack)).toBe(101);
      expect(await upgrade(stack, stack.app.url)).toBe(101);
      expect(await upgrade(stack, 'https://evil.example')).toBe(403);
    });
  });

  describe('with origins and credentials configured', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack('sqlite', {
        CORS_ALLOWED_ORIGINS: 'https://shop.example, https://Admin.Shop.example:443/',
        CORS_ALLOW_CREDENTIALS: 'true',
        CORS_MAX_AGE_SECONDS: '600',
        CORS_ALLOWED_HEADERS: 'x-shop-session, X-Tenant',
      });
    });
    afterAll(() => stack.close());

    it('allows exactly the listed origins, with credentials and their preflight cache time', async () => {
      for (const origin of ['https://shop.example', 'https://admin.shop.example']) {
        const response = await preflight(stack, origin);
        expect(cors(response)).toMatchObject({
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-max-age': '600',
        });
        expect(response.headers.get('access-control-allow-headers')).not.toContain('x-dev-user');
      }
      for (const origin of ['http://shop.example', 'https://shop.example:8443', 'http://localhost:5173']) {
        expect(cors(await preflight(stack, origin))).toEqual({ allow: 'GET, POST, OPTIONS', vary: 'Origin' });
      }
      expect(await upgrade(stack, 'https://shop.example')).toBe(101);
      expect(await upgrade(stack, 'http://localhost:5173')).toBe(403);
    });

    it('adds CORS_ALLOWED_HEADERS to the built-in headers, tracing ones included', async () => {
      const requested = [...REQUESTED_HEADERS, ...TRACING_HEADERS, 'x-shop-session', 'x-tenant'];
      const response = await preflight(stack, 'https://shop.example', requested);
      const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
      expect(allowed).toEqual(expect.arrayContaining(requested));
      expect(new Set(allowed).size).toBe(allowed.length);
    });
  });

  describe('configuration', () => {
    const production = {
      NODE_ENV: 'production',
      CASHII_API_KEY: 'sk_live_x',
      REDIRECT_ALLOWED_ORIGINS: 'https://shop.example',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      AUTH_ISSUER: 'https://auth.example',
      AUTH_AUDIENCE: 'bff',
    };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.filter((problem) => problem.startsWith('CORS_'));
        throw error;
      }
    };

    it('allows any localhost port in development only while no origin is listed', () => {
      expect(loadConfig({}).cors).toMatchObject({ allowLocalhost: true, allowedOrigins: [], allowCredentials: false, maxAgeSeconds: 7200 });
      expect(loadConfig({ CORS_ALLOWED_ORIGINS: 'http://localhost:5173' }).cors.allowLocalhost).toBe(false);
      expect(loadConfig(production).cors).toMatchObject({ allowLocalhost: false, allowedOrigins: [] });
    });

    it('refuses *, plain http and credentials with * in production, and names every bad origin', () => {
      expect(problems({ ...production, CORS_ALLOWED_ORIGINS: '*' })).toEqual([
        expect.stringMatching(/^CORS_ALLOWED_ORIGINS=\* is not allowed in production/),
      ]);
      expect(problems({ ...production, CORS_ALLOWED_ORIGINS: 'http://shop.example' })).toEqual([
        expect.stringMatching(/only https:\/\/ origins in production/),
      ]);
      expect(problems({ CORS_ALLOWED_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' })).toEqual([expect.stringMatching(/cannot go with/)]);
      expect(problems({ CORS_ALLOWED_ORIGINS: 'shop.example, https://shop.example/path' })).toHaveLength(2);
      expect(loadConfig({ CORS_ALLOWED_ORIGINS: '*' }).cors.allowAnyOrigin).toBe(true);
    });
  });
});

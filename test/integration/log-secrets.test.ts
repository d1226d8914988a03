/**
 * The BFF as it runs in production (src/main.ts in a child process) never writes a configured
 * secret to its log, even when Cashii's error body echoes the API key back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { type ServerProcess, spawnServer } from '../support/server-process';
import { CREATE, TEST_AUDIENCE, TEST_ISSUER, mintToken, validInput } from '../support/stack';
import { waitFor } from '../support/wait-for';

// Shaped so the body redaction's patterns (sk_..., "key": "...", Bearer ...) would not catch them.
const API_KEY = 'ck-live"Zq8\\v3Rk9Tn0wP';
const JWT_SECRET = 'jwt-secret-4f6a1c9e2b7d5a3c8e0f1b2d4c6a8e0f';
const METRICS_TOKEN = 'metrics-token-81f0c2e4';
const SECRETS = [API_KEY, JWT_SECRET, METRICS_TOKEN];

/** The ways a secret can be spelled in a JSON log line: as is, or escaped up to three times. */
function spellings(secret: string): string[] {
  const all = [secret];
  for (let depth = 0; depth < 3; depth++) all.push(JSON.stringify(all[all.length - 1]).slice(1, -1));
  return all;
}

/** Every 8-character piece of a secret: half a key cut by a pattern is a leak too. */
function pieces(secret: string): string[] {
  return Array.from({ length: secret.length - 7 }, (_, start) => secret.slice(start, start + 8));
}

/** Poses as Cashii and refuses every create with an error body that repeats the secrets it knows of. */
const ANSWERS: Array<(auth: string) => { status: number; type: string; body: string }> = [
  (auth) => ({
    status: 401,
    type: 'application/json',
    body: JSON.stringify({ error: { message: `Unknown API key ${API_KEY}`, received: auth, hint: `${JWT_SECRET} ${METRICS_TOKEN}` } }),
  }),
  (auth) => ({ status: 503, type: 'text/plain', body: `upstream down; you sent ${auth}; key=${API_KEY}` }),
];
let answered = 0;

let cashii: http.Server;
let database: TestDatabase;
let server: ServerProcess;
let graphqlUrl: string;

beforeAll(async () => {
  cashii = http.createServer((req, res) => {
    req.resume();
    const answer = ANSWERS[answered++ % ANSWERS.length](req.headers.authorization ?? '');
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => cashii.listen(0, '127.0.0.1', resolve));
  database = await createTestDatabase('sqlite');
  server = spawnServer({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    CASHII_API_KEY: API_KEY,
    CASHII_API_BASE_URL: `http://127.0.0.1:${(cashii.address() as AddressInfo).port}`,
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    METRICS_TOKEN,
    RECONCILER_ENABLED: 'false',
    LOG_LEVEL: 'debug',
  });
  graphqlUrl = await server.ready();
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await new Promise<void>((resolve) => cashii.close(() => resolve()));
  await database?.drop();
});

describe('log lines of a failed create', () => {
  it('carry no configured secret when Cashii echoes them in 4xx and 5xx error bodies', async () => {
    const token = await mintToken('user-a', {}, JWT_SECRET);
    let lastRequestId = '';
    for (let attempt = 0; attempt < ANSWERS.length; attempt++) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CREATE, variables: { input: validInput() } }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      expect(body.errors).toBeDefined();
      lastRequestId = response.headers.get('x-request-id')!;
    }
    expect(answered).toBe(ANSWERS.length);
    // The last request's closing line is the last of its lines: once it has come through the pipe, all have.
    const closing = (line: string) => line.includes('graphql request answered') && line.includes(lastRequestId);
    await waitFor(() => Promise.resolve(server.output().split('\n').some(closing) || undefined));

    const lines = server.output().split('\n').filter(Boolean);
    const failures = lines.filter((line) => line.includes('Cashii create failed'));
    expect(failures).toHaveLength(ANSWERS.length);
    // The bodies did reach the log (so the check below is not vacuous), with the secrets cut out.
    for (const line of failures) expect(line).toContain('[redacted]');
    for (const piece of SECRETS.flatMap(pieces)) {
      for (const spelling of spellings(piece)) expect(lines.filter((line) => line.includes(spelling))).toEqual([]);
    }
  });
});

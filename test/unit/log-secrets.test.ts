/** Configured secrets never reach a log line, whatever field or escaping carries them. */
import { Writable } from 'node:stream';
import { CashiiInvalidRequestError } from '../../src/cashii';
import { loadConfig, secretsOf } from '../../src/config';
import { createLogger } from '../../src/logger';
import { describeError } from '../../src/payments/core/describe-error';

/** A logger at `trace` whose lines are collected. */
function capture(secrets: readonly string[]) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('trace', sink, secrets), lines };
}

/** The ways a secret can be spelled inside a JSON line: as is, or escaped up to three times (JSON bodies inside fields). */
function spellings(secret: string): string[] {
  const all = [secret];
  for (let depth = 0; depth < 3; depth++) all.push(JSON.stringify(all[all.length - 1]).slice(1, -1));
  return all;
}

const API_KEY = 'ck_live"Zq8\\v3Rk9Tn';
const JWT_SECRET = 'jwt-secret-4f6a1c9e2b7d5a3c8e0f1b2d4c6a8e0f';

describe('createLogger with secrets', () => {
  it('scrubs every secret from the message, nested fields, error stacks and child loggers, in every spelling', () => {
    const { log, lines } = capture([API_KEY, JWT_SECRET]);
    const upstreamBody = JSON.stringify({ error: { message: `bad key ${API_KEY}` } });
    log.warn({ err: { detail: upstreamBody } }, `Cashii said ${upstreamBody}`);
    log.error({ err: new Error(`verification with ${JWT_SECRET} failed`) }, 'auth failed');
    log.child({ component: 'x' }).info({ deep: { deeper: [{ key: API_KEY }] }, again: JSON.stringify(upstreamBody) }, 'nested');
    expect(lines).toHaveLength(3);
    for (const secret of [API_KEY, JWT_SECRET]) {
      for (const spelling of spellings(secret)) expect(lines.filter((line) => line.includes(spelling))).toEqual([]);
    }
    // Still one JSON object a line, with the secret replaced where it stood.
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(parsed[0].msg).toBe('Cashii said {"error":{"message":"bad key [redacted]"}}');
    expect(parsed[1].err.stack).toContain('verification with [redacted] failed');
    expect(parsed[2].deep.deeper[0].key).toBe('[redacted]');
  });

  it('cuts a secret out of an upstream body whole, before the body patterns could split it and leave a piece', () => {
    const { log, lines } = capture(['sk_live_abc123-def456']);
    const body = JSON.stringify({ error: { message: 'bad key sk_live_abc123-def456' } });
    log.warn({ err: describeError(new CashiiInvalidRequestError('refused', 400, body)) }, 'Cashii create failed');
    expect(JSON.parse(lines[0]).err.detail).toBe('{"error":{"message":"bad key [redacted]"}}');
  });

  it('leaves short values alone and keeps a line valid JSON when a secret only follows an escape', () => {
    const { log, lines } = capture(['abc', 'nabcdef']);
    log.info('abc then a newline\nabcdef');
    expect(JSON.parse(lines[0]).msg).toBe('abc then a newline\nabcdef');
  });

  it('keeps a line valid JSON when a secret ends in a backslash', () => {
    const { log, lines } = capture(['ends-in\\']);
    log.info('key ends-in\\');
    expect(JSON.parse(lines[0]).msg).toBe('key [redacted]');
  });
});

describe('secretsOf', () => {
  it('lists the Cashii key, the JWT secret, the metrics token and the database and Redis passwords (raw and decoded)', () => {
    const config = loadConfig({
      CASHII_API_KEY: API_KEY,
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: JWT_SECRET,
      AUTH_ISSUER: 'iss',
      AUTH_AUDIENCE: 'aud',
      METRICS_TOKEN: 'metrics-token-81f0',
      DATABASE_URL: 'postgres://bff:pg%40pass%2Fword@127.0.0.1:5432/db',
      REDIS_URL: 'redis://:redis-pass-77a1@127.0.0.1:6379/0',
    });
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining([API_KEY, JWT_SECRET, 'metrics-token-81f0', 'pg%40pass%2Fword', 'pg@pass/word', 'redis-pass-77a1']),
    );
  });

  it('lists nothing for a configuration without secrets', () => {
    expect(secretsOf(loadConfig({}))).toEqual([]);
  });
});

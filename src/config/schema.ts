/**
 * Every environment variable the BFF reads, once: its kind, default, bounds and a one-line meaning.
 * README's configuration table and `.env.example` must list exactly these keys (test/unit/config-docs.test.ts).
 * Defaults that depend on other keys are `undefined` here and worked out in `loadConfig`.
 */
import path from 'node:path';
import { z } from 'zod';
import { CURRENCY_PATTERN } from '../common/currency';
import { anyItem, bool, databaseUrl, headerNames, httpUrl, int, list, oneOf, origins, text, urlOf } from './settings';

export const DEFAULT_SQLITE_FILE = path.join('data', 'cashii-bff.sqlite');
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const currency = (value: string, report: (message: string) => void): string => {
  if (!CURRENCY_PATTERN.test(value)) report('is not a three-letter upper-case code');
  return value;
};

const MiB = 1024 * 1024;
const DAY_MS = 86_400_000;

export const envSchema = z.object({
  NODE_ENV: text('development').describe('development | test | production; production refuses unsafe settings'),
  HOST: text().describe('interface to listen on (default 127.0.0.1; 0.0.0.0 in production)'),
  PORT: int(0, 65535, 4000).describe('port of the GraphQL API (0 = any free port)'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info').describe('pino log level'),
  SHUTDOWN_GRACE_MS: int(0, 300_000, 10_000).describe('on SIGTERM/SIGINT, in-flight requests get this long to finish'),
  REQUEST_BODY_LIMIT_BYTES: int(1024, 10 * MiB, 100 * 1024).describe('largest GraphQL request body'),
  METRICS_TOKEN: text('').describe('when set, GET /metrics needs Authorization: Bearer <token>'),

  DATABASE_URL: databaseUrl(DEFAULT_SQLITE_FILE).describe('sqlite:<file> or postgres://user:pass@host:5432/db'),
  DATABASE_BUSY_TIMEOUT_MS: int(0, 1000, 10).describe('longest the event loop may block on a SQLite lock held by another process'),
  DATABASE_CACHE_BYTES: int(64 * 1024, 1024 * MiB, 2 * MiB).describe("SQLite's page cache per connection (the BFF opens two on a file)"),
  DATABASE_LOCK_WAIT_MS: int(0, 60_000, 500).describe('a write waits this long in all for the lock, then answers STORAGE_UNAVAILABLE'),
  CREATE_RECORD_WAIT_MS: int(0, 60_000, 2000).describe("a create waits this long for Cashii's id to be stored"),
  CREATE_RECORD_WINDOW_MS: int(0, 3_600_000, 30_000).describe("Cashii's id is retried into the database this long in the background"),
  CREATE_JOURNAL_FILE: text().describe('append-only file of Cashii ids the database could not take yet (default beside the SQLite file)'),

  CASHII_API_KEY: text('').describe("Cashii's API key (a server secret); without it the simulator runs outside production"),
  CASHII_API_BASE_URL: httpUrl('https://api.cashii.app').describe("Cashii's API host (https in production, http only on loopback)"),
  CASHII_PAYMENT_PAGE_URL: httpUrl('https://cashii.app/payment').describe('the hosted payment page'),
  CASHII_TIMEOUT_MS: int(50, 120_000, 5000).describe('deadline of one Cashii call (GET retries included)'),
  CASHII_SIMULATOR: oneOf(['auto', 'on', 'off'], 'auto').describe(
    'auto: the simulator when there is no key; on / off (never on in production)',
  ),
  CASHII_SIMULATOR_PORT: int(0, 65535, 4010).describe('port of the built-in simulator (0 = any free port)'),
  CASHII_BREAKER_THRESHOLD: int(1, 1000, 5).describe('consecutive Cashii outages that open the circuit'),
  CASHII_BREAKER_COOLDOWN_MS: int(100, 600_000, 10_000).describe('wait before the open circuit probes Cashii again'),

  REDIRECT_ALLOWED_ORIGINS: origins(false).describe('exact origins a redirectUrl may use (required in production; empty = any localhost)'),
  ALLOWED_CURRENCIES: list(currency, ['SYP', 'USD', 'EUR', 'TRY']).describe('accepted currency codes'),
  AMOUNT_MAX: int(1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).describe('largest amount in minor units'),
  STATUS_TTL_MS: int(0, 3_600_000, 2000).describe('a pending payment is re-confirmed with Cashii when read after this long'),
  PAID_STATUS_TTL_MS: int(0, DAY_MS, 60_000).describe('the same for a paid payment (it may be refunded)'),

  RECONCILER_ENABLED: bool(true).describe('the background re-check of pending payments'),
  RECONCILER_INTERVAL_MS: int(50, 600_000, 1000).describe('how often the reconciler looks for due payments'),
  RECONCILER_BATCH_SIZE: int(1, 1000, 20).describe('payments the reconciler claims per pass'),
  RECONCILER_BASE_DELAY_MS: int(10, 3_600_000, 2000).describe('first re-check of a pending payment, doubling per check'),
  RECONCILER_MAX_DELAY_MS: int(10, DAY_MS, 300_000).describe('longest wait between two re-checks'),
  RECONCILER_HORIZON_MS: int(1000, 30 * DAY_MS, DAY_MS).describe('a payment still pending after this long is marked stale'),

  CORS_ALLOWED_ORIGINS: origins(true).describe('exact origins of web apps calling /graphql from the browser; * = any (not in production)'),
  CORS_ALLOW_CREDENTIALS: bool(false).describe('answer Access-Control-Allow-Credentials: true (cookies only)'),
  CORS_MAX_AGE_SECONDS: int(0, 86_400, 7200).describe('how long browsers may reuse a preflight answer'),
  CORS_ALLOWED_HEADERS: headerNames().describe('extra request headers pages may send, added to the built-in ones'),

  AUTH_MODE: oneOf(['dev', 'jwt']).describe('dev (development users) or jwt (required in production; the default there)'),
  AUTH_JWKS_URL: urlOf(['https', 'http']).describe('JWKS of the identity provider (https in production)'),
  AUTH_JWT_SECRET: text().describe('shared HS256 secret of at least 32 characters, instead of a JWKS'),
  AUTH_ISSUER: text('').describe('the iss tokens must carry (required with jwt)'),
  AUTH_AUDIENCE: text('').describe('the aud tokens must carry (required with jwt)'),
  AUTH_ALGORITHMS: list(anyItem).describe(
    'accepted algorithms (default HS256 with a secret, RS256,ES256,EdDSA with a JWKS); none is refused',
  ),
  AUTH_CLOCK_TOLERANCE_SECONDS: int(0, 300, 5).describe('clock skew allowed on exp and nbf'),
  AUTH_OPERATOR_CLAIM: text('roles').describe("the token claim that lists a viewer's roles"),
  AUTH_OPERATOR_ROLE: text('payments-operator').describe('the role of back-office operators'),
  AUTH_TOKEN_CACHE_BYTES: int(0, 1024 * MiB, 4 * MiB).describe('bytes the cache of verified tokens may hold'),

  GRAPHQL_INTROSPECTION: bool().describe('schema introspection (default on outside production; refused in production)'),
  GRAPHQL_IDE: oneOf(['graphiql', 'sandbox', 'off']).describe('the IDE at /graphql in a browser (default graphiql; off in production)'),
  GRAPHQL_MAX_TOKENS: int(100, 100_000, 2000).describe('tokens one document may have'),
  GRAPHQL_MAX_DIRECTIVES: int(0, 1000, 50).describe('directives one operation may use'),
  GRAPHQL_MAX_DEPTH: int(2, 100, 10).describe('depth of one operation'),
  GRAPHQL_MAX_ALIASES: int(0, 1000, 30).describe('aliased fields in one operation'),
  GRAPHQL_MAX_PAYMENT_LOOKUPS: int(1, 1000, 30).describe('payment lookups in one operation'),
  GRAPHQL_MAX_FIELDS: int(10, 100_000, 500).describe('fields in one operation, fragments expanded'),
  GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 10_000, 20).describe('live subscriptions per WebSocket connection'),
  GRAPHQL_MAX_SUBSCRIPTIONS_PER_VIEWER: int(1, 100_000, 50).describe('live subscriptions per viewer across connections'),
  GRAPHQL_TRUSTED_DOCUMENTS_FILE: text(
    [
      path.join('client', 'src', 'gql', 'persisted-documents.json'),
      path.join('client', 'src', 'gql', 'persisted-query-manifest.json'),
    ].join(','),
  ).describe("the persisted-document manifests (either format: codegen's or Apollo's), separated by commas"),
  GRAPHQL_TRUSTED_DOCUMENTS_ONLY: bool(false).describe("run only the manifest's documents"),
  GRAPHQL_ANSWER_CACHE_BYTES: int(0, 4096 * MiB, 8 * MiB).describe('bytes the kept answers of repeated queries may hold together; 0 = off'),
  GRAPHQL_ANSWER_CACHE_ENTRY_BYTES: int(1024, 64 * MiB, 128 * 1024).describe('largest answer kept (a larger one is answered, never kept)'),
  GRAPHQL_DOCUMENT_CACHE_BYTES: int(64 * 1024, 1024 * MiB, 4 * MiB).describe('bytes of parsed, validated documents Apollo keeps'),
  GRAPHQL_APQ_CACHE_BYTES: int(64 * 1024, 1024 * MiB, 4 * MiB).describe('bytes of documents registered as automatic persisted queries'),

  RATE_LIMIT_WINDOW_MS: int(100, DAY_MS, 60_000).describe('the window of the rate limits'),
  RATE_LIMIT_CREATE_PER_VIEWER: int(1, 1_000_000, 30).describe('createRemotePayment calls per viewer per window'),
  RATE_LIMIT_CREATE_PER_ADDRESS: int(1, 1_000_000, 120).describe('createRemotePayment calls per client address per window'),
  RATE_LIMIT_CONFIRM_PER_VIEWER: int(1, 1_000_000, 60).describe('confirmPaymentReturn calls per viewer per window'),
  REDIS_URL: urlOf(['redis', 'rediss']).describe('Redis shared by replicas for the rate limits (in-process when unset)'),
  TRUST_PROXY: bool(false).describe('take the client address from X-Forwarded-For (only behind a proxy that sets it)'),
});

/** The environment as parsed: one value per key, defaults applied. */
export type Settings = z.infer<typeof envSchema>;

/** Every key the BFF reads, in the schema's order. */
export const SETTING_KEYS: readonly string[] = Object.keys(envSchema.shape);

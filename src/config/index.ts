/**
 * The only module that reads the environment. `loadConfig` parses it once with one schema
 * (schema.ts: every key, its kind, default and bounds), reports every bad key at the same time so
 * that an operator fixes a deployment in one round, then builds the nested `Config` the code reads
 * and runs the cross-checks between keys (rules.ts).
 */
import path from 'node:path';
import { crossCheck } from './rules';
import { envSchema, SETTING_KEYS, type Settings } from './schema';
import type { DatabaseConfig } from './settings';
import { unknownSettings } from './unknown-settings';

export { envSchema, SETTING_KEYS } from './schema';
export { normaliseOrigin, type DatabaseConfig } from './settings';
export { secretsOf } from './secrets';

/** The configuration the BFF runs with, as `loadConfig` builds it. */
export type Config = ReturnType<typeof configFrom>;

/** Which browser pages on other origins may call /graphql (HTTP and the WebSocket's Origin check). */
export type CorsConfig = Config['cors'];

export type AuthConfig =
  | { readonly mode: 'dev' }
  | {
      readonly mode: 'jwt';
      /** Exactly one of a JWKS URL (asymmetric keys) or a shared HS256 secret. */
      readonly jwksUrl: string | null;
      readonly secret: string | null;
      readonly issuer: string;
      readonly audience: string;
      readonly algorithms: readonly string[];
      readonly clockToleranceSeconds: number;
      /** The claim that lists a viewer's roles (a string or an array of strings), and the role of back-office operators. */
      readonly operatorClaim: string;
      readonly operatorRole: string;
      /** Bytes the cache of verified tokens may hold (auth/authenticator.ts); a default when absent. */
      readonly tokenCacheBytes?: number;
    };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration from `env` (normally `process.env`). Throws `ConfigError` naming every bad key. */
export function loadConfig(env: Env = process.env): Config {
  return loadConfigWithWarnings(env).config;
}

/**
 * `loadConfig`, plus one warning per variable that looks like a setting but is none (a misspelled
 * key, whose default would otherwise apply without a word), naming the closest key. main.ts logs them.
 */
export function loadConfigWithWarnings(env: Env = process.env): { config: Config; warnings: string[] } {
  const problems: string[] = [];
  const settings = parseSettings(env, problems);
  const config = configFrom(settings);
  problems.push(...crossCheck(settings, config));
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, warnings: unknownSettings(env, SETTING_KEYS) };
}

/**
 * Parses the whole environment with the schema. A bad key is reported (`PORT must be ...`) and parsed
 * again as unset, so that its default stands in and the cross-checks still report in the same round.
 */
function parseSettings(env: Env, problems: string[]): Settings {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const bad = new Set<string>();
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0]);
    bad.add(key);
    problems.push(issue.message.startsWith(':') ? `${key}${issue.message}` : `${key} ${issue.message}`);
  }
  return envSchema.parse(Object.fromEntries(Object.entries(env).filter(([key]) => !bad.has(key))));
}

/** Beside the SQLite file (one process owns both); under data/ for PostgreSQL or an in-memory database. */
function defaultJournalFile(database: DatabaseConfig): string {
  const dir = database.kind === 'sqlite' && database.file !== ':memory:' ? path.dirname(database.file) : 'data';
  return path.join(dir, 'cashii-created.journal');
}

function configFrom(s: Settings) {
  const production = s.NODE_ENV === 'production';
  return {
    /** `production` switches off the simulator, Apollo Sandbox and introspection. */
    nodeEnv: s.NODE_ENV,
    production,
    /** Interface and port the BFF listens on (port 0 picks a free one). */
    host: s.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: s.PORT,
    database: s.DATABASE_URL,
    /** How writes behave when the database cannot take them (full disk, a lock, an outage). */
    storage: {
      /** Longest the event loop may block on a SQLite lock held by another process (SQLite's busy_timeout). */
      busyTimeoutMs: s.DATABASE_BUSY_TIMEOUT_MS,
      /** A write waits this long in all for the database lock (without blocking), then fails with STORAGE_UNAVAILABLE. */
      lockWaitMs: s.DATABASE_LOCK_WAIT_MS,
      /** SQLite's page cache per connection, in bytes (two connections on a file: writes and reads). */
      cacheBytes: s.DATABASE_CACHE_BYTES,
      /** A create waits this long for Cashii's id to be recorded before answering STORAGE_UNAVAILABLE (retryable). */
      recordWaitMs: s.CREATE_RECORD_WAIT_MS,
      /** Cashii's id is retried into the database this long before only the journal (and later passes) hold it. */
      recordWindowMs: s.CREATE_RECORD_WINDOW_MS,
      /** Append-only, fsynced file where Cashii ids wait while the database cannot take them; replayed at start. */
      journalFile: s.CREATE_JOURNAL_FILE ?? defaultJournalFile(s.DATABASE_URL),
    },
    cashii: {
      /** Base URL of Cashii's API, without `/api/v1`. Replaced by the simulator's URL when it runs. */
      apiBaseUrl: s.CASHII_API_BASE_URL,
      /** Server secret; never leaves this process. Empty only when the simulator is used. */
      apiKey: s.CASHII_API_KEY,
      /** Hosted payment page (`...payment?code=<id>&redirect=<url>`). */
      paymentPageUrl: s.CASHII_PAYMENT_PAGE_URL,
      /** Abort a Cashii call after this many milliseconds. */
      timeoutMs: s.CASHII_TIMEOUT_MS,
    },
    /** The built-in Cashii simulator: started when no key is set outside production. */
    simulator: {
      enabled: s.CASHII_SIMULATOR === 'on' || (s.CASHII_SIMULATOR === 'auto' && s.CASHII_API_KEY === ''),
      port: s.CASHII_SIMULATOR_PORT,
    },
    payments: {
      /** Exact origins (`https://shop.example`) a redirectUrl may point to; empty = any localhost (development). */
      redirectOrigins: s.REDIRECT_ALLOWED_ORIGINS as readonly string[],
      currencies: s.ALLOWED_CURRENCIES as readonly string[],
      /** Largest accepted amount in minor units (at most 2^53 - 1). */
      maxAmount: s.AMOUNT_MAX,
      /** A pending payment is re-read from Cashii when its last confirmation is older than this. */
      statusTtlMs: s.STATUS_TTL_MS,
      /** A paid payment (which can still be refunded) is re-read after this long. */
      paidStatusTtlMs: s.PAID_STATUS_TTL_MS,
    },
    /** Which browser pages on other origins may call /graphql (HTTP and the WebSocket's Origin check). */
    cors: {
      /** Exact origins (`https://shop.example`) from CORS_ALLOWED_ORIGINS. */
      allowedOrigins: s.CORS_ALLOWED_ORIGINS.filter((origin) => origin !== '*') as readonly string[],
      /** `CORS_ALLOWED_ORIGINS=*`: any origin (refused in production and with credentials). */
      allowAnyOrigin: s.CORS_ALLOWED_ORIGINS.includes('*'),
      /** No origin listed outside production: any port of localhost, 127.0.0.1 or [::1]. */
      allowLocalhost: !production && s.CORS_ALLOWED_ORIGINS.length === 0,
      /** Answer `Access-Control-Allow-Credentials: true` (cookies); bearer tokens do not need it. */
      allowCredentials: s.CORS_ALLOW_CREDENTIALS,
      /** How long browsers may reuse a preflight answer (Chromium caps it at 7200). */
      maxAgeSeconds: s.CORS_MAX_AGE_SECONDS,
      /**
       * Request headers a page may send besides the built-in ones (src/http/cors.ts keeps that default
       * list): only the extra names from CORS_ALLOWED_HEADERS, lower-cased.
       */
      allowedHeaders: s.CORS_ALLOWED_HEADERS,
    },
    http: {
      /** Largest accepted request body in bytes. */
      bodyLimitBytes: s.REQUEST_BODY_LIMIT_BYTES,
      /** On SIGTERM, in-flight requests get this long to finish. */
      shutdownGraceMs: s.SHUTDOWN_GRACE_MS,
    },
    /** Trips after `threshold` consecutive Cashii outages; probes again after `cooldownMs`. */
    breaker: { threshold: s.CASHII_BREAKER_THRESHOLD, cooldownMs: s.CASHII_BREAKER_COOLDOWN_MS },
    /** The background job that re-checks pending payments with Cashii. */
    reconciler: {
      enabled: s.RECONCILER_ENABLED,
      /** How often it looks for due payments. */
      intervalMs: s.RECONCILER_INTERVAL_MS,
      /** Payments claimed per run. */
      batchSize: s.RECONCILER_BATCH_SIZE,
      /** First re-check after this long; doubles per check up to `maxDelayMs`. */
      baseDelayMs: s.RECONCILER_BASE_DELAY_MS,
      maxDelayMs: s.RECONCILER_MAX_DELAY_MS,
      /** A payment still pending this long after creation is marked stale and no longer polled. */
      horizonMs: s.RECONCILER_HORIZON_MS,
    },
    /** Who the viewer is: development users, or verified JWTs. */
    auth: authFrom(s, production),
    graphql: {
      /** Schema introspection (the IDE needs it); refused in production. */
      introspection: s.GRAPHQL_INTROSPECTION ?? !production,
      /** The IDE at GET /graphql in a browser: GraphiQL served by the BFF itself (works offline), Apollo Sandbox (from a CDN), or none. */
      ide: s.GRAPHQL_IDE ?? (production ? 'off' : 'graphiql'),
      /** Tokens one document may have (graphql-js stops parsing past it). */
      maxTokens: s.GRAPHQL_MAX_TOKENS,
      /** Directives one operation may use. */
      maxDirectives: s.GRAPHQL_MAX_DIRECTIVES,
      maxDepth: s.GRAPHQL_MAX_DEPTH,
      /** Aliased fields in one operation. */
      maxAliases: s.GRAPHQL_MAX_ALIASES,
      /** `payment` lookups in one operation. */
      maxPaymentLookups: s.GRAPHQL_MAX_PAYMENT_LOOKUPS,
      /** Fields in one operation, fragments expanded: a simple cost bound. */
      maxFields: s.GRAPHQL_MAX_FIELDS,
      /** The persisted-document manifest emitted by codegen. */
      trustedDocumentsFile: s.GRAPHQL_TRUSTED_DOCUMENTS_FILE,
      /** Accept only the manifest's documents (by hash). */
      trustedDocumentsOnly: s.GRAPHQL_TRUSTED_DOCUMENTS_ONLY,
      /** Live subscriptions per WebSocket connection, and per viewer across connections. */
      maxSubscriptionsPerConnection: s.GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxSubscriptionsPerViewer: s.GRAPHQL_MAX_SUBSCRIPTIONS_PER_VIEWER,
      /** Bytes the kept answers of repeated queries may hold (graphql/answer-cache.ts; 0: off), and the largest one kept. */
      answerCacheBytes: s.GRAPHQL_ANSWER_CACHE_BYTES,
      answerCacheEntryBytes: s.GRAPHQL_ANSWER_CACHE_ENTRY_BYTES,
      /** Bytes Apollo's parsed documents, and its automatic persisted queries, may hold (graphql/bounded-cache.ts). */
      documentCacheBytes: s.GRAPHQL_DOCUMENT_CACHE_BYTES,
      persistedQueryCacheBytes: s.GRAPHQL_APQ_CACHE_BYTES,
    },
    /** Limits on createRemotePayment per viewer and per client address, per window. */
    rateLimit: {
      windowMs: s.RATE_LIMIT_WINDOW_MS,
      createPerViewer: s.RATE_LIMIT_CREATE_PER_VIEWER,
      createPerAddress: s.RATE_LIMIT_CREATE_PER_ADDRESS,
      /** confirmPaymentReturn calls per viewer per window (each reads Cashii). */
      confirmPerViewer: s.RATE_LIMIT_CONFIRM_PER_VIEWER,
      /** Shared store for several replicas; in-process when unset. */
      redisUrl: s.REDIS_URL ?? null,
      /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
      trustProxy: s.TRUST_PROXY,
    },
    /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
    metricsToken: s.METRICS_TOKEN || null,
    logLevel: s.LOG_LEVEL as string,
  };
}

function authFrom(s: Settings, production: boolean): AuthConfig {
  if ((s.AUTH_MODE ?? (production ? 'jwt' : 'dev')) === 'dev') return { mode: 'dev' };
  const secret = s.AUTH_JWT_SECRET ?? null;
  return {
    mode: 'jwt',
    jwksUrl: s.AUTH_JWKS_URL ?? null,
    secret,
    issuer: s.AUTH_ISSUER,
    audience: s.AUTH_AUDIENCE,
    algorithms: s.AUTH_ALGORITHMS ?? (secret !== null ? ['HS256'] : ['RS256', 'ES256', 'EdDSA']),
    clockToleranceSeconds: s.AUTH_CLOCK_TOLERANCE_SECONDS,
    operatorClaim: s.AUTH_OPERATOR_CLAIM,
    operatorRole: s.AUTH_OPERATOR_ROLE,
    tokenCacheBytes: s.AUTH_TOKEN_CACHE_BYTES,
  };
}

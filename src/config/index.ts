/**
 * The only module that reads the environment. `loadConfig` validates every key once at start and
 * reports every bad key at the same time, so an operator fixes a deployment in one round.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CURRENCY_PATTERN } from '../common/currency';

export type DatabaseConfig = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

export interface Config {
  /** `production` switches off the simulator, Apollo Sandbox and introspection. */
  readonly nodeEnv: string;
  readonly production: boolean;
  /** Interface and port the BFF listens on (port 0 picks a free one). */
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  /** How writes behave when the database cannot take them (full disk, a lock, an outage). */
  readonly storage: {
    /** Longest the event loop may block on a SQLite lock held by another process (SQLite's busy_timeout). */
    readonly busyTimeoutMs: number;
    /** A write waits this long in all for the database lock (without blocking), then fails with STORAGE_UNAVAILABLE. */
    readonly lockWaitMs: number;
    /** A create waits this long for Cashii's id to be recorded before answering STORAGE_UNAVAILABLE (retryable). */
    readonly recordWaitMs: number;
    /** Cashii's id is retried into the database this long before only the journal (and later passes) hold it. */
    readonly recordWindowMs: number;
    /** Append-only, fsynced file where Cashii ids wait while the database cannot take them; replayed at start. */
    readonly journalFile: string;
  };
  readonly cashii: {
    /** Base URL of Cashii's API, without `/api/v1`. Replaced by the simulator's URL when it runs. */
    readonly apiBaseUrl: string;
    /** Server secret; never leaves this process. Empty only when the simulator is used. */
    readonly apiKey: string;
    /** Hosted payment page (`...payment?code=<id>&redirect=<url>`). */
    readonly paymentPageUrl: string;
    /** Abort a Cashii call after this many milliseconds. */
    readonly timeoutMs: number;
  };
  /** The built-in Cashii simulator: started when no key is set outside production. */
  readonly simulator: { readonly enabled: boolean; readonly port: number };
  readonly payments: {
    /** Exact origins (`https://shop.example`) a redirectUrl may point to; empty = any localhost (development). */
    readonly redirectOrigins: readonly string[];
    readonly currencies: readonly string[];
    /** Largest accepted amount in minor units (at most 2^53 - 1). */
    readonly maxAmount: number;
    /** A pending payment is re-read from Cashii when its last confirmation is older than this. */
    readonly statusTtlMs: number;
    /** A paid payment (which can still be refunded) is re-read after this long. */
    readonly paidStatusTtlMs: number;
  };
  /** Which browser pages on other origins may call /graphql (HTTP and the WebSocket's Origin check). */
  readonly cors: CorsConfig;
  readonly http: {
    /** Largest accepted request body in bytes. */
    readonly bodyLimitBytes: number;
    /** On SIGTERM, in-flight requests get this long to finish. */
    readonly shutdownGraceMs: number;
  };
  /** Trips after `threshold` consecutive Cashii outages; probes again after `cooldownMs`. */
  readonly breaker: { readonly threshold: number; readonly cooldownMs: number };
  /** The background job that re-checks pending payments with Cashii. */
  readonly reconciler: {
    readonly enabled: boolean;
    /** How often it looks for due payments. */
    readonly intervalMs: number;
    /** Payments claimed per run. */
    readonly batchSize: number;
    /** First re-check after this long; doubles per check up to `maxDelayMs`. */
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    /** A payment still pending this long after creation is marked stale and no longer polled. */
    readonly horizonMs: number;
  };
  /** Who the viewer is: development users, or verified JWTs. */
  readonly auth: AuthConfig;
  readonly graphql: {
    /** Schema introspection (the IDE needs it); refused in production. */
    readonly introspection: boolean;
    /** The IDE at GET /graphql in a browser: GraphiQL served by the BFF itself (works offline), Apollo Sandbox (from a CDN), or none. */
    readonly ide: 'graphiql' | 'sandbox' | 'off';
    /** Tokens one document may have (graphql-js stops parsing past it). */
    readonly maxTokens: number;
    /** Directives one operation may use. */
    readonly maxDirectives: number;
    readonly maxDepth: number;
    /** Aliased fields in one operation. */
    readonly maxAliases: number;
    /** `payment` lookups in one operation. */
    readonly maxPaymentLookups: number;
    /** Fields in one operation, fragments expanded: a simple cost bound. */
    readonly maxFields: number;
    /** The persisted-document manifest emitted by codegen. */
    readonly trustedDocumentsFile: string;
    /** Accept only the manifest's documents (by hash). */
    readonly trustedDocumentsOnly: boolean;
    /** Live subscriptions per WebSocket connection, and per viewer across connections. */
    readonly maxSubscriptionsPerConnection: number;
    readonly maxSubscriptionsPerViewer: number;
    /** Whole answers of repeated `payment(id)` reads kept per viewer (graphql/answer-cache.ts); 0 turns the cache off. */
    readonly answerCacheEntries: number;
    /** Bytes the kept answers may hold together, and the largest answer kept (a larger one is answered, not kept). */
    readonly answerCacheBytes: number;
    readonly answerCacheEntryBytes: number;
    /** Bytes Apollo's parsed documents, and its automatic persisted queries, may hold (graphql/bounded-cache.ts). */
    readonly documentCacheBytes: number;
    readonly persistedQueryCacheBytes: number;
  };
  /** Limits on createRemotePayment per viewer and per client address, per window. */
  readonly rateLimit: {
    readonly windowMs: number;
    readonly createPerViewer: number;
    readonly createPerAddress: number;
    /** confirmPaymentReturn calls per viewer per window (each reads Cashii). */
    readonly confirmPerViewer: number;
    /** Shared store for several replicas; in-process when unset. */
    readonly redisUrl: string | null;
    /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
    readonly trustProxy: boolean;
  };
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | null;
  readonly logLevel: string;
}

export interface CorsConfig {
  /** Exact origins (`https://shop.example`) from CORS_ALLOWED_ORIGINS. */
  readonly allowedOrigins: readonly string[];
  /** `CORS_ALLOWED_ORIGINS=*`: any origin (refused in production and with credentials). */
  readonly allowAnyOrigin: boolean;
  /** No origin listed outside production: any port of localhost, 127.0.0.1 or [::1]. */
  readonly allowLocalhost: boolean;
  /** Answer `Access-Control-Allow-Credentials: true` (cookies); bearer tokens do not need it. */
  readonly allowCredentials: boolean;
  /** How long browsers may reuse a preflight answer (Chromium caps it at 7200). */
  readonly maxAgeSeconds: number;
  /**
   * Request headers a page may send besides the built-in ones (src/http/cors.ts keeps that default
   * list): only the extra names from CORS_ALLOWED_HEADERS, lower-cased.
   */
  readonly allowedHeaders: string[];
}

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

const DEFAULT_SQLITE_FILE = path.join('data', 'cashii-bff.sqlite');

/** Beside the SQLite file (one process owns both); under data/ for PostgreSQL or an in-memory database. */
function defaultJournalFile(database: DatabaseConfig): string {
  const dir = database.kind === 'sqlite' && database.file !== ':memory:' ? path.dirname(database.file) : 'data';
  return path.join(dir, 'cashii-created.journal');
}
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration from `env` (normally `process.env`). Throws `ConfigError` naming every bad key. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const apiKey = read.string('CASHII_API_KEY', '');
  const simulatorSetting = read.oneOf('CASHII_SIMULATOR', ['auto', 'on', 'off'], 'auto');
  const simulatorEnabled = simulatorSetting === 'on' || (simulatorSetting === 'auto' && apiKey === '');

  if (production && apiKey === '') {
    problems.push('CASHII_API_KEY is missing: production needs a real Cashii API key');
  }
  if (production && simulatorSetting === 'on') {
    problems.push('CASHII_SIMULATOR=on is not allowed in production: the simulator moves no money');
  }
  if (!production && !simulatorEnabled && apiKey === '') {
    problems.push('CASHII_API_KEY is missing and CASHII_SIMULATOR=off');
  }

  const redirectOrigins = read.list('REDIRECT_ALLOWED_ORIGINS').map((origin) => {
    const normalised = normaliseOrigin(origin);
    if (normalised === null) problems.push(`REDIRECT_ALLOWED_ORIGINS: "${origin}" is not an origin like https://shop.example`);
    return normalised ?? origin;
  });
  if (production && redirectOrigins.length === 0) {
    problems.push('REDIRECT_ALLOWED_ORIGINS is missing: production must name the origins users return to');
  }
  if (production && redirectOrigins.some((origin) => origin.startsWith('http://'))) {
    problems.push('REDIRECT_ALLOWED_ORIGINS must list only https:// origins in production (no wildcards, no http)');
  }

  const apiBaseUrl = read.url('CASHII_API_BASE_URL', 'https://api.cashii.app');
  if (production && !isHttpsOrLoopback(apiBaseUrl)) {
    problems.push('CASHII_API_BASE_URL must be https:// in production (http only on loopback): the API key travels with every call');
  }

  const introspection = read.bool('GRAPHQL_INTROSPECTION', !production);
  const ide = read.oneOf('GRAPHQL_IDE', ['graphiql', 'sandbox', 'off'], production ? 'off' : 'graphiql') as 'graphiql' | 'sandbox' | 'off';
  if (production && ide !== 'off') problems.push(`GRAPHQL_IDE=${ide} is not allowed in production`);
  if (production && introspection) problems.push('GRAPHQL_INTROSPECTION=true is not allowed in production');
  const auth = readAuth(read, production, problems);

  const currencies = read.list('ALLOWED_CURRENCIES', ['SYP', 'USD', 'EUR', 'TRY']);
  for (const currency of currencies) {
    if (!CURRENCY_PATTERN.test(currency)) problems.push(`ALLOWED_CURRENCIES: "${currency}" is not a three-letter upper-case code`);
  }

  const database = parseDatabaseUrl(read.string('DATABASE_URL', `sqlite:${DEFAULT_SQLITE_FILE}`), problems);
  const config: Config = {
    nodeEnv,
    production,
    host: read.string('HOST', production ? '0.0.0.0' : '127.0.0.1'),
    port: read.int('PORT', 4000, 0, 65535),
    database,
    storage: {
      busyTimeoutMs: read.int('DATABASE_BUSY_TIMEOUT_MS', 10, 0, 1000),
      lockWaitMs: read.int('DATABASE_LOCK_WAIT_MS', 500, 0, 60_000),
      recordWaitMs: read.int('CREATE_RECORD_WAIT_MS', 2000, 0, 60_000),
      recordWindowMs: read.int('CREATE_RECORD_WINDOW_MS', 30_000, 0, 3_600_000),
      journalFile: read.string('CREATE_JOURNAL_FILE', defaultJournalFile(database)),
    },
    cashii: {
      apiBaseUrl,
      apiKey,
      paymentPageUrl: read.url('CASHII_PAYMENT_PAGE_URL', 'https://cashii.app/payment'),
      timeoutMs: read.int('CASHII_TIMEOUT_MS', 5000, 50, 120_000),
    },
    simulator: { enabled: simulatorEnabled, port: read.int('CASHII_SIMULATOR_PORT', 4010, 0, 65535) },
    payments: {
      redirectOrigins,
      currencies,
      maxAmount: read.int('AMOUNT_MAX', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER),
      statusTtlMs: read.int('STATUS_TTL_MS', 2000, 0, 3_600_000),
      paidStatusTtlMs: read.int('PAID_STATUS_TTL_MS', 60_000, 0, 86_400_000),
    },
    cors: readCors(read, production, problems),
    http: {
      bodyLimitBytes: read.int('REQUEST_BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
      shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, 0, 300_000),
    },
    breaker: {
      threshold: read.int('CASHII_BREAKER_THRESHOLD', 5, 1, 1000),
      cooldownMs: read.int('CASHII_BREAKER_COOLDOWN_MS', 10_000, 100, 600_000),
    },
    reconciler: {
      enabled: read.bool('RECONCILER_ENABLED', true),
      intervalMs: read.int('RECONCILER_INTERVAL_MS', 1000, 50, 600_000),
      batchSize: read.int('RECONCILER_BATCH_SIZE', 20, 1, 1000),
      baseDelayMs: read.int('RECONCILER_BASE_DELAY_MS', 2000, 10, 3_600_000),
      maxDelayMs: read.int('RECONCILER_MAX_DELAY_MS', 300_000, 10, 86_400_000),
      horizonMs: read.int('RECONCILER_HORIZON_MS', 86_400_000, 1000, 30 * 86_400_000),
    },
    auth,
    graphql: {
      introspection,
      ide,
      maxTokens: read.int('GRAPHQL_MAX_TOKENS', 2000, 100, 100_000),
      maxDirectives: read.int('GRAPHQL_MAX_DIRECTIVES', 50, 0, 1000),
      maxDepth: read.int('GRAPHQL_MAX_DEPTH', 10, 2, 100),
      maxAliases: read.int('GRAPHQL_MAX_ALIASES', 30, 0, 1000),
      maxPaymentLookups: read.int('GRAPHQL_MAX_PAYMENT_LOOKUPS', 30, 1, 1000),
      maxFields: read.int('GRAPHQL_MAX_FIELDS', 500, 10, 100_000),
      trustedDocumentsFile: read.string('GRAPHQL_TRUSTED_DOCUMENTS_FILE', path.join('client', 'src', 'gql', 'persisted-documents.json')),
      trustedDocumentsOnly: read.bool('GRAPHQL_TRUSTED_DOCUMENTS_ONLY', false),
      maxSubscriptionsPerConnection: read.int('GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION', 20, 1, 10_000),
      maxSubscriptionsPerViewer: read.int('GRAPHQL_MAX_SUBSCRIPTIONS_PER_VIEWER', 50, 1, 100_000),
      answerCacheEntries: read.int('GRAPHQL_ANSWER_CACHE_ENTRIES', 10_000, 0, 1_000_000),
      answerCacheBytes: read.int('GRAPHQL_ANSWER_CACHE_BYTES', 32 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
      answerCacheEntryBytes: read.int('GRAPHQL_ANSWER_CACHE_ENTRY_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
      documentCacheBytes: read.int('GRAPHQL_DOCUMENT_CACHE_BYTES', 8 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
      persistedQueryCacheBytes: read.int('GRAPHQL_APQ_CACHE_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    },
    rateLimit: {
      windowMs: read.int('RATE_LIMIT_WINDOW_MS', 60_000, 100, 86_400_000),
      createPerViewer: read.int('RATE_LIMIT_CREATE_PER_VIEWER', 30, 1, 1_000_000),
      createPerAddress: read.int('RATE_LIMIT_CREATE_PER_ADDRESS', 120, 1, 1_000_000),
      confirmPerViewer: read.int('RATE_LIMIT_CONFIRM_PER_VIEWER', 60, 1, 1_000_000),
      redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
      trustProxy: read.bool('TRUST_PROXY', false),
    },
    metricsToken: read.string('METRICS_TOKEN', '') || null,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
  };

  if (config.graphql.trustedDocumentsOnly && !fs.existsSync(config.graphql.trustedDocumentsFile)) {
    problems.push(`GRAPHQL_TRUSTED_DOCUMENTS_ONLY=true but ${config.graphql.trustedDocumentsFile} does not exist (run npm run codegen)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readAuth(read: EnvReader, production: boolean, problems: string[]): AuthConfig {
  const mode = read.oneOf('AUTH_MODE', ['dev', 'jwt'], production ? 'jwt' : 'dev');
  if (mode === 'dev') {
    if (production) problems.push('AUTH_MODE=dev is not allowed in production: every request would act as a development user');
    return { mode: 'dev' };
  }
  const jwksUrl = read.optionalUrl('AUTH_JWKS_URL', production ? ['https:'] : ['https:', 'http:']);
  const secret = read.string('AUTH_JWT_SECRET', '') || null;
  if ((jwksUrl === null) === (secret === null)) problems.push('AUTH_MODE=jwt needs exactly one of AUTH_JWKS_URL or AUTH_JWT_SECRET');
  if (secret !== null && secret.length < 32) problems.push('AUTH_JWT_SECRET must be at least 32 characters');
  const issuer = read.string('AUTH_ISSUER', '');
  const audience = read.string('AUTH_AUDIENCE', '');
  if (issuer === '') problems.push('AUTH_ISSUER is missing: tokens must name their issuer');
  if (audience === '') problems.push('AUTH_AUDIENCE is missing: tokens must be meant for this API');
  const algorithms = read.list('AUTH_ALGORITHMS', secret !== null ? ['HS256'] : ['RS256', 'ES256', 'EdDSA']);
  if (algorithms.some((alg) => alg.toLowerCase() === 'none')) problems.push('AUTH_ALGORITHMS must not include none');
  return {
    mode: 'jwt',
    jwksUrl,
    secret,
    issuer,
    audience,
    algorithms,
    clockToleranceSeconds: read.int('AUTH_CLOCK_TOLERANCE_SECONDS', 5, 0, 300),
    operatorClaim: read.string('AUTH_OPERATOR_CLAIM', 'roles'),
    operatorRole: read.string('AUTH_OPERATOR_ROLE', 'payments-operator'),
    tokenCacheBytes: read.int('AUTH_TOKEN_CACHE_BYTES', 4 * 1024 * 1024, 0, 1024 * 1024 * 1024),
  };
}

function readCors(read: EnvReader, production: boolean, problems: string[]): CorsConfig {
  const listed = read.list('CORS_ALLOWED_ORIGINS');
  const allowAnyOrigin = listed.includes('*');
  const allowedOrigins = listed
    .filter((origin) => origin !== '*')
    .map((origin) => {
      const normalised = normaliseOrigin(origin);
      if (normalised === null) problems.push(`CORS_ALLOWED_ORIGINS: "${origin}" is not an origin like https://shop.example`);
      return normalised ?? origin;
    });
  const allowCredentials = read.bool('CORS_ALLOW_CREDENTIALS', false);
  if (production && allowAnyOrigin)
    problems.push('CORS_ALLOWED_ORIGINS=* is not allowed in production: list the exact origins of your web apps');
  if (allowAnyOrigin && allowCredentials)
    problems.push('CORS_ALLOW_CREDENTIALS=true cannot go with CORS_ALLOWED_ORIGINS=*: list exact origins');
  if (production && allowedOrigins.some((origin) => origin.startsWith('http://'))) {
    problems.push('CORS_ALLOWED_ORIGINS must list only https:// origins in production');
  }
  return {
    allowedOrigins,
    allowAnyOrigin,
    allowLocalhost: !production && listed.length === 0,
    allowCredentials,
    maxAgeSeconds: read.int('CORS_MAX_AGE_SECONDS', 7200, 0, 86_400),
    allowedHeaders: readHeaderNames(read, 'CORS_ALLOWED_HEADERS', problems),
  };
}

/** An HTTP field name (RFC 9110 `token`): what a browser may list in Access-Control-Request-Headers. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** A comma-separated list of header names, lower-cased and without repeats; `*` is refused (it means nothing with credentials). */
function readHeaderNames(read: EnvReader, key: string, problems: string[]): string[] {
  const names = read.list(key).map((name) => name.toLowerCase());
  for (const name of names) {
    if (name === '*') problems.push(`${key}: "*" is not allowed: list the header names`);
    else if (!HEADER_NAME.test(name)) problems.push(`${key}: "${name}" is not an HTTP header name like x-shop-session`);
  }
  return [...new Set(names)];
}

function parseDatabaseUrl(value: string, problems: string[]): DatabaseConfig {
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
      return { kind: 'postgres', url: value };
    } catch {
      problems.push('DATABASE_URL is not a valid postgres:// URL');
    }
  } else if (value.startsWith('sqlite:') || value.startsWith('file:')) {
    const file = value.replace(/^(sqlite|file):(\/\/)?/, '');
    if (file !== '') return { kind: 'sqlite', file };
    problems.push('DATABASE_URL names no SQLite file (use sqlite:./data/bff.sqlite)');
  } else {
    problems.push('DATABASE_URL must start with sqlite:, file: or postgres://');
  }
  return { kind: 'sqlite', file: DEFAULT_SQLITE_FILE };
}

/** https, or http to this machine only (a local proxy or test double: nothing crosses a network in clear). */
function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** `https://Shop.example:443/` -> `https://shop.example`; null when it is not a bare http(s) origin. */
export function normaliseOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** Blank means unset: the default applies. */
const present = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const wholeNumber = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().refine(Number.isSafeInteger));
const httpUrl = z.url({ protocol: /^https?$/ });
const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const boolean = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum([...TRUE, ...FALSE]))
  .transform((value) => TRUE.includes(value));

/**
 * Reads one key at a time with zod schemas; a bad value is noted (with the key and what it should
 * be) and the default used, so that every bad key is reported together. The cross-checks between
 * keys (production rules) stay in `loadConfig`.
 */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  string(key: string, fallback: string): string {
    return present.parse(this.env[key]) ?? fallback;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = present.parse(this.env[key]);
    if (raw === undefined) return fallback;
    const parsed = wholeNumber.pipe(z.number().min(min).max(max)).safeParse(raw);
    if (parsed.success) return parsed.data;
    this.problems.push(`${key} must be a whole number from ${min} to ${max} (got "${this.env[key]}")`);
    return fallback;
  }

  url(key: string, fallback: string): string {
    const value = this.string(key, fallback);
    if (httpUrl.safeParse(value).success) return value.replace(/\/+$/, '');
    this.problems.push(`${key} must be an absolute http(s) URL (got "${value}")`);
    return fallback;
  }

  /** An absolute URL with one of `protocols` (e.g. 'https:'), or null when unset. */
  optionalUrl(key: string, protocols: readonly string[]): string | null {
    const value = present.parse(this.env[key]);
    if (value === undefined) return null;
    const schemes = protocols.map((protocol) => protocol.replace(/:$/, ''));
    if (z.url({ protocol: new RegExp(`^(${schemes.join('|')})$`) }).safeParse(value).success) return value;
    this.problems.push(`${key} must be a ${protocols.join(' or ')} URL`);
    return null;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.string(key, String(fallback));
    const parsed = boolean.safeParse(value);
    if (parsed.success) return parsed.data;
    this.problems.push(`${key} must be true or false (got "${value.toLowerCase()}")`);
    return fallback;
  }

  oneOf(key: string, allowed: readonly string[], fallback: string): string {
    const value = this.string(key, fallback);
    if (z.enum(allowed as [string, ...string[]]).safeParse(value).success) return value;
    this.problems.push(`${key} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  list(key: string, fallback: readonly string[] = []): string[] {
    const raw = present.parse(this.env[key]);
    if (raw === undefined) return [...fallback];
    return z
      .array(z.string().trim())
      .parse(raw.split(','))
      .filter((item) => item !== '');
  }
}

/**
 * Every configured secret as it may appear in text, for the logger to scrub from every line: the
 * Cashii key, the JWT secret, the metrics token, and the database and Redis passwords (as written
 * in their URLs and percent-decoded).
 */
export function secretsOf(config: Config): string[] {
  const secrets = [config.cashii.apiKey, config.metricsToken, config.auth.mode === 'jwt' ? config.auth.secret : null];
  for (const url of [config.database.kind === 'postgres' ? config.database.url : null, config.rateLimit.redisUrl]) {
    if (url !== null) secrets.push(...urlPasswords(url));
  }
  return [...new Set(secrets.filter((secret): secret is string => typeof secret === 'string' && secret !== ''))];
}

/** The password of a connection URL (`user:pass@`, or a `password` parameter), raw and decoded. */
function urlPasswords(value: string): string[] {
  try {
    const url = new URL(value);
    const raw = [url.password, url.searchParams.get('password') ?? ''].filter((password) => password !== '');
    return raw.flatMap((password) => [password, safeDecode(password)]);
  } catch {
    return [];
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

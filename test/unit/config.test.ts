import { ConfigError, loadConfig, loadConfigWithWarnings, SETTING_KEYS } from '../../src/config';
import { editDistance, looksLikeSetting } from '../../src/config/unknown-settings';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('runs with no environment at all: SQLite under ./data and the built-in simulator', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'sqlite', file: 'data/cashii-bff.sqlite' });
    expect(config.simulator.enabled).toBe(true);
    expect(config.port).toBe(4000);
    expect(config.cashii.paymentPageUrl).toBe('https://cashii.app/payment');
    expect(config.payments.currencies).toEqual(['SYP', 'USD', 'EUR', 'TRY']);
    expect(config.payments.maxAmount).toBe(Number.MAX_SAFE_INTEGER);
    expect(config.payments.statusTtlMs).toBe(2000);
  });

  it('selects PostgreSQL for a postgres:// URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@127.0.0.1:5432/db',
    });
  });

  it('uses the real Cashii when a key is set', () => {
    const config = loadConfig({ CASHII_API_KEY: 'k' });
    expect(config.simulator.enabled).toBe(false);
    expect(config.cashii.apiBaseUrl).toBe('https://api.cashii.app');
  });

  const PRODUCTION = {
    NODE_ENV: 'production',
    CASHII_API_KEY: 'live_key',
    REDIRECT_ALLOWED_ORIGINS: 'https://shop.example',
    AUTH_JWT_SECRET: 's'.repeat(32),
    AUTH_ISSUER: 'https://auth.shop.example',
    AUTH_AUDIENCE: 'cashii-bff',
  };

  it('accepts a safe production configuration', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.auth).toMatchObject({ mode: 'jwt', algorithms: ['HS256'] });
    expect(config.graphql.introspection).toBe(false);
    expect(config.host).toBe('0.0.0.0');
  });

  it.each([
    ['a missing Cashii key', { CASHII_API_KEY: '' }, 'CASHII_API_KEY is missing'],
    ['the simulator', { CASHII_SIMULATOR: 'on' }, 'CASHII_SIMULATOR=on is not allowed in production'],
    ['development authentication', { AUTH_MODE: 'dev' }, 'AUTH_MODE=dev is not allowed in production'],
    ['no redirect origins', { REDIRECT_ALLOWED_ORIGINS: '' }, 'REDIRECT_ALLOWED_ORIGINS is missing'],
    ['a wildcard redirect origin', { REDIRECT_ALLOWED_ORIGINS: '*' }, 'REDIRECT_ALLOWED_ORIGINS: "*" is not an origin'],
    ['an http redirect origin', { REDIRECT_ALLOWED_ORIGINS: 'http://shop.example' }, 'only https:// origins'],
    ['introspection on', { GRAPHQL_INTROSPECTION: 'true' }, 'GRAPHQL_INTROSPECTION=true is not allowed in production'],
    ['no token verification key', { AUTH_JWT_SECRET: '' }, 'exactly one of AUTH_JWKS_URL or AUTH_JWT_SECRET'],
    ['a short JWT secret', { AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32 characters'],
    ['alg none', { AUTH_ALGORITHMS: 'HS256,none' }, 'must not include none'],
    ['Cashii over http', { CASHII_API_BASE_URL: 'http://api.cashii.app' }, 'CASHII_API_BASE_URL must be https:// in production'],
    [
      'a JWKS over http',
      { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: 'http://auth.shop.example/jwks.json' },
      'AUTH_JWKS_URL must be a https: URL',
    ],
  ])('refuses production with %s', (_name, change, message) => {
    expect(problemsOf({ ...PRODUCTION, ...change })).toContainEqual(expect.stringContaining(message));
  });

  it('names every bad key at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      CASHII_API_BASE_URL: 'ftp://x',
      CASHII_TIMEOUT_MS: '-5',
      ALLOWED_CURRENCIES: 'USD,usd',
      REDIRECT_ALLOWED_ORIGINS: 'https://shop.example/path',
      AMOUNT_MAX: '9007199254740992',
    });
    for (const key of [
      'PORT',
      'DATABASE_URL',
      'CASHII_API_BASE_URL',
      'CASHII_TIMEOUT_MS',
      'ALLOWED_CURRENCIES',
      'REDIRECT_ALLOWED_ORIGINS',
      'AMOUNT_MAX',
    ]) {
      expect(problems.some((problem) => problem.startsWith(key))).toBe(true);
    }
  });

  it('reports bad values and the production rules in the same round', () => {
    const problems = problemsOf({ ...PRODUCTION, PORT: '70000', CASHII_API_KEY: '', GRAPHQL_IDE: 'sandbox' });
    expect(problems).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "70000")',
      'CASHII_API_KEY is missing: production needs a real Cashii API key',
      'GRAPHQL_IDE=sandbox is not allowed in production',
    ]);
  });

  it('normalises allowed origins', () => {
    expect(loadConfig({ REDIRECT_ALLOWED_ORIGINS: 'https://Shop.Example:443/, http://localhost:3000' }).payments.redirectOrigins).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ]);
  });

  it('reads extra CORS request headers lower-cased, without repeats, and only those configured', () => {
    expect(loadConfig({}).cors.allowedHeaders).toEqual([]);
    expect(loadConfig({ CORS_ALLOWED_HEADERS: ' X-Shop-Session, x-client-build ,x-shop-session' }).cors.allowedHeaders).toEqual([
      'x-shop-session',
      'x-client-build',
    ]);
  });

  it.each([['x shop'], ['x-shop:1'], ['*'], ['naïve']])('refuses %j as a CORS request header name', (name) => {
    expect(problemsOf({ CORS_ALLOWED_HEADERS: `x-ok,${name}` })).toEqual([expect.stringMatching(/^CORS_ALLOWED_HEADERS: /)]);
  });

  describe('unknown settings', () => {
    const warningsOf = (env: Record<string, string>) => loadConfigWithWarnings(env).warnings;

    it('warns about a misspelled key, naming the closest one, and starts with its default', () => {
      const { config, warnings } = loadConfigWithWarnings({ CORS_ALLOWED_ORIGIN: 'https://shop.example' });
      expect(warnings).toEqual(['unknown setting CORS_ALLOWED_ORIGIN (did you mean CORS_ALLOWED_ORIGINS?)']);
      expect(config.cors.allowedOrigins).toEqual([]);
    });

    it('counts a swap of two letters as one edit and ignores the case of the name', () => {
      expect(editDistance('GRAPHQL_MAX_DEPHT', 'GRAPHQL_MAX_DEPTH')).toBe(1);
      expect(warningsOf({ GRAPHQL_MAX_DEPHT: '5', cors_allow_credentials: 'true' })).toEqual([
        'unknown setting GRAPHQL_MAX_DEPHT (did you mean GRAPHQL_MAX_DEPTH?)',
        'unknown setting cors_allow_credentials (did you mean CORS_ALLOW_CREDENTIALS?)',
      ]);
    });

    it.each([['CASHII_'], ['CORS_'], ['GRAPHQL_'], ['DATABASE_'], ['AUTH_'], ['RATE_LIMIT_'], ['RECONCILER_'], ['REDIRECT_'], ['CREATE_']])(
      'treats names starting with %s as settings',
      (prefix) => {
        expect(looksLikeSetting(`${prefix}SOMETHING`, SETTING_KEYS)).toBe(true);
      },
    );

    it("says nothing about known keys, other software's variables and Kubernetes service links", () => {
      expect(
        warningsOf({
          PORT: '4001',
          CORS_ALLOWED_ORIGINS: 'https://shop.example',
          PATH: '/usr/bin',
          HOME: '/root',
          NODE_OPTIONS: '--max-old-space-size=256',
          NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
          CASHII_BFF_SERVICE_HOST: '10.0.0.7',
          CASHII_BFF_SERVICE_PORT: '4000',
          CASHII_BFF_PORT: 'tcp://10.0.0.7:4000',
          CASHII_BFF_PORT_4000_TCP_ADDR: '10.0.0.7',
          REDIS_PORT_6379_TCP: 'tcp://10.0.0.8:6379',
        }),
      ).toEqual([]);
    });
  });
});

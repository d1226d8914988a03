import { ConfigError, loadConfig } from '../../src/config';

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

  it('refuses production without a key, naming what is missing', () => {
    const problems = problemsOf({ NODE_ENV: 'production', REDIRECT_ALLOWED_ORIGINS: 'https://shop.example' });
    expect(problems).toEqual([expect.stringContaining('CASHII_API_KEY is missing')]);
  });

  it('refuses the simulator in production and requires redirect origins there', () => {
    const problems = problemsOf({ NODE_ENV: 'production', CASHII_API_KEY: 'k', CASHII_SIMULATOR: 'on' });
    expect(problems).toEqual([expect.stringContaining('CASHII_SIMULATOR=on'), expect.stringContaining('REDIRECT_ALLOWED_ORIGINS')]);
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

  it('normalises allowed origins', () => {
    expect(loadConfig({ REDIRECT_ALLOWED_ORIGINS: 'https://Shop.Example:443/, http://localhost:3000' }).payments.redirectOrigins).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ]);
  });
});

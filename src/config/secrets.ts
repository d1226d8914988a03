import type { Config } from '.';

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

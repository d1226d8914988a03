/**
 * Variables that look like settings of this BFF but are not one: a misspelled key (`CORS_ALLOWED_ORIGIN`)
 * would otherwise be ignored without a word while its default applies. They are warnings, not
 * errors: a deployment may carry variables meant for something else under the same words.
 */

/** Prefixes other software sets in the same environment (`NODE_OPTIONS`, `NODE_EXTRA_CA_CERTS`): never ours. */
const FOREIGN_PREFIXES = new Set(['NODE_']);

/**
 * Kubernetes service links (`CASHII_BFF_SERVICE_HOST`, `REDIS_PORT_6379_TCP_ADDR`) and Docker's
 * legacy links: set by the platform for every service, never a misspelled setting.
 */
const SERVICE_LINK = /_SERVICE_(HOST|PORT)(_\w+)?$|_PORT_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?$/;
const SERVICE_LINK_VALUE = /^(tcp|udp|sctp):\/\//;

/** The words our keys start with (`CASHII_`, `CORS_`, `GRAPHQL_`, `RATE_`, ...), taken from the keys themselves. */
export function settingPrefixes(keys: readonly string[]): Set<string> {
  const prefixes = keys.filter((key) => key.includes('_')).map((key) => `${key.slice(0, key.indexOf('_'))}_`);
  return new Set(prefixes.filter((prefix) => !FOREIGN_PREFIXES.has(prefix)));
}

/** Whether `name` looks like one of our settings: one of the keys, or starts with a word they start with (any case). */
export function looksLikeSetting(name: string, keys: readonly string[]): boolean {
  const upper = name.toUpperCase();
  return keys.includes(upper) || [...settingPrefixes(keys)].some((prefix) => upper.startsWith(prefix));
}

/** One warning per variable of `env` that looks like a setting but is none, naming the closest key. */
export function unknownSettings(env: Readonly<Record<string, string | undefined>>, keys: readonly string[]): string[] {
  const known = new Set(keys);
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && !known.has(name) && looksLikeSetting(name, keys))
    .filter(([name, value]) => !SERVICE_LINK.test(name) && !(name.endsWith('_PORT') && SERVICE_LINK_VALUE.test(value ?? '')))
    .map(([name]) => `unknown setting ${name} (did you mean ${closestKey(name, keys)}?)`);
}

/** The key nearest to `name` by edit distance (ignoring case); the first in `keys` on a tie. */
export function closestKey(name: string, keys: readonly string[]): string {
  const upper = name.toUpperCase();
  let best = keys[0];
  let bestDistance = Infinity;
  for (const key of keys) {
    const distance = editDistance(upper, key);
    if (distance < bestDistance) [best, bestDistance] = [key, distance];
  }
  return best;
}

/**
 * Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment):
 * `ORIGNIS` is one step from `ORIGINS`. Written here because it is ten lines and runs once at start.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

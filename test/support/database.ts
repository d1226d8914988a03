/**
 * Fresh databases for tests: a new SQLite file in a temporary folder, or (when TEST_DATABASE_URL
 * is set) a new PostgreSQL database created on that server and dropped afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type DbTarget = 'sqlite' | 'postgres';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

/** The targets every integration suite runs on. PostgreSQL only when TEST_DATABASE_URL is set. */
export const DB_TARGETS: DbTarget[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** Why the PostgreSQL variant is skipped, for `describe.skip` titles; null when it runs. */
export const POSTGRES_SKIP_REASON = POSTGRES_URL
  ? null
  : 'postgres: skipped because TEST_DATABASE_URL is not set (.ci/run sets it; locally: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)';

export async function createTestDatabase(target: DbTarget): Promise<TestDatabase> {
  if (target === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashii-bff-test-'));
    return {
      url: `sqlite:${path.join(dir, 'test.sqlite')}`,
      drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (!POSTGRES_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `bff_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * `describe.each` over the database targets; where PostgreSQL is not configured, a skipped
 * test says why, so a local run shows what it did not cover.
 */
export function describeEachDatabase(title: string, body: (target: DbTarget) => void): void {
  describe.each(DB_TARGETS)(`${title} on %s`, body);
  if (POSTGRES_SKIP_REASON) describe.skip(`${title} on ${POSTGRES_SKIP_REASON}`, () => it('is skipped', () => undefined));
}

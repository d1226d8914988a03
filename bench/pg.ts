// A fresh PostgreSQL database for the BFF's PostgreSQL rows, created on the given server and
// dropped afterwards, as test/support/database.ts does for the tests.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface PgDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createPgDatabase(serverUrl: string): Promise<PgDatabase> {
  const name = `bff_bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * A PostgreSQL for tests: FIRSTPASS_TEST_POSTGRES (a postgres:// URL), else 127.0.0.1:5432,
 * database `test`, as `postgres` or the current OS user (trust auth). `skip` is set with a
 * notice when none answers; under CI=true the caller turns that into a failure.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

export const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());

export async function findPostgres(): Promise<{ url: string } | { problems: string[] }> {
  const given = process.env.FIRSTPASS_TEST_POSTGRES;
  const candidates = given
    ? [given]
    : [...new Set(['postgres', userInfo().username])].map((user) => `postgres://${encodeURIComponent(user)}@127.0.0.1:5432/test`);
  const problems: string[] = [];
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return { url };
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { problems };
}

/** A fresh schema name for one test run. */
export function testSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

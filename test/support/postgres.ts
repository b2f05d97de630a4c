import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * The local PostgreSQL for tests: FIRSTPASS_TEST_POSTGRES, else 127.0.0.1:5432 database `test` as
 * `postgres` or the current OS user (trust auth). `skip` says why not when none answers; under
 * CI=true it is undefined even then, so the test runs and fails rather than pass unseen.
 */
export const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());

export async function findPostgres(): Promise<{ readonly url: string | undefined; readonly skip: string | undefined }> {
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
      return { url, skip: undefined };
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const skip = `no PostgreSQL answered (${problems.join('; ')})`;
  if (!IN_CI) console.warn(`notice: skipping the PostgreSQL runs: ${skip}`);
  return { url: undefined, skip: IN_CI ? undefined : skip };
}

/** A fresh schema's URL on the server; `drop` removes every schema handed out. */
export function freshSchemas(url: string) {
  const made: string[] = [];
  return {
    fresh(): string {
      const schema = `firstpass_test_${process.pid}_${randomBytes(3).toString('hex')}_${made.length}`;
      made.push(schema);
      return `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
    },
    async drop(): Promise<void> {
      if (made.length === 0) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of made) await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

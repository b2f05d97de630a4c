import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * A PostgreSQL for tests beyond the store suite: FIRSTPASS_TEST_POSTGRES, else 127.0.0.1:5432,
 * database `test`, as `postgres` or the OS user (trust). Each `schemaUrl()` is a fresh schema,
 * dropped by `cleanup()`. When none answers, `skip` says so (with a notice on stderr); under
 * CI=true it is never skipped, so the tests fail instead of passing without it.
 */
export interface TestPostgres {
  readonly skip: string | undefined;
  schemaUrl(): string;
  cleanup(): Promise<void>;
}

const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());

export async function postgresUrl(): Promise<TestPostgres> {
  const given = process.env.FIRSTPASS_TEST_POSTGRES;
  const candidates = given
    ? [given]
    : [...new Set(['postgres', userInfo().username])].map((user) => `postgres://${encodeURIComponent(user)}@127.0.0.1:5432/test`);
  const problems: string[] = [];
  let found: string | undefined;
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('select 1');
      found = url;
      break;
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const url = found ?? candidates[0] ?? 'postgres://unreachable';
  let skip: string | undefined;
  if (found === undefined) {
    const notice = `PostgreSQL is not reachable, so these tests did not run on it (set FIRSTPASS_TEST_POSTGRES):\n  ${problems.join('\n  ')}`;
    if (!IN_CI) {
      skip = notice;
      process.stderr.write(`\n*** NOTICE: ${notice}\n\n`);
    }
  }
  const run = `firstpass_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const schemas: string[] = [];
  return {
    skip,
    schemaUrl() {
      const schema = `${run}_${schemas.length + 1}`;
      schemas.push(schema);
      const address = new URL(url);
      address.searchParams.set('schema', schema);
      return address.toString();
    },
    async cleanup() {
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas.splice(0)) await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

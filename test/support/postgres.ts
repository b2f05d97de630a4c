import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { test } from 'node:test';
import pg from 'pg';

/**
 * The machine's PostgreSQL for tests (FIRSTPASS_TEST_POSTGRES, else 127.0.0.1:5432 database
 * `test` as postgres or the OS user, trust auth), with a fresh schema per use. When none answers,
 * `skip` holds the notice (printed once); under CI=true a failing test is registered instead.
 */
const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());

export interface TestPostgres {
  /** The server's URL, or undefined when none answered. */
  readonly url: string | undefined;
  /** Why the PostgreSQL tests are skipped, or undefined. */
  readonly skip: string | undefined;
  /** A fresh schema's name, for the store's `schema` option (created on first open, dropped by dropSchemas). */
  freshSchema(): string;
  /** A URL naming a fresh schema (created by the store on first open, dropped by dropSchemas). */
  freshSchemaUrl(): string;
  dropSchemas(): Promise<void>;
}

export async function testPostgres(what: string): Promise<TestPostgres> {
  const problems: string[] = [];
  let found: string | undefined;
  const given = process.env.FIRSTPASS_TEST_POSTGRES;
  const candidates = given
    ? [given]
    : [...new Set(['postgres', userInfo().username])].map((user) => `postgres://${encodeURIComponent(user)}@127.0.0.1:5432/test`);
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('select 1');
      found = url;
      break;
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  let skip: string | undefined;
  if (found === undefined) {
    skip = `PostgreSQL is not reachable, so ${what} did not run on it (set FIRSTPASS_TEST_POSTGRES to a postgres:// URL):\n  ${problems.join('\n  ')}`;
    const notice = skip;
    if (IN_CI) test('PostgreSQL is reachable (required under CI=true)', () => assert.fail(notice));
    else process.stderr.write(`\n*** NOTICE: ${notice}\n\n`);
  }
  const prefix = `firstpass_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const schemas: string[] = [];
  const freshSchema = (): string => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    return schema;
  };
  return {
    url: found,
    skip,
    freshSchema,
    freshSchemaUrl() {
      const address = new URL(found ?? 'postgres://unreachable/test');
      address.searchParams.set('schema', freshSchema());
      return address.toString();
    },
    async dropSchemas() {
      if (found === undefined || schemas.length === 0) return;
      const client = new pg.Client({ connectionString: found });
      await client.connect();
      try {
        for (const schema of schemas.splice(0)) await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

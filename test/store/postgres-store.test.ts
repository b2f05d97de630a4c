/**
 * The shared store suite against a real PostgreSQL. Where to find it: FIRSTPASS_TEST_POSTGRES
 * (a postgres:// URL), else 127.0.0.1:5432, database `test`, as `postgres` or as the current
 * OS user (trust auth). Every test gets a fresh schema named firstpass_test_<pid>_<random>_<n>,
 * dropped at the end. When no server answers, the suite is skipped with a notice; under CI=true
 * that is a failure instead, so CI never passes without having run it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { test } from 'node:test';
import pg from 'pg';
import { FirstpassError } from '../../src/model/errors.js';
import { openStore } from '../../src/store/index.js';
import { storeSuite, type StoreHarness } from './store-suite.js';
import { answersSuite } from './answers-suite.js';
import { submissionsSuite } from './submissions-suite.js';
import { workQueueSuite } from './work-queue-suite.js';

const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());

function candidates(): string[] {
  const given = process.env.FIRSTPASS_TEST_POSTGRES;
  if (given) return [given];
  const users = [...new Set(['postgres', userInfo().username])];
  return users.map((user) => `postgres://${encodeURIComponent(user)}@127.0.0.1:5432/test`);
}

/** The first candidate URL a client can log in with, or the reasons none could. */
async function findServer(): Promise<{ url: string } | { problems: string[] }> {
  const problems: string[] = [];
  for (const url of candidates()) {
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

async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

const server = await findServer();
const RUN = `firstpass_test_${process.pid}_${randomBytes(3).toString('hex')}`;
const created: string[] = [];
let skip: string | undefined;

if ('problems' in server) {
  const notice = `PostgreSQL is not reachable, so the PostgreSQL store suite did not run (set FIRSTPASS_TEST_POSTGRES to a postgres:// URL):\n  ${server.problems.join('\n  ')}`;
  skip = notice;
  if (IN_CI) {
    test('PostgreSQL is reachable (required under CI=true)', () => {
      assert.fail(notice);
    });
  } else {
    process.stderr.write(`\n*** NOTICE: ${notice}\n\n`);
  }
}
const url = 'url' in server ? server.url : 'postgres://unreachable';

const harness: StoreHarness = {
  dialect: 'postgres',
  storesPerProcess: 4,
  async fresh() {
    const schema = `${RUN}_${created.length + 1}`;
    created.push(schema);
    return { url, options: { schema } };
  },
  async cleanup() {
    await dropSchemas(url, created.splice(0));
  },
};
storeSuite(harness, { skip });
submissionsSuite(harness, { skip });
answersSuite(harness, { skip });
workQueueSuite(harness, { skip });

test('postgres: ?schema= in a postgresql:// URL, created on open; the location masks the password', { skip: skip ?? false }, async () => {
  const schema = `${RUN}_url`;
  const address = new URL(url);
  address.protocol = 'postgresql:';
  // Trust authentication ignores a password; a server that wants one was given it in FIRSTPASS_TEST_POSTGRES.
  if (address.password === '') address.password = 'ignored-by-trust';
  const password = decodeURIComponent(address.password);
  try {
    address.searchParams.set('schema', schema);
    const store = await openStore(address.toString());
    try {
      assert.equal(store.dialect, 'postgres');
      assert.ok(!store.location.includes(password), store.location);
      assert.match(store.location, new RegExp(`^postgresql://[^:]+:\\*\\*\\*@.*\\?schema=${schema}$`));
      assert.deepEqual(await store.controlNumbers.next('acme', ['interchange']), { interchange: 1 });
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ last_value: string }>(
      `select last_value from "${schema}".control_numbers where partner = 'acme'`,
    );
    await client.end();
    assert.deepEqual(rows, [{ last_value: '1' }]);
  } finally {
    await dropSchemas(url, [schema]);
  }
});

test('postgres: a schema name that is not a plain identifier is refused', async () => {
  await assert.rejects(
    openStore(`${url}?schema=a;drop`),
    (error: unknown) =>
      error instanceof FirstpassError && error.code === 'STORE_URL_INVALID' && /not a plain PostgreSQL identifier/.test(error.message),
  );
});

/**
 * The shared store suite against a real PostgreSQL. Where to find it: FIRSTPASS_TEST_POSTGRES
 * (a postgres:// URL), else 127.0.0.1:5432, database `test`, as `postgres` or as the current
 * OS user (trust auth). Every test gets a fresh schema named firstpass_test_<pid>_<random>_<n>,
 * dropped at the end. When no server answers, the suite is skipped with a notice; under CI=true
 * that is a failure instead, so CI never passes without having run it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { FirstpassError } from '../../src/model/errors.js';
import { openStore } from '../../src/store/index.js';
import { testPostgres } from '../support/postgres.js';
import { storeSuite, type StoreHarness } from './store-suite.js';
import { answersSuite } from './answers-suite.js';
import { submissionsSuite } from './submissions-suite.js';
import { workQueueSuite } from './work-queue-suite.js';

const postgres = await testPostgres('the PostgreSQL store suite');
const { skip } = postgres;
const url = postgres.url ?? 'postgres://unreachable';

const harness: StoreHarness = {
  dialect: 'postgres',
  storesPerProcess: 4,
  async fresh() {
    return { url, options: { schema: postgres.freshSchema() } };
  },
  async cleanup() {
    await postgres.dropSchemas();
  },
};
storeSuite(harness, { skip });
submissionsSuite(harness, { skip });
answersSuite(harness, { skip });
workQueueSuite(harness, { skip });

test('postgres: ?schema= in a postgresql:// URL, created on open; the location masks the password', { skip: skip ?? false }, async () => {
  const schema = postgres.freshSchema();
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
    await postgres.dropSchemas();
  }
});

test('postgres: a schema name that is not a plain identifier is refused', async () => {
  await assert.rejects(
    openStore(`${url}?schema=a;drop`),
    (error: unknown) =>
      error instanceof FirstpassError && error.code === 'STORE_URL_INVALID' && /not a plain PostgreSQL identifier/.test(error.message),
  );
});

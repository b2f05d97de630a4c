/** The report suite on a real PostgreSQL; skipped with a notice when none answers, a failure under CI=true. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropSchemas, findPostgres, IN_CI, testSchemaName } from '../support/postgres.js';
import type { StoreHarness } from '../store/store-suite.js';
import { reportSuite } from './report-suite.js';

const server = await findPostgres();
let skip: string | undefined;
if ('problems' in server) {
  skip = `PostgreSQL is not reachable, so the PostgreSQL report suite did not run (set FIRSTPASS_TEST_POSTGRES):\n  ${server.problems.join('\n  ')}`;
  if (IN_CI) test('PostgreSQL is reachable (required under CI=true)', () => assert.fail(skip));
  else process.stderr.write(`\n*** NOTICE: ${skip}\n\n`);
}
const url = 'url' in server ? server.url : 'postgres://unreachable';
const run = testSchemaName('firstpass_report');
const created: string[] = [];

const harness: StoreHarness = {
  dialect: 'postgres',
  storesPerProcess: 4,
  async fresh() {
    const schema = `${run}_${created.length + 1}`;
    created.push(schema);
    return { url, options: { schema } };
  },
  async cleanup() {
    await dropSchemas(url, created.splice(0));
  },
};
reportSuite(harness, { skip });

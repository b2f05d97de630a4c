/** The report suite on a real PostgreSQL; skipped with a notice when none answers, a failure under CI=true. */
import { testPostgres } from '../support/postgres.js';
import type { StoreHarness } from '../store/store-suite.js';
import { reportSuite } from './report-suite.js';

const postgres = await testPostgres('the first-pass report suite');

const harness: StoreHarness = {
  dialect: 'postgres',
  storesPerProcess: 4,
  async fresh() {
    return { url: postgres.freshSchemaUrl(), options: {} };
  },
  async cleanup() {
    await postgres.dropSchemas();
  },
};
reportSuite(harness, { skip: postgres.skip });

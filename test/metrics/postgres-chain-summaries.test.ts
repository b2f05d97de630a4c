/** The chain summaries suite on a real PostgreSQL; skipped with a notice when none answers, a failure under CI=true. */
import { testPostgres } from '../support/postgres.js';
import type { StoreHarness } from '../store/store-suite.js';
import { chainSummariesSuite } from './chain-summaries-suite.js';

const postgres = await testPostgres('the chain summaries suite');

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
chainSummariesSuite(harness, { skip: postgres.skip });

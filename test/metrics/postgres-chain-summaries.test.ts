/** The chain summaries suite on a real PostgreSQL; skipped with a notice when none answers, a failure under CI=true. */
import { testPostgres } from '../support/postgres.js';
import { postgresHarness } from '../store/store-suite.js';
import { chainSummariesSuite } from './chain-summaries-suite.js';

const postgres = await testPostgres('the chain summaries suite');
chainSummariesSuite(postgresHarness(postgres), { skip: postgres.skip });

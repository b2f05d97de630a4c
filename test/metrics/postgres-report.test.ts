/** The report suite on a real PostgreSQL; skipped with a notice when none answers, a failure under CI=true. */
import { testPostgres } from '../support/postgres.js';
import { postgresHarness } from '../store/store-suite.js';
import { reportSuite } from './report-suite.js';

const postgres = await testPostgres('the first-pass report suite');
reportSuite(postgresHarness(postgres), { skip: postgres.skip });

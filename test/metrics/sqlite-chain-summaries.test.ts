import { sqliteHarness } from '../store/store-suite.js';
import { chainSummariesSuite } from './chain-summaries-suite.js';

chainSummariesSuite(sqliteHarness());

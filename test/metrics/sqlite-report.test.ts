import { sqliteHarness } from '../store/store-suite.js';
import { reportSuite } from './report-suite.js';

reportSuite(sqliteHarness());

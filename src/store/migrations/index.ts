import { controlNumbers } from './001-control-numbers.js';
import { submissions } from './002-submissions.js';
import { answers } from './003-answers.js';
import { report } from './004-report.js';
import { runLocks } from './005-run-locks.js';
import { workQueue } from './006-work-queue.js';
import { chainSummaries } from './007-chain-summaries.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every step of the schema, oldest first. Add new steps at the end, never edit old ones. */
export const MIGRATIONS: readonly Migration[] = [controlNumbers, submissions, answers, report, runLocks, workQueue, chainSummaries];

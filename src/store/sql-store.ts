import type { Knex } from 'knex';
import { FirstpassError } from '../model/errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type { AnswerStore } from './answers.js';
import { CommitGroup } from './commit-group.js';
import { SqlAnswers } from './sql-answers.js';
import { SqlControlNumbers } from './sql-control-numbers.js';
import type { SqlDatabase } from './sql-database.js';
import { SqlSubmissions } from './sql-submissions.js';
import { SqlWorkQueue } from './sql-work-queue.js';
import type { SubmissionStore } from './submissions.js';
import type { WorkQueue } from './work-queue.js';
import type { ControlNumberStore, Store, StoreDialect, StoreLogger } from './store.js';
import { describeCause, storeError } from './store-url.js';

/** The Store over any SQL driver: migrates on open, then hands out the repositories. */
export async function openSqlStore(db: SqlDatabase, secrets: readonly string[], logger?: StoreLogger): Promise<Store> {
  try {
    const { version, applied } = await migrate(db, MIGRATIONS);
    if (applied.length > 0) logger?.debug?.(`store ${db.location}: applied ${applied.join(', ')}; schema version ${version}`);
  } catch (error) {
    await db.knex.destroy().catch(() => undefined);
    if (error instanceof FirstpassError) throw error;
    throw storeError('STORE_UNAVAILABLE', `cannot open the database ${db.location}: ${describeCause(error)}`, secrets, error);
  }
  return new SqlStore(db, secrets);
}

class SqlStore implements Store {
  readonly dialect: StoreDialect;
  readonly location: string;
  readonly controlNumbers: ControlNumberStore;
  readonly submissions: SubmissionStore;
  readonly answers: AnswerStore;
  readonly queue: WorkQueue;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly secrets: readonly string[],
  ) {
    this.dialect = db.dialect;
    this.location = db.location;
    const ensureOpen = (): void => {
      if (this.closing) throw new FirstpassError('STORE_FAILED', 'store', `the store ${this.location} is closed`);
    };
    const group = db.groupCommits ? new CommitGroup(db.knex) : undefined;
    this.controlNumbers = new SqlControlNumbers(db, secrets, ensureOpen, group);
    this.submissions = new SqlSubmissions(db, secrets, ensureOpen, group);
    this.answers = new SqlAnswers(db, secrets, ensureOpen);
    this.queue = new SqlWorkQueue(db, secrets, ensureOpen, this.submissions);
  }

  async read<T>(what: string, work: (trx: Knex.Transaction, dialect: StoreDialect) => Promise<T>): Promise<T> {
    if (this.closing) throw new FirstpassError('STORE_FAILED', 'store', `the store ${this.location} is closed`);
    try {
      return await this.db.knex.transaction(async (trx) => {
        // SQLite's transaction reads one snapshot already; PostgreSQL's default sees each statement's own.
        if (this.dialect === 'postgres') await trx.raw('set transaction isolation level repeatable read');
        return work(trx, this.dialect);
      });
    } catch (error) {
      if (error instanceof FirstpassError) throw error;
      throw storeError('STORE_FAILED', `could not ${what} in ${this.location}: ${describeCause(error)}`, this.secrets, error);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.db.knex.destroy();
    return this.closing;
  }
}

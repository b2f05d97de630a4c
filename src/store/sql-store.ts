import { FirstpassError } from '../model/errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { CommitGroup } from './commit-group.js';
import { SqlControlNumbers } from './sql-control-numbers.js';
import type { SqlDatabase } from './sql-database.js';
import { SqlSubmissions } from './sql-submissions.js';
import type { SubmissionStore } from './submissions.js';
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
  private closing: Promise<void> | undefined;

  constructor(
    private readonly db: SqlDatabase,
    secrets: readonly string[],
  ) {
    this.dialect = db.dialect;
    this.location = db.location;
    const ensureOpen = (): void => {
      if (this.closing) throw new FirstpassError('STORE_FAILED', 'store', `the store ${this.location} is closed`);
    };
    const group = db.groupCommits ? new CommitGroup(db.knex) : undefined;
    this.controlNumbers = new SqlControlNumbers(db, secrets, ensureOpen, group);
    this.submissions = new SqlSubmissions(db, secrets, ensureOpen, group);
  }

  close(): Promise<void> {
    this.closing ??= this.db.knex.destroy();
    return this.closing;
  }
}

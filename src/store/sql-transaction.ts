import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { FirstpassError } from '../model/errors.js';
import type { SqlDatabase } from './sql-database.js';
import { describeCause, storeError } from './store-url.js';

export interface TransactionOptions {
  /** How the transaction is begun: a commit group's (SQLite), else knex's own. */
  readonly begin?: (<T>(work: (trx: Knex.Transaction) => Promise<T>) => Promise<T>) | undefined;
  /** Tries in all when one fails for a reason that passes (a lock, a serialization failure). Default 10. */
  readonly attempts?: number;
  /** A failure besides the database's transient ones that a new try may clear, and what to say when none did. */
  readonly race?: { readonly is: (error: unknown) => boolean; readonly said: string } | undefined;
}

const ATTEMPTS = 10;

/**
 * The repositories' one way to run work in a transaction: a failure that passes is tried again
 * after a short wait with jitter, a bounded number of times; our own errors go through as they
 * are; anything else becomes STORE_FAILED saying what could not be done, secrets removed.
 */
export async function inTransaction<T>(
  db: SqlDatabase,
  secrets: readonly string[],
  what: string,
  work: (trx: Knex.Transaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? ATTEMPTS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await (options.begin ? options.begin(work) : db.knex.transaction(work));
    } catch (error) {
      if (error instanceof FirstpassError) throw error;
      const raced = options.race?.is(error) === true;
      if ((raced || db.isTransient(error)) && attempt < attempts) {
        await sleep(5 * attempt + Math.floor(Math.random() * 20));
        continue;
      }
      const cause = raced ? (options.race?.said ?? '') : describeCause(error);
      throw storeError('STORE_FAILED', `could not ${what} in ${db.location}: ${cause}`, secrets, error);
    }
  }
}

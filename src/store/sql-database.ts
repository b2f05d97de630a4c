import type { Knex } from 'knex';
import type { OpenStoreOptions, StoreDialect } from './store.js';

/**
 * The extension point under the store: one driver per database, one file each under
 * drivers/, listed in the registry in open-store.ts. A driver turns a URL into a connected
 * knex instance and answers the few questions on which the dialects differ; the
 * repositories (control numbers, later submissions…) are written once, in SQL both speak.
 */
export interface StoreDriver {
  readonly name: StoreDialect;
  /** URL schemes this driver answers to, with the colon: `sqlite:`, `postgres:`. */
  readonly schemes: readonly string[];
  /** The forms of URL it accepts, for messages. */
  readonly forms: readonly string[];
  /** Connects (lazily loading the driver library). `secrets` must never reach a message. */
  connect(url: string, options: OpenStoreOptions, secrets: readonly string[]): Promise<SqlDatabase>;
}

/** A connected database and what differs between dialects. */
export interface SqlDatabase {
  readonly dialect: StoreDialect;
  readonly knex: Knex;
  /** The URL with the password masked. */
  readonly location: string;
  /**
   * The start of the migration transaction: holds other processes off until it commits, so
   * workers starting together on a fresh database migrate it once, and prepares what the
   * tables need (PostgreSQL: an advisory lock, then the schema; SQLite: nothing, a write
   * transaction already excludes other writers).
   */
  beginMigration(trx: Knex.Transaction): Promise<void>;
  /**
   * Whether transactions that wait for the one connection are committed together (commit-group.ts):
   * SQLite, whose commits each wait for the disk; PostgreSQL's pool commits side by side already.
   */
  readonly groupCommits: boolean;
  /** SQL for the larger of two values: GREATEST (PostgreSQL) or two-argument MAX (SQLite). */
  readonly greatest: 'GREATEST' | 'MAX';
  /** Whether an error is the violation of the named CHECK constraint. */
  isCheckViolation(error: unknown, constraint: string): boolean;
  /** Whether an error is the violation of a UNIQUE constraint or index (a claim another process won). */
  isUniqueViolation(error: unknown): boolean;
  /** Whether an error is worth a retry of the whole transaction (lock contention, serialization). */
  isTransient(error: unknown): boolean;
}

/**
 * The store: everything firstpass must remember between runs, on SQLite (one machine) or
 * PostgreSQL (workers on many machines sharing one database).
 *
 * A `Store` is a set of repositories, one per concern, all sharing one connection (pool) and
 * one schema that is migrated on open. Today it holds `controlNumbers` and `submissions`. The plan is to add
 * the later concerns beside it as new read-only properties, each with its own interface in its
 * own file and its own migration, without changing what is here:
 *   - `submissions`: invoice versions, attempts, their states and an append-only event log
 *     (contract section 6: every change is an event with a time stamp, nothing is deleted);
 *   - `acknowledgments`: 997/CONTRL/portal answers, matched to submissions;
 *   - `metrics`: read-only queries behind `firstpass report`.
 * Work that spans repositories (record a sent document and its event together) will get a
 * `transaction(fn)` that hands `fn` the same repositories bound to one transaction.
 */

import type { Knex } from 'knex';
import type { ControlNumberKind, ControlNumbers } from '../model/control-numbers.js';
import type { AnswerStore } from './answers.js';
import type { SubmissionStore } from './submissions.js';
import type { WorkQueue } from './work-queue.js';

export { CONTROL_NUMBER_KINDS, type ControlNumberKind, type ControlNumbers } from '../model/control-numbers.js';

/**
 * The largest control number issued: X12 ISA13 has exactly 9 digits (GS06 and ST02 at most 9),
 * and EDIFACT references (up to 14 characters) fit too. A sequence never wraps around: a
 * repeated number would be taken for a duplicate interchange by the partner.
 */
export const MAX_CONTROL_NUMBER = 999_999_999;

/**
 * Control numbers, one sequence per trading partner and kind. A number once issued is never
 * issued again for that partner, whichever process or machine asks.
 */
export interface ControlNumberStore {
  /**
   * The next number of each requested kind for `partner`, taken atomically (all or none) and
   * persisted before this resolves. Kinds not requested are not advanced and not in the result.
   * Throws CONTROL_NUMBERS_EXHAUSTED (issuing nothing) when a sequence is at MAX_CONTROL_NUMBER.
   */
  next<K extends ControlNumberKind>(partner: string, kinds: readonly K[]): Promise<{ readonly [P in K]: number }>;
  /** The last number issued of each kind for `partner`; 0 where none was issued yet. */
  current(partner: string): Promise<ControlNumbers>;
  /**
   * Count every number up to and including `lastUsed` as used, so the next one is at least
   * `lastUsed + 1`: for taking over from another EDI system. Never lowers a sequence.
   */
  markUsedThrough(partner: string, kind: ControlNumberKind, lastUsed: number): Promise<void>;
}

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly dialect: StoreDialect;
  /** Where the data lives, password masked: fit for messages and logs. */
  readonly location: string;
  readonly controlNumbers: ControlNumberStore;
  /** Invoice versions, attempts, their event log, rendered documents and acknowledgments. */
  readonly submissions: SubmissionStore;
  /** Files read from customers' ack folders, and the look-ups that match answers to submissions. */
  readonly answers: AnswerStore;
  /** The queue `firstpass run --worker` processes share: leases, and the attachments of enqueued attempts. */
  readonly queue: WorkQueue;
  /**
   * Read-only queries that aggregate in the database (the metrics behind `firstpass report`):
   * `work` runs in one transaction that sees one snapshot (PostgreSQL: repeatable read), may
   * create temporary tables, and must not change firstpass's tables. Faults are named with `what`.
   */
  read<T>(what: string, work: (trx: Knex.Transaction, dialect: StoreDialect) => Promise<T>): Promise<T>;
  /** Closes the connections. Safe to call twice; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Where the store reports what it does. Core code never prints; default: silent. */
export interface StoreLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface OpenStoreOptions {
  /**
   * PostgreSQL: the schema that holds firstpass's tables, created when missing (also
   * `?schema=NAME` in the URL; this option wins). Default: the connection's search_path.
   */
  readonly schema?: string | undefined;
  /** SQLite: how long to wait for another process's write, in ms. Default 10,000. */
  readonly busyTimeoutMs?: number | undefined;
  /** PostgreSQL: connections per store. Default 4. */
  readonly poolSize?: number | undefined;
  /** How long to wait for a connection, in ms. Default 10,000. */
  readonly connectTimeoutMs?: number | undefined;
  readonly logger?: StoreLogger | undefined;
}

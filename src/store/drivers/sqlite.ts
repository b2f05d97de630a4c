import { resolve } from 'node:path';
import type { Knex } from 'knex';
import type { SqlDatabase, StoreDriver } from '../sql-database.js';
import type { OpenStoreOptions } from '../store.js';
import { knexLog, sqlErrorCode } from './shared.js';
import { storeError } from '../store-url.js';
import { cachePreparedStatements, type PreparingConnection } from './statement-cache.js';

/**
 * SQLite through better-sqlite3: the default store, one file on one machine. better-sqlite3 is
 * synchronous, so each process keeps exactly one connection (pool min 1, max 1): a second one
 * in the same process would wait on the first while blocking the event loop the first needs,
 * and end in "database is locked". Several processes share the file safely: WAL lets readers
 * go on while one writes, and the busy timeout makes a writer wait for another's commit.
 */
export const NAME = 'sqlite';

export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

/** The part of a better-sqlite3 Database used here. */
interface SqliteConnection extends PreparingConnection {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/** `sqlite:<path>` (relative to the working directory), `sqlite:///abs/path`, `sqlite::memory:`. */
export function sqliteFile(url: string, cwd: string = process.cwd()): string | undefined {
  let path = url.trim().replace(/^sqlite:/i, '');
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') return undefined;
  if (path === ':memory:') return path;
  return resolve(cwd, path);
}

export const sqliteDriver: StoreDriver = {
  name: NAME,
  schemes: ['sqlite:'],
  forms: [
    'sqlite:<file> (relative to the working directory)',
    'sqlite:///absolute/path/file.sqlite',
    'neither --db nor FIRSTPASS_DB: sqlite:$XDG_STATE_HOME/firstpass/firstpass.sqlite (else ~/.local/state/…)',
  ],
  async connect(url: string, options: OpenStoreOptions, secrets: readonly string[]): Promise<SqlDatabase> {
    const filename = sqliteFile(url);
    if (filename === undefined)
      throw storeError(
        'STORE_URL_INVALID',
        `the database URL "${url}" names no file: write sqlite:<file>, e.g. sqlite:billing/firstpass.sqlite`,
        secrets,
      );
    const busyTimeout = Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
    const { default: knex } = await import('knex');
    const config: Knex.Config = {
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      compileSqlOnError: false,
      acquireConnectionTimeout: options.connectTimeoutMs ?? 10_000,
      pool: {
        min: 1,
        max: 1,
        afterCreate(connection: SqliteConnection, done: (error: Error | null, connection: SqliteConnection) => void) {
          try {
            // The busy timeout first: switching to WAL needs a moment of exclusive access.
            connection.pragma(`busy_timeout = ${busyTimeout}`);
            connection.pragma('journal_mode = WAL');
            // FULL, not NORMAL: a control number once handed out must survive a power cut,
            // or it would be handed out again.
            connection.pragma('synchronous = FULL');
            connection.pragma('foreign_keys = ON');
            done(null, cachePreparedStatements(connection));
          } catch (error) {
            done(error instanceof Error ? error : new Error(String(error)), connection);
          }
        },
      },
      log: knexLog(options.logger, secrets),
    };
    return {
      dialect: 'sqlite',
      knex: knex(config),
      location: filename === ':memory:' ? 'sqlite::memory:' : `sqlite:${filename}`,
      greatest: 'MAX',
      groupCommits: true,
      async beginMigration() {
        // Nothing to do: the migration's first write takes SQLite's single write lock.
      },
      isCheckViolation(error: unknown, constraint: string): boolean {
        return sqlErrorCode(error) === 'SQLITE_CONSTRAINT_CHECK' && error instanceof Error && error.message.includes(constraint);
      },
      isUniqueViolation(error: unknown): boolean {
        return sqlErrorCode(error) === 'SQLITE_CONSTRAINT_UNIQUE';
      },
      isTransient(error: unknown): boolean {
        const code = sqlErrorCode(error) ?? '';
        return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
      },
    };
  },
};

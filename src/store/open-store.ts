import { existsSync } from 'node:fs';
import { postgresDriver } from './drivers/postgres.js';
import { sqliteDriver, sqliteFile } from './drivers/sqlite.js';
import type { StoreDriver } from './sql-database.js';
import { openSqlStore } from './sql-store.js';
import type { OpenStoreOptions, Store, StoreDialect } from './store.js';
import { maskUrl, secretsOf, storeError } from './store-url.js';

/** Every store driver, by name. A new database is one file under drivers/ and one line here. */
export const STORE_DRIVERS: Readonly<Record<StoreDialect, StoreDriver>> = {
  sqlite: sqliteDriver,
  postgres: postgresDriver,
};

/** The driver for a URL's scheme, if any. */
export function storeDriverFor(url: string): StoreDriver | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:)/.exec(url.trim())?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  return Object.values(STORE_DRIVERS).find((driver) => driver.schemes.includes(scheme));
}

/**
 * Opens the store at `url` (`sqlite:<file>`, `postgres://…`), bringing its schema up to date.
 * Faults: STORE_URL_INVALID (bad usage), STORE_UNAVAILABLE (cannot connect or migrate); no
 * message ever shows the URL's password.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const secrets = secretsOf(url);
  const driver = storeDriverFor(url);
  if (driver === undefined) {
    const forms = Object.values(STORE_DRIVERS).flatMap((known) => known.forms);
    const given = url.trim() === '' ? 'no database URL was given' : `cannot use the database URL "${maskUrl(url.trim())}"`;
    throw storeError(
      'STORE_URL_INVALID',
      `${given} (--db or FIRSTPASS_DB). Accepted forms:\n${forms.map((form) => `  ${form}`).join('\n')}`,
      secrets,
    );
  }
  const db = await driver.connect(url, options, secrets);
  return openSqlStore(db, secrets, options.logger);
}

/**
 * The store at `url` to read history from, creating none: the store itself, or an empty one in
 * memory when `url` names a SQLite file that is not there (a dry run then leaves no file behind).
 * A store that exists is opened as always (its schema brought up to date).
 */
export async function openStoreToRead(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (storeDriverFor(url) === sqliteDriver) {
    const file = sqliteFile(url);
    if (file !== undefined && file !== ':memory:' && !existsSync(file)) return openStore('sqlite::memory:', options);
  }
  return openStore(url, options);
}

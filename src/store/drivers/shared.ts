import type { Knex } from 'knex';
import type { StoreLogger } from '../store.js';
import { scrubSecrets } from '../store-url.js';

/** The `code` of a driver error (SQLITE_BUSY, PostgreSQL SQLSTATE 23514 …), if any. */
export function sqlErrorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** knex's own warnings go to the store's logger (scrubbed), never to the console. */
export function knexLog(logger: StoreLogger | undefined, secrets: readonly string[]): Knex.Logger {
  const text = (message: unknown): string =>
    scrubSecrets(typeof message === 'string' ? message : (JSON.stringify(message) ?? String(message)), secrets);
  return {
    warn: (message: unknown) => logger?.warn(`knex: ${text(message)}`),
    error: (message: unknown) => logger?.warn(`knex: ${text(message)}`),
    deprecate: (method: unknown, alternative: unknown) => logger?.debug?.(`knex: ${text(method)} is deprecated, use ${text(alternative)}`),
    debug: (message: unknown) => logger?.debug?.(`knex: ${text(message)}`),
  };
}

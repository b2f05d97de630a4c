import { hostname } from 'node:os';
import { postgresRunLock } from './run-locks/postgres.js';
import { sqliteRunLock } from './run-locks/sqlite.js';
import type { StoreDialect } from './store.js';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_STALE_AFTER_MS,
  bootId,
  type RunLockAttempt,
  type RunLockDriver,
  type RunLockOptions,
} from './run-locks/shared.js';
import { storeDriverFor } from './open-store.js';
import { maskUrl, secretsOf, storeError } from './store-url.js';

/**
 * The lock that lets one `firstpass run` work at a time on a database, kept IN the database so
 * it holds across machines and goes away with its holder: one interface, one implementation per
 * database (run-locks/<dialect>.ts), chosen by the URL's scheme like the store drivers.
 * - PostgreSQL: a session advisory lock on a connection of its own, held for the run; a holder
 *   that dies loses its session, and with it the lock. The `run_locks` row only says who holds it.
 * - SQLite: the `run_locks` row is the lock, taken in a transaction. A row is stale, and taken
 *   over, when its process is gone on this host (or the host rebooted since), or when its
 *   heartbeat is older than `staleAfterMs` (a holder on another host, or a pid reused).
 */

export const RUN_LOCK_DRIVERS: Readonly<Record<StoreDialect, RunLockDriver>> = {
  sqlite: sqliteRunLock,
  postgres: postgresRunLock,
};

/** Takes the run lock of the database at `url`, or says who holds it. Faults: STORE_URL_INVALID, STORE_UNAVAILABLE. */
export async function takeRunLock(url: string, options: RunLockOptions = {}): Promise<RunLockAttempt> {
  const secrets = secretsOf(url);
  const driver = storeDriverFor(url);
  if (driver === undefined)
    throw storeError('STORE_URL_INVALID', `cannot use the database URL "${maskUrl(url.trim())}" (--db or FIRSTPASS_DB)`, secrets);
  const now = options.now ?? (() => new Date());
  return RUN_LOCK_DRIVERS[driver.name].take(
    url,
    {
      name: options.name ?? 'run',
      staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      busyWaitMs: options.busyWaitMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      logger: options.logger,
      now,
      self: { host: hostname(), pid: process.pid, bootId: bootId(), startedAt: now().toISOString() },
    },
    secrets,
  );
}

export {
  describeHolder,
  type HeldRunLock,
  type RunLockAttempt,
  type RunLockDriver,
  type RunLockHolder,
  type RunLockOptions,
} from './run-locks/shared.js';

import { sqliteDriver } from '../drivers/sqlite.js';
import { migrate } from '../migrate.js';
import { MIGRATIONS } from '../migrations/index.js';
import type { SqlDatabase } from '../sql-database.js';
import { describeCause, storeError } from '../store-url.js';
import {
  LockState,
  processAlive,
  whileBusy,
  type HeldRunLock,
  type ResolvedRunLockOptions,
  type RunLockAttempt,
  type RunLockDriver,
  type RunLockHolder,
} from './shared.js';

/**
 * SQLite: the `run_locks` row is the lock. It is taken in one write transaction (insert if
 * absent; else take over a stale row by compare-and-swap on its holder), so two processes
 * cannot both think they hold it. The lock's connection waits for nothing (busy timeout 0) and
 * retries asynchronously instead: better-sqlite3 blocks the event loop while it waits, and the
 * run's own store connection in the same process may be the writer it waits for.
 */

interface LockRow {
  name: string;
  host: string;
  pid: number;
  boot_id: string | null;
  started_at: string;
  heartbeat: string;
}

const TABLE = 'run_locks';

export const sqliteRunLock: RunLockDriver = {
  name: 'sqlite',
  async take(url, options, secrets): Promise<RunLockAttempt> {
    const db = await sqliteDriver.connect(
      url,
      { busyTimeoutMs: 0, connectTimeoutMs: options.connectTimeoutMs, logger: options.logger },
      secrets,
    );
    const busy = (error: unknown) => db.isTransient(error);
    try {
      await whileBusy(() => migrate(db, MIGRATIONS), busy, options.busyWaitMs);
      const taken = await whileBusy(() => tryTake(db, options), busy, options.busyWaitMs);
      if (!taken.acquired) {
        await db.knex.destroy();
        return taken;
      }
      return { acquired: true, lock: heldLock(db, options) };
    } catch (error) {
      await db.knex.destroy().catch(() => undefined);
      throw storeError('STORE_UNAVAILABLE', `cannot take the run lock in ${db.location}: ${describeCause(error)}`, secrets, error);
    }
  },
};

async function tryTake(
  db: SqlDatabase,
  options: ResolvedRunLockOptions,
): Promise<{ acquired: true } | { acquired: false; holder: RunLockHolder }> {
  const mine = rowOf(options);
  return db.knex.transaction(async (trx) => {
    // The write comes first, so the transaction holds SQLite's write lock from its first statement on.
    await trx(TABLE).insert(mine).onConflict('name').ignore();
    const row = (await trx<LockRow>(TABLE).where({ name: options.name }).first()) as LockRow | undefined;
    if (row === undefined || isMine(row, mine)) return { acquired: true };
    const holder = holderOf(row);
    if (!stale(holder, options)) return { acquired: false, holder };
    const replaced = await trx(TABLE)
      .where({ name: options.name, host: row.host, pid: row.pid, started_at: row.started_at })
      .update({ host: mine.host, pid: mine.pid, boot_id: mine.boot_id, started_at: mine.started_at, heartbeat: mine.heartbeat });
    if (replaced !== 1) return { acquired: false, holder };
    options.logger?.warn(`run lock: took over from ${holder.host} pid ${holder.pid} (started ${holder.startedAt}), which is gone`);
    return { acquired: true };
  });
}

/** Gone: its process no longer exists on this host (or this host rebooted since), or it has not beaten for too long. */
function stale(holder: RunLockHolder, options: ResolvedRunLockOptions): boolean {
  const self = options.self;
  if (holder.host === self.host) {
    if (holder.bootId !== undefined && self.bootId !== undefined && holder.bootId !== self.bootId) return true;
    if (!processAlive(holder.pid)) return true;
  }
  const age = options.now().getTime() - Date.parse(holder.heartbeat);
  return Number.isNaN(age) || age > options.staleAfterMs;
}

function heldLock(db: SqlDatabase, options: ResolvedRunLockOptions): HeldRunLock {
  const mine = rowOf(options);
  const state = new LockState(db.location);
  const ours = () => db.knex(TABLE).where({ name: options.name, host: mine.host, pid: mine.pid, started_at: mine.started_at });
  state.beat(options.heartbeatMs, async () => {
    try {
      const updated = await ours().update({ heartbeat: options.now().toISOString() });
      if (updated === 0) state.markLost('another run took it over as stale');
    } catch (error) {
      // Busy with the run's own writes: the next beat will do; anything else is worth a word.
      if (!db.isTransient(error)) options.logger?.warn(`run lock: heartbeat failed: ${describeCause(error)}`);
    }
  });
  return {
    holder: holderOf(mine),
    held: () => state.held(),
    assertHeld: () => state.assertHeld(),
    release: () =>
      state.release(async () => {
        try {
          await whileBusy(
            () => ours().delete(),
            (error) => db.isTransient(error),
            options.busyWaitMs,
          );
        } finally {
          await db.knex.destroy();
        }
      }),
  };
}

function rowOf(options: ResolvedRunLockOptions): LockRow {
  const { self } = options;
  return {
    name: options.name,
    host: self.host,
    pid: self.pid,
    boot_id: self.bootId ?? null,
    started_at: self.startedAt,
    heartbeat: options.now().toISOString(),
  };
}

function isMine(row: LockRow, mine: LockRow): boolean {
  return row.host === mine.host && Number(row.pid) === mine.pid && row.started_at === mine.started_at;
}

function holderOf(row: LockRow): RunLockHolder {
  return {
    host: row.host,
    pid: Number(row.pid),
    bootId: row.boot_id ?? undefined,
    startedAt: row.started_at,
    heartbeat: row.heartbeat,
  };
}

import type pg from 'pg';
import { postgresDriver, postgresTarget } from '../drivers/postgres.js';
import { migrate } from '../migrate.js';
import { MIGRATIONS } from '../migrations/index.js';
import { describeCause, maskUrl, storeError } from '../store-url.js';
import {
  LockState,
  type HeldRunLock,
  type ResolvedRunLockOptions,
  type RunLockAttempt,
  type RunLockDriver,
  type RunLockHolder,
} from './shared.js';

/**
 * PostgreSQL: a session advisory lock (pg_try_advisory_lock) on a connection of its own, kept
 * open for the whole run. When the holder dies, its connection closes, the server ends the
 * session and the lock is free again: nothing is ever stale. TCP keep-alive makes a holder
 * whose machine vanished lose its session too. The `run_locks` row is written by the holder
 * only to say who it is; the key is per schema, so firstpass installations in one database's
 * different schemas do not exclude each other.
 */

interface LockRow {
  host: string;
  pid: number;
  boot_id: string | null;
  started_at: string;
  heartbeat: string;
}

const KEY = "hashtext('firstpass-run:' || coalesce(current_schema(), '') || ':' || $1)";

export const postgresRunLock: RunLockDriver = {
  name: 'postgres',
  async take(url, options, secrets): Promise<RunLockAttempt> {
    const target = postgresTarget(url, {}, secrets);
    const location = maskUrl(url.trim());
    // The table (and the schema) first, through the store's own migration.
    const db = await postgresDriver.connect(
      url,
      { connectTimeoutMs: options.connectTimeoutMs, logger: options.logger, poolSize: 1 },
      secrets,
    );
    try {
      await migrate(db, MIGRATIONS);
    } catch (error) {
      throw storeError('STORE_UNAVAILABLE', `cannot open the database ${location}: ${describeCause(error)}`, secrets, error);
    } finally {
      await db.knex.destroy().catch(() => undefined);
    }
    const { default: pgModule } = await import('pg');
    const client = new pgModule.Client({
      connectionString: target.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs,
      keepAlive: true,
      application_name: `firstpass run lock (pid ${options.self.pid})`,
    });
    // A connection error after connect() is reported here, not thrown at nobody.
    let onLost: (why: string) => void = () => undefined;
    client.on('error', (error) => onLost(describeCause(error)));
    try {
      await client.connect();
      if (target.schema !== undefined) await client.query(`set search_path to "${target.schema}"`);
      const { rows } = await client.query<{ taken: boolean }>(`select pg_try_advisory_lock(${KEY}) as taken`, [options.name]);
      if (rows[0]?.taken !== true) {
        const holder = await holderRow(client, options.name);
        await client.end();
        return { acquired: false, holder };
      }
      await client.query(
        `insert into run_locks (name, host, pid, boot_id, started_at, heartbeat) values ($1, $2, $3, $4, $5, $6)
         on conflict (name) do update set host = excluded.host, pid = excluded.pid, boot_id = excluded.boot_id,
           started_at = excluded.started_at, heartbeat = excluded.heartbeat`,
        [
          options.name,
          options.self.host,
          options.self.pid,
          options.self.bootId ?? null,
          options.self.startedAt,
          options.now().toISOString(),
        ],
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      throw storeError('STORE_UNAVAILABLE', `cannot take the run lock in ${location}: ${describeCause(error)}`, secrets, error);
    }
    const state = new LockState(location);
    onLost = (why) => state.markLost(`its connection broke: ${why}`);
    return { acquired: true, lock: heldLock(client, state, options) };
  },
};

async function holderRow(client: pg.Client, name: string): Promise<RunLockHolder | undefined> {
  const { rows } = await client.query<LockRow>('select host, pid, boot_id, started_at, heartbeat from run_locks where name = $1', [name]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return { host: row.host, pid: Number(row.pid), bootId: row.boot_id ?? undefined, startedAt: row.started_at, heartbeat: row.heartbeat };
}

function heldLock(client: pg.Client, state: LockState, options: ResolvedRunLockOptions): HeldRunLock {
  const { self } = options;
  // The heartbeat also proves the session (and so the lock) is still there.
  state.beat(options.heartbeatMs, async () => {
    try {
      await client.query('update run_locks set heartbeat = $1 where name = $2 and pid = $3 and started_at = $4', [
        options.now().toISOString(),
        options.name,
        self.pid,
        self.startedAt,
      ]);
    } catch (error) {
      state.markLost(`its connection broke: ${describeCause(error)}`);
    }
  });
  return {
    holder: { ...self, heartbeat: self.startedAt },
    held: () => state.held(),
    assertHeld: () => state.assertHeld(),
    release: () =>
      state.release(async () => {
        try {
          await client.query('delete from run_locks where name = $1 and pid = $2 and started_at = $3', [
            options.name,
            self.pid,
            self.startedAt,
          ]);
          await client.query(`select pg_advisory_unlock(${KEY})`, [options.name]);
        } catch {
          // The session ends below either way, and the lock with it.
        } finally {
          await client.end().catch(() => undefined);
        }
      }),
  };
}

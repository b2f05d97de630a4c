import { setTimeout as sleep } from 'node:timers/promises';
import { FirstpassError } from '../model/errors.js';
import type { Migration } from './migrations/index.js';
import type { SqlDatabase } from './sql-database.js';

/**
 * Brings the schema up to date, in one transaction that other processes wait for (so workers
 * starting together on a fresh database do not race), recording each step in
 * `firstpass_schema_version`. knex's own migrator is not used: its lock is not waited for
 * ("Migration table is already locked"), two processes creating its tables at once can leave
 * two lock rows that lock it for good, and a process that dies mid-migration leaves the lock
 * held until someone runs `knex migrate:unlock`. A transaction-scoped lock has none of these.
 */
export const SCHEMA_VERSION_TABLE = 'firstpass_schema_version';

const ATTEMPTS = 8;

export interface MigrationResult {
  /** The schema version after migrating. */
  readonly version: number;
  /** The steps applied now (empty when the schema was up to date). */
  readonly applied: readonly string[];
}

export async function migrate(db: SqlDatabase, migrations: readonly Migration[]): Promise<MigrationResult> {
  const steps = [...migrations].sort((a, b) => a.version - b.version);
  const latest = steps.at(-1)?.version ?? 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.knex.transaction(async (trx) => {
        await db.beginMigration(trx);
        // One statement, the same in both dialects (knex's createTableIfNotExists is deprecated).
        await trx.raw(
          'create table if not exists ?? (version integer primary key, name varchar(200) not null, applied_at varchar(40) not null)',
          [SCHEMA_VERSION_TABLE],
        );
        const rows: { version: number | string }[] = await trx(SCHEMA_VERSION_TABLE).select('version');
        const done = new Set(rows.map((row) => Number(row.version)));
        const newest = Math.max(0, ...done);
        if (newest > latest) {
          throw new FirstpassError(
            'STORE_UNAVAILABLE',
            'store',
            `the database is at schema version ${newest}, newer than this firstpass knows (${latest}): upgrade firstpass`,
          );
        }
        const applied: string[] = [];
        for (const step of steps) {
          if (done.has(step.version)) continue;
          await step.up(trx, db.dialect);
          await trx(SCHEMA_VERSION_TABLE).insert({ version: step.version, name: step.name, applied_at: new Date().toISOString() });
          applied.push(`${step.version}-${step.name}`);
        }
        return { version: Math.max(newest, latest), applied };
      });
    } catch (error) {
      if (attempt >= ATTEMPTS || !db.isTransient(error)) throw error;
      // Another process migrated or wrote in between: look again, after a jittered pause.
      await sleep(25 * attempt + Math.floor(Math.random() * 50));
    }
  }
}

import type { Migration } from './migration.js';

/**
 * Who holds the lock that lets one `firstpass run` work at a time. On SQLite the row IS the lock
 * (taken in a transaction, stale when its process is gone or its heartbeat is old); on
 * PostgreSQL a session advisory lock is the lock and the row only says who holds it. Times are
 * ISO 8601 UTC texts, like every other table.
 */
export const runLocks: Migration = {
  version: 5,
  name: 'run-locks',
  async up(trx) {
    await trx.schema.createTable('run_locks', (table) => {
      table.string('name', 100).primary();
      table.string('host', 255).notNullable();
      table.integer('pid').notNullable();
      // The kernel's boot id: a holder on this host from before a reboot is gone whatever its pid.
      table.string('boot_id', 64).nullable();
      table.string('started_at', 30).notNullable();
      table.string('heartbeat', 30).notNullable();
    });
  },
};

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { takeRunLock } from '../../src/store/index.js';
import { testPostgres } from '../support/postgres.js';
import { tempFolder } from '../support/temp.js';
import { runLockSuite } from './run-lock-suite.js';

const folders: string[] = [];
runLockSuite({
  dialect: 'sqlite',
  async fresh() {
    const folder = tempFolder();
    folders.push(folder);
    return `sqlite:${join(folder, 'store.sqlite')}`;
  },
  async cleanup() {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  },
});

const postgres = await testPostgres('the run lock suite');
runLockSuite(
  { dialect: 'postgres', fresh: async () => postgres.freshSchemaUrl(), cleanup: () => postgres.dropSchemas() },
  { skip: postgres.skip },
);

interface RawDatabase {
  prepare(sql: string): { run(...args: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => RawDatabase;

/** Leaves a run_locks row as a run on another machine would. */
function foreignHolder(file: string, heartbeat: string): void {
  const raw = new Database(file);
  raw
    .prepare('insert into run_locks (name, host, pid, boot_id, started_at, heartbeat) values (?, ?, ?, ?, ?, ?)')
    .run('run', `not-${hostname()}`, 4242, null, '2026-12-07T01:00:00.000Z', heartbeat);
  raw.close();
}

test('sqlite: a holder on another host is stale only once its heartbeat is older than staleAfterMs', async () => {
  const folder = tempFolder();
  const file = join(folder, 'store.sqlite');
  const url = `sqlite:${file}`;
  try {
    const first = await takeRunLock(url);
    assert.ok(first.acquired);
    await first.lock.release();
    const now = new Date('2026-12-07T02:00:00.000Z');
    foreignHolder(file, '2026-12-07T01:55:00.000Z');
    const fresh = await takeRunLock(url, { now: () => now, staleAfterMs: 10 * 60_000 });
    assert.equal(fresh.acquired, false);
    assert.equal(fresh.acquired ? '' : fresh.holder?.host, `not-${hostname()}`);
    const later = new Date('2026-12-07T02:06:00.000Z');
    const taken = await takeRunLock(url, { now: () => later, staleAfterMs: 10 * 60_000 });
    assert.ok(taken.acquired, 'a heartbeat 11 minutes old is stale');
    await taken.lock.release();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

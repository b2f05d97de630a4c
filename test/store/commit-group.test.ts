import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { CommitGroup } from '../../src/store/commit-group.js';
import { tempFolder } from '../support/temp.js';

/** A SQLite file with one table of unique names, opened the way the store opens it (one connection). */
async function withNames(body: (knex: Knex, group: CommitGroup) => Promise<void>): Promise<void> {
  const folder = tempFolder();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(folder, 'group.sqlite') },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  try {
    await knex.schema.createTable('names', (table) => table.text('name').primary());
    await knex('names').insert({ name: 'taken' });
    await body(knex, new CommitGroup(knex));
  } finally {
    await knex.destroy();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function names(knex: Knex): Promise<string[]> {
  return (await knex('names').select('name').orderBy('name')).map((row: { name: string }) => row.name);
}

test('commit group: a failed transaction keeps nothing, and the one after it in the group commits', async () => {
  await withNames(async (knex, group) => {
    const failed = group.run(async (trx) => {
      await trx('names').insert({ name: 'first-of-failed' });
      await trx('names').insert({ name: 'taken' });
    });
    const next = group.run(async (trx) => {
      await trx('names').insert({ name: 'next' });
      return 'committed';
    });
    await assert.rejects(failed, /UNIQUE/);
    assert.equal(await next, 'committed');
    assert.deepEqual(await names(knex), ['next', 'taken']);
  });
});

test('commit group: a query a failed transaction issues after it failed is refused, not committed with the next one', async () => {
  await withNames(async (knex, group) => {
    let late: Promise<unknown> = Promise.resolve();
    // Two parts of one transaction run side by side; one fails while the other has a write still to do.
    const failed = group.run(async (trx) => {
      late = (async () => {
        // Two reads first: by then the other part has failed (no timer needed).
        await trx('names').select();
        await trx('names').select();
        await trx('names').insert({ name: 'written-after-the-failure' });
      })();
      await Promise.all([trx('names').insert({ name: 'taken' }), late]);
    });
    const slow = group.run(async (trx) => {
      await trx('names').select();
      await trx('names').select();
      await trx('names').insert({ name: 'slow' });
    });
    await assert.rejects(failed, /UNIQUE/);
    await slow;
    await late.catch(() => undefined);
    assert.deepEqual(await names(knex), ['slow', 'taken'], 'the failed transaction wrote nothing');
  });
});

test('commit group: a failure that ends the whole SQLite transaction fails the group with its own cause', async () => {
  await withNames(async (knex, group) => {
    // SQLite itself rolls back the whole transaction on some failures (a full disk, an I/O error); a trigger's RAISE(ROLLBACK) does the same.
    await knex.raw(
      "create trigger no_doomed before insert on names when new.name = 'doomed' begin select raise(rollback, 'doomed refused'); end",
    );
    const kept = group.run((trx) => trx('names').insert({ name: 'kept' }));
    const doomed = group.run((trx) => trx('names').insert({ name: 'doomed' }));
    await assert.rejects(doomed, /doomed refused/);
    await assert.rejects(kept, /doomed refused/, 'the commit that would have kept it is gone, and the callers are told why');
    assert.deepEqual(await names(knex), ['taken']);
  });
});

test('commit group: a transaction may nest its own (a knex savepoint) and go on when the nested one fails', async () => {
  await withNames(async (knex, group) => {
    const outer = group.run(async (trx) => {
      await trx('names').insert({ name: 'before' });
      await assert.rejects(
        trx.transaction(async (nested) => {
          await nested('names').insert({ name: 'nested-undone' });
          await nested('names').insert({ name: 'taken' });
        }),
        /UNIQUE/,
      );
      await trx.transaction((nested) => nested('names').insert({ name: 'nested-kept' }));
      await trx('names').insert({ name: 'after' });
    });
    const failing = group.run(async (trx) => {
      await trx.transaction((nested) => nested('names').insert({ name: 'failing-nested' }));
      await trx('names').insert({ name: 'taken' });
    });
    await outer;
    await assert.rejects(failing, /UNIQUE/);
    assert.deepEqual(await names(knex), ['after', 'before', 'nested-kept', 'taken']);
  });
});

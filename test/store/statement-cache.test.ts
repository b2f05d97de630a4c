import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { cachePreparedStatements } from '../../src/store/drivers/statement-cache.js';

interface Statement {
  run(...bindings: unknown[]): unknown;
  all(...bindings: unknown[]): Record<string, unknown>[];
}
interface RawDatabase {
  prepare(source: string): Statement;
  exec(source: string): void;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => RawDatabase;

function memoryDatabase(limit?: number): RawDatabase {
  const database = cachePreparedStatements(new Database(':memory:'), limit);
  database.exec('create table invoices (number text primary key, total text)');
  return database;
}

test('statement cache: the same SQL text gives the statement prepared the first time, and it answers for new bindings', () => {
  const database = memoryDatabase();
  try {
    const insert = database.prepare('insert into invoices (number, total) values (?, ?)');
    assert.equal(database.prepare('insert into invoices (number, total) values (?, ?)'), insert);
    insert.run('INV-1', '10.00');
    database.prepare('insert into invoices (number, total) values (?, ?)').run('INV-2', '20.00');
    const select = 'select total from invoices where number = ?';
    assert.deepEqual(database.prepare(select).all('INV-1'), [{ total: '10.00' }]);
    assert.deepEqual(database.prepare(select).all('INV-2'), [{ total: '20.00' }]);
    assert.notEqual(database.prepare('select number from invoices'), database.prepare(select));
  } finally {
    database.close();
  }
});

test('statement cache: a cached statement sees a column a migration added since', () => {
  const database = memoryDatabase();
  try {
    database.prepare('insert into invoices (number, total) values (?, ?)').run('INV-1', '10.00');
    assert.deepEqual(database.prepare('select * from invoices').all(), [{ number: 'INV-1', total: '10.00' }]);
    database.exec("alter table invoices add column currency text not null default 'EUR'");
    assert.deepEqual(database.prepare('select * from invoices').all(), [{ number: 'INV-1', total: '10.00', currency: 'EUR' }]);
  } finally {
    database.close();
  }
});

test('statement cache: at most `limit` texts are kept, so distinct texts do not grow memory without end', () => {
  const database = memoryDatabase(3);
  try {
    const first = database.prepare('select 1');
    for (const n of [2, 3, 4]) database.prepare(`select ${n}`);
    const again = database.prepare('select 1');
    assert.notEqual(again, first, 'the fourth distinct text made room: the first is prepared afresh');
    assert.deepEqual(again.all(), [{ 1: 1 }]);
  } finally {
    database.close();
  }
});

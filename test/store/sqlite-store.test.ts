import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { tempFolder } from '../support/temp.js';
import { sqliteHarness, storeSuite } from './store-suite.js';
import { answersSuite } from './answers-suite.js';
import { submissionsSuite } from './submissions-suite.js';
import { workQueueSuite } from './work-queue-suite.js';

const harness = sqliteHarness();
storeSuite(harness);
submissionsSuite(harness);
answersSuite(harness);
workQueueSuite(harness);

/** better-sqlite3 opened directly, to look at the file the store left behind. */
interface RawDatabase {
  pragma(source: string, options: { simple: true }): unknown;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, options?: { readonly?: boolean }) => RawDatabase;

test('sqlite: a relative path is a file in the working directory, kept in WAL mode', async () => {
  const folder = tempFolder();
  const previous = process.cwd();
  process.chdir(folder);
  try {
    const store = await openStore('sqlite:firstpass.sqlite');
    assert.equal(store.location, `sqlite:${join(process.cwd(), 'firstpass.sqlite')}`);
    assert.deepEqual(await store.controlNumbers.next('acme', ['interchange']), { interchange: 1 });
    await store.close();
  } finally {
    process.chdir(previous);
  }
  assert.ok(existsSync(join(folder, 'firstpass.sqlite')));
  const raw = new Database(join(folder, 'firstpass.sqlite'), { readonly: true });
  try {
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(raw.pragma('user_version', { simple: true }), 0);
  } finally {
    raw.close();
  }
  rmSync(folder, { recursive: true, force: true });
});

test('sqlite: sqlite:///absolute/path and sqlite::memory: work too', async () => {
  const folder = tempFolder();
  const absolute = await openStore(`sqlite://${join(folder, 'abs.sqlite')}`);
  assert.equal(absolute.location, `sqlite:${join(folder, 'abs.sqlite')}`);
  await absolute.controlNumbers.next('acme', ['group']);
  await absolute.close();
  assert.ok(existsSync(join(folder, 'abs.sqlite')));
  const memory = await openStore('sqlite::memory:');
  assert.deepEqual(await memory.controlNumbers.next('acme', ['group']), { group: 1 });
  await memory.close();
  rmSync(folder, { recursive: true, force: true });
});

/**
 * The one test suite every store driver passes (unstorage style): each driver's test file
 * supplies a harness that makes fresh, empty databases, and calls `storeSuite`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FirstpassError } from '../../src/model/errors.js';
import {
  MAX_CONTROL_NUMBER,
  openStore,
  type ControlNumbers,
  type OpenStoreOptions,
  type Store,
  type StoreDialect,
} from '../../src/store/index.js';

const run = promisify(execFile);
import type { TestPostgres } from '../support/postgres.js';
import { tempFolder } from '../support/temp.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./allocate-worker.ts', import.meta.url));

export interface StoreTarget {
  readonly url: string;
  readonly options: OpenStoreOptions;
}

export interface StoreHarness {
  readonly dialect: StoreDialect;
  /** A new, empty database (file, schema) on every call. */
  fresh(): Promise<StoreTarget>;
  /** Stores in this one process that may share a database at once; 1 for SQLite (one connection per process). */
  readonly storesPerProcess: number;
  /** Removes what `fresh` made. */
  cleanup(): Promise<void>;
}

/** Each test's store a SQLite file in a folder of its own, removed at cleanup. */
export function sqliteHarness(): StoreHarness {
  const folders: string[] = [];
  return {
    dialect: 'sqlite',
    storesPerProcess: 1,
    async fresh() {
      const folder = tempFolder();
      folders.push(folder);
      return { url: `sqlite:${join(folder, 'store.sqlite')}`, options: {} };
    },
    async cleanup() {
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Each test's store a fresh schema (named in the URL) of the test PostgreSQL, dropped at cleanup. */
export function postgresHarness(postgres: TestPostgres): StoreHarness {
  return {
    dialect: 'postgres',
    storesPerProcess: 4,
    async fresh() {
      return { url: postgres.freshSchemaUrl(), options: {} };
    },
    async cleanup() {
      await postgres.dropSchemas();
    },
  };
}

/**
 * The stores a suite opens: `fresh()` a store on a new database of the harness, `keep(store)` one
 * opened otherwise; all are closed, and the harness cleaned up, after the enclosing describe.
 */
export function suiteStores(harness: StoreHarness): {
  fresh(): Promise<{ store: Store; target: StoreTarget }>;
  keep(...stores: Store[]): void;
} {
  const open: Store[] = [];
  after(async () => {
    await Promise.all(open.map((store) => store.close()));
    await harness.cleanup();
  });
  return {
    async fresh() {
      const target = await harness.fresh();
      const store = await openStore(target.url, target.options);
      open.push(store);
      return { store, target };
    },
    keep: (...stores) => {
      open.push(...stores);
    },
  };
}

const ALL = ['interchange', 'group', 'transaction'] as const;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function sorted(numbers: readonly number[]): number[] {
  return [...numbers].sort((a, b) => a - b);
}

function assertFault(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof FirstpassError, `expected a FirstpassError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

/** Each kind's numbers, taken together, are exactly 1..count: none repeated, none skipped. */
function assertOneToCount(taken: readonly ControlNumbers[], count: number): void {
  assert.equal(taken.length, count);
  for (const kind of ALL) assert.deepEqual(sorted(taken.map((numbers) => numbers[kind])), range(1, count), `${kind} numbers`);
}

export function storeSuite(harness: StoreHarness, options: { skip?: string | undefined } = {}): void {
  describe(`store: ${harness.dialect}`, { skip: options.skip ?? false }, () => {
    const stores = suiteStores(harness);
    const openFresh = stores.fresh;

    test('numbers start at 1 and go up by one, each kind on its own', async () => {
      const { store } = await openFresh();
      assert.equal(store.dialect, harness.dialect);
      assert.deepEqual(await store.controlNumbers.next('x12-810:acme', ALL), { interchange: 1, group: 1, transaction: 1 });
      assert.deepEqual(await store.controlNumbers.next('x12-810:acme', ALL), { interchange: 2, group: 2, transaction: 2 });
      assert.deepEqual(await store.controlNumbers.next('x12-810:acme', ['transaction']), { transaction: 3 });
      assert.deepEqual(await store.controlNumbers.next('x12-810:acme', ['transaction', 'interchange', 'transaction']), {
        interchange: 3,
        transaction: 4,
      });
      assert.deepEqual(await store.controlNumbers.current('x12-810:acme'), { interchange: 3, group: 2, transaction: 4 });
    });

    test('trading partners do not share sequences', async () => {
      const { store } = await openFresh();
      await store.controlNumbers.next('x12-810:acme', ALL);
      await store.controlNumbers.next('x12-810:acme', ALL);
      assert.deepEqual(await store.controlNumbers.next('x12-810:globex', ALL), { interchange: 1, group: 1, transaction: 1 });
      assert.deepEqual(await store.controlNumbers.next('edifact-invoic:acme', ['interchange']), { interchange: 1 });
      assert.deepEqual(await store.controlNumbers.current('x12-810:acme'), { interchange: 2, group: 2, transaction: 2 });
      assert.deepEqual(await store.controlNumbers.current('never-seen'), { interchange: 0, group: 0, transaction: 0 });
    });

    test('no kinds asked for: nothing taken', async () => {
      const { store } = await openFresh();
      assert.deepEqual(await store.controlNumbers.next('acme', []), {});
      assert.deepEqual(await store.controlNumbers.current('acme'), { interchange: 0, group: 0, transaction: 0 });
    });

    test('numbers are kept across close and reopen', async () => {
      const { store, target } = await openFresh();
      await store.controlNumbers.next('acme', ALL);
      await store.controlNumbers.next('acme', ['interchange']);
      await store.close();
      const again = await openStore(target.url, target.options);
      stores.keep(again);
      assert.deepEqual(await again.controlNumbers.next('acme', ALL), { interchange: 3, group: 2, transaction: 2 });
    });

    test('parallel allocations from one store never repeat a number', async () => {
      const { store } = await openFresh();
      const taken = await Promise.all(range(1, 60).map(() => store.controlNumbers.next('acme', ALL)));
      assertOneToCount(taken, 60);
    });

    if (harness.storesPerProcess > 1) {
      test(`${harness.storesPerProcess} stores (${harness.storesPerProcess} connection pools) in parallel: 200 allocations, 200 distinct numbers`, async () => {
        const target = await harness.fresh();
        const pools: Store[] = [];
        for (let index = 0; index < harness.storesPerProcess; index += 1) pools.push(await openStore(target.url, target.options));
        stores.keep(...pools);
        const taken = await Promise.all(range(0, 199).map((index) => pools[index % pools.length]!.controlNumbers.next('acme', ALL)));
        assertOneToCount(taken, 200);
      });
    }

    test('two worker processes at once on a fresh database: every number once', async (t) => {
      const target = await harness.fresh();
      const count = 100;
      const startAt = Date.now() + 2_500;
      const worker = (partner: string) =>
        run(
          process.execPath,
          ['--import', 'tsx', WORKER, JSON.stringify({ url: target.url, options: target.options, partner, count, startAt, pauseMs: 1 })],
          { cwd: PROJECT_ROOT, timeout: 60_000 },
        );
      const outputs = await Promise.all([worker('acme'), worker('acme')]);
      const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { pid: number; taken: ControlNumbers[] });
      assertOneToCount(
        results.flatMap((result) => result.taken),
        2 * count,
      );
      // How often the sequence changed hands between the processes: 0 would mean they ran one after the other.
      const owner = new Map<number, number>();
      for (const [index, result] of results.entries()) for (const numbers of result.taken) owner.set(numbers.interchange, index);
      let switches = 0;
      for (let number = 2; number <= 2 * count; number += 1) if (owner.get(number) !== owner.get(number - 1)) switches += 1;
      t.diagnostic(`interchange numbers changed hands between the two processes ${switches} times`);
    });

    test('a sequence at 999,999,999 stops with a clear error, issuing nothing, instead of wrapping', async () => {
      const { store } = await openFresh();
      await store.controlNumbers.markUsedThrough('acme', 'interchange', MAX_CONTROL_NUMBER - 1);
      assert.deepEqual(await store.controlNumbers.next('acme', ['interchange', 'group']), { interchange: MAX_CONTROL_NUMBER, group: 1 });
      await assert.rejects(
        store.controlNumbers.next('acme', ALL),
        assertFault(
          'CONTROL_NUMBERS_EXHAUSTED',
          /the interchange control numbers of trading partner "acme" are used up: 999,999,999 .* no number was issued/,
        ),
      );
      // All or nothing: group and transaction were not advanced by the failed call.
      assert.deepEqual(await store.controlNumbers.current('acme'), { interchange: MAX_CONTROL_NUMBER, group: 1, transaction: 0 });
      // The other kinds and other partners go on.
      assert.deepEqual(await store.controlNumbers.next('acme', ['group', 'transaction']), { group: 2, transaction: 1 });
      assert.deepEqual(await store.controlNumbers.next('globex', ['interchange']), { interchange: 1 });
    });

    test("markUsedThrough continues after another system's numbers and never lowers a sequence", async () => {
      const { store } = await openFresh();
      await store.controlNumbers.markUsedThrough('acme', 'interchange', 4_711);
      assert.deepEqual(await store.controlNumbers.next('acme', ['interchange']), { interchange: 4_712 });
      await store.controlNumbers.markUsedThrough('acme', 'interchange', 10);
      assert.deepEqual(await store.controlNumbers.next('acme', ['interchange']), { interchange: 4_713 });
      await assert.rejects(
        store.controlNumbers.markUsedThrough('acme', 'group', MAX_CONTROL_NUMBER + 1),
        assertFault('USAGE', /from 0 to 999,999,999/),
      );
      await assert.rejects(store.controlNumbers.markUsedThrough('acme', 'group', 1.5), assertFault('USAGE'));
    });

    test('a blank partner or an unknown kind is a programming fault', async () => {
      const { store } = await openFresh();
      await assert.rejects(store.controlNumbers.next(' ', ALL), assertFault('INTERNAL', /trading partner key/));
      await assert.rejects(
        store.controlNumbers.next('acme', ['segment' as 'group']),
        assertFault('INTERNAL', /"segment" is not a kind of control number/),
      );
    });

    test('a closed store refuses work; closing twice is harmless', async () => {
      const { store } = await openFresh();
      await store.close();
      await store.close();
      await assert.rejects(store.controlNumbers.next('acme', ALL), assertFault('STORE_FAILED', /is closed/));
    });
  });
}

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { FirstpassError } from '../../src/model/errors.js';
import { takeRunLock, type HeldRunLock, type RunLockAttempt } from '../../src/store/index.js';

/** The run lock's behaviour, the same on every database: `fresh()` gives the URL of an empty database. */
export interface RunLockHarness {
  readonly dialect: string;
  fresh(): Promise<string>;
  cleanup(): Promise<void>;
}

const HOLDER = fileURLToPath(new URL('./run-lock-holder.ts', import.meta.url));

function held(attempt: RunLockAttempt): HeldRunLock {
  assert.ok(attempt.acquired, `the lock was taken, but is held by ${JSON.stringify(attempt.acquired ? '' : attempt.holder)}`);
  return attempt.lock;
}

/** A child process holding the lock, once it says so. */
async function startHolder(url: string): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', () => reject(new Error('the holder process ended before taking the lock')));
  });
  assert.deepEqual(JSON.parse(first), { acquired: true, pid: child.pid });
  return { child, exited };
}

/** Takes the lock, trying for a few seconds (the server may take a moment to see a killed session end). */
async function takeWithin(url: string, ms: number): Promise<RunLockAttempt> {
  const until = Date.now() + ms;
  for (;;) {
    const attempt = await takeRunLock(url);
    if (attempt.acquired || Date.now() > until) return attempt;
    await sleep(100);
  }
}

export function runLockSuite(harness: RunLockHarness, options: { skip?: string | undefined } = {}): void {
  describe(`run lock (${harness.dialect})`, { skip: options.skip ?? false }, () => {
    test('one holder at a time: a second take is refused and says who holds it; after release it can be taken', async () => {
      const url = await harness.fresh();
      try {
        const first = held(await takeRunLock(url));
        assert.equal(first.holder.pid, process.pid);
        const second = await takeRunLock(url);
        assert.equal(second.acquired, false);
        assert.equal(second.acquired ? undefined : second.holder?.pid, process.pid);
        assert.ok(first.held());
        await first.release();
        await first.release();
        const third = held(await takeRunLock(url));
        await third.release();
      } finally {
        await harness.cleanup();
      }
    });

    test('a holder killed with SIGKILL: while it lives the lock is refused, after its death the next run takes it', async () => {
      const url = await harness.fresh();
      const { child, exited } = await startHolder(url);
      try {
        const refused = await takeRunLock(url);
        assert.equal(refused.acquired, false);
        assert.equal(refused.acquired ? undefined : refused.holder?.pid, child.pid);
        child.kill('SIGKILL');
        assert.equal(await exited, 'SIGKILL');
        const next = held(await takeWithin(url, 5_000));
        assert.equal(next.holder.pid, process.pid);
        await next.release();
      } finally {
        child.kill('SIGKILL');
        await harness.cleanup();
      }
    });

    test('a lock taken over while held is noticed at the next heartbeat: assertHeld stops the run', async () => {
      const url = await harness.fresh();
      try {
        const lock = held(await takeRunLock(url, { heartbeatMs: 50 }));
        await breakLock(url, harness.dialect);
        const until = Date.now() + 5_000;
        while (lock.held() && Date.now() < until) await sleep(20);
        assert.equal(lock.held(), false);
        assert.throws(
          () => lock.assertHeld(),
          (error: unknown) =>
            error instanceof FirstpassError && error.code === 'STORE_FAILED' && /run lock .* was lost/.test(error.message),
        );
        await lock.release();
      } finally {
        await harness.cleanup();
      }
    });
  });
}

/** Takes the lock away from its holder behind its back: SQLite, another host's row; PostgreSQL, the session ended by the server. */
async function breakLock(url: string, dialect: string): Promise<void> {
  const { openStore } = await import('../../src/store/index.js');
  if (dialect === 'sqlite') {
    const { createRequire } = await import('node:module');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (
      file: string,
    ) => { prepare(sql: string): { run(...args: unknown[]): unknown }; close(): void };
    const raw = new Database(url.replace(/^sqlite:/, ''));
    raw.prepare("update run_locks set host = 'elsewhere', pid = 1").run();
    raw.close();
    return;
  }
  const store = await openStore(url);
  await store.close();
  const pg = (await import('pg')).default;
  const address = new URL(url);
  address.search = '';
  const client = new pg.Client({ connectionString: address.toString() });
  await client.connect();
  try {
    await client.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'firstpass run lock (pid ' || $1 || ')'",
      [String(process.pid)],
    );
  } finally {
    await client.end();
  }
}

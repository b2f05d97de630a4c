/**
 * A separate worker process for the multi-process tests: waits for the common start time, opens
 * the store (so workers also race to migrate a fresh database), takes `count` sets of control
 * numbers for one partner and prints them as JSON on stdout.
 * Usage: node --import tsx test/store/allocate-worker.ts '{"url":…,"options":…,"partner":…,"count":…,"startAt":…}'
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, type OpenStoreOptions } from '../../src/store/index.js';

interface WorkerRequest {
  readonly url: string;
  readonly options: OpenStoreOptions;
  readonly partner: string;
  readonly count: number;
  /** Pause between allocations, ms. */
  readonly pauseMs?: number;
  /** Epoch ms at which every worker starts, so they really run at the same time. */
  readonly startAt: number;
}

const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
// Load the database libraries before the common start, so both workers really start together.
await Promise.all([import('knex'), import('pg')]);
createRequire(import.meta.url)('better-sqlite3');
await sleep(Math.max(0, request.startAt - Date.now()));
const store = await openStore(request.url, request.options);
try {
  const taken: { interchange: number; group: number; transaction: number }[] = [];
  for (let index = 0; index < request.count; index += 1) {
    taken.push(await store.controlNumbers.next(request.partner, ['interchange', 'group', 'transaction']));
    // A worker does other work between documents (rendering, sending): let the other one in.
    if (request.pauseMs) await sleep(request.pauseMs);
  }
  process.stdout.write(`${JSON.stringify({ pid: process.pid, taken })}\n`);
} finally {
  await store.close();
}

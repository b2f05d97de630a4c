/**
 * A separate worker process for the multi-process claim test: waits for the common start time,
 * opens the store, tries to claim each given invoice version for sending and prints the ids of
 * the versions it won as JSON on stdout.
 * Usage: node --import tsx test/store/claim-worker.ts '{"url":…,"options":…,"versionIds":[…],"startAt":…}'
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, type OpenStoreOptions } from '../../src/store/index.js';

interface WorkerRequest {
  readonly url: string;
  readonly options: OpenStoreOptions;
  readonly versionIds: readonly number[];
  /** Epoch ms at which every worker starts, so they really run at the same time. */
  readonly startAt: number;
}

const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
await Promise.all([import('knex'), import('pg')]);
createRequire(import.meta.url)('better-sqlite3');
const store = await openStore(request.url, request.options);
try {
  await sleep(Math.max(0, request.startAt - Date.now()));
  const won: number[] = [];
  for (const versionId of request.versionIds) {
    const claimed = await store.submissions.claimForSending(versionId, {
      at: new Date(),
      source: `worker ${process.pid}`,
      channel: 'sftp',
      format: 'x12-810',
    });
    if (claimed !== undefined) won.push(versionId);
  }
  process.stdout.write(`${JSON.stringify({ pid: process.pid, won })}\n`);
} finally {
  await store.close();
}

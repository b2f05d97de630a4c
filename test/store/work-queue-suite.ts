/**
 * The work queue suite every store driver passes (sqlite-store.test.ts and postgres-store.test.ts):
 * only attempts queued for the workers are leased, each by one worker; a dead worker's queued
 * leases go back and its sending attempts become unknown; attachments come back in order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Store, type Submission } from '../../src/store/index.js';
import { type StoreHarness, suiteStores } from './store-suite.js';

const T0 = new Date('2026-12-01T09:00:00.000Z');
const LONG_AGO = new Date('2026-11-01T00:00:00.000Z');

export function workQueueSuite(harness: StoreHarness, options: { skip?: string | undefined } = {}): void {
  describe(`work queue: ${harness.dialect}`, { skip: options.skip ?? false }, () => {
    const stores = suiteStores(harness);
    const openFresh = async (): Promise<Store> => (await stores.fresh()).store;

    async function queued(store: Store, number: string, forWorkers = true): Promise<Submission> {
      const { version } = await store.submissions.recordVersion({ customer: 'acme', invoiceNumber: number, invoice: { number }, at: T0 });
      const attempt = await store.submissions.createSubmission(version.id, 'queued', {
        channel: 'portal',
        format: 'ubl',
        source: 'enqueue',
        at: T0,
      });
      await store.submissions.saveDocument(
        attempt.id,
        { fileName: `${number}.xml`, mediaType: 'application/xml', content: new Uint8Array([1, 2]) },
        T0,
      );
      if (forWorkers)
        await store.queue.queueForWorkers(attempt.id, [{ fileName: 'a.pdf', mediaType: 'application/pdf', content: new Uint8Array([7]) }]);
      return attempt;
    }

    test('leases go to one worker each, oldest first; what submit left queued is not leased', async () => {
      const store = await openFresh();
      const [a, b, c] = [await queued(store, 'Q-1'), await queued(store, 'Q-2'), await queued(store, 'Q-3')];
      await queued(store, 'Q-4', false);
      const lease = (worker: string, limit: number) => store.queue.lease({ worker, limit, at: T0, retryBefore: LONG_AGO });
      assert.deepEqual(
        (await lease('w1', 2)).map((row) => row.id),
        [a?.id, b?.id],
      );
      assert.deepEqual(
        (await lease('w2', 5)).map((row) => row.id),
        [c?.id],
      );
      assert.deepEqual(await lease('w3', 5), []);
      assert.deepEqual(await store.queue.pending(LONG_AGO), { leasable: 0, leased: 3, deferred: 0 });
      assert.deepEqual((await store.queue.leaseHolders()).sort(), ['w1', 'w2']);
      assert.deepEqual(await store.queue.attachments(a.id), [
        { fileName: 'a.pdf', mediaType: 'application/pdf', content: new Uint8Array([7]) },
      ]);
    });

    test('a dead worker: its queued leases go back, what it was sending becomes unknown, with events', async () => {
      const store = await openFresh();
      const first = await queued(store, 'D-1');
      const second = await queued(store, 'D-2');
      await store.queue.lease({ worker: 'dead', limit: 5, at: T0, retryBefore: LONG_AGO });
      const sending = await store.submissions.claimForSending(first.versionId, {
        channel: 'portal',
        format: 'ubl',
        source: 'worker',
        at: T0,
      });
      assert.equal(sending?.id, first.id);
      const change = { at: T0, source: 'recovery', detail: { worker: 'dead' } };
      assert.deepEqual(await store.queue.recoverWorker('dead', change), { requeued: 1, unknown: 1 });
      assert.equal((await store.submissions.submission(first.id))?.state, 'unknown');
      assert.equal((await store.submissions.submission(second.id))?.state, 'queued');
      assert.equal((await store.submissions.events(second.id)).at(-1)?.source, 'recovery');
      assert.deepEqual(
        (await store.queue.lease({ worker: 'alive', limit: 5, at: T0, retryBefore: LONG_AGO })).map((row) => row.id),
        [second.id],
      );
      assert.deepEqual(await store.queue.recoverWorker('dead', change), { requeued: 0, unknown: 0 });
    });

    test('given back after a failed send: not leased again before the retry time', async () => {
      const store = await openFresh();
      const attempt = await queued(store, 'R-1');
      await store.queue.lease({ worker: 'w', limit: 1, at: T0, retryBefore: LONG_AGO });
      await store.queue.giveBack(attempt.id, 'w', T0);
      assert.deepEqual(await store.queue.lease({ worker: 'w', limit: 1, at: T0, retryBefore: new Date(T0.getTime() - 60_000) }), []);
      assert.deepEqual(await store.queue.pending(new Date(T0.getTime() - 60_000)), { leasable: 0, leased: 0, deferred: 1 });
      const later = await store.queue.lease({ worker: 'w', limit: 1, at: T0, retryBefore: new Date(T0.getTime() + 1) });
      assert.deepEqual(
        later.map((row) => row.id),
        [attempt.id],
      );
    });
  });
}

/**
 * The answers repository suite every store driver passes (sqlite-store.test.ts and
 * postgres-store.test.ts): answer files read once and kept when unmatched, submissions found by
 * the control numbers of their stored document, open submissions with their sent time and reference.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Store, type Submission } from '../../src/store/index.js';
import { type StoreHarness, suiteStores } from './store-suite.js';

const T0 = new Date('2026-12-01T09:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

export function answersSuite(harness: StoreHarness, options: { skip?: string | undefined } = {}): void {
  describe(`answers: ${harness.dialect}`, { skip: options.skip ?? false }, () => {
    const stores = suiteStores(harness);
    const openFresh = async (): Promise<Store> => (await stores.fresh()).store;

    /** A version of `number` for `customer`, claimed and sent with a document carrying `numbers`. */
    async function sent(
      store: Store,
      customer: string,
      number: string,
      numbers: { interchange: number; group: number; transaction: number } | undefined,
      format = 'x12-810',
    ): Promise<Submission> {
      const { version } = await store.submissions.recordVersion({ customer, invoiceNumber: number, invoice: { number, customer }, at: T0 });
      const claimed = await store.submissions.claimForSending(version.id, { channel: 'sftp', format, source: 'submit', at: T0 });
      assert.ok(claimed);
      await store.submissions.saveDocument(
        claimed.id,
        {
          fileName: `${number}.edi`,
          mediaType: 'application/edi',
          content: new TextEncoder().encode(number),
          ...(numbers ? { controlNumbers: numbers } : {}),
        },
        T0,
      );
      return store.submissions.transition(claimed.id, 'sent', {
        at: minutes(1),
        source: 'sftp',
        detail: { reference: `/in/${number}.edi` },
      });
    }

    test('an answer file is recorded once per customer, path and content; its bytes are kept only when it is not wholly matched', async () => {
      const store = await openFresh();
      const bytes = new TextEncoder().encode('ISA*00*...');
      const first = await store.answers.recordFile({
        customer: 'acme',
        remotePath: '/ack/997_1.x12',
        content: bytes,
        receivedAt: T0,
        remoteModifiedAt: minutes(-5),
        state: 'matched',
        answers: 1,
        detail: { submissions: [1] },
      });
      assert.equal(first.created, true);
      assert.equal(first.file.content, undefined, 'a matched file is not kept');
      assert.equal(first.file.size, bytes.byteLength);
      assert.match(first.file.sha256, /^[0-9a-f]{64}$/);
      const again = await store.answers.recordFile({
        customer: 'acme',
        remotePath: '/ack/997_1.x12',
        content: bytes,
        receivedAt: minutes(1),
        state: 'matched',
        answers: 1,
      });
      assert.equal(again.created, false);
      assert.equal(again.file.id, first.file.id);
      const stray = new Uint8Array([0x55, 0x4e, 0x42, 0, 255]);
      await store.answers.recordFile({
        customer: 'acme',
        remotePath: '/ack/stray.edi',
        content: stray,
        receivedAt: minutes(2),
        state: 'unmatched',
        answers: 1,
        detail: { diagnostics: [] },
      });
      await store.answers.recordFile({
        customer: 'other',
        remotePath: '/ack/junk.txt',
        content: bytes,
        receivedAt: minutes(3),
        state: 'unreadable',
        answers: 0,
      });
      assert.deepEqual(
        (await store.answers.seenFiles('acme')).map((file) => [file.remotePath, file.state, file.remoteModifiedAt?.toISOString() ?? null]),
        [
          ['/ack/997_1.x12', 'matched', minutes(-5).toISOString()],
          ['/ack/stray.edi', 'unmatched', null],
        ],
      );
      const unmatched = await store.answers.unmatchedFiles();
      assert.deepEqual(
        unmatched.map((file) => [file.customer, file.remotePath, file.state]),
        [
          ['acme', '/ack/stray.edi', 'unmatched'],
          ['other', '/ack/junk.txt', 'unreadable'],
        ],
      );
      assert.deepEqual([...(unmatched[0]?.content ?? [])], [...stray], 'kept byte for byte');
      assert.deepEqual(
        (await store.answers.unmatchedFiles('other')).map((file) => file.remotePath),
        ['/ack/junk.txt'],
      );
    });

    test('a submission is found by the control numbers of its document, within its customer and format only', async () => {
      const store = await openFresh();
      const a = await sent(store, 'acme', 'INV-1', { interchange: 31, group: 17, transaction: 17 });
      const b = await sent(store, 'acme', 'INV-2', { interchange: 32, group: 18, transaction: 18 });
      await sent(store, 'globex', 'G-1', { interchange: 31, group: 17, transaction: 17 });
      await sent(store, 'acme', 'INV-3', { interchange: 31, group: 17, transaction: 17 }, 'edifact-invoic');
      const ids = async (keys: Parameters<Store['answers']['submissionsByControlNumbers']>[2]) =>
        (await store.answers.submissionsByControlNumbers('acme', 'x12-810', keys)).map((found) => found.id);
      assert.deepEqual(await ids({ group: 17, transaction: 17 }), [a.id]);
      assert.deepEqual(await ids({ interchange: 32 }), [b.id]);
      assert.deepEqual(await ids({ group: 17, transaction: 18 }), [], 'every number given must match');
      assert.deepEqual(await ids({}), [], 'no number, no match');
      assert.deepEqual(
        (await store.answers.submissionsByControlNumbers('acme', 'edifact-invoic', { interchange: 31 })).map((found) => found.state),
        ['sent'],
      );
    });

    test('open submissions come with their customer, invoice number, the time they were sent and the reference', async () => {
      const store = await openFresh();
      const a = await sent(store, 'acme', 'INV-1', undefined, 'cxml');
      const b = await sent(store, 'globex', 'G-1', undefined, 'cxml');
      await store.submissions.recordAcknowledgment(
        b.id,
        { kind: 'business', status: 'accepted', source: 'portal:cxml', receivedAt: minutes(9) },
        'accepted',
      );
      const open = await store.answers.openSubmissions(['sent', 'delivered', 'unknown']);
      assert.deepEqual(
        open.map((entry) => [
          entry.submission.id,
          entry.customer,
          entry.invoiceNumber,
          entry.submission.state,
          entry.sentAt?.toISOString(),
          entry.reference,
        ]),
        [[a.id, 'acme', 'INV-1', 'sent', minutes(1).toISOString(), '/in/INV-1.edi']],
      );
      assert.deepEqual(await store.answers.openSubmissions(['accepted'], 'acme'), []);
      assert.equal((await store.answers.openSubmissions(['accepted'], 'globex')).length, 1);
      assert.deepEqual(await store.answers.customersWithSubmissions(['sent', 'accepted']), ['acme', 'globex']);
      assert.deepEqual(await store.answers.customersWithSubmissions(['sent']), ['acme']);
      assert.deepEqual(await store.answers.customersWithSubmissions(['held']), []);
    });
  });
}

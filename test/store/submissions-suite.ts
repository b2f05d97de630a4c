/**
 * The submissions repository suite every store driver passes: run by sqlite-store.test.ts and
 * postgres-store.test.ts with the same harness as the control-number suite.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FirstpassError } from '../../src/model/errors.js';
import { openStore, type InvoiceVersion, type Store, type SubmissionState } from '../../src/store/index.js';
import { type StoreHarness, suiteStores } from './store-suite.js';

const run = promisify(execFile);
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./claim-worker.ts', import.meta.url));

const T0 = new Date('2026-12-01T09:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);
const SEND = { channel: 'sftp', format: 'x12-810', source: 'submit' } as const;

function invoice(number: string, total = '100.00'): Record<string, unknown> {
  return {
    invoiceNumber: number,
    customerId: 'acme',
    issueDate: '2026-12-01',
    totals: { grandTotal: total },
    lines: [{ sku: 'A', quantity: 1 }],
  };
}

function assertFault(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof FirstpassError, `expected a FirstpassError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

export function submissionsSuite(harness: StoreHarness, options: { skip?: string | undefined } = {}): void {
  describe(`submissions: ${harness.dialect}`, { skip: options.skip ?? false }, () => {
    const stores = suiteStores(harness);
    const openFresh = stores.fresh;
    async function version(store: Store, number = 'INV-1', total = '100.00'): Promise<InvoiceVersion> {
      return (
        await store.submissions.recordVersion({
          customer: 'acme',
          invoiceNumber: number,
          invoice: invoice(number, total),
          at: T0,
        })
      ).version;
    }

    test('the same content is the same version (whatever its key order); new content for the number is a new version', async () => {
      const { store } = await openFresh();
      const text = JSON.stringify(invoice('INV-1'), null, 2);
      const first = await store.submissions.recordVersion({
        customer: 'acme',
        invoiceNumber: 'INV-1',
        invoice: JSON.parse(text),
        receivedText: text,
        at: T0,
      });
      assert.equal(first.created, true);
      assert.equal(first.version.invoiceJson, text);
      assert.match(first.version.contentHash, /^[0-9a-f]{64}$/);
      assert.deepEqual(first.version.firstSeenAt, T0);
      const reordered = Object.fromEntries(Object.entries(invoice('INV-1')).reverse());
      const again = await store.submissions.recordVersion({
        customer: 'acme',
        invoiceNumber: 'INV-1',
        invoice: reordered,
        at: minutes(5),
      });
      assert.equal(again.created, false);
      assert.equal(again.version.id, first.version.id);
      assert.equal(again.version.idempotencyKey, first.version.idempotencyKey);
      assert.deepEqual(again.version.firstSeenAt, T0, 'first seen stays the first time');
      const changed = await store.submissions.recordVersion({
        customer: 'acme',
        invoiceNumber: 'INV-1',
        invoice: invoice('INV-1', '90.00'),
        at: minutes(10),
      });
      assert.equal(changed.created, true);
      assert.notEqual(changed.version.id, first.version.id);
      assert.notEqual(changed.version.idempotencyKey, first.version.idempotencyKey);
      // Another customer's invoice with the same number and content is its own version.
      const other = await store.submissions.recordVersion({
        customer: 'globex',
        invoiceNumber: 'INV-1',
        invoice: invoice('INV-1'),
        supersedes: 'INV-0',
        at: T0,
      });
      assert.equal(other.created, true);
      assert.equal(other.version.supersedes, 'INV-0');
      // A version just created is answered as a later read gives it (the store builds it from the row it wrote).
      for (const created of [first, changed, other]) assert.deepEqual(await store.submissions.version(created.version.id), created.version);
      assert.deepEqual(
        (await store.submissions.history('INV-1', 'acme')).map((entry) => entry.version.id),
        [first.version.id, changed.version.id],
      );
      assert.equal((await store.submissions.history('INV-1')).length, 3);
    });

    test('a claimed version goes sending → sent → delivered → accepted, each change an event with its time and source', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const claimed = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: minutes(1),
      });
      assert.ok(claimed);
      assert.equal(claimed.state, 'sending');
      await store.submissions.note(claimed.id, {
        at: minutes(2),
        source: 'sftp',
        detail: { transient: 'connection reset', attempt: 1 },
      });
      await store.submissions.transition(claimed.id, 'sent', {
        at: minutes(3),
        source: 'sftp',
        detail: { reference: '/in/INV-1.edi' },
      });
      await store.submissions.transition(claimed.id, 'delivered', {
        at: minutes(4),
        source: '997',
      });
      const done = await store.submissions.transition(claimed.id, 'accepted', { at: minutes(5), source: 'portal' });
      assert.equal(done.state, 'accepted');
      assert.equal((await store.submissions.submission(claimed.id))?.state, 'accepted');
      const events = await store.submissions.events(claimed.id);
      assert.deepEqual(
        events.map((event) => [event.from ?? null, event.to, event.source, event.at.toISOString()]),
        [
          [null, 'sending', 'submit', minutes(1).toISOString()],
          ['sending', 'sending', 'sftp', minutes(2).toISOString()],
          ['sending', 'sent', 'sftp', minutes(3).toISOString()],
          ['sent', 'delivered', '997', minutes(4).toISOString()],
          ['delivered', 'accepted', 'portal', minutes(5).toISOString()],
        ],
      );
      assert.deepEqual(events[2]?.detail, { reference: '/in/INV-1.edi' });
    });

    test('transitions are checked: sent → sending, sending → accepted and anything out of a final state are refused, changing nothing', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const claimed = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: T0,
      });
      assert.ok(claimed);
      await assert.rejects(
        store.submissions.transition(claimed.id, 'accepted', {
          at: T0,
          source: 'x',
        }),
        assertFault('INTERNAL', /is sending and cannot become accepted: it can go to sent, rejected, unknown, queued/),
      );
      await assert.rejects(
        store.submissions.transition(claimed.id, 'held', {
          at: T0,
          source: 'x',
        }),
        assertFault('INTERNAL', /cannot become held/),
      );
      await store.submissions.transition(claimed.id, 'sent', {
        at: T0,
        source: 'x',
      });
      await assert.rejects(
        store.submissions.transition(claimed.id, 'sending', {
          at: T0,
          source: 'x',
        }),
        assertFault('INTERNAL', /only claimForSending/),
      );
      await store.submissions.transition(claimed.id, 'rejected', {
        at: T0,
        source: 'x',
      });
      await assert.rejects(
        store.submissions.transition(claimed.id, 'accepted', {
          at: T0,
          source: 'x',
        }),
        assertFault('INTERNAL', /rejected is final/),
      );
      await assert.rejects(
        store.submissions.transition(claimed.id, 'lost' as SubmissionState, {
          at: T0,
          source: 'x',
        }),
        assertFault('INTERNAL', /not a submission state/),
      );
      assert.equal((await store.submissions.submission(claimed.id))?.state, 'rejected');
      assert.deepEqual(
        (await store.submissions.events(claimed.id)).map((event) => event.to),
        ['sending', 'sent', 'rejected'],
      );
      await assert.rejects(
        store.submissions.transition(claimed.id, 'sent', {
          at: new Date('nonsense'),
          source: 'x',
        }),
        assertFault('INTERNAL', /valid Date/),
      );
    });

    test('a version in flight, sent, answered or unknown is never claimed again; queued and held attempts are', async () => {
      const { store } = await openFresh();
      for (const [index, path] of (
        [
          ['sent'],
          ['sent', 'delivered'],
          ['sent', 'accepted'],
          ['sent', 'accepted-with-warnings'],
          ['rejected'],
          ['unknown'],
          [],
        ] as SubmissionState[][]
      ).entries()) {
        const v = await version(store, `INV-${index}`);
        const claimed = await store.submissions.claimForSending(v.id, {
          ...SEND,
          at: T0,
        });
        assert.ok(claimed);
        for (const state of path)
          await store.submissions.transition(claimed.id, state, {
            at: T0,
            source: 'x',
          });
        assert.equal(
          await store.submissions.claimForSending(v.id, {
            ...SEND,
            at: minutes(1),
          }),
          undefined,
          `after ${['sending', ...path].join(' → ')}`,
        );
      }
      // A queued attempt is the one claimed; a held one does not block a later version.
      const queuedVersion = await version(store, 'INV-Q');
      const queued = await store.submissions.createSubmission(queuedVersion.id, 'queued', { ...SEND, at: T0 });
      const claimed = await store.submissions.claimForSending(queuedVersion.id, { ...SEND, at: minutes(1) });
      assert.equal(claimed?.id, queued.id);
      assert.deepEqual(
        (await store.submissions.events(queued.id)).map((event) => [event.from ?? null, event.to]),
        [
          [null, 'queued'],
          ['queued', 'sending'],
        ],
      );
      const heldVersion = await version(store, 'INV-H');
      const held = await store.submissions.createSubmission(heldVersion.id, 'held', {
        channel: 'none',
        format: 'x12-810',
        source: 'validate',
        detail: { rule: 'po-required' },
        at: T0,
      });
      await assert.rejects(
        store.submissions.transition(held.id, 'queued', {
          at: T0,
          source: 'x',
        }),
        assertFault('INTERNAL', /held is final/),
      );
      assert.ok(await store.submissions.claimForSending((await version(store, 'INV-H', '1.00')).id, { ...SEND, at: T0 }));
    });

    test('an unknown attempt is resent only when a person says so, and then only once', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const first = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: T0,
      });
      assert.ok(first);
      await store.submissions.transition(first.id, 'unknown', {
        at: minutes(1),
        source: 'submit',
        detail: { failure: 'connection lost after upload began' },
      });
      assert.equal(
        await store.submissions.claimForSending(v.id, {
          ...SEND,
          at: minutes(2),
        }),
        undefined,
      );
      const resent = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: minutes(3),
        resendUnknown: true,
        source: 'submit --resend-unknown',
      });
      assert.ok(resent);
      assert.notEqual(resent.id, first.id);
      assert.equal(
        await store.submissions.claimForSending(v.id, {
          ...SEND,
          at: minutes(4),
          resendUnknown: true,
        }),
        undefined,
      );
      // The first attempt turns out to have arrived after all: it cannot also be counted as delivered.
      await assert.rejects(
        store.submissions.transition(first.id, 'sent', {
          at: minutes(5),
          source: 'portal lookup',
        }),
        assertFault('INTERNAL', /another attempt of the same version is already in flight/),
      );
      assert.equal((await store.submissions.submission(first.id))?.state, 'unknown');
    });

    test('the rendered document is kept byte for byte with its control numbers, so a retry sends the same', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const first = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: T0,
      });
      assert.ok(first);
      const bytes = new Uint8Array([0, 1, 2, 255, 0x49, 0x53, 0x41, 10, 13, 0x7e]);
      const saved = await store.submissions.saveDocument(
        first.id,
        {
          fileName: 'INV-1.edi',
          mediaType: 'application/edi-x12',
          content: bytes,
          controlNumbers: { interchange: 17, group: 4, transaction: 9 },
        },
        T0,
      );
      assert.match(saved.sha256, /^[0-9a-f]{64}$/);
      await store.submissions.transition(first.id, 'unknown', {
        at: T0,
        source: 'recovery',
      });
      const retry = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: minutes(1),
        resendUnknown: true,
      });
      assert.ok(retry);
      const again = await store.submissions.latestDocument(v.id, 'x12-810');
      assert.ok(again);
      assert.deepEqual([...again.content], [...bytes]);
      assert.deepEqual(again.controlNumbers, {
        interchange: 17,
        group: 4,
        transaction: 9,
      });
      assert.equal(again.fileName, 'INV-1.edi');
      // The retry stores the same bytes under its own attempt; the content is kept once.
      await store.submissions.saveDocument(retry.id, again, minutes(1));
      assert.deepEqual([...((await store.submissions.document(retry.id))?.content ?? [])], [...bytes]);
      assert.equal(await store.submissions.latestDocument(v.id, 'ubl'), undefined);
      await assert.rejects(
        store.submissions.saveDocument(retry.id, again, minutes(2)),
        assertFault('STORE_FAILED'),
        'an attempt keeps the document it was given',
      );
    });

    test('acknowledgments are kept as received and can move the attempt in the same transaction; one that cannot move it is kept too', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const claimed = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: T0,
      });
      assert.ok(claimed);
      await store.submissions.transition(claimed.id, 'sent', {
        at: T0,
        source: 'sftp',
      });
      const raw = 'ISA*00*~GS*FA*~ST*997*0001~AK1*IN*4~AK9*A*1*1*1~SE*4*0001~GE*1*4~IEA*1*17~';
      await store.submissions.recordAcknowledgment(
        claimed.id,
        {
          kind: 'technical',
          status: 'A',
          source: '997',
          raw,
          receivedAt: minutes(2),
        },
        'delivered',
      );
      const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
      await store.submissions.recordAcknowledgment(
        claimed.id,
        {
          kind: 'business',
          status: 'rejected',
          code: 'PO-404',
          text: 'unknown purchase order',
          source: 'portal:rest',
          raw: bytes,
          receivedAt: minutes(30),
        },
        'rejected',
      );
      // A late answer that a final state cannot follow is still kept, as received, beside the state.
      await store.submissions.recordAcknowledgment(
        claimed.id,
        { kind: 'business', status: 'accepted', source: 'ack (by hand)', receivedAt: minutes(40) },
        'accepted',
      );
      const [history] = await store.submissions.history('INV-1');
      const attempt = history?.submissions[0];
      assert.ok(attempt);
      assert.equal(attempt.submission.state, 'rejected');
      assert.deepEqual(
        attempt.acknowledgments.map((ack) => [ack.kind, ack.status, ack.code ?? null, ack.source]),
        [
          ['technical', 'A', null, '997'],
          ['business', 'rejected', 'PO-404', 'portal:rest'],
          ['business', 'accepted', null, 'ack (by hand)'],
        ],
      );
      assert.equal(attempt.acknowledgments[0]?.raw, raw);
      assert.deepEqual([...((attempt.acknowledgments[1]?.raw ?? new Uint8Array()) as Uint8Array)], [...bytes]);
      assert.deepEqual(
        attempt.events.map((event) => [event.to, event.source, event.at.toISOString()]),
        [
          ['sending', 'submit', T0.toISOString()],
          ['sent', 'sftp', T0.toISOString()],
          ['delivered', '997', minutes(2).toISOString()],
          ['rejected', 'portal:rest', minutes(30).toISOString()],
          ['rejected', 'ack (by hand)', minutes(40).toISOString()],
        ],
      );
      assert.equal((attempt.events.at(-1)?.detail as { ignoredMoveTo?: string } | undefined)?.ignoredMoveTo, 'accepted');
    });

    test('a transient failure puts the attempt back to queued: the next claim takes it again, with its stored document', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const queued = await store.submissions.createSubmission(v.id, 'queued', { ...SEND, at: T0 });
      await store.submissions.saveDocument(
        queued.id,
        {
          fileName: 'INV-1.edi',
          mediaType: 'application/edi-x12',
          content: new Uint8Array([1, 2]),
          controlNumbers: { interchange: 7, group: 7, transaction: 1 },
        },
        T0,
      );
      const claimed = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: minutes(1),
      });
      assert.equal(claimed?.id, queued.id);
      await store.submissions.transition(queued.id, 'queued', {
        at: minutes(2),
        source: 'sftp',
        detail: { failure: 'transient' },
      });
      const again = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: minutes(3),
      });
      assert.equal(again?.id, queued.id);
      assert.deepEqual((await store.submissions.latestDocument(v.id, SEND.format))?.controlNumbers, {
        interchange: 7,
        group: 7,
        transaction: 1,
      });
      assert.deepEqual(
        (await store.submissions.events(queued.id)).map((event) => [event.from ?? null, event.to]),
        [
          [null, 'queued'],
          ['queued', 'sending'],
          ['sending', 'queued'],
          ['queued', 'sending'],
        ],
      );
    });

    test('claimWithDocument queues, stores the document and claims in one go; a queued attempt keeps the document it has; a blocked version is not claimed', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      const bytes = { fileName: 'INV-1.edi', mediaType: 'application/edi-x12', content: new Uint8Array([1, 2, 3]) };
      const claimed = await store.submissions.claimWithDocument(v.id, { ...SEND, at: T0 }, bytes);
      assert.equal(claimed?.submission.state, 'sending');
      assert.deepEqual([...(claimed?.document.content ?? [])], [1, 2, 3]);
      assert.deepEqual([...((await store.submissions.document(claimed?.submission.id ?? -1))?.content ?? [])], [1, 2, 3]);
      assert.deepEqual(
        (await store.submissions.events(claimed?.submission.id ?? -1)).map((event) => [event.from ?? null, event.to]),
        [
          [null, 'queued'],
          ['queued', 'sending'],
        ],
      );
      assert.equal(await store.submissions.claimWithDocument(v.id, { ...SEND, at: minutes(1) }, bytes), undefined, 'in flight');
      await store.submissions.transition(claimed?.submission.id ?? -1, 'queued', { at: minutes(2), source: 'sftp' });
      const again = await store.submissions.claimWithDocument(
        v.id,
        { ...SEND, at: minutes(3) },
        { ...bytes, content: new Uint8Array([9]) },
      );
      assert.equal(again?.submission.id, claimed?.submission.id, 'the same attempt');
      assert.deepEqual([...(again?.document.content ?? [])], [1, 2, 3], 'the bytes stored first');
      assert.equal((await store.submissions.history('INV-1', 'acme'))[0]?.submissions.length, 1);
    });

    test('transactions asked for together each stand or fall alone: a failing one leaves the others committed', async () => {
      const { store } = await openFresh();
      const [one, two] = [await version(store, 'INV-G1'), await version(store, 'INV-G2')];
      const settled = await Promise.allSettled([
        store.submissions.claimForSending(one.id, { ...SEND, at: T0 }),
        store.submissions.claimForSending(9_999, { ...SEND, at: T0 }),
        store.submissions.claimForSending(two.id, { ...SEND, at: T0 }),
        store.submissions.claimForSending(one.id, { ...SEND, at: T0 }),
      ]);
      assert.deepEqual(
        settled.map((outcome) => outcome.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      const claims = settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.versionId : 'failed'));
      assert.deepEqual(claims, [one.id, 'failed', two.id, undefined], 'the second claim of one version gets nothing');
      for (const number of ['INV-G1', 'INV-G2']) {
        const [history] = await store.submissions.history(number, 'acme');
        assert.deepEqual(
          history?.submissions.map((attempt) => attempt.submission.state),
          ['sending'],
          number,
        );
      }
    });

    test('recentInvoiceNumbers lists the invoice numbers last recorded first, each once', async () => {
      const { store } = await openFresh();
      await version(store, 'INV-1');
      await version(store, 'INV-2');
      await version(store, 'INV-1', '200.00');
      assert.deepEqual(await store.submissions.recentInvoiceNumbers(10), ['INV-1', 'INV-2']);
      assert.deepEqual(await store.submissions.recentInvoiceNumbers(1), ['INV-1']);
    });

    test("versionsWithOutcome lists one customer's versions with an attempt in the given states, newest `limit`, oldest first", async () => {
      const { store } = await openFresh();
      const answer = async (number: string, total: string, to: SubmissionState): Promise<InvoiceVersion> => {
        const recorded = await version(store, number, total);
        const claimed = await store.submissions.claimForSending(recorded.id, { ...SEND, at: T0 });
        assert.ok(claimed);
        await store.submissions.transition(claimed.id, 'sent', { at: minutes(1), source: 'sftp' });
        await store.submissions.recordAcknowledgment(
          claimed.id,
          { kind: 'business', status: to, code: to === 'rejected' ? 'R1' : undefined, source: 'x12-824', receivedAt: minutes(2) },
          to,
        );
        return recorded;
      };
      const first = await answer('INV-1', '100.00', 'rejected');
      await answer('INV-2', '100.00', 'accepted');
      const third = await answer('INV-1', '120.00', 'rejected');
      await version(store, 'INV-3');
      await store.submissions.recordVersion({ customer: 'other', invoiceNumber: 'INV-9', invoice: invoice('INV-9'), at: T0 });
      const rejected = await store.submissions.versionsWithOutcome('acme', ['rejected']);
      assert.deepEqual(
        rejected.map((entry) => entry.version.id),
        [first.id, third.id],
      );
      assert.equal(rejected[0]?.submissions[0]?.acknowledgments[0]?.code, 'R1');
      assert.equal(rejected[0]?.version.invoiceJson.includes('"INV-1"'), true);
      assert.deepEqual(
        (await store.submissions.versionsWithOutcome('acme', ['rejected'], 1)).map((entry) => entry.version.id),
        [third.id],
      );
      assert.deepEqual(
        (await store.submissions.versionsWithOutcome('acme', ['accepted', 'accepted-with-warnings'])).map(
          (entry) => entry.version.invoiceNumber,
        ),
        ['INV-2'],
      );
      assert.deepEqual(await store.submissions.versionsWithOutcome('other', ['rejected']), []);
    });

    test('supersedingNumbers names the numbers whose versions supersede an invoice of the customer, each once', async () => {
      const { store } = await openFresh();
      const record = (customer: string, number: string, supersedes: string, total = '1.00') =>
        store.submissions.recordVersion({ customer, invoiceNumber: number, invoice: invoice(number, total), supersedes, at: T0 });
      await record('acme', 'INV-1B', 'INV-1');
      await record('acme', 'INV-1A', 'INV-1');
      await record('acme', 'INV-1A', 'INV-1', '2.00');
      await record('other', 'INV-1C', 'INV-1');
      assert.deepEqual(await store.submissions.supersedingNumbers('acme', 'INV-1'), ['INV-1A', 'INV-1B']);
      assert.deepEqual(await store.submissions.supersedingNumbers('acme', 'INV-2'), []);
    });

    test("recovery moves attempts a crashed run left in sending to unknown, with an event, and leaves a live run's alone", async () => {
      const { store } = await openFresh();
      const crashed = await store.submissions.claimForSending((await version(store, 'INV-1')).id, { ...SEND, at: T0 });
      const live = await store.submissions.claimForSending((await version(store, 'INV-2')).id, { ...SEND, at: minutes(30) });
      const finished = await store.submissions.claimForSending((await version(store, 'INV-3')).id, { ...SEND, at: T0 });
      assert.ok(crashed && live && finished);
      await store.submissions.transition(finished.id, 'sent', {
        at: minutes(1),
        source: 'sftp',
      });
      const moved = await store.submissions.recoverInterrupted(minutes(10), {
        at: minutes(31),
        source: 'recovery',
        detail: { reason: 'left in sending by an earlier run' },
      });
      assert.deepEqual(
        moved.map((submission) => [submission.id, submission.state]),
        [[crashed.id, 'unknown']],
      );
      assert.equal((await store.submissions.submission(live.id))?.state, 'sending');
      const [history] = await store.submissions.history('INV-1');
      assert.deepEqual(
        history?.submissions[0]?.events.map((event) => [event.from ?? null, event.to, event.source]),
        [
          [null, 'sending', 'submit'],
          ['sending', 'unknown', 'recovery'],
        ],
      );
      assert.deepEqual(
        await store.submissions.recoverInterrupted(minutes(10), {
          at: minutes(32),
          source: 'recovery',
        }),
        [],
      );
      assert.equal(
        await store.submissions.claimForSending(history?.version.id ?? -1, {
          ...SEND,
          at: minutes(33),
        }),
        undefined,
        'unknown is never resent blindly',
      );
    });

    test('nothing is updated in place or deleted: the tables only grow, events are in order', async () => {
      const { store } = await openFresh();
      const v = await version(store);
      await store.submissions.recordVersion({
        customer: 'acme',
        invoiceNumber: 'INV-1',
        invoice: invoice('INV-1'),
        at: minutes(9),
        receivedText: 'changed text',
      });
      assert.notEqual((await store.submissions.version(v.id))?.invoiceJson, 'changed text', 'the first received text stays');
      const claimed = await store.submissions.claimForSending(v.id, {
        ...SEND,
        at: T0,
      });
      assert.ok(claimed);
      await store.submissions.transition(claimed.id, 'sent', {
        at: minutes(1),
        source: 'sftp',
      });
      assert.deepEqual(
        (await store.submissions.events(claimed.id)).map((event) => event.id).sort((a, b) => a - b),
        (await store.submissions.events(claimed.id)).map((event) => event.id),
      );
      assert.equal((await store.submissions.history('nope')).length, 0);
      await assert.rejects(
        store.submissions.claimForSending(9_999, { ...SEND, at: T0 }),
        assertFault('INTERNAL', /no invoice version 9999/),
      );
      await assert.rejects(
        store.submissions.recordVersion({
          customer: ' ',
          invoiceNumber: 'X',
          invoice: {},
          at: T0,
        }),
        assertFault('INTERNAL', /customer/),
      );
      await assert.rejects(
        store.submissions.recordVersion({
          customer: 'acme',
          invoiceNumber: 'X',
          invoice: { total: Number.NaN },
          at: T0,
        }),
        assertFault('INTERNAL', /JSON cannot carry/),
      );
    });

    test('parallel claims of the same versions from one store: each version claimed once', async () => {
      const { store } = await openFresh();
      const versions = await Promise.all(Array.from({ length: 20 }, (_, index) => version(store, `INV-${index}`)));
      const results = await Promise.all(
        versions.flatMap((v) => [0, 1, 2].map(() => store.submissions.claimForSending(v.id, { ...SEND, at: T0 }))),
      );
      assert.equal(results.filter((result) => result !== undefined).length, 20);
    });

    if (harness.storesPerProcess > 1) {
      test('two stores (two connection pools) claiming the same 40 versions at once: exactly one wins each', async () => {
        const { store, target } = await openFresh();
        const versions = [];
        for (let index = 0; index < 40; index += 1) versions.push(await version(store, `INV-${index}`));
        const second = await openStore(target.url, target.options);
        stores.keep(second);
        const claims = versions.flatMap((v) =>
          [store, second].map((one) =>
            one.submissions.claimForSending(v.id, { ...SEND, at: T0 }).then((result) => (result === undefined ? undefined : v.id)),
          ),
        );
        const won = (await Promise.all(claims)).filter((id) => id !== undefined);
        assert.deepEqual(
          [...won].sort((a, b) => a - b),
          versions.map((v) => v.id),
        );
        for (const v of versions) {
          const [history] = await store.submissions.history(v.invoiceNumber);
          assert.equal(history?.submissions.length, 1, v.invoiceNumber);
        }
      });
    }

    test('two worker processes claiming the same 60 versions at once: every version claimed exactly once', async (t) => {
      const { store, target } = await openFresh();
      const versions = [];
      for (let index = 0; index < 60; index += 1) versions.push(await version(store, `INV-${index}`));
      const versionIds = versions.map((v) => v.id);
      const startAt = Date.now() + 2_500;
      const worker = (ids: readonly number[]) =>
        run(
          process.execPath,
          [
            '--import',
            'tsx',
            WORKER,
            JSON.stringify({
              url: target.url,
              options: target.options,
              versionIds: ids,
              startAt,
            }),
          ],
          { cwd: PROJECT_ROOT, timeout: 60_000 },
        );
      // Both walk the versions in the same order, so they race for each one.
      const outputs = await Promise.all([worker(versionIds), worker(versionIds)]);
      const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { pid: number; won: number[] });
      const all = results.flatMap((result) => result.won).sort((a, b) => a - b);
      assert.deepEqual(all, versionIds);
      for (const v of versions) {
        const [history] = await store.submissions.history(v.invoiceNumber);
        assert.equal(history?.submissions.length, 1, v.invoiceNumber);
        assert.equal(history?.submissions[0]?.events.length, 1);
      }
      t.diagnostic(`won: ${results.map((result) => result.won.length).join(' and ')}`);
    });
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { correctionVerdict } from '../../src/pipeline/correction-check.js';
import type { SubmissionState, VersionHistory } from '../../src/store/index.js';

/** correctionVerdict over histories written out by hand: which invoices correct a rejection. */

let nextSubmission = 1;

function version(id: number, invoiceNumber: string, contentHash: string, ...states: SubmissionState[]): VersionHistory {
  return {
    version: {
      id,
      customer: 'larkspur-health',
      invoiceNumber,
      contentHash,
      idempotencyKey: `key-${id}`,
      invoiceJson: '{}',
      supersedes: undefined,
      firstSeenAt: new Date('2026-11-01T00:00:00Z'),
    },
    submissions: states.map((state) => ({
      submission: {
        id: nextSubmission++,
        versionId: id,
        channel: 'portal',
        format: 'cxml',
        state,
        createdAt: new Date('2026-11-01T00:00:00Z'),
      },
      events: [],
      acknowledgments: [],
      document: undefined,
    })),
  };
}

const candidate = (contentHash: string, supersedes?: string, invoiceNumber = 'INV-1') => ({
  customer: 'larkspur-health',
  invoiceNumber,
  contentHash,
  ...(supersedes !== undefined ? { supersedes } : {}),
});

describe('correctionVerdict', () => {
  test('new content under the number of a rejected version is a new version that corrects it', () => {
    const verdict = correctionVerdict(candidate('b'), [version(1, 'INV-1', 'a', 'rejected')], []);
    assert.deepEqual(verdict, { ok: true, kind: 'new-version', corrects: { invoiceNumber: 'INV-1', versionId: 1 } });
  });

  test('where the customer treats a rejected number as used for good, new content under it is refused; a new number that supersedes it corrects it', () => {
    const rejected = [version(1, 'INV-1', 'a', 'rejected')];
    const same = correctionVerdict({ ...candidate('b'), newNumberRequired: true }, rejected, []);
    assert.equal(same.ok, false);
    assert.match(same.ok ? '' : same.reason, /new number and "supersedes": "INV-1"/);
    const renumbered = correctionVerdict({ ...candidate('b', 'INV-1', 'INV-1R'), newNumberRequired: true }, [], rejected);
    assert.deepEqual(renumbered, { ok: true, kind: 'new-number', corrects: { invoiceNumber: 'INV-1', versionId: 1 } });
  });

  test('a correction held by validation does not stand in the way of the next one', () => {
    const verdict = correctionVerdict(candidate('c'), [version(1, 'INV-1', 'a', 'rejected'), version(2, 'INV-1', 'b', 'held')], []);
    assert.equal(verdict.ok, true);
  });

  test('running the same correction again (already sent) is still a correction: submit then says unchanged', () => {
    const verdict = correctionVerdict(candidate('b'), [version(1, 'INV-1', 'a', 'rejected'), version(2, 'INV-1', 'b', 'sent')], []);
    assert.deepEqual(verdict, { ok: true, kind: 'new-version', corrects: { invoiceNumber: 'INV-1', versionId: 1 } });
  });

  test('the very content that was rejected is refused', () => {
    const verdict = correctionVerdict(candidate('a'), [version(1, 'INV-1', 'a', 'rejected')], []);
    assert.equal(verdict.ok, false);
    assert.match(verdict.ok ? '' : verdict.reason, /same content as version 1 of INV-1, which was rejected/);
  });

  test('an invoice never sent, one still waiting for an answer, and an accepted one are refused, each saying why', () => {
    const never = correctionVerdict(candidate('a'), [], []);
    assert.match(never.ok ? '' : never.reason, /was never sent, so never rejected: send it with firstpass submit/);
    const pending = correctionVerdict(candidate('b'), [version(1, 'INV-1', 'a', 'delivered')], []);
    assert.match(pending.ok ? '' : pending.reason, /is still delivered \(version 1\), not rejected: wait/);
    const accepted = correctionVerdict(candidate('b'), [version(1, 'INV-1', 'a', 'rejected'), version(2, 'INV-1', 'c', 'accepted')], []);
    assert.match(accepted.ok ? '' : accepted.reason, /was accepted \(version 2\): there is no rejection to correct/);
    const onlyHeld = correctionVerdict(candidate('b'), [version(1, 'INV-1', 'a', 'held')], []);
    assert.equal(onlyHeld.ok, false);
  });

  test('a new number that supersedes a rejected invoice corrects it', () => {
    const verdict = correctionVerdict(candidate('x', 'INV-1', 'INV-1A'), [], [version(1, 'INV-1', 'a', 'rejected')]);
    assert.deepEqual(verdict, { ok: true, kind: 'new-number', corrects: { invoiceNumber: 'INV-1', versionId: 1 } });
  });

  test('supersedes naming an unknown or an accepted invoice, or a new number already used, is refused', () => {
    const unknown = correctionVerdict(candidate('x', 'INV-9', 'INV-1A'), [], []);
    assert.match(unknown.ok ? '' : unknown.reason, /supersedes INV-9, which is no invoice of customer larkspur-health/);
    const accepted = correctionVerdict(candidate('x', 'INV-1', 'INV-1A'), [], [version(1, 'INV-1', 'a', 'accepted')]);
    assert.match(accepted.ok ? '' : accepted.reason, /supersedes INV-1 was accepted/);
    const used = correctionVerdict(
      candidate('x', 'INV-1', 'INV-1A'),
      [version(5, 'INV-1A', 'y', 'sent')],
      [version(1, 'INV-1', 'a', 'rejected')],
    );
    assert.match(used.ok ? '' : used.reason, /under number INV-1A, which was already sent/);
  });

  test('a rejected invoice already corrected under another number that is live is not corrected again: it would bill twice', () => {
    const rejected = [version(1, 'INV-1', 'a', 'rejected')];
    const live = [{ ...version(7, 'INV-1A', 'z', 'delivered'), version: { ...version(7, 'INV-1A', 'z').version, supersedes: 'INV-1' } }];
    const again = correctionVerdict(candidate('x', 'INV-1', 'INV-1B'), [], rejected, live);
    assert.match(
      again.ok ? '' : again.reason,
      /would correct INV-1, which is already corrected by invoice INV-1A \(delivered\): a second correction would bill twice/,
    );
    const sameNumber = correctionVerdict(candidate('b'), rejected, [], live);
    assert.equal(sameNumber.ok, false);
    const rejectedCorrection = [version(8, 'INV-1A', 'z', 'rejected')];
    assert.equal(correctionVerdict(candidate('x', 'INV-1', 'INV-1B'), [], rejected, rejectedCorrection).ok, true);
  });

  test('one live number of the chain is enough to refuse, whichever other number was answered last', () => {
    const rejected = [version(1, 'INV-1', 'a', 'rejected')];
    // INV-1A accepted first, then INV-1C (another branch of the chain) rejected later.
    const chain = [version(9, 'INV-1A', 'z', 'accepted'), version(10, 'INV-1C', 'w', 'rejected')];
    const verdict = correctionVerdict(candidate('x', 'INV-1', 'INV-1B'), [], rejected, chain);
    assert.match(verdict.ok ? '' : verdict.reason, /already corrected by invoice INV-1A \(accepted\)/);
  });
});

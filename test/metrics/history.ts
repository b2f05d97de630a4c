/**
 * A hand-built history of eleven invoices (chains), written through the store's repository API
 * with an explicit clock on every call. The right answers are worked out by hand in
 * report-suite.ts. Times are UTC.
 *
 * | chain | customer | channel | first sent (UTC) | story | hours to acceptance |
 * | A-1 | acme | sftp | 01-05 10:00 | accepted with warnings 01-06 08:00 (generatedAt 01-05 08:00) | 24 |
 * | A-2 | acme | sftp | 01-10 09:00 | accepted 01-10 21:00 (no generatedAt: first seen 01-10 09:00) | 12 |
 * | A-3 | acme | sftp | 01-12 06:00 | rejected 01-13 (PO_MISMATCH, hostile text); new content same number sent 01-14, accepted 01-15 00:00 (generatedAt of v1 01-12 00:00) | 72 |
 * | G-10 (+G-11) | globex | portal | 01-20 12:00 | rejected at send (DUPLICATE); G-11 supersedes G-10, sent 01-22, accepted 01-23 12:00 (G-10 generatedAt 01-20 00:00) | 84 |
 * | A-5 | acme | none | held 01-25 | po-required (error), line-description-length (warning); never sent | – |
 * | G-12 | globex | portal | 01-27 00:00 | held 01-26 00:00 by contract-price; corrected, accepted 01-28 00:00 (v1 first seen 01-26 00:00) | 48 |
 * | A-6 | acme | sftp | 01-28 10:00 | unknown | – |
 * | G-13 | globex | portal | 01-29 00:00 | still sent at the report's clock 02-03 00:00; globex deadline 48 h: overdue | – |
 * | B-1 | acme | sftp | 01-31 23:30 | accepted 02-01 11:30 (UTC: January; Berlin: 1 February) | 12 |
 * | B-2 | acme | sftp | 02-01 03:00 | accepted 02-01 09:00 (UTC: February; New York: 31 January) | 6 |
 * | A-7 | acme | sftp | 02-02 12:00 | still sent at 02-03 00:00; acme deadline 24 h: 12 h, not overdue | – |
 */
import type { Store, SubmissionState } from '../../src/store/index.js';

export const REPORT_NOW = new Date('2026-02-03T00:00:00.000Z');
export const DEADLINES: ReadonlyMap<string, number> = new Map([
  ['acme', 24],
  ['globex', 48],
]);
export const HOSTILE_TEXT = '<script>document.title="pwned"</script><img src=x onerror=alert(1)> PO not found & "quoted"';

const at = (text: string): Date => new Date(`2026-${text}:00.000Z`);
const CHANNEL: Record<string, string> = { acme: 'sftp', globex: 'portal' };

function invoiceOf(customer: string, number: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { invoiceNumber: number, customerId: customer, issueDate: '2026-01-01', currency: 'USD', lines: [{ quantity: '1' }], ...extra };
}

export async function buildHistory(store: Store): Promise<void> {
  const s = store.submissions;
  async function version(customer: string, number: string, seen: string, extra: Record<string, unknown> = {}, supersedes?: string) {
    const { version: recorded } = await s.recordVersion({
      customer,
      invoiceNumber: number,
      invoice: invoiceOf(customer, number, extra),
      ...(supersedes !== undefined ? { supersedes } : {}),
      at: at(seen),
    });
    return recorded.id;
  }
  async function send(versionId: number, customer: string, when: string): Promise<number> {
    const channel = CHANNEL[customer] ?? 'sftp';
    const claimed = await s.claimForSending(versionId, { channel, format: 'ubl', source: 'submit', at: at(when) });
    if (claimed === undefined) throw new Error(`version ${versionId} could not be claimed`);
    await s.transition(claimed.id, 'sent', { at: at(when), source: channel });
    return claimed.id;
  }
  async function answer(submissionId: number, state: SubmissionState, when: string, code?: string, text?: string) {
    await s.recordAcknowledgment(
      submissionId,
      { kind: 'business', status: state, source: 'by hand', receivedAt: at(when), ...(code ? { code } : {}), ...(text ? { text } : {}) },
      state,
    );
  }

  // accepted with warnings; generatedAt 01-05 08:00 → accepted 01-06 08:00 = 24 h.
  const a1 = await send(await version('acme', 'A-1', '01-05T09:00', { generatedAt: '2026-01-05T09:00:00+01:00' }), 'acme', '01-05T10:00');
  await s.recordAcknowledgment(a1, { kind: 'technical', status: 'accepted', source: '997', receivedAt: at('01-05T11:00') }, 'delivered');
  await answer(a1, 'accepted-with-warnings', '01-06T08:00');
  // no generatedAt; first seen 01-10 09:00 → accepted 01-10 21:00 = 12 h.
  await answer(await send(await version('acme', 'A-2', '01-10T09:00'), 'acme', '01-10T09:00'), 'accepted', '01-10T21:00');
  // rejected, then new content under the same number, accepted.
  const a3 = await send(await version('acme', 'A-3', '01-12T05:00', { generatedAt: '2026-01-12T00:00:00Z' }), 'acme', '01-12T06:00');
  await answer(a3, 'rejected', '01-13T00:00', 'PO_MISMATCH', HOSTILE_TEXT);
  const a3b = await send(
    await version('acme', 'A-3', '01-13T12:00', { generatedAt: '2026-01-13T12:00:00Z', poNumber: 'PO-9' }),
    'acme',
    '01-14T00:00',
  );
  await answer(a3b, 'accepted', '01-15T00:00');
  // G-10 rejected when sent (the portal answered at once); G-11 supersedes it and is accepted.
  const g10 = await s.claimForSending(await version('globex', 'G-10', '01-20T11:00', { generatedAt: '2026-01-20T00:00:00Z' }), {
    channel: 'portal',
    format: 'cxml',
    source: 'submit',
    at: at('01-20T12:00'),
  });
  if (g10 === undefined) throw new Error('G-10 not claimed');
  await s.transition(g10.id, 'rejected', {
    at: at('01-20T12:00'),
    source: 'portal',
    detail: { code: 'DUPLICATE', text: 'Duplicate invoice' },
  });
  const g11 = await send(await version('globex', 'G-11', '01-22T00:00', { supersedes: 'G-10' }, 'G-10'), 'globex', '01-22T00:00');
  await answer(g11, 'accepted', '01-23T12:00');
  // held, never sent.
  await s.createSubmission(await version('acme', 'A-5', '01-25T00:00'), 'held', {
    channel: 'none',
    format: 'ubl',
    source: 'submit',
    at: at('01-25T00:00'),
    detail: {
      reason: 'validation',
      findings: [
        { rule: 'po-required', severity: 'error', message: 'no PO', path: '/poNumber' },
        { rule: 'line-description-length', severity: 'warning', message: 'short', path: '/lines/0/description' },
      ],
    },
  });
  // G-12: held by contract-price, corrected, accepted first time it went out.
  await s.createSubmission(await version('globex', 'G-12', '01-26T00:00'), 'held', {
    channel: 'none',
    format: 'cxml',
    source: 'submit',
    at: at('01-26T00:00'),
    detail: {
      reason: 'validation',
      findings: [{ rule: 'contract-price', severity: 'error', message: 'price', path: '/lines/0/unitPrice' }],
    },
  });
  await answer(
    await send(await version('globex', 'G-12', '01-27T00:00', { note: 'price fixed' }), 'globex', '01-27T00:00'),
    'accepted',
    '01-28T00:00',
  );
  // the send's outcome cannot be known.
  const a6 = await s.claimForSending(await version('acme', 'A-6', '01-28T10:00'), {
    channel: 'sftp',
    format: 'ubl',
    source: 'submit',
    at: at('01-28T10:00'),
  });
  if (a6 === undefined) throw new Error('A-6 not claimed');
  await s.transition(a6.id, 'unknown', { at: at('01-28T10:00'), source: 'sftp', detail: { failure: 'connection reset' } });
  // G-13: sent 01-29 00:00, no answer by 02-03 00:00 (120 h > 48 h): overdue.
  await send(await version('globex', 'G-13', '01-29T00:00'), 'globex', '01-29T00:00');
  // B-1 and B-2: either side of midnight UTC between January and February.
  await answer(await send(await version('acme', 'B-1', '01-31T23:30'), 'acme', '01-31T23:30'), 'accepted', '02-01T11:30');
  await answer(await send(await version('acme', 'B-2', '02-01T03:00'), 'acme', '02-01T03:00'), 'accepted', '02-01T09:00');
  // sent 02-02 12:00, 12 h before the clock, acme allows 24 h: pending, not overdue.
  await send(await version('acme', 'A-7', '02-02T12:00'), 'acme', '02-02T12:00');
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith, purchaseOrder } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'issue-date-valid';
const on = profileWith({ [RULE]: true });
const within90Days = profileWith({ [RULE]: { maxAgeDays: 90 } });
const today = '2026-11-20';

test('an invoice issued before today, after its PO, passes', async () => {
  assert.deepEqual(await check(within90Days, invoiceWith(), { today, po: purchaseOrder() }), []);
});

test('an invoice issued today passes', async () => {
  assert.deepEqual(await check(within90Days, invoiceWith({ issueDate: today }), { today, po: purchaseOrder() }), []);
});

test('an invoice dated tomorrow is rejected as dated in the future', async () => {
  const finding = onlyFinding(await check(within90Days, invoiceWith({ issueDate: '2026-11-21' }), { today, po: purchaseOrder() }), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/issueDate');
  assert.equal(finding.message, 'Issue date 2026-11-21 is after today (2026-11-20): invoices cannot be dated in the future.');
});

test('today comes from the caller (--today), not the clock', async () => {
  assert.deepEqual(await check(on, invoiceWith({ issueDate: '2030-01-01' }), { today: '2030-01-01' }), []);
  onlyFinding(await check(on, invoiceWith({ issueDate: '2030-01-01' }), { today: '2029-12-31' }), RULE);
});

test('a future date without maxAgeDays or PO only says it is in the future', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ issueDate: '2026-11-21' }), { today }), RULE);
  assert.equal(finding.message, 'Issue date 2026-11-21 is after today (2026-11-20): invoices cannot be dated in the future.');
});

test('an invoice older than maxAgeDays is rejected, stating the earliest date accepted', async () => {
  const finding = onlyFinding(
    await check(within90Days, invoiceWith({ issueDate: '2026-08-21' }), { today, po: purchaseOrder({ issueDate: '2026-08-01' }) }),
    RULE,
  );
  assert.equal(finding.path, '/issueDate');
  assert.equal(finding.message, 'Issue date 2026-08-21 is older than 90 days: Acme Corp accepts nothing issued before 2026-08-22.');
});

test('a too old invoice checked without POs loaded only says it is too old', async () => {
  const finding = onlyFinding(await check(within90Days, invoiceWith({ issueDate: '2026-08-21' }), { today }), RULE);
  assert.equal(finding.message, 'Issue date 2026-08-21 is older than 90 days: Acme Corp accepts nothing issued before 2026-08-22.');
});

test('an invoice exactly maxAgeDays old passes', async () => {
  assert.deepEqual(
    await check(within90Days, invoiceWith({ issueDate: '2026-08-22' }), { today, po: purchaseOrder({ issueDate: '2026-08-01' }) }),
    [],
  );
});

test('maxAgeDays counts across a year end and a leap day', async () => {
  const profile = profileWith({ [RULE]: { maxAgeDays: 365 } });
  // 2028 is a leap year: 365 days before 2028-03-01 is 2027-03-02
  assert.deepEqual(
    await check(profile, invoiceWith({ issueDate: '2027-03-02' }), { today: '2028-03-01', po: purchaseOrder({ issueDate: '2027-01-01' }) }),
    [],
  );
  const finding = onlyFinding(
    await check(profile, invoiceWith({ issueDate: '2027-03-01' }), { today: '2028-03-01', po: purchaseOrder({ issueDate: '2027-01-01' }) }),
    RULE,
  );
  assert.match(finding.message, /accepts nothing issued before 2027-03-02/);
});

test('without maxAgeDays an old invoice is not rejected for its age', async () => {
  assert.deepEqual(await check(on, invoiceWith({ issueDate: '2020-01-01' }), { today }), []);
});

test('an invoice dated before its PO is rejected, naming the PO and its date', async () => {
  const finding = onlyFinding(
    await check(within90Days, invoiceWith({ issueDate: '2026-09-30' }), { today, po: purchaseOrder({ issueDate: '2026-10-01' }) }),
    RULE,
  );
  assert.equal(finding.path, '/issueDate');
  assert.equal(finding.message, 'Issue date 2026-09-30 is before the date of PO PO-10001 (2026-10-01).');
});

test('an invoice dated the same day as its PO passes', async () => {
  assert.deepEqual(
    await check(within90Days, invoiceWith({ issueDate: '2026-10-01' }), { today, po: purchaseOrder({ issueDate: '2026-10-01' }) }),
    [],
  );
});

test('a PO without a date does not constrain the issue date', async () => {
  assert.deepEqual(await check(within90Days, invoiceWith(), { today, po: omit(purchaseOrder(), 'issueDate') }), []);
});

test('an invoice that is both too old and before its PO states both reasons', async () => {
  const finding = onlyFinding(
    await check(within90Days, invoiceWith({ issueDate: '2026-08-01' }), { today, po: purchaseOrder({ issueDate: '2026-08-15' }) }),
    RULE,
  );
  assert.equal(
    finding.message,
    'Issue date 2026-08-01 is older than 90 days: Acme Corp accepts nothing issued before 2026-08-22; is before the date of PO PO-10001 (2026-08-15).',
  );
});

test('the profile can lower an implausible issue date to a warning', async () => {
  const profile = profileWith({ [RULE]: { severity: 'warning', maxAgeDays: 30 } });
  const finding = onlyFinding(await check(profile, invoiceWith({ issueDate: '2026-10-01' }), { today, po: purchaseOrder() }), RULE);
  assert.equal(finding.severity, 'warning');
});

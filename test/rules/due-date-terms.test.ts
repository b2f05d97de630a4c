import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'due-date-terms';
const on = profileWith({ [RULE]: true });

test("a due date that follows the invoice's NET30 terms passes", async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a due date that does not follow the terms is rejected, stating the expected date', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ dueDate: '2026-12-09' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/dueDate');
  assert.equal(
    finding.message,
    'Due date "2026-12-09" does not follow the payment terms: the terms NET30 from issue date 2026-11-10 give 2026-12-10.',
  );
});

test('terms count calendar days across month and year ends', async () => {
  assert.deepEqual(await check(on, invoiceWith({ issueDate: '2026-12-15', dueDate: '2027-02-13', paymentTerms: 'NET60' })), []);
  assert.deepEqual(
    await check(on, invoiceWith({ issueDate: '2028-02-15', dueDate: '2028-03-16', paymentTerms: 'NET30' })),
    [],
    '2028 is a leap year',
  );
});

test('NET0 means due on the issue date', async () => {
  assert.deepEqual(await check(on, invoiceWith({ dueDate: '2026-11-10', paymentTerms: 'NET0' })), []);
});

test('terms written "Net 45" are understood', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ paymentTerms: 'Net 45' })), RULE);
  assert.match(finding.message, /the terms Net 45 from issue date 2026-11-10 give 2026-12-25/);
});

test("an invoice without terms is checked against the contract's payment terms", async () => {
  const profile = profileWith({ [RULE]: true }, { contract: { paymentTerms: 'NET45' } });
  assert.deepEqual(await check(profile, omit(invoiceWith({ dueDate: '2026-12-25' }), 'paymentTerms')), []);
  const finding = onlyFinding(await check(profile, omit(invoiceWith({ dueDate: '2026-12-10' }), 'paymentTerms')), RULE);
  assert.match(finding.message, /the terms NET45 from issue date 2026-11-10 give 2026-12-25/);
});

test("the contract's terms take precedence over terms the invoice states", async () => {
  const profile = profileWith({ [RULE]: true }, { contract: { paymentTerms: 'NET45' } });
  const findings = await check(profile, invoiceWith({ paymentTerms: 'NET30', dueDate: '2026-12-10' }));
  assert.deepEqual(
    findings.map((finding) => [finding.rule, finding.path]),
    [[RULE, '/dueDate']],
  );
  assert.match(findings[0]?.message ?? '', /the terms NET45 from issue date 2026-11-10 give 2026-12-25/);
});

test('a credit note has no due date to check', async () => {
  assert.deepEqual(await check(on, omit(invoiceWith({ documentType: 'credit-note', billingReference: 'INV-0999' }), 'dueDate')), []);
});

test('without terms on the invoice or in the contract there is nothing to check', async () => {
  assert.deepEqual(await check(on, omit(invoiceWith({ dueDate: '2027-01-01' }), 'paymentTerms')), []);
});

test('terms that are not NETn (e.g. end of month) are not checked', async () => {
  assert.deepEqual(await check(on, invoiceWith({ paymentTerms: 'EOM', dueDate: '2026-11-30' })), []);
});

test('a missing due date is rejected when the terms give one', async () => {
  const finding = onlyFinding(await check(on, omit(invoiceWith(), 'dueDate')), RULE);
  assert.equal(finding.path, '/dueDate');
  assert.match(finding.message, /give 2026-12-10/);
});

test('the message for a missing due date says it is missing', async () => {
  const finding = onlyFinding(await check(on, omit(invoiceWith(), 'dueDate')), RULE);
  assert.doesNotMatch(finding.message, /\(none\)/);
  assert.match(finding.message, /missing|no due date/i);
});

test('the profile can lower a due date mismatch to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith({ dueDate: '2026-12-31' })), RULE);
  assert.equal(finding.severity, 'warning');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_HISTORY, type InvoiceHistory } from '../../src/rules/index.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding } from './support.js';

const RULE = 'duplicate-invoice-number';
const on = profileWith({ [RULE]: true });

/** A history in which acme's INV-1001 was already submitted. */
const submitted: InvoiceHistory = {
  ...EMPTY_HISTORY,
  duplicateOf: (customerId, invoiceNumber) =>
    customerId === 'acme' && invoiceNumber === 'INV-1001' ? 'submitted on 2026-11-12, submission 41' : undefined,
};

test('a new invoice number passes', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a number already submitted for the customer is rejected, saying where it was used', async () => {
  const finding = onlyFinding(await check(on, invoiceWith(), { history: submitted }), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/invoiceNumber');
  assert.equal(
    finding.message,
    'Invoice number INV-1001 was already used for acme (submitted on 2026-11-12, submission 41): Acme Corp rejects a reused number.',
  );
});

test('a number used twice in one batch is rejected the second time', async () => {
  const seen = new Set<string>();
  const batch: InvoiceHistory = {
    ...EMPTY_HISTORY,
    duplicateOf: (customerId, invoiceNumber) => (seen.has(`${customerId}/${invoiceNumber}`) ? 'earlier in this batch' : undefined),
  };
  assert.deepEqual(await check(on, invoiceWith(), { history: batch }), []);
  seen.add('acme/INV-1001');
  const finding = onlyFinding(await check(on, invoiceWith(), { history: batch }), RULE);
  assert.match(finding.message, /\(earlier in this batch\)/);
});

test('another invoice number of the same customer passes', async () => {
  assert.deepEqual(await check(on, invoiceWith({ invoiceNumber: 'INV-1002' }), { history: submitted }), []);
});

test('the same number for another customer passes', async () => {
  assert.deepEqual(await check(on, invoiceWith({ customerId: 'globex' }), { history: submitted }), []);
});

test('the profile can lower a reused number to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith(), { history: submitted }), RULE);
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off a reused number passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith(), { history: submitted }), []);
});

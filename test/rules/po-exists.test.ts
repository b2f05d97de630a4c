import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith, purchaseOrder } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'po-exists';

test('an invoice against a known, open PO passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), invoiceWith(), { po: purchaseOrder() }), []);
});

test("a PO number the customer's POs do not hold is rejected, with a hint to load the POs", async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: true }), invoiceWith({ poNumber: 'PO-99999' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/poNumber');
  assert.equal(
    finding.message,
    "PO PO-99999 is not a purchase order known for customer acme (check the number, or load the customer's POs with --pos).",
  );
});

test('an invoice against a closed PO is rejected', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: true }), invoiceWith(), { po: purchaseOrder({ status: 'closed' }) }), RULE);
  assert.equal(finding.path, '/poNumber');
  assert.equal(finding.message, 'PO PO-10001 is closed: Acme Corp accepts no invoices against a closed PO.');
});

test('an invoice without a PO number is left to po-required', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), omit(invoiceWith(), 'poNumber')), []);
});

test('an invoice with a blank PO number is left to po-required', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), invoiceWith({ poNumber: ' ' })), []);
});

test('the profile can lower an unknown PO to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith()), RULE);
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off an unknown PO passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith()), []);
});

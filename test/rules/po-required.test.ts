import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'po-required';

test('an invoice quoting its PO number passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), invoiceWith()), []);
});

test('an invoice without a PO number is rejected at /poNumber', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: true }), omit(invoiceWith(), 'poNumber')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/poNumber');
  assert.equal(finding.message, 'The invoice quotes no purchase order number: Acme Corp rejects invoices without its PO number.');
});

test('an empty PO number counts as missing', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: true }), invoiceWith({ poNumber: '' })), RULE);
  assert.equal(finding.path, '/poNumber');
});

test('a PO number of only spaces counts as missing', async () => {
  onlyFinding(await check(profileWith({ [RULE]: true }), invoiceWith({ poNumber: '   ' })), RULE);
});

test('the profile can lower a missing PO number to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), omit(invoiceWith(), 'poNumber')), RULE);
  assert.equal(finding.severity, 'warning');
});

test('a profile that does not name the rule does not require a PO number', async () => {
  assert.deepEqual(await check(profileWith({}), omit(invoiceWith(), 'poNumber')), []);
});

test('a profile that switches the rule off with false does not require a PO number', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), omit(invoiceWith(), 'poNumber')), []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding } from './support.js';

const RULE = 'credit-note-reference';
const on = profileWith({ [RULE]: true });

test('a credit note naming the invoice it credits passes', async () => {
  assert.deepEqual(await check(on, invoiceWith({ documentType: 'credit-note', invoiceNumber: 'CN-17', billingReference: 'INV-1001' })), []);
});

test('a credit note without billingReference is rejected, saying what to set', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ documentType: 'credit-note', invoiceNumber: 'CN-17' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/billingReference');
  assert.equal(
    finding.message,
    'Credit note CN-17 does not name the invoice it credits: set billingReference to the original invoice number.',
  );
});

test('a credit note with a blank billingReference is rejected', async () => {
  onlyFinding(await check(on, invoiceWith({ documentType: 'credit-note', billingReference: '  ' })), RULE);
});

test('an invoice needs no billingReference', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
  assert.deepEqual(await check(on, invoiceWith({ documentType: 'invoice' })), []);
});

test('the profile can lower a missing credit note reference to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith({ documentType: 'credit-note' })),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off a credit note without reference passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith({ documentType: 'credit-note' })), []);
});

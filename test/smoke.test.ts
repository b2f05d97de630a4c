import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith, purchaseOrder } from './support/check.js';

test('a clean invoice passes every rule the profile switches on', async () => {
  const findings = await check(
    profileWith({
      'po-required': true,
      'line-amount-arithmetic': true,
      'tax-total-arithmetic': true,
      'invoice-total-arithmetic': true,
      'po-exists': true,
      'po-line-match': true,
      'due-date-terms': true,
    }),
    invoiceWith(),
    { po: purchaseOrder() },
  );
  assert.deepEqual(findings, []);
});

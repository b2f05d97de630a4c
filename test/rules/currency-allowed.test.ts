import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding } from './support.js';

const RULE = 'currency-allowed';

test("an invoice in the profile's currency passes", async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), invoiceWith()), []);
});

test('an invoice in a currency the customer does not accept is rejected, listing the accepted ones', async () => {
  const profile = profileWith({ [RULE]: true }, { currencies: ['USD', 'CAD'] });
  const finding = onlyFinding(await check(profile, invoiceWith({ currency: 'EUR' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/currency');
  assert.equal(finding.message, 'Currency EUR is not accepted by Acme Corp: expected one of USD, CAD.');
});

test('any of several accepted currencies passes', async () => {
  const profile = profileWith({ [RULE]: true }, { currencies: ['USD', 'CAD'] });
  assert.deepEqual(await check(profile, invoiceWith({ currency: 'CAD' })), []);
});

test('currency codes are compared exactly: lower case is not accepted', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: true }), invoiceWith({ currency: 'usd' })), RULE);
  assert.match(finding.message, /expected one of USD/);
});

test('the profile can lower a foreign currency to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith({ currency: 'EUR' })), RULE);
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off any currency passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith({ currency: 'EUR' })), []);
});

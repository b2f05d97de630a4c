import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'po-format';
const ACME_PO = { pattern: '^PO-\\d{5}$' };

test("a PO number in the customer's form passes", async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: ACME_PO }), invoiceWith({ poNumber: 'PO-10001' })), []);
});

test('a PO number in another form is rejected, naming the expected pattern', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: ACME_PO }), invoiceWith({ poNumber: '10001' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/poNumber');
  assert.equal(
    finding.message,
    'PO number "10001" is not in the form Acme Corp uses for purchase order numbers: expected the pattern ^PO-\\d{5}$.',
  );
});

test('a PO number with a digit too many is rejected when the pattern is anchored', async () => {
  onlyFinding(await check(profileWith({ [RULE]: ACME_PO }), invoiceWith({ poNumber: 'PO-100012' })), RULE);
});

test('an unanchored pattern only needs to occur somewhere in the PO number', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: { pattern: 'PO-\\d{5}' } }), invoiceWith({ poNumber: 'REF PO-10001/A' })), []);
});

test('a PO number with a leading space is rejected by an anchored pattern', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: ACME_PO }), invoiceWith({ poNumber: ' PO-10001' })), RULE);
  assert.match(finding.message, /PO number " PO-10001"/);
});

test('a missing PO number is left to po-required', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: ACME_PO }), omit(invoiceWith(), 'poNumber')), []);
});

test('a blank PO number is left to po-required', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: ACME_PO }), invoiceWith({ poNumber: '  ' })), []);
});

test('the profile can lower a malformed PO number to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { ...ACME_PO, severity: 'warning' } }), invoiceWith({ poNumber: 'X-1' })),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off a malformed PO number passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith({ poNumber: 'X-1' })), []);
});

// Issue 8 item 11: patterns from profiles run in linear time, on both evaluators (check runs both).
for (const pattern of ['^([A-Z0-9-]+)+$', '^([A-Z0-9-]{1,20})+$', '^(\\w|\\d)*$']) {
  test(`the backtracking pattern ${pattern} on a 28-character PO number is decided in milliseconds`, async () => {
    const started = performance.now();
    const finding = onlyFinding(await check(profileWith({ [RULE]: { pattern } }), invoiceWith({ poNumber: `${'A1-'.repeat(9)}!` })), RULE);
    assert.match(finding.message, /PO number "A1-A1-/);
    assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
  });
}

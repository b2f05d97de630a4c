import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding } from './support.js';

const RULE = 'invoice-number-format';
const PATTERN = { pattern: '^INV-\\d{4,}$' };

test('an invoice number in the accepted form passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: PATTERN }), invoiceWith()), []);
});

test('an invoice number in another form is rejected, naming the expected pattern', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: PATTERN }), invoiceWith({ invoiceNumber: 'inv1001' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/invoiceNumber');
  assert.equal(finding.message, 'Invoice number "inv1001" is not in the form Acme Corp accepts: expected the pattern ^INV-\\d{4,}$.');
});

test("a length limit such as Ariba's 16 characters is expressed as a pattern", async () => {
  const profile = profileWith({ [RULE]: { pattern: '^[A-Za-z0-9-]{1,16}$' } });
  assert.deepEqual(await check(profile, invoiceWith({ invoiceNumber: 'INV-2026-0000001' })), []);
  const finding = onlyFinding(await check(profile, invoiceWith({ invoiceNumber: 'INV-2026-00000001' })), RULE);
  assert.match(finding.message, /expected the pattern \^\[A-Za-z0-9-\]\{1,16\}\$/);
});

test('characters outside the pattern (a slash) are rejected', async () => {
  onlyFinding(await check(profileWith({ [RULE]: { pattern: '^[A-Z0-9-]+$' } }), invoiceWith({ invoiceNumber: 'INV/1001' })), RULE);
});

test('the profile can lower the finding to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { ...PATTERN, severity: 'warning' } }), invoiceWith({ invoiceNumber: '1001' })),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off any invoice number passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith({ invoiceNumber: '1001' })), []);
});

test('a pattern that the profile schema accepts works at check time (an escaped hyphen, ^INV\\-\\d+$)', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: { pattern: '^INV\\-\\d+$' } }), invoiceWith()), []);
});

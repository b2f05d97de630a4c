import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'required-fields';

function requiring(...fields: string[]) {
  return profileWith({ [RULE]: { fields } });
}

test('an invoice with every required field passes', async () => {
  assert.deepEqual(await check(requiring('/poNumber', '/buyer/name', '/lines/*/sku'), invoiceWith()), []);
});

test('a missing field is rejected at its pointer, naming it', async () => {
  const finding = onlyFinding(await check(requiring('/buyerReference'), invoiceWith()), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/buyerReference');
  assert.equal(finding.message, 'Acme Corp requires fields that are missing or blank: /buyerReference.');
});

test('a blank field counts as missing', async () => {
  const finding = onlyFinding(await check(requiring('/buyerReference'), invoiceWith({ buyerReference: '   ' })), RULE);
  assert.equal(finding.path, '/buyerReference');
});

test('an empty list counts as missing', async () => {
  const finding = onlyFinding(await check(requiring('/attachments'), invoiceWith({ attachments: [] })), RULE);
  assert.equal(finding.path, '/attachments');
});

test('a nested field is required through its parents (/buyer/address/city)', async () => {
  const finding = onlyFinding(await check(requiring('/buyer/address/city'), invoiceWith()), RULE);
  assert.equal(finding.path, '/buyer/address/city');
  const withCity = invoiceWith({ buyer: { name: 'Acme Corp', address: { city: 'Springfield' } } });
  assert.deepEqual(await check(requiring('/buyer/address/city'), withCity), []);
});

test('* requires the field on every line and blames the first line without it', async () => {
  const [first, second] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [first!, omit(second!, 'sku')] });
  const finding = onlyFinding(await check(requiring('/lines/*/sku'), invoice), RULE);
  assert.equal(finding.path, '/lines/1/sku');
  assert.equal(finding.message, 'Acme Corp requires fields that are missing or blank: /lines/1/sku.');
});

test('every missing field is listed in one finding, which points at the first', async () => {
  const [first, second] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [{ ...first!, sku: '' }, omit(second!, 'sku')] });
  const finding = onlyFinding(await check(requiring('/buyerReference', '/lines/*/sku', '/shipTo/name'), invoice), RULE);
  assert.equal(finding.path, '/buyerReference');
  assert.equal(
    finding.message,
    'Acme Corp requires fields that are missing or blank: /buyerReference, /lines/0/sku, /lines/1/sku, /shipTo/name.',
  );
});

test('* over charges requires the field on each charge, and no charges means nothing to require', async () => {
  assert.deepEqual(await check(requiring('/charges/*/taxCode'), invoiceWith()), []);
  const invoice = invoiceWith({ charges: [{ code: 'FC', description: 'Freight', amount: '5.00' }] });
  const finding = onlyFinding(await check(requiring('/charges/*/taxCode'), invoice), RULE);
  assert.equal(finding.path, '/charges/0/taxCode');
});

test('a field set to false is present, not blank', async () => {
  const invoice = invoiceWith({ testMode: false });
  assert.deepEqual(await check(requiring('/testMode'), invoice), []);
});

test('the profile can lower missing fields to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { severity: 'warning', fields: ['/buyerReference'] } }), invoiceWith()),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off nothing is required', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), invoiceWith()), []);
});

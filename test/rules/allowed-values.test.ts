import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding } from './support.js';

const RULE = 'allowed-values';
const COST_CENTRES = { field: '/buyerReference', values: ['CC-100', 'CC-200'] };
const on = profileWith({ [RULE]: { checks: [COST_CENTRES] } });

test('a value from the agreed list passes', async () => {
  assert.deepEqual(await check(on, invoiceWith({ buyerReference: 'CC-200' })), []);
});

test('a value not on the list is rejected at its pointer, listing the agreed values', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ buyerReference: 'CC-300' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/buyerReference');
  assert.equal(finding.message, 'Acme Corp does not know these values: /buyerReference is "CC-300", expected one of CC-100, CC-200.');
});

test('values are compared exactly (case and spaces matter)', async () => {
  onlyFinding(await check(on, invoiceWith({ buyerReference: 'cc-100' })), RULE);
  onlyFinding(await check(on, invoiceWith({ buyerReference: 'CC-100 ' })), RULE);
});

test('a missing or blank value is left to required-fields', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
  assert.deepEqual(await check(on, invoiceWith({ buyerReference: ' ' })), []);
});

test('a nested value is checked (ship-to party id)', async () => {
  const profile = profileWith({ [RULE]: { checks: [{ field: '/shipTo/id', values: ['DOCK-1', 'DOCK-2'] }] } });
  const finding = onlyFinding(await check(profile, invoiceWith({ shipTo: { name: 'Acme Plant', id: 'DOCK-9' } })), RULE);
  assert.equal(finding.path, '/shipTo/id');
});

test('* checks each line and blames the first line with an unknown value', async () => {
  const profile = profileWith({ [RULE]: { checks: [{ field: '/lines/*/sku', values: ['W-1', 'G-2'] }] } });
  assert.deepEqual(await check(profile, invoiceWith()), []);
  const [first, second] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [first!, { ...second!, sku: 'X-9' }] });
  const finding = onlyFinding(await check(profile, invoice), RULE);
  assert.equal(finding.path, '/lines/1/sku');
  assert.match(finding.message, /\/lines\/1\/sku is "X-9", expected one of W-1, G-2/);
});

test('several checks report every unknown value in one finding pointing at the first', async () => {
  const profile = profileWith({ [RULE]: { checks: [COST_CENTRES, { field: '/remitTo/id', values: ['REMIT-1'] }] } });
  const finding = onlyFinding(
    await check(profile, invoiceWith({ buyerReference: 'CC-9', remitTo: { name: 'Seller', id: 'REMIT-2' } })),
    RULE,
  );
  assert.equal(finding.path, '/buyerReference');
  assert.equal(
    finding.message,
    'Acme Corp does not know these values: /buyerReference is "CC-9", expected one of CC-100, CC-200; /remitTo/id is "REMIT-2", expected one of REMIT-1.',
  );
});

test('the list of several unknown values separates them more clearly than by commas', async () => {
  const profile = profileWith({ [RULE]: { checks: [COST_CENTRES, { field: '/remitTo/id', values: ['REMIT-1'] }] } });
  const finding = onlyFinding(
    await check(profile, invoiceWith({ buyerReference: 'CC-9', remitTo: { name: 'Seller', id: 'REMIT-2' } })),
    RULE,
  );
  assert.match(finding.message, /CC-200; \/remitTo\/id/);
});

test('the profile can lower unknown values to a warning', async () => {
  const profile = profileWith({ [RULE]: { severity: 'warning', checks: [COST_CENTRES] } });
  const finding = onlyFinding(await check(profile, invoiceWith({ buyerReference: 'CC-300' })), RULE);
  assert.equal(finding.severity, 'warning');
});

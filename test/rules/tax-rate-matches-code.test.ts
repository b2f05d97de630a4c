import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { findingsAt, onlyFinding, withField } from './support.js';

const RULE = 'tax-rate-matches-code';
const on = profileWith({ [RULE]: { rates: { S: '8.25', Z: '0' } } });

function firstLineTax(taxCode: string | undefined, taxRate: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [withField(withField(one!, 'taxCode', taxCode), 'taxRate', taxRate), two!] });
}

test('lines carrying the agreed rate for their code pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a line with another rate than agreed for its code is rejected, stating the agreed rate', async () => {
  const finding = onlyFinding(await check(on, firstLineTax('S', '8.5')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/0/taxRate');
  assert.equal(finding.message, 'Line 1 charges 8.5% under tax code S: the agreed rate is 8.25%.');
});

test('rates compare as decimals (8.250 is 8.25; 0.00 is 0)', async () => {
  assert.deepEqual(await check(on, firstLineTax('S', '8.250')), []);
  assert.deepEqual(await check(on, firstLineTax('Z', '0.00')), []);
});

test('a zero-rated code charging tax is rejected', async () => {
  const finding = onlyFinding(await check(on, firstLineTax('Z', '8.25')), RULE);
  assert.match(finding.message, /under tax code Z: the agreed rate is 0%/);
});

test('a code without an agreed rate is not checked', async () => {
  assert.deepEqual(await check(on, firstLineTax('E', '3')), []);
  assert.deepEqual(await check(on, firstLineTax(undefined, '3')), []);
});

test('a charge carrying another rate than agreed is rejected at the charge', async () => {
  const invoice = invoiceWith({ charges: [{ code: 'FC', description: 'Freight', amount: '5.00', taxCode: 'S', taxRate: '7' }] });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.equal(finding.path, '/charges/0/taxRate');
  assert.equal(finding.message, 'Charge FC charges 7% under tax code S: the agreed rate is 8.25%.');
});

test('an allowance carrying another rate than agreed is rejected at the allowance', async () => {
  const invoice = invoiceWith({ allowances: [{ code: 'DISC', description: 'Discount', amount: '1.00', taxCode: 'S', taxRate: '8' }] });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.equal(finding.path, '/allowances/0/taxRate');
  assert.match(finding.message, /^Allowance DISC charges 8% under tax code S: the agreed rate is 8\.25%\.$/);
});

test('each item with a wrong rate gets its own finding', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({
    lines: [
      { ...one!, taxRate: '8' },
      { ...two!, taxRate: '9' },
    ],
  });
  findingsAt(await check(on, invoice), RULE, ['/lines/0/taxRate', '/lines/1/taxRate']);
});

test('a line with an agreed code but no rate is rejected', async () => {
  const finding = onlyFinding(await check(on, firstLineTax('S', undefined)), RULE);
  assert.equal(finding.path, '/lines/0/taxRate');
  assert.match(finding.message, /the agreed rate is 8\.25%/);
});

test('the message for a line without a rate says it states none', async () => {
  const finding = onlyFinding(await check(on, firstLineTax('S', undefined)), RULE);
  assert.doesNotMatch(finding.message, /\(none\)%/);
});

test('the profile can lower a wrong rate to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { rates: { S: '8.25' }, severity: 'warning' } }), firstLineTax('S', '8')),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

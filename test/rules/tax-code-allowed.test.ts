import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { findingsAt, onlyFinding, withField } from './support.js';

const RULE = 'tax-code-allowed';
const on = profileWith({ [RULE]: { codes: ['S', 'Z', 'E'] } });

function secondLineTaxCode(taxCode: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [one!, withField(two!, 'taxCode', taxCode)] });
}

test('lines with accepted tax codes pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a line with a tax code the customer does not accept is rejected, listing the accepted codes', async () => {
  const finding = onlyFinding(await check(on, secondLineTaxCode('AE')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/1/taxCode');
  assert.equal(finding.message, 'Line 2 has tax code "AE", which Acme Corp does not accept: expected one of S, Z, E.');
});

test('tax codes are compared exactly (case matters)', async () => {
  onlyFinding(await check(on, secondLineTaxCode('s')), RULE);
});

test('a charge with an unaccepted tax code is rejected at the charge', async () => {
  const invoice = invoiceWith({
    charges: [
      { code: 'FC', description: 'Freight', amount: '5.00', taxCode: 'S', taxRate: '8.25' },
      { code: 'HC', description: 'Handling', amount: '2.00', taxCode: 'O', taxRate: '0' },
    ],
  });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.equal(finding.path, '/charges/1/taxCode');
  assert.equal(finding.message, 'Charge HC has tax code "O", which Acme Corp does not accept: expected one of S, Z, E.');
});

test('an allowance with an unaccepted tax code is rejected at the allowance', async () => {
  const invoice = invoiceWith({
    allowances: [{ code: 'DISC', description: 'Volume discount', amount: '4.50', taxCode: 'K', taxRate: '0' }],
  });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.equal(finding.path, '/allowances/0/taxCode');
  assert.equal(finding.message, 'Allowance DISC has tax code "K", which Acme Corp does not accept: expected one of S, Z, E.');
});

test('a charge without a code is named by its position', async () => {
  const invoice = invoiceWith({ charges: [{ description: 'Freight', amount: '5.00', taxCode: 'O' }] });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.match(finding.message, /^Charge 1 has tax code "O"/);
});

test('lines, charges and allowances are each reported, lines first', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({
    lines: [{ ...one!, taxCode: 'X' }, two!],
    charges: [{ code: 'FC', description: 'Freight', amount: '5.00', taxCode: 'X' }],
    allowances: [{ code: 'DISC', description: 'Discount', amount: '1.00', taxCode: 'X' }],
  });
  findingsAt(await check(on, invoice), RULE, ['/lines/0/taxCode', '/charges/0/taxCode', '/allowances/0/taxCode']);
});

test('a line without a tax code is rejected', async () => {
  const finding = onlyFinding(await check(on, secondLineTaxCode(undefined)), RULE);
  assert.equal(finding.path, '/lines/1/taxCode');
});

test('the message for a line without a tax code says it has none', async () => {
  const finding = onlyFinding(await check(on, secondLineTaxCode(undefined)), RULE);
  assert.doesNotMatch(finding.message, /"\(none\)"/);
  assert.match(finding.message, /no tax code/);
});

test('the profile can lower an unaccepted tax code to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { codes: ['S'], severity: 'warning' } }), secondLineTaxCode('Z')), RULE);
  assert.equal(finding.severity, 'warning');
});

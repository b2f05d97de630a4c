import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'invoice-total-arithmetic';
const on = profileWith({ [RULE]: true });

type Line = Invoice['lines'][number];

function line(lineNumber: string, lineAmount: string, extra: Partial<Line> = {}): Line {
  return {
    lineNumber,
    description: 'Service',
    quantity: '1',
    unitOfMeasure: 'EA',
    unitPrice: lineAmount,
    lineAmount,
    taxCode: 'S',
    taxRate: '0',
    ...extra,
  } as Line;
}

test('a total equal to lines + tax passes (45.00 + 3.71 = 48.71)', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a wrong total is rejected at /totalAmount, stating the expected total and its parts', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ totalAmount: '48.72' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/totalAmount');
  assert.equal(
    finding.message,
    'Total 48.72 is not lines + charges − allowances + tax: expected 48.71 USD (lines 45.00, charges 0.00, allowances 0.00, tax 3.71).',
  );
});

test('charges are added and allowances subtracted', async () => {
  const invoice = invoiceWith({
    charges: [
      { code: 'FC', description: 'Freight', amount: '5.00' },
      { code: 'HC', description: 'Handling', amount: '1.25' },
    ],
    allowances: [{ code: 'DISC', description: 'Discount', amount: '2.00' }],
    totalAmount: '52.96',
  });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, totalAmount: '48.71' }), RULE);
  assert.match(finding.message, /expected 52\.96 USD \(lines 45\.00, charges 6\.25, allowances 2\.00, tax 3\.71\)/);
});

test("the stated tax total is used (checking the tax itself is tax-total-arithmetic's job)", async () => {
  assert.deepEqual(await check(on, invoiceWith({ taxTotal: '4.00', totalAmount: '49.00' })), []);
});

test('without a tax total the total is the net amount', async () => {
  assert.deepEqual(await check(on, omit(invoiceWith({ totalAmount: '45.00' }), 'taxTotal')), []);
});

test('arithmetic is decimal: 0.10 + 0.20 is exactly 0.30', async () => {
  const invoice = invoiceWith({ lines: [line('1', '0.10'), line('2', '0.20')], taxTotal: '0', totalAmount: '0.30' });
  assert.deepEqual(await check(on, invoice), []);
});

test('many small amounts add up without drift', async () => {
  const lines = Array.from({ length: 10 }, (_, index) => line(String(index + 1), '0.10')) as Invoice['lines'];
  assert.deepEqual(await check(on, invoiceWith({ lines, taxTotal: '0', totalAmount: '1.00' })), []);
});

test('totals compare by value: 48.710 is 48.71', async () => {
  assert.deepEqual(await check(on, invoiceWith({ totalAmount: '48.710' })), []);
});

test('yen totals have no decimals', async () => {
  const invoice = invoiceWith({ currency: 'JPY', lines: [line('1', '1234'), line('2', '766')], taxTotal: '200', totalAmount: '2200' });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, totalAmount: '2201' }), RULE);
  assert.equal(
    finding.message,
    'Total 2201 is not lines + charges − allowances + tax: expected 2200 JPY (lines 2000, charges 0, allowances 0, tax 200).',
  );
});

test('Kuwaiti dinar totals have three decimals', async () => {
  const invoice = invoiceWith({ currency: 'KWD', lines: [line('1', '3.704')], taxTotal: '0.185', totalAmount: '3.889' });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, totalAmount: '3.89' }), RULE);
  assert.match(finding.message, /expected 3\.889 KWD \(lines 3\.704, charges 0\.000, allowances 0\.000, tax 0\.185\)/);
});

test('a tolerance accepts a total off by up to the tolerance', async () => {
  const profile = profileWith({ [RULE]: { tolerance: '0.02' } });
  assert.deepEqual(await check(profile, invoiceWith({ totalAmount: '48.73' })), []);
  assert.deepEqual(await check(profile, invoiceWith({ totalAmount: '48.69' })), []);
  const finding = onlyFinding(await check(profile, invoiceWith({ totalAmount: '48.74' })), RULE);
  assert.match(finding.message, /expected 48\.71 USD/);
});

test('an invoice without a total has nothing to compare and passes', async () => {
  assert.deepEqual(await check(on, omit(invoiceWith(), 'totalAmount')), []);
});

test('a finding never states the same figure as both the total and the expected total', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [{ ...one!, lineAmount: '30.004' }, two!], totalAmount: '48.71' });
  const findings = await check(on, invoice);
  for (const finding of findings) assert.doesNotMatch(finding.message, /^Total 48\.71 .*expected 48\.71 USD/);
});

test('the profile can lower a wrong total to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith({ totalAmount: '50.00' })), RULE);
  assert.equal(finding.severity, 'warning');
});

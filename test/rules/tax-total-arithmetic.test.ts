import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'tax-total-arithmetic';
const on = profileWith({ [RULE]: true });

type Line = Invoice['lines'][number];

function line(lineNumber: string, lineAmount: string, taxCode: string, taxRate: string, extra: Partial<Line> = {}): Line {
  return {
    lineNumber,
    description: 'Service',
    quantity: '1',
    unitOfMeasure: 'EA',
    unitPrice: lineAmount,
    lineAmount,
    taxCode,
    taxRate,
    ...extra,
  } as Line;
}

test('a tax total equal to the tax per code and rate passes (45.00 at 8.25% = 3.71)', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a wrong tax total is rejected at /taxTotal, stating the expected tax and its breakdown', async () => {
  const finding = onlyFinding(await check(on, invoiceWith({ taxTotal: '3.70' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/taxTotal');
  assert.equal(
    finding.message,
    'Tax total 3.70 does not match the tax computed per tax code and rate: expected 3.71 USD (S 8.25%: 3.71 on 45.00).',
  );
});

test('tax is rounded once per code and rate, not per line (3.72 from rounding each line is wrong)', async () => {
  // per line: 2.475 → 2.48 and 1.2375 → 1.24, 3.72; per group: 45.00 × 8.25% = 3.7125 → 3.71
  const finding = onlyFinding(await check(on, invoiceWith({ taxTotal: '3.72' })), RULE);
  assert.match(finding.message, /expected 3\.71 USD/);
});

test('each tax code and rate is a group of its own, listed in the breakdown', async () => {
  const invoice = invoiceWith({
    lines: [line('1', '30.00', 'S', '8.25'), line('2', '15.00', 'Z', '0')],
    taxTotal: '2.48',
    totalAmount: '47.48',
  });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, taxTotal: '3.71' }), RULE);
  assert.equal(
    finding.message,
    'Tax total 3.71 does not match the tax computed per tax code and rate: expected 2.48 USD (S 8.25%: 2.48 on 30.00; Z 0%: 0.00 on 15.00).',
  );
});

test('the same code at two rates makes two groups', async () => {
  // 20.10 at 5% = 1.005 → 1.01; 20.10 at 7% = 1.407 → 1.41
  const invoice = invoiceWith({ lines: [line('1', '20.10', 'S', '5'), line('2', '20.10', 'S', '7')], taxTotal: '2.42' });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, taxTotal: '2.41' }), RULE);
  assert.match(finding.message, /\(S 5%: 1\.01 on 20\.10; S 7%: 1\.41 on 20\.10\)/);
});

test('rates written differently (8.25 and 8.250) are the same group', async () => {
  const invoice = invoiceWith({ lines: [line('1', '30.00', 'S', '8.25'), line('2', '15.00', 'S', '8.250')] });
  assert.deepEqual(await check(on, invoice), []);
});

test('group tax rounds half-up: 10.10 at 5% = 0.505 → 0.51', async () => {
  const invoice = invoiceWith({ lines: [line('1', '10.10', 'S', '5')], taxTotal: '0.51' });
  assert.deepEqual(await check(on, invoice), []);
  onlyFinding(await check(on, { ...invoice, taxTotal: '0.50' }), RULE);
});

test("taxed charges add to their group's taxable amount", async () => {
  // 45.00 + 5.00 freight = 50.00 at 8.25% = 4.125 → 4.13
  const invoice = invoiceWith({
    charges: [{ code: 'FC', description: 'Freight', amount: '5.00', taxCode: 'S', taxRate: '8.25' }],
    taxTotal: '4.13',
  });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, taxTotal: '3.71' }), RULE);
  assert.match(finding.message, /expected 4\.13 USD \(S 8\.25%: 4\.13 on 50\.00\)/);
});

test("allowances reduce their group's taxable amount", async () => {
  // 45.00 − 5.00 discount = 40.00 at 8.25% = 3.30
  const invoice = invoiceWith({
    allowances: [{ code: 'DISC', description: 'Volume discount', amount: '5.00', taxCode: 'S', taxRate: '8.25' }],
    taxTotal: '3.30',
  });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, taxTotal: '3.71' }), RULE);
  assert.match(finding.message, /\(S 8\.25%: 3\.30 on 40\.00\)/);
});

test('an untaxed charge (no code, no rate) adds no tax', async () => {
  const invoice = invoiceWith({ charges: [{ code: 'FC', description: 'Freight', amount: '5.00' }] });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, taxTotal: '4.13' }), RULE);
  assert.match(finding.message, /S 8\.25%: 3\.71 on 45\.00; no code 0%: 0\.00 on 5\.00/);
});

test('the taxable amount of a line is its stated line amount', async () => {
  // stated 40.00 although 3 × 10.00 = 30.00: line-amount-arithmetic reports that, tax follows the invoice
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [{ ...one!, lineAmount: '40.00' }, two!], taxTotal: '4.54' });
  assert.deepEqual(await check(on, invoice), []);
});

test('a line without a stated amount is taxed on quantity × unit price', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [omit(one!, 'lineAmount'), two!] });
  assert.deepEqual(await check(on, invoice), []);
});

test('yen tax rounds to whole yen', async () => {
  // 1234 at 10% = 123.4 → 123; 1235 at 10% = 123.5 → 124
  const invoice = invoiceWith({ currency: 'JPY', lines: [line('1', '1234', 'S', '10')], taxTotal: '123', totalAmount: '1357' });
  assert.deepEqual(await check(on, invoice), []);
  const halfUp = invoiceWith({ currency: 'JPY', lines: [line('1', '1235', 'S', '10')], taxTotal: '123', totalAmount: '1358' });
  const finding = onlyFinding(await check(on, halfUp), RULE);
  assert.equal(
    finding.message,
    'Tax total 123 does not match the tax computed per tax code and rate: expected 124 JPY (S 10%: 124 on 1235).',
  );
});

test('Kuwaiti dinar tax rounds to three decimals', async () => {
  // 3.704 at 5% = 0.1852 → 0.185
  const invoice = invoiceWith({ currency: 'KWD', lines: [line('1', '3.704', 'S', '5')], taxTotal: '0.185', totalAmount: '3.889' });
  assert.deepEqual(await check(on, invoice), []);
  const finding = onlyFinding(await check(on, { ...invoice, taxTotal: '0.19' }), RULE);
  assert.match(finding.message, /expected 0\.185 KWD \(S 5%: 0\.185 on 3\.704\)/);
});

test('a tolerance accepts a tax total off by up to the tolerance', async () => {
  const profile = profileWith({ [RULE]: { tolerance: '0.01' } });
  assert.deepEqual(await check(profile, invoiceWith({ taxTotal: '3.72' })), []);
  assert.deepEqual(await check(profile, invoiceWith({ taxTotal: '3.70' })), []);
  onlyFinding(await check(profile, invoiceWith({ taxTotal: '3.73' })), RULE);
});

test('an invoice without a tax total has nothing to compare and passes', async () => {
  assert.deepEqual(await check(on, omit(invoiceWith(), 'taxTotal')), []);
});

test('the profile can lower a wrong tax total to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), invoiceWith({ taxTotal: '3.72' })), RULE);
  assert.equal(finding.severity, 'warning');
});

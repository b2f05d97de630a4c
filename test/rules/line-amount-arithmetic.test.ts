import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { findingsAt, omit, onlyFinding } from './support.js';

const RULE = 'line-amount-arithmetic';
const on = profileWith({ [RULE]: true });

type Line = Invoice['lines'][number];

/** An invoice whose only line is W-1 with these figures, less the fields left out (totals are not this rule's concern). */
function oneLine(figures: Partial<Line>, currency = 'USD', ...leftOut: (keyof Line)[]): Invoice {
  const [one] = invoiceWith().lines;
  return invoiceWith({ currency, lines: [omit({ ...one!, ...figures }, ...leftOut)] });
}

test('line amounts equal to quantity × unit price pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a wrong line amount is rejected at the line amount, stating the expected amount', async () => {
  const finding = onlyFinding(await check(on, oneLine({ quantity: '3', unitPrice: '10.00', lineAmount: '31.00' })), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/0/lineAmount');
  assert.equal(finding.message, 'Line 1 amount 31.00 is not quantity × unit price − discount: expected 30.00.');
});

test('the blamed line is the one that is wrong', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [one!, { ...two!, lineAmount: '15.50' }] });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.equal(finding.path, '/lines/1/lineAmount');
  assert.match(finding.message, /^Line 2 amount 15\.50 .*expected 15\.00\.$/);
});

test('arithmetic is decimal: 0.1 × 3 is exactly 0.30', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '3', unitPrice: '0.1', lineAmount: '0.30' })), []);
});

test('amounts round half-up to the cent: 1 × 1.005 is 1.01', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '1', unitPrice: '1.005', lineAmount: '1.01' })), []);
  const finding = onlyFinding(await check(on, oneLine({ quantity: '1', unitPrice: '1.005', lineAmount: '1.00' })), RULE);
  assert.match(finding.message, /expected 1\.01\./);
});

test('half-up rounding of 2.675 gives 2.68 (a binary float would give 2.67)', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '5', unitPrice: '0.535', lineAmount: '2.68' })), []);
  const finding = onlyFinding(await check(on, oneLine({ quantity: '5', unitPrice: '0.535', lineAmount: '2.67' })), RULE);
  assert.match(finding.message, /expected 2\.68\./);
});

test('below half a cent rounds down: 3 × 0.3333 is 1.00', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '3', unitPrice: '0.3333', lineAmount: '1.00' })), []);
});

test('a discount is subtracted before rounding', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '3', unitPrice: '10.00', discount: '2.50', lineAmount: '27.50' })), []);
  const finding = onlyFinding(await check(on, oneLine({ quantity: '3', unitPrice: '10.00', discount: '2.50', lineAmount: '30.00' })), RULE);
  assert.match(finding.message, /amount 30\.00 is not quantity × unit price − discount: expected 27\.50\./);
});

test('fractional quantities (hours) are multiplied exactly', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '7.25', unitPrice: '85.00', unitOfMeasure: 'HUR', lineAmount: '616.25' })), []);
});

test('amounts compare by value: 30 and 30.00 are the same amount', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '3', unitPrice: '10.00', lineAmount: '30' })), []);
});

test('an amount with more decimals than the currency has is rejected', async () => {
  const finding = onlyFinding(await check(on, oneLine({ quantity: '3', unitPrice: '10.001', lineAmount: '30.003' })), RULE);
  assert.match(finding.message, /expected 30\.00\./);
});

test('yen amounts round to whole yen: 3 × 333.5 is 1001', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '3', unitPrice: '333.5', lineAmount: '1001' }, 'JPY')), []);
  const finding = onlyFinding(await check(on, oneLine({ quantity: '3', unitPrice: '333.5', lineAmount: '1000.50' }, 'JPY')), RULE);
  assert.equal(finding.message, 'Line 1 amount 1000.50 is not quantity × unit price − discount: expected 1001.');
});

test('Kuwaiti dinar amounts round to three decimals: 3 × 1.2345 is 3.704', async () => {
  assert.deepEqual(await check(on, oneLine({ quantity: '3', unitPrice: '1.2345', lineAmount: '3.704' }, 'KWD')), []);
  const finding = onlyFinding(await check(on, oneLine({ quantity: '3', unitPrice: '1.2345', lineAmount: '3.70' }, 'KWD')), RULE);
  assert.match(finding.message, /expected 3\.704\./);
});

test('a line without quantity or unit price has nothing to compute and passes', async () => {
  assert.deepEqual(await check(on, oneLine({ lineAmount: '30.00' }, 'USD', 'quantity')), []);
  assert.deepEqual(await check(on, oneLine({ lineAmount: '30.00' }, 'USD', 'unitPrice')), []);
});

test('a line with quantity and unit price but no line amount is rejected, stating the amount to bill', async () => {
  const finding = onlyFinding(await check(on, oneLine({}, 'USD', 'lineAmount')), RULE);
  assert.equal(finding.path, '/lines/0/lineAmount');
  assert.match(finding.message, /expected 30\.00\./);
});

test('the message for a line without a line amount says it has none', async () => {
  const finding = onlyFinding(await check(on, oneLine({}, 'USD', 'lineAmount')), RULE);
  assert.doesNotMatch(finding.message, /\(none\)/);
});

test('every wrong line gets its own finding', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({
    lines: [
      { ...one!, lineAmount: '3.00' },
      { ...two!, lineAmount: '1.50' },
    ],
  });
  findingsAt(await check(on, invoice), RULE, ['/lines/0/lineAmount', '/lines/1/lineAmount']);
});

test('the profile can lower a wrong line amount to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), oneLine({ lineAmount: '31.00' })), RULE);
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off a wrong line amount passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), oneLine({ lineAmount: '31.00' })), []);
});

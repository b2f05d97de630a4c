import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding, withField } from './support.js';

const RULE = 'quantity-positive';
const on = profileWith({ [RULE]: true });

function secondLineQuantity(quantity: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [one!, withField(two!, 'quantity', quantity)] });
}

test('positive quantities pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test("a zero quantity is rejected at the line's quantity", async () => {
  const finding = onlyFinding(await check(on, secondLineQuantity('0')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/1/quantity');
  assert.equal(finding.message, 'Line 2 quantity is 0: it must be greater than zero (bill a reduction as a credit note or an allowance).');
});

test('a negative quantity is rejected', async () => {
  const finding = onlyFinding(await check(on, secondLineQuantity('-2')), RULE);
  assert.match(finding.message, /quantity is -2: it must be greater than zero/);
});

test('zero written with decimals (0.000) is still zero', async () => {
  onlyFinding(await check(on, secondLineQuantity('0.000')), RULE);
});

test('a small fractional quantity is positive', async () => {
  assert.deepEqual(await check(on, secondLineQuantity('0.001')), []);
});

test('a missing quantity is rejected', async () => {
  const finding = onlyFinding(await check(on, secondLineQuantity(undefined)), RULE);
  assert.equal(finding.path, '/lines/1/quantity');
});

test('a quantity that is not a number is rejected', async () => {
  onlyFinding(await check(on, secondLineQuantity('two')), RULE);
  onlyFinding(await check(on, secondLineQuantity('1,5')), RULE);
});

test('the profile can lower a non-positive quantity to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), secondLineQuantity('0')), RULE);
  assert.equal(finding.severity, 'warning');
});

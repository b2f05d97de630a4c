import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';
import { findingsAt, omit, onlyFinding, withField } from './support.js';

const RULE = 'contract-price';
const contract = { prices: { 'W-1': '10.00', 'G-2': '7.50' } };
const on = profileWith({ [RULE]: true }, { contract });

function firstLinePrice(unitPrice: string | undefined, sku = 'W-1'): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [withField({ ...one!, sku }, 'unitPrice', unitPrice), two!] });
}

test('lines billed at the contract price pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a price above the contract price is rejected at the unit price, stating the contract price', async () => {
  const finding = onlyFinding(await check(on, firstLinePrice('10.50')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/0/unitPrice');
  assert.equal(finding.message, 'Line 1 bills W-1 at 10.50 USD: the contract price is 10.00.');
});

test('a price below the contract price is rejected too', async () => {
  const finding = onlyFinding(await check(on, firstLinePrice('9.99')), RULE);
  assert.match(finding.message, /the contract price is 10\.00/);
});

test('prices compare as decimals (10 and 10.000 equal 10.00)', async () => {
  assert.deepEqual(await check(on, firstLinePrice('10')), []);
  assert.deepEqual(await check(on, firstLinePrice('10.000')), []);
});

test('a price tolerance accepts differences up to the tolerance', async () => {
  const profile = profileWith({ [RULE]: { tolerance: '0.005' } }, { contract });
  assert.deepEqual(await check(profile, firstLinePrice('10.005')), []);
  assert.deepEqual(await check(profile, firstLinePrice('9.995')), []);
  onlyFinding(await check(profile, firstLinePrice('10.006')), RULE);
});

test('a sku without a contract price is not checked', async () => {
  assert.deepEqual(await check(on, firstLinePrice('99.00', 'X-9')), []);
});

test('a line without a sku is not checked', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [omit({ ...one!, unitPrice: '99.00' }, 'sku'), two!] });
  assert.deepEqual(await check(on, invoice), []);
});

test('a profile without a contract checks nothing', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), firstLinePrice('99.00')), []);
});

test('each line off its contract price gets its own finding', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({
    lines: [
      { ...one!, unitPrice: '11.00' },
      { ...two!, unitPrice: '8.00' },
    ],
  });
  const [first, second] = findingsAt(await check(on, invoice), RULE, ['/lines/0/unitPrice', '/lines/1/unitPrice']);
  assert.match(first!.message, /bills W-1 at 11\.00 USD: the contract price is 10\.00/);
  assert.match(second!.message, /bills G-2 at 8\.00 USD: the contract price is 7\.50/);
});

test('a line with a contract sku but no unit price is rejected, stating the contract price', async () => {
  const finding = onlyFinding(await check(on, firstLinePrice(undefined)), RULE);
  assert.equal(finding.path, '/lines/0/unitPrice');
  assert.match(finding.message, /the contract price is 10\.00/);
});

test('the message for a line without a unit price says it has none', async () => {
  const finding = onlyFinding(await check(on, firstLinePrice(undefined)), RULE);
  assert.doesNotMatch(finding.message, /\(none\)/);
});

test('the profile can lower a price mismatch to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }, { contract }), firstLinePrice('10.50')), RULE);
  assert.equal(finding.severity, 'warning');
});

// Issue 8 item 14: a contract price written as a JSON number is compared exactly as written.
test('a contract price written as a JSON number with more digits than a float holds is compared exactly', () => {
  const profile = JSON.stringify(profileWith({ [RULE]: true }), null, 2).replace(
    '"rules": {',
    '"contract": { "prices": { "W-1": 12345678901234567.89 } },\n  "rules": {',
  );
  const invoice = invoiceWith({
    lines: [
      {
        lineNumber: '1',
        sku: 'W-1',
        description: 'Widget',
        quantity: '1',
        unitOfMeasure: 'EA',
        unitPrice: '12345678901234567.89',
        lineAmount: '12345678901234567.89',
        taxCode: 'S',
        taxRate: '0',
      },
    ],
    taxTotal: '0.00',
    totalAmount: '12345678901234567.89',
  });
  const root = tempFolder({ 'profiles/acme.json': profile, 'in/inv.json': invoice });
  const result = firstpass(['validate', 'in', '--profiles', join(root, 'profiles'), '--today', '2026-11-20'], { cwd: root });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const off = tempFolder({ 'profiles/acme.json': profile.replace('12345678901234567.89', '12345678901234567.88'), 'in/inv.json': invoice });
  const refused = firstpass(['validate', 'in', '--profiles', join(off, 'profiles'), '--today', '2026-11-20'], { cwd: off });
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /the contract price is 12345678901234567\.88/);
});

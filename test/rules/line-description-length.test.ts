import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding, withField } from './support.js';

const RULE = 'line-description-length';
const ARIBA = profileWith({ [RULE]: { min: 3, max: 10 } });

function secondLineDescribed(description: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [one!, withField(two!, 'description', description)] });
}

test('descriptions within the limits pass', async () => {
  assert.deepEqual(await check(ARIBA, invoiceWith()), []);
});

test('the defaults (1 to 1000 characters) accept an ordinary description', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), invoiceWith()), []);
});

test('a description longer than max is rejected, stating the limit and its length', async () => {
  const finding = onlyFinding(await check(ARIBA, secondLineDescribed('Gadget, blue')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/1/description');
  assert.equal(finding.message, 'Line 2 description is longer than the 10 characters Acme Corp accepts (it has 12).');
});

test('a description of exactly max characters passes', async () => {
  assert.deepEqual(await check(ARIBA, secondLineDescribed('Gadget blu')), []);
});

test('a description shorter than min is rejected, stating the minimum', async () => {
  const finding = onlyFinding(await check(ARIBA, secondLineDescribed('Gd')), RULE);
  assert.equal(finding.path, '/lines/1/description');
  assert.equal(finding.message, 'Line 2 description is shorter than 3 characters.');
});

test('a description of exactly min characters passes', async () => {
  assert.deepEqual(await check(ARIBA, secondLineDescribed('Gdt')), []);
});

test('length counts characters, not bytes or UTF-16 units (accents, emoji)', async () => {
  assert.deepEqual(await check(ARIBA, secondLineDescribed('Crème brûl')), [], '10 characters with accents');
  assert.deepEqual(await check(ARIBA, secondLineDescribed('Gadget 📦📦📦')), [], '10 characters with emoji outside the BMP');
  const finding = onlyFinding(await check(ARIBA, secondLineDescribed('Gadget 📦📦📦📦')), RULE);
  assert.match(finding.message, /\(it has 11\)/);
});

test('the default maximum of 1000 characters applies when only min is set', async () => {
  const profile = profileWith({ [RULE]: { min: 2 } });
  assert.deepEqual(await check(profile, secondLineDescribed('x'.repeat(1000))), []);
  const finding = onlyFinding(await check(profile, secondLineDescribed('x'.repeat(1001))), RULE);
  assert.match(finding.message, /longer than the 1000 characters Acme Corp accepts \(it has 1001\)/);
});

test('a missing description is left to line-description-required', async () => {
  assert.deepEqual(await check(ARIBA, secondLineDescribed(undefined)), []);
  assert.deepEqual(await check(ARIBA, secondLineDescribed('')), []);
});

test('the profile can lower a too long description to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { max: 10, severity: 'warning' } }), secondLineDescribed('Gadget, blue')),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
  assert.equal(finding.path, '/lines/1/description');
});

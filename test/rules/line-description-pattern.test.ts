import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { onlyFinding, withField } from './support.js';

const RULE = 'line-description-pattern';
/** X12 separators must not appear in element data. */
const X12 = profileWith({ [RULE]: { forbidden: '[*~:^]' } });
const PRINTABLE_ASCII = profileWith({ [RULE]: { pattern: '^[ -~]+$' } });

function firstLineDescribed(description: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [withField(one!, 'description', description), two!] });
}

test('plain descriptions pass', async () => {
  assert.deepEqual(await check(X12, invoiceWith()), []);
  assert.deepEqual(await check(PRINTABLE_ASCII, invoiceWith()), []);
});

test('a description containing a forbidden character is rejected, naming the forbidden set', async () => {
  const finding = onlyFinding(await check(X12, firstLineDescribed('Widget*large')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/0/description');
  assert.equal(finding.message, 'Line 1 description "Widget*large" contains characters Acme Corp cannot take (forbidden: [*~:^]).');
});

test('a description not matching the pattern is rejected, naming the pattern', async () => {
  const finding = onlyFinding(await check(PRINTABLE_ASCII, firstLineDescribed('Widget – large')), RULE);
  assert.equal(finding.path, '/lines/0/description');
  assert.equal(finding.message, 'Line 1 description "Widget – large" does not match the pattern ^[ -~]+$.');
});

test('pattern and forbidden together report both failures', async () => {
  const profile = profileWith({ [RULE]: { pattern: '^[ -~]+$', forbidden: '[*~]' } });
  const finding = onlyFinding(await check(profile, firstLineDescribed('Widget™*')), RULE);
  assert.equal(
    finding.message,
    'Line 1 description "Widget™*" does not match the pattern ^[ -~]+$; contains characters Acme Corp cannot take (forbidden: [*~]).',
  );
});

test('a missing description is left to line-description-required', async () => {
  assert.deepEqual(await check(PRINTABLE_ASCII, firstLineDescribed(undefined)), []);
});

test('with neither pattern nor forbidden set any description passes', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: true }), firstLineDescribed('Widget*~:™')), []);
});

test('the profile can lower a bad character to a warning', async () => {
  const profile = profileWith({ [RULE]: { forbidden: '[*~]', severity: 'warning' } });
  const finding = onlyFinding(await check(profile, firstLineDescribed('Widget~')), RULE);
  assert.equal(finding.severity, 'warning');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { findingsAt, omit, onlyFinding, withField } from './support.js';

const RULE = 'line-description-required';
const on = profileWith({ [RULE]: true });

function linesWithDescriptions(first: string | undefined, second: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [withField(one!, 'description', first), withField(two!, 'description', second)] });
}

test('lines that all have a description pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a line without a description is rejected at its description', async () => {
  const finding = onlyFinding(await check(on, linesWithDescriptions('Widget', undefined)), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/1/description');
  assert.equal(finding.message, 'Line 2 has no description: Acme Corp rejects lines without one.');
});

test('an empty or blank description counts as none', async () => {
  findingsAt(await check(on, linesWithDescriptions('', ' \t ')), RULE, ['/lines/0/description', '/lines/1/description']);
});

test('each line without a description gets its own finding', async () => {
  const [first, second] = findingsAt(await check(on, linesWithDescriptions(undefined, undefined)), RULE, [
    '/lines/0/description',
    '/lines/1/description',
  ]);
  assert.match(first!.message, /^Line 1 /);
  assert.match(second!.message, /^Line 2 /);
});

test('the message names the line by its lineNumber, not its position', async () => {
  const [one] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [omit({ ...one!, lineNumber: '10' }, 'description')] });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.equal(finding.path, '/lines/0/description');
  assert.match(finding.message, /^Line 10 has no description/);
});

test('a line without a lineNumber is named by its position', async () => {
  const [one] = invoiceWith().lines;
  const invoice = invoiceWith({ lines: [omit(one!, 'lineNumber', 'description')] });
  const finding = onlyFinding(await check(on, invoice), RULE);
  assert.match(finding.message, /^Line 1 has no description/);
});

test('the profile can lower a missing description to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { severity: 'warning' } }), linesWithDescriptions(undefined, 'Gadget')),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

test('with the rule switched off lines need no description', async () => {
  assert.deepEqual(await check(profileWith({ [RULE]: false }), linesWithDescriptions(undefined, undefined)), []);
});

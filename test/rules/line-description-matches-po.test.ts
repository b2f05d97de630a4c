import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith, purchaseOrder } from '../support/check.js';
import { omit, onlyFinding, withField } from './support.js';

const RULE = 'line-description-matches-po';
const on = profileWith({ [RULE]: true });
const po = purchaseOrder();

function secondLineDescribed(description: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [one!, withField(two!, 'description', description)] });
}

test('descriptions as on the PO pass', async () => {
  assert.deepEqual(await check(on, invoiceWith(), { po }), []);
});

test("a description different from the PO line's is rejected, quoting the PO's", async () => {
  const finding = onlyFinding(await check(on, secondLineDescribed('Gizmo'), { po }), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/1/description');
  assert.equal(finding.message, 'Line 2 description "Gizmo" differs from PO line 2: expected "Gadget".');
});

test('case and spacing differences are ignored', async () => {
  assert.deepEqual(await check(on, secondLineDescribed('  GADGET '), { po }), []);
  const spaced = purchaseOrder({ lines: [po.lines[0]!, { ...po.lines[1]!, description: 'Blue  gadget,\tsmall' }] });
  assert.deepEqual(await check(on, secondLineDescribed('blue gadget, small'), { po: spaced }), []);
});

test('punctuation differences are not ignored', async () => {
  onlyFinding(await check(on, secondLineDescribed('Gadget.'), { po }), RULE);
});

test('a line without a description on a PO line with one is rejected', async () => {
  const finding = onlyFinding(await check(on, secondLineDescribed(undefined), { po }), RULE);
  assert.equal(finding.path, '/lines/1/description');
  assert.match(finding.message, /expected "Gadget"/);
});

test('a PO line without a description accepts any description', async () => {
  const plain = purchaseOrder({ lines: [po.lines[0]!, omit(po.lines[1]!, 'description')] });
  assert.deepEqual(await check(on, secondLineDescribed('Anything'), { po: plain }), []);
});

test('without a known PO, or for a line naming no known PO line, there is nothing to compare', async () => {
  assert.deepEqual(await check(on, secondLineDescribed('Gizmo')), []);
  const [one, two] = invoiceWith().lines;
  const unknownLine = invoiceWith({ lines: [one!, { ...two!, description: 'Gizmo', poLineNumber: '9' }] });
  assert.deepEqual(await check(on, unknownLine, { po }), []);
});

test('the profile can lower a differing description to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { severity: 'warning' } }), secondLineDescribed('Gizmo'), { po }), RULE);
  assert.equal(finding.severity, 'warning');
});

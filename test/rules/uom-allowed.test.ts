import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice } from '../../src/model/invoice.js';
import { check, invoiceWith, profileWith } from '../support/check.js';
import { findingsAt, onlyFinding, withField } from './support.js';

const RULE = 'uom-allowed';
const on = profileWith({ [RULE]: { units: ['EA', 'HUR', 'KGM'] } });

function secondLineUnit(unitOfMeasure: string | undefined): Invoice {
  const [one, two] = invoiceWith().lines;
  return invoiceWith({ lines: [one!, withField(two!, 'unitOfMeasure', unitOfMeasure)] });
}

test('lines in accepted units pass', async () => {
  assert.deepEqual(await check(on, invoiceWith()), []);
});

test('a unit the customer does not accept is rejected, listing the accepted units', async () => {
  const finding = onlyFinding(await check(on, secondLineUnit('PCS')), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/1/unitOfMeasure');
  assert.equal(finding.message, 'Line 2 unit of measure "PCS" is not accepted by Acme Corp: expected one of EA, HUR, KGM.');
});

test('units are compared exactly (ea is not EA)', async () => {
  onlyFinding(await check(on, secondLineUnit('ea')), RULE);
});

test('a line without a unit of measure is rejected', async () => {
  const finding = onlyFinding(await check(on, secondLineUnit(undefined)), RULE);
  assert.equal(finding.path, '/lines/1/unitOfMeasure');
});

test('every line in an unaccepted unit gets its own finding', async () => {
  const [one, two] = invoiceWith().lines;
  const invoice = invoiceWith({
    lines: [
      { ...one!, unitOfMeasure: 'BX' },
      { ...two!, unitOfMeasure: 'CS' },
    ],
  });
  findingsAt(await check(on, invoice), RULE, ['/lines/0/unitOfMeasure', '/lines/1/unitOfMeasure']);
});

test('the profile can lower an unaccepted unit to a warning', async () => {
  const finding = onlyFinding(await check(profileWith({ [RULE]: { units: ['EA'], severity: 'warning' } }), secondLineUnit('HUR')), RULE);
  assert.equal(finding.severity, 'warning');
});

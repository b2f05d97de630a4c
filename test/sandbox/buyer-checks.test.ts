import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BuyerChecks } from '../../src/sandbox/buyer/buyer-checks.js';
import { type BuyerCheck, decisionCode, portalCodeSystem } from '../../src/sandbox/buyer/decision-codes.js';
import { DOCUMENT_READERS } from '../../src/sandbox/buyer/readers/index.js';
import { PROJECT_ROOT } from '../support/cli.js';

/** The buyer's checks on real documents (the golden UBL), and the codes each system answers with, as the answers protocol lists them. */

const ubl = readFileSync(join(PROJECT_ROOT, 'test', 'golden', 'ubl', 'CG-2026-10121.ubl.xml'), 'utf8');
const reader = DOCUMENT_READERS.get('ubl');

function judge(checks: BuyerChecks, rejectionCodes: string | undefined, text: string) {
  const content = Buffer.from(text);
  assert.ok(reader);
  return checks.judge({ id: 'stadt-lindenau', rejectionCodes }, content, reader.read(content));
}

test('the codes per system are the protocol’s', () => {
  const expected: Record<string, Record<Exclude<BuyerCheck, 'unreadable'>, string>> = {
    ariba: { 'wrong-po': 'INVALID_ORDER_REFERENCE', duplicate: 'INVOICE_DUPLICATE', totals: 'INVALID_TOTAL' },
    coupa: { 'wrong-po': '417', duplicate: 'DUPLICATE_INVOICE', totals: 'INVOICE_TOTAL_MISMATCH' },
    peppol: { 'wrong-po': 'REF', duplicate: 'OTH', totals: 'PRI' },
    'x12-824': { 'wrong-po': '011', duplicate: '006', totals: '010' },
    'edifact-aperak': { 'wrong-po': 'PO', duplicate: 'DUP', totals: 'TOT' },
  };
  for (const [system, codes] of Object.entries(expected))
    for (const [check, code] of Object.entries(codes))
      assert.equal(decisionCode(system as Parameters<typeof decisionCode>[0], check as BuyerCheck).code, code, `${system} ${check}`);
  assert.equal(portalCodeSystem('email'), 'coupa', 'a system without portal codes answers with coupa’s');
  assert.equal(portalCodeSystem(undefined), 'coupa');
  assert.equal(portalCodeSystem('peppol'), 'peppol');
});

test('checks come in order: wrong PO first, then duplicate, then totals', () => {
  const checks = new BuyerChecks([{ customerId: 'stadt-lindenau', poNumber: 'PO-1' }]);
  const withPo = (po: string, text = ubl) =>
    text.replace('<cbc:BuyerReference>', `<cac:OrderReference><cbc:ID>${po}</cbc:ID></cac:OrderReference><cbc:BuyerReference>`);
  // (UBL's schema order puts OrderReference after BuyerReference; the reader does not depend on the order.)
  assert.equal(judge(checks, 'peppol', ubl).failed, 'wrong-po', 'no PO while the buyer has some');
  assert.equal(judge(checks, 'peppol', withPo('PO-2')).failed, 'wrong-po');
  assert.equal(judge(checks, 'peppol', withPo('PO-1')).outcome, 'accepted');
  const badTotal = withPo('PO-1').replace(/(<cbc:TaxInclusiveAmount currencyID="EUR">)5300.26/, '$15300.25');
  assert.equal(judge(checks, 'peppol', badTotal).failed, 'duplicate', 'the number was accepted before: duplicate comes before totals');
  const other = badTotal.replace('<cbc:ID>CG-2026-10121</cbc:ID>', '<cbc:ID>CG-2026-10199</cbc:ID>');
  const totals = judge(checks, 'peppol', other);
  assert.equal(totals.failed, 'totals');
  assert.match(totals.detail ?? '', /5300\.25.*5300\.26/);
});

test('a number the buyer rejected may come again corrected, except where the system keeps it taken (ariba)', () => {
  for (const [system, second] of [
    ['peppol', 'accepted'],
    ['ariba', 'rejected'],
  ] as const) {
    const checks = new BuyerChecks([]);
    const wrong = ubl.replace(/(<cbc:TaxInclusiveAmount currencyID="EUR">)5300.26/, '$15300.25');
    assert.equal(judge(checks, system, wrong).failed, 'totals');
    assert.equal(judge(checks, system, wrong).failed, 'totals', 'the same bytes again: judged as before');
    assert.equal(judge(checks, system, ubl).outcome, second, system);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Invoice, PurchaseOrder } from '../../src/model/invoice.js';
import { ScaledDecimal } from '../../src/model/scaled-decimal.js';
import { EMPTY_HISTORY, type InvoiceHistory } from '../../src/rules/index.js';
import { check, invoiceWith, profileWith, purchaseOrder } from '../support/check.js';
import { findingsAt, omit, onlyFinding } from './support.js';

const RULE = 'po-line-match';
const on = profileWith({ [RULE]: true });

type Line = Invoice['lines'][number];
type PoLine = PurchaseOrder['lines'][number];

/** The baseline invoice with its first line (3 × W-1 at 10.00 EA, PO line 1) changed, less the fields left out. */
function firstLine(changes: Partial<Line>, ...leftOut: (keyof Line)[]): Invoice {
  const [first, second] = invoiceWith().lines;
  return invoiceWith({ lines: [omit({ ...first!, ...changes }, ...leftOut), second!] });
}

/** The baseline PO with line 1 (10 × W-1 at 10.00 EA) changed, less the fields left out. */
function poLine1(changes: Partial<PoLine>, ...leftOut: Exclude<keyof PoLine, 'poLineNumber'>[]) {
  const [first, second] = purchaseOrder().lines;
  return purchaseOrder({ lines: [omit({ ...first!, ...changes }, ...leftOut), second!] });
}

test('lines that match their PO lines pass', async () => {
  assert.deepEqual(await check(on, invoiceWith(), { po: purchaseOrder() }), []);
});

test('a quantity above what is still open on the PO line is rejected, stating what is open', async () => {
  const finding = onlyFinding(await check(on, invoiceWith(), { po: poLine1({ quantityInvoiced: '8' }) }), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/lines/0');
  assert.equal(finding.message, 'Line 1 does not match PO PO-10001: quantity 3 exceeds the 2 EA still open on PO line 1.');
});

test('a quantity equal to what is still open passes', async () => {
  assert.deepEqual(await check(on, invoiceWith(), { po: poLine1({ quantityInvoiced: '7' }) }), []);
});

test('fractional quantities compare as decimals (2.5 hours open, 2.50 billed)', async () => {
  const invoice = firstLine({ quantity: '2.50', unitOfMeasure: 'HUR', lineAmount: '25.00' });
  assert.deepEqual(await check(on, invoice, { po: poLine1({ unitOfMeasure: 'HUR', quantityInvoiced: '7.5' }) }), []);
  const over = firstLine({ quantity: '2.51', unitOfMeasure: 'HUR', lineAmount: '25.10' });
  const finding = onlyFinding(await check(on, over, { po: poLine1({ unitOfMeasure: 'HUR', quantityInvoiced: '7.5' }) }), RULE);
  assert.match(finding.message, /quantity 2\.51 exceeds the 2\.5 HUR still open on PO line 1/);
});

test('quantities invoiced earlier in the batch reduce what is open on the PO line', async () => {
  const history: InvoiceHistory = {
    ...EMPTY_HISTORY,
    poLineQuantityInvoiced: (customerId, poNumber, poLineNumber) =>
      customerId === 'acme' && poNumber === 'PO-10001' && poLineNumber === '1' ? ScaledDecimal.from('8')! : ScaledDecimal.ZERO,
  };
  const finding = onlyFinding(await check(on, invoiceWith(), { po: purchaseOrder(), history }), RULE);
  assert.match(finding.message, /quantity 3 exceeds the 2 EA still open on PO line 1/);
});

test('a unit price different from the PO price is rejected, stating the PO price', async () => {
  const invoice = firstLine({ unitPrice: '10.50', lineAmount: '31.50' });
  const finding = onlyFinding(await check(on, invoice, { po: purchaseOrder() }), RULE);
  assert.equal(finding.path, '/lines/0');
  assert.equal(finding.message, 'Line 1 does not match PO PO-10001: unit price 10.50 differs from the PO price 10.00.');
});

test('prices written with different decimals but the same value match (10 and 10.00)', async () => {
  assert.deepEqual(await check(on, firstLine({ unitPrice: '10' }), { po: purchaseOrder() }), []);
});

test('a price tolerance accepts differences up to the tolerance, either way', async () => {
  const profile = profileWith({ [RULE]: { tolerance: '0.01' } });
  assert.deepEqual(await check(profile, firstLine({ unitPrice: '10.01' }), { po: purchaseOrder() }), []);
  assert.deepEqual(await check(profile, firstLine({ unitPrice: '9.99' }), { po: purchaseOrder() }), []);
  const finding = onlyFinding(await check(profile, firstLine({ unitPrice: '10.02' }), { po: purchaseOrder() }), RULE);
  assert.match(finding.message, /unit price 10\.02 differs from the PO price 10\.00/);
});

test("a unit of measure different from the PO line's is rejected, stating the PO's", async () => {
  const finding = onlyFinding(await check(on, firstLine({ unitOfMeasure: 'BX' }), { po: purchaseOrder() }), RULE);
  assert.equal(finding.path, '/lines/0');
  assert.equal(finding.message, "Line 1 does not match PO PO-10001: unit of measure BX differs from the PO's EA.");
});

test('a PO line without a unit of measure accepts any unit', async () => {
  assert.deepEqual(await check(on, firstLine({ unitOfMeasure: 'BX' }), { po: poLine1({}, 'unitOfMeasure') }), []);
});

test('a line naming a PO line the PO does not have is rejected at that line', async () => {
  const finding = onlyFinding(await check(on, firstLine({ poLineNumber: '9' }), { po: purchaseOrder() }), RULE);
  assert.equal(finding.path, '/lines/0');
  assert.match(finding.message, /^Line 1 does not match PO PO-10001: it names PO line "9", which the PO does not have \(lines: 1, 2\)/);
});

test('the message for an unknown PO line lists only that problem', async () => {
  const finding = onlyFinding(await check(on, firstLine({ poLineNumber: '9' }), { po: purchaseOrder() }), RULE);
  assert.equal(finding.message, 'Line 1 does not match PO PO-10001: it names PO line "9", which the PO does not have (lines: 1, 2).');
});

test('a line that names no PO line on a PO invoice is rejected', async () => {
  const finding = onlyFinding(await check(on, firstLine({}, 'poLineNumber'), { po: purchaseOrder() }), RULE);
  assert.equal(finding.path, '/lines/0');
});

test('the message for a line without a PO line number says it names none', async () => {
  const finding = onlyFinding(await check(on, firstLine({}, 'poLineNumber'), { po: purchaseOrder() }), RULE);
  assert.match(finding.message, /names no PO line/);
  assert.doesNotMatch(finding.message, /\(none\)/);
});

test('every mismatch of one line is listed in one finding', async () => {
  const invoice = firstLine({ quantity: '12', unitPrice: '11.00', unitOfMeasure: 'BX', lineAmount: '132.00' });
  const finding = onlyFinding(await check(on, invoice, { po: purchaseOrder() }), RULE);
  assert.equal(
    finding.message,
    "Line 1 does not match PO PO-10001: quantity 12 exceeds the 10 EA still open on PO line 1; unit price 11.00 differs from the PO price 10.00; unit of measure BX differs from the PO's EA.",
  );
});

test('each mismatching line gets its own finding at its own index', async () => {
  const [first, second] = invoiceWith().lines;
  const invoice = invoiceWith({
    lines: [
      { ...first!, unitPrice: '9.00', lineAmount: '27.00' },
      { ...second!, quantity: '5', lineAmount: '37.50' },
    ],
  });
  const [one, two] = findingsAt(await check(on, invoice, { po: purchaseOrder() }), RULE, ['/lines/0', '/lines/1']);
  assert.match(one!.message, /^Line 1 .*unit price 9\.00 differs from the PO price 10\.00\.$/);
  assert.match(two!.message, /^Line 2 .*quantity 5 exceeds the 4 EA still open on PO line 2\.$/);
});

test('without a known PO the rule has nothing to match and passes', async () => {
  assert.deepEqual(await check(on, firstLine({ poLineNumber: '9', unitPrice: '99.00' })), []);
});

test('the profile can lower PO line mismatches to warnings', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { severity: 'warning' } }), firstLine({ unitOfMeasure: 'BX' }), { po: purchaseOrder() }),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScaledDecimal } from '../../src/model/scaled-decimal.js';
import { EMPTY_HISTORY, type InvoiceHistory } from '../../src/rules/index.js';
import { check, invoiceWith, profileWith, purchaseOrder } from '../support/check.js';
import { omit, onlyFinding } from './support.js';

const RULE = 'po-amount-not-exceeded';
const on = profileWith({ [RULE]: true });

/** 3 × 10.00 + 2 × 7.50 = 45.00 net, 3.71 tax. */
const baseline = invoiceWith();

function poLines(invoicedWidgets: string, invoicedGadgets = '0') {
  const lines = purchaseOrder().lines;
  return [
    { ...lines[0]!, quantityInvoiced: invoicedWidgets },
    { ...lines[1]!, quantityInvoiced: invoicedGadgets },
  ];
}

function historyWithPoAmount(amount: string): InvoiceHistory {
  return {
    ...EMPTY_HISTORY,
    poAmountInvoiced: (customerId, poNumber) =>
      customerId === 'acme' && poNumber === 'PO-10001' ? ScaledDecimal.from(amount)! : ScaledDecimal.ZERO,
  };
}

test('an invoice well within the PO total passes', async () => {
  assert.deepEqual(await check(on, baseline, { po: purchaseOrder() }), []);
});

test('an invoice that by itself exceeds the PO total is rejected at /totalAmount', async () => {
  const finding = onlyFinding(await check(on, baseline, { po: purchaseOrder({ total: '40.00' }) }), RULE);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.path, '/totalAmount');
  assert.equal(
    finding.message,
    'This invoice takes PO PO-10001 to 45.00 USD, above its total 40.00 (limit with tolerance 40.00; already invoiced 0.00).',
  );
});

test('what the PO lines record as already invoiced counts (quantityInvoiced × PO price)', async () => {
  // 6 widgets at 10.00 already invoiced = 60.00; + 45.00 = 105.00 > 100.00
  const finding = onlyFinding(await check(on, baseline, { po: purchaseOrder({ lines: poLines('6') }) }), RULE);
  assert.match(finding.message, /takes PO PO-10001 to 105\.00 USD, above its total 100\.00/);
  assert.match(finding.message, /already invoiced 60\.00/);
});

test('an invoice that uses the PO up exactly to its total passes', async () => {
  // 5.5 widgets at 10.00 = 55.00 already invoiced; 55.00 + 45.00 = 100.00
  assert.deepEqual(await check(on, baseline, { po: purchaseOrder({ lines: poLines('5.5') }) }), []);
});

test('one cent over the PO total is rejected', async () => {
  // 55.00 + 0.01 already invoiced through earlier invoices in the batch
  const finding = onlyFinding(
    await check(on, baseline, { po: purchaseOrder({ lines: poLines('5.5') }), history: historyWithPoAmount('0.01') }),
    RULE,
  );
  assert.match(finding.message, /to 100\.01 USD, above its total 100\.00/);
});

test('earlier invoices in the same batch count against the PO', async () => {
  const finding = onlyFinding(await check(on, baseline, { po: purchaseOrder(), history: historyWithPoAmount('60.00') }), RULE);
  assert.match(finding.message, /to 105\.00 USD/);
  assert.match(finding.message, /already invoiced 60\.00\)/);
});

test('the PO total is compared with the net amount: tax does not use up the PO', async () => {
  // net 45.00 fits a 45.00 PO although the invoice total with tax is 48.71
  assert.deepEqual(await check(on, baseline, { po: purchaseOrder({ total: '45.00' }) }), []);
});

test('a tolerance percentage lets the invoice go that far above the PO total', async () => {
  const profile = profileWith({ [RULE]: { tolerancePercent: '10' } });
  // already 60.00 + 45.00 = 105.00 ≤ 110.00
  assert.deepEqual(await check(profile, baseline, { po: purchaseOrder({ lines: poLines('6') }) }), []);
});

test('beyond the tolerance the finding states the limit with tolerance', async () => {
  const profile = profileWith({ [RULE]: { tolerancePercent: '2.5' } });
  // 105.00 > 102.50
  const finding = onlyFinding(await check(profile, baseline, { po: purchaseOrder({ lines: poLines('6') }) }), RULE);
  assert.match(finding.message, /above its total 100\.00 \(limit with tolerance 102\.50; already invoiced 60\.00\)/);
});

test('a credit note does not use up the PO', async () => {
  const creditNote = invoiceWith({ documentType: 'credit-note', billingReference: 'INV-0999' });
  // 10 widgets at 10.00 already invoiced: the PO is used up exactly
  assert.deepEqual(await check(on, creditNote, { po: purchaseOrder({ lines: poLines('10') }) }), []);
});

test('a credit note against a PO that is already over-invoiced is not blamed for the excess', async () => {
  const creditNote = invoiceWith({ documentType: 'credit-note', billingReference: 'INV-0999' });
  assert.deepEqual(await check(on, creditNote, { po: purchaseOrder({ lines: poLines('10', '4') }) }), []);
});

test('allowances reduce and charges increase what the invoice takes from the PO', async () => {
  const withAllowance = invoiceWith({ allowances: [{ code: 'DISC', description: 'Discount', amount: '10.00' }] });
  // 60.00 + 45.00 − 10.00 = 95.00
  assert.deepEqual(await check(on, withAllowance, { po: purchaseOrder({ lines: poLines('6') }) }), []);
  const withCharge = invoiceWith({ charges: [{ code: 'FC', description: 'Freight', amount: '5.01' }] });
  // 50.00 + 45.00 + 5.01 = 100.01
  const finding = onlyFinding(await check(on, withCharge, { po: purchaseOrder({ lines: poLines('5') }) }), RULE);
  assert.match(finding.message, /to 100\.01 USD/);
});

test('without a known PO there is nothing to compare and the rule passes', async () => {
  assert.deepEqual(await check(on, baseline), []);
});

test('a PO without a total cannot be exceeded', async () => {
  assert.deepEqual(await check(on, baseline, { po: omit(purchaseOrder(), 'total') }), []);
});

test("amounts are stated in the invoice currency's minor unit (JPY)", async () => {
  const yen = invoiceWith({
    currency: 'JPY',
    lines: [
      {
        lineNumber: '1',
        sku: 'W-1',
        description: 'Widget',
        quantity: '3',
        unitOfMeasure: 'EA',
        unitPrice: '1000',
        lineAmount: '3000',
        taxCode: 'S',
        taxRate: '10',
        poLineNumber: '1',
      },
    ],
    taxTotal: '300',
    totalAmount: '3300',
  });
  const po = purchaseOrder({
    currency: 'JPY',
    total: '2500',
    lines: [
      {
        poLineNumber: '1',
        sku: 'W-1',
        description: 'Widget',
        quantity: '10',
        unitOfMeasure: 'EA',
        unitPrice: '1000',
        quantityInvoiced: '0',
      },
    ],
  });
  const finding = onlyFinding(await check(on, yen, { po }), RULE);
  assert.equal(
    finding.message,
    'This invoice takes PO PO-10001 to 3000 JPY, above its total 2500 (limit with tolerance 2500; already invoiced 0).',
  );
});

test('the profile can lower an exceeded PO to a warning', async () => {
  const finding = onlyFinding(
    await check(profileWith({ [RULE]: { severity: 'warning' } }), baseline, { po: purchaseOrder({ total: '40.00' }) }),
    RULE,
  );
  assert.equal(finding.severity, 'warning');
});

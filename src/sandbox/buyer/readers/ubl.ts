import type { DecimalValue } from '../../../model/money.js';
import { type DocumentReader, type ReadResult, decimalOf, sum, unreadable } from '../document-reader.js';
import { attribute, child, children, parseXml, rootName, textOf, type XmlNode } from './xml-tree.js';

/**
 * A UBL 2.1 Invoice or CreditNote: cbc:ID, cac:OrderReference/cbc:ID, the lines'
 * LineExtensionAmount, document-level AllowanceCharge (ChargeIndicator true adds), the TaxTotal
 * in the document currency, and LegalMonetaryTotal/TaxInclusiveAmount as the total.
 */

const ROOTS = new Map([
  ['Invoice', 'InvoiceLine'],
  ['CreditNote', 'CreditNoteLine'],
]);

function amount(node: XmlNode | undefined): DecimalValue | undefined {
  return decimalOf(textOf(node));
}

function readTree(tree: XmlNode): ReadResult {
  const rootEntry = [...ROOTS].find(([root]) => child(tree, root) !== undefined);
  if (rootEntry === undefined) return unreadable('not a UBL Invoice or CreditNote');
  const [rootTag, lineTag] = rootEntry;
  const root = child(tree, rootTag);
  const invoiceNumber = textOf(child(root, 'ID'));
  const currency = textOf(child(root, 'DocumentCurrencyCode')) || undefined;
  const lines = children(root, lineTag).map((line) => amount(child(line, 'LineExtensionAmount')));
  if (lines.some((line) => line === undefined)) return unreadable(`a ${lineTag} has no LineExtensionAmount`);
  const adjustments = children(root, 'AllowanceCharge').map((entry) => {
    const value = amount(child(entry, 'Amount'));
    return value === undefined ? undefined : textOf(child(entry, 'ChargeIndicator')) === 'true' ? value : value.neg();
  });
  if (adjustments.some((value) => value === undefined)) return unreadable('an AllowanceCharge has no Amount');
  const taxTotals = children(root, 'TaxTotal');
  const taxTotal = taxTotals.find((entry) => attribute(child(entry, 'TaxAmount'), 'currencyID') === currency) ?? taxTotals[0];
  const monetary = child(root, 'LegalMonetaryTotal');
  const total = amount(child(monetary, 'TaxInclusiveAmount')) ?? amount(child(monetary, 'PayableAmount'));
  if (invoiceNumber === '') return unreadable('cbc:ID (invoice number) is missing');
  if (total === undefined) return unreadable('LegalMonetaryTotal has no TaxInclusiveAmount');
  return {
    ok: true,
    invoice: {
      format: 'ubl',
      invoiceNumber,
      poNumber: textOf(child(root, 'OrderReference', 'ID')) || undefined,
      currency,
      total,
      computedTotal: sum(lines as DecimalValue[])
        .plus(sum(adjustments as DecimalValue[]))
        .plus(amount(child(taxTotal, 'TaxAmount')) ?? 0),
      envelope: undefined,
      payloadId: undefined,
      parties: undefined,
    },
  };
}

export const ublInvoiceReader: DocumentReader = {
  format: 'ubl',
  recognizes: (content) => ROOTS.has(rootName(content) ?? ''),
  read: (content) => {
    const parsed = parseXml(content);
    return parsed.ok ? readTree(parsed.tree) : unreadable(parsed.reason);
  },
};

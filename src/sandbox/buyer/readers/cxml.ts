import type { DecimalValue } from '../../../model/money.js';
import { type DocumentReader, type ReadResult, type XmlParties, decimalOf, sum, unreadable } from '../document-reader.js';
import { attribute, child, children, parseXml, rootName, textOf, type XmlNode } from './xml-tree.js';

/**
 * A cXML InvoiceDetailRequest: the header's invoiceID, the order's OrderReference or OrderIDInfo
 * orderID, each InvoiceDetailItem's SubtotalAmount; the summary's SpecialHandlingAmount and
 * ShippingAmount (added), InvoiceDetailDiscount (taken off), Tax, and NetAmount (else DueAmount)
 * as the total. The payloadID and the Header's From/To are kept for the answer.
 */

function money(node: XmlNode | undefined): DecimalValue | undefined {
  return decimalOf(textOf(child(node, 'Money')));
}

function party(header: XmlNode | undefined, role: 'From' | 'To'): XmlParties['from'] {
  const credential = child(header, role, 'Credential');
  return credential === undefined
    ? undefined
    : { domain: attribute(credential, 'domain'), identity: textOf(child(credential, 'Identity')) };
}

function readTree(tree: XmlNode): ReadResult {
  const cxml = child(tree, 'cXML');
  const request = child(cxml, 'Request', 'InvoiceDetailRequest');
  if (request === undefined) return unreadable('not a cXML InvoiceDetailRequest');
  const invoiceNumber = attribute(child(request, 'InvoiceDetailRequestHeader'), 'invoiceID');
  const orders = children(request, 'InvoiceDetailOrder');
  const info = child(orders[0], 'InvoiceDetailOrderInfo');
  const poNumber = attribute(child(info, 'OrderReference'), 'orderID') || attribute(child(info, 'OrderIDInfo'), 'orderID') || undefined;
  const items = orders.flatMap((order) => children(order, 'InvoiceDetailItem')).map((item) => money(child(item, 'SubtotalAmount')));
  if (items.some((item) => item === undefined)) return unreadable('an InvoiceDetailItem has no SubtotalAmount');
  const summary = child(request, 'InvoiceDetailSummary');
  const total = money(child(summary, 'NetAmount')) ?? money(child(summary, 'DueAmount'));
  if (invoiceNumber === '') return unreadable('InvoiceDetailRequestHeader has no invoiceID');
  if (total === undefined) return unreadable('InvoiceDetailSummary has no NetAmount or DueAmount');
  const added = [money(child(summary, 'SpecialHandlingAmount')), money(child(summary, 'ShippingAmount')), money(child(summary, 'Tax'))];
  const discount = money(child(summary, 'InvoiceDetailDiscount'));
  const header = child(cxml, 'Header');
  return {
    ok: true,
    invoice: {
      format: 'cxml',
      invoiceNumber,
      poNumber,
      currency: attribute(child(summary, 'SubtotalAmount', 'Money'), 'currency') || undefined,
      total,
      computedTotal: sum(items as DecimalValue[])
        .plus(sum(added.filter((value): value is DecimalValue => value !== undefined)))
        .minus(discount ?? 0),
      envelope: undefined,
      payloadId: attribute(cxml, 'payloadID') || undefined,
      parties: { from: party(header, 'From'), to: party(header, 'To') },
    },
  };
}

export const cxmlInvoiceReader: DocumentReader = {
  format: 'cxml',
  recognizes: (content) => rootName(content) === 'cXML',
  read: (content) => {
    const parsed = parseXml(content);
    return parsed.ok ? readTree(parsed.tree) : unreadable(parsed.reason);
  },
};

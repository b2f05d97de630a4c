import type { DecimalValue } from '../../../model/money.js';
import { type DocumentReader, type Envelope, type ReadResult, decimalOf, sum, unreadable } from '../document-reader.js';
import { component, type EdifactSegment, readEdifactBytes } from '../../../edi-syntax/edifact-reader.js';

/**
 * An EDIFACT INVOIC: BGM document number, RFF+ON before the first LIN, CUX currency; lines'
 * MOA+203; invoice-level ALC (before the first LIN) with their MOA+8 (C charge, A allowance);
 * after UNS the tax MOA+176 (else the TAX groups' MOA+124) and the total MOA+77.
 */

function envelopeOf(segments: readonly EdifactSegment[]): Envelope | undefined {
  const unb = segments.find((segment) => segment.tag === 'UNB');
  if (unb === undefined) return undefined;
  const unh = segments.find((segment) => segment.tag === 'UNH');
  return {
    syntax: `${component(unb, 1, 1)}:${component(unb, 1, 2)}`,
    senderId: component(unb, 2, 1),
    senderQualifier: component(unb, 2, 2),
    receiverId: component(unb, 3, 1),
    receiverQualifier: component(unb, 3, 2),
    interchangeControl: component(unb, 5),
    applicationSender: component(unb, 2, 1),
    applicationReceiver: component(unb, 3, 1),
    groupControl: undefined,
    messageControl: unh ? component(unh, 1) : undefined,
    version: unh ? (unh.elements[1] ?? []).join(':') : '',
    test: component(unb, 11) === '1',
  };
}

function amount(segment: EdifactSegment): DecimalValue | undefined {
  return decimalOf(component(segment, 1, 2));
}

function readSegments(segments: readonly EdifactSegment[]): ReadResult {
  const envelope = envelopeOf(segments);
  if (envelope === undefined) return unreadable('no UNB interchange header');
  const unh = segments.find((segment) => segment.tag === 'UNH');
  if (component(unh, 2, 1) !== 'INVOIC') return unreadable(`expected an INVOIC message, got ${component(unh, 2, 1) || 'none'}`, envelope);

  let invoiceNumber = '';
  let poNumber: string | undefined;
  let currency: string | undefined;
  let total: DecimalValue | undefined;
  let taxTotal: DecimalValue | undefined;
  const lines: DecimalValue[] = [];
  const adjustments: DecimalValue[] = [];
  const summaryTaxes: DecimalValue[] = [];
  let place: 'heading' | 'lines' | 'summary' = 'heading';
  let allowanceSign: 1 | -1 | undefined;
  for (const segment of segments) {
    switch (segment.tag) {
      case 'BGM':
        invoiceNumber = component(segment, 2);
        break;
      case 'RFF':
        if (place === 'heading' && component(segment, 1, 1) === 'ON') poNumber ??= component(segment, 1, 2) || undefined;
        break;
      case 'CUX':
        if (component(segment, 1, 1) === '2') currency = component(segment, 1, 2) || undefined;
        break;
      case 'ALC':
        allowanceSign = place === 'heading' ? (component(segment, 1) === 'A' ? -1 : 1) : undefined;
        break;
      case 'LIN':
        place = 'lines';
        allowanceSign = undefined;
        break;
      case 'UNS':
        place = 'summary';
        break;
      case 'MOA': {
        const qualifier = component(segment, 1, 1);
        const value = amount(segment);
        if (value === undefined) break;
        if (place === 'heading' && allowanceSign !== undefined && qualifier === '8')
          adjustments.push(allowanceSign === -1 ? value.neg() : value);
        else if (place === 'lines' && qualifier === '203') lines.push(value);
        else if (place === 'summary' && qualifier === '77') total = value;
        else if (place === 'summary' && qualifier === '176') taxTotal ??= value;
        else if (place === 'summary' && qualifier === '124') summaryTaxes.push(value);
        break;
      }
      default:
        break;
    }
  }
  if (invoiceNumber === '') return unreadable('BGM has no document number', envelope);
  if (total === undefined) return unreadable('MOA+77 (invoice total) is missing', envelope);
  return {
    ok: true,
    invoice: {
      format: 'edifact-invoic',
      invoiceNumber,
      poNumber,
      currency,
      total,
      computedTotal: sum(lines)
        .plus(sum(adjustments))
        .plus(taxTotal ?? sum(summaryTaxes)),
      envelope,
      payloadId: undefined,
      parties: undefined,
    },
  };
}

export const edifactInvoiceReader: DocumentReader = {
  format: 'edifact-invoic',
  recognizes: (content) => /^\s*(UNA|UNB)/.test(content.subarray(0, 16).toString('latin1')),
  read: (content) => {
    const parsed = readEdifactBytes(content);
    if (!parsed.ok) return unreadable(`not a valid EDIFACT interchange: ${parsed.reason}`, envelopeOf(parsed.segments));
    return readSegments(parsed.segments);
  },
};

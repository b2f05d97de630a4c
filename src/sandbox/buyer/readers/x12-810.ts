import { readX12, type X12Reading, type X12Segment } from '../../../edi-syntax/x12-reader.js';
import { Money, type DecimalValue } from '../../../model/money.js';
import { type DocumentReader, type Envelope, type ReadResult, decimalOf, sum, unreadable } from '../document-reader.js';

/**
 * An X12 810 read with the shared X12 reader (node-x12): an envelope whose counts or control
 * numbers disagree is unreadable. Amounts: IT1 quantity × unit price per line, less its SAC
 * allowances (plus charges); summary SAC charges and allowances and TXI taxes; TDS01 is the
 * total. TDS01 and SAC05 carry two implied decimals.
 */

const IMPLIED = new Money(100);

function element(segment: X12Segment | readonly string[] | undefined, position: number): string {
  const elements = segment === undefined ? [] : 'tag' in segment ? segment.elements : segment;
  return elements[position - 1]?.trim() ?? '';
}

/** The envelope of the first interchange, group and transaction set, as far as they were read. */
function envelopeOf(reading: X12Reading): Envelope | undefined {
  if (reading.envelope === undefined) return undefined;
  const { isa, gs } = reading.envelope;
  const groupControl = gs.length > 0 ? element(gs, 6) : undefined;
  const transaction = reading.transactions[0];
  return {
    senderQualifier: element(isa, 5),
    senderId: element(isa, 6),
    receiverQualifier: element(isa, 7),
    receiverId: element(isa, 8),
    // ISA13 is nine digits; node-x12 gives it without its leading zeros.
    interchangeControl: element(isa, 13).padStart(9, '0'),
    syntax: element(isa, 12),
    applicationSender: element(gs, 2),
    applicationReceiver: element(gs, 3),
    groupControl,
    messageControl: transaction !== undefined && transaction.group === groupControl ? transaction.control : undefined,
    version: element(gs, 8),
    test: element(isa, 15) === 'T',
  };
}

function implied(text: string): DecimalValue | undefined {
  return decimalOf(text)?.div(IMPLIED);
}

function readText(text: string): ReadResult {
  const reading = readX12(text);
  const envelope = envelopeOf(reading);
  if (reading.diagnostics.length > 0)
    return unreadable(`not a valid X12 interchange: ${reading.diagnostics.map((found) => found.message).join('; ')}`, envelope);
  if (reading.interchanges > 1) return unreadable('more than one X12 interchange in one file');
  const transaction = reading.transactions[0];
  if (transaction === undefined || transaction.type !== '810')
    return unreadable(`expected an 810 transaction set, got ${transaction?.type || 'none'}`, envelope);

  let inSummary = false;
  let invoiceNumber = '';
  let poNumber: string | undefined;
  let currency: string | undefined;
  let total: DecimalValue | undefined;
  const lines: DecimalValue[] = [];
  const adjustments: DecimalValue[] = [];
  for (const segment of transaction.segments) {
    switch (segment.tag) {
      case 'BIG':
        invoiceNumber = element(segment, 2);
        poNumber = element(segment, 4) || undefined;
        break;
      case 'CUR':
        currency = element(segment, 2) || undefined;
        break;
      case 'IT1': {
        const quantity = decimalOf(element(segment, 2));
        const price = decimalOf(element(segment, 4));
        if (quantity === undefined || price === undefined)
          return unreadable(`IT1 ${element(segment, 1)} has no quantity or unit price`, envelope);
        lines.push(quantity.times(price));
        break;
      }
      case 'SAC': {
        const amount = implied(element(segment, 5));
        if (amount === undefined) break;
        const signed = element(segment, 1) === 'A' ? amount.neg() : amount;
        const last = lines.length - 1;
        if (!inSummary && last >= 0) lines[last] = (lines[last] as DecimalValue).plus(signed);
        else adjustments.push(signed);
        break;
      }
      case 'TDS':
        inSummary = true;
        total = implied(element(segment, 1));
        break;
      case 'TXI': {
        const tax = decimalOf(element(segment, 2));
        if (inSummary && tax !== undefined) adjustments.push(tax);
        break;
      }
      default:
        break;
    }
  }
  if (invoiceNumber === '') return unreadable('BIG02 (invoice number) is missing', envelope);
  if (total === undefined) return unreadable('TDS01 (total) is missing', envelope);
  const lineTotal = sum(lines.map((line) => line.toDecimalPlaces(2)));
  return {
    ok: true,
    invoice: {
      format: 'x12-810',
      invoiceNumber,
      poNumber,
      currency,
      total,
      computedTotal: lineTotal.plus(sum(adjustments)),
      envelope,
      payloadId: undefined,
      parties: undefined,
    },
  };
}

export const x12InvoiceReader: DocumentReader = {
  format: 'x12-810',
  recognizes: (content) => /^\s*ISA/.test(content.subarray(0, 16).toString('latin1')),
  read: (content) => readText(content.toString('latin1')),
};

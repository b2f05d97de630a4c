import { X12Interchange, X12Parser, type X12Segment } from 'node-x12';
import { Money, type DecimalValue } from '../../../model/money.js';
import { type DocumentReader, type Envelope, type ReadResult, decimalOf, sum, unreadable } from '../document-reader.js';

/**
 * An X12 810 read with node-x12's strict parser (an envelope whose counts or control numbers
 * disagree is unreadable). Amounts: IT1 quantity × unit price per line, less its SAC allowances
 * (plus charges); summary SAC charges and allowances and TXI taxes; TDS01 is the total. TDS01 and
 * SAC05 carry two implied decimals.
 */

const IMPLIED = new Money(100);

function element(segment: X12Segment | undefined, position: number): string {
  return segment?.elements[position - 1]?.value?.trim() ?? '';
}

function envelopeOf(interchange: X12Interchange): Envelope | undefined {
  const isa = interchange.header;
  const group = interchange.functionalGroups[0];
  if (isa === undefined) return undefined;
  return {
    senderQualifier: element(isa, 5),
    senderId: element(isa, 6),
    receiverQualifier: element(isa, 7),
    receiverId: element(isa, 8),
    // ISA13 is nine digits; node-x12 gives it without its leading zeros.
    interchangeControl: element(isa, 13).padStart(9, '0'),
    syntax: element(isa, 12),
    applicationSender: element(group?.header, 2),
    applicationReceiver: element(group?.header, 3),
    groupControl: group ? element(group.header, 6) : undefined,
    messageControl: group?.transactions[0] ? element(group.transactions[0].header, 2) : undefined,
    version: element(group?.header, 8),
    test: element(isa, 15) === 'T',
  };
}

/** What a lenient parse can still tell of the envelope of a document the strict parse refused. */
function partialEnvelope(text: string): Envelope | undefined {
  try {
    const interchange = new X12Parser(false).parse(text);
    return interchange instanceof X12Interchange ? envelopeOf(interchange) : undefined;
  } catch {
    return undefined;
  }
}

function implied(text: string): DecimalValue | undefined {
  return decimalOf(text)?.div(IMPLIED);
}

function readText(text: string): ReadResult {
  const parser = new X12Parser(true);
  let parsed: ReturnType<X12Parser['parse']>;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    return unreadable(`not a valid X12 interchange: ${error instanceof Error ? error.message : String(error)}`, partialEnvelope(text));
  }
  if (!(parsed instanceof X12Interchange)) return unreadable('more than one X12 interchange in one file');
  if (parser.diagnostics.length > 0)
    return unreadable(`X12 envelope errors: ${parser.diagnostics.map((found) => found.message).join('; ')}`, envelopeOf(parsed));
  const envelope = envelopeOf(parsed);
  const transaction = parsed.functionalGroups[0]?.transactions[0];
  if (transaction === undefined || element(transaction.header, 1) !== '810')
    return unreadable(`expected an 810 transaction set, got ${element(transaction?.header, 1) || 'none'}`, envelope);

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

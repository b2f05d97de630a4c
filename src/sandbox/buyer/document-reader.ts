import { Money, type DecimalValue } from '../../model/money.js';

/**
 * What the sandbox's buyer reads from an invoice it received, whatever its format: enough to
 * judge it (PO, number, totals) and to answer it (the envelope's parties and control numbers).
 */

export type InvoiceFormat = 'x12-810' | 'edifact-invoic' | 'ubl' | 'cxml';

/** The envelope of an EDI interchange (X12 ISA/GS/ST, EDIFACT UNB/UNH), as received. */
export interface Envelope {
  readonly senderId: string;
  readonly senderQualifier: string;
  readonly receiverId: string;
  readonly receiverQualifier: string;
  /** X12 ISA13, EDIFACT UNB 0020. */
  readonly interchangeControl: string;
  /** X12 GS02/GS03 (application sender and receiver); EDIFACT: the UNB parties again. */
  readonly applicationSender: string;
  readonly applicationReceiver: string;
  /** X12 GS06; EDIFACT has no group here: undefined. */
  readonly groupControl: string | undefined;
  /** X12 ST02, EDIFACT UNH 0062. */
  readonly messageControl: string | undefined;
  /** X12 GS08 version (e.g. 004010), EDIFACT UNH S009 (e.g. INVOIC:D:96A:UN). */
  readonly version: string;
  /** X12 ISA12 (e.g. 00401), EDIFACT UNB S001 (e.g. UNOC:3). */
  readonly syntax: string;
  /** A test interchange (X12 ISA15 T, EDIFACT UNB 0035 1): the answer is one too. */
  readonly test: boolean;
}

/** The XML parties of a cXML document (its Header From/To), for an answer that swaps them. */
export interface XmlParties {
  readonly from: { readonly domain: string; readonly identity: string } | undefined;
  readonly to: { readonly domain: string; readonly identity: string } | undefined;
}

export interface ReadInvoice {
  readonly format: InvoiceFormat;
  readonly invoiceNumber: string;
  readonly poNumber: string | undefined;
  readonly currency: string | undefined;
  /** The total the document states (X12 TDS01, EDIFACT MOA+77, UBL TaxInclusiveAmount, cXML NetAmount). */
  readonly total: DecimalValue;
  /** Lines + charges − allowances + tax, as the document gives them. */
  readonly computedTotal: DecimalValue;
  readonly envelope: Envelope | undefined;
  /** cXML payloadID; undefined for other formats. */
  readonly payloadId: string | undefined;
  readonly parties: XmlParties | undefined;
}

export type ReadResult =
  | { readonly ok: true; readonly invoice: ReadInvoice }
  /** What could be read of the envelope, so a technical rejection can still name what it rejects. */
  | { readonly ok: false; readonly reason: string; readonly envelope: Envelope | undefined };

export interface DocumentReader {
  readonly format: InvoiceFormat;
  /** The content looks like this format (its first bytes); an attachment does not. */
  recognizes(content: Buffer): boolean;
  read(content: Buffer): ReadResult;
}

/** A decimal from the document's text; undefined when it is none. */
export function decimalOf(text: unknown): DecimalValue | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const trimmed = String(text).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed)) return undefined;
  return new Money(trimmed);
}

/** The sum of some decimals. */
export function sum(values: readonly DecimalValue[]): DecimalValue {
  return values.reduce((total, value) => total.plus(value), new Money(0));
}

export function unreadable(reason: string, envelope?: Envelope): ReadResult {
  return { ok: false, reason, envelope };
}

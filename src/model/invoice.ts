/**
 * The invoice and purchase order as firstpass reads them. The shapes are generated from the
 * JSON Schemas in schemas/ (the source of truth); this module gives them their domain names.
 */
import type { Attachment, Charge, InvoiceDocument, Line, Party } from './generated/invoice.js';
import type { PurchaseOrderDocument } from './generated/purchase-order.js';

export type Invoice = InvoiceDocument;
export type InvoiceLine = Line;
export type InvoiceCharge = Charge;
export type InvoiceParty = Party;
export type InvoiceAttachment = Attachment;
export type PurchaseOrder = PurchaseOrderDocument;
export type PurchaseOrderLine = PurchaseOrderDocument['lines'][number];

/** Where a document was read from. */
export interface DocumentSource {
  readonly file: string;
  /** 1-based line where the document starts, when the file format gives it cheaply. */
  readonly line?: number;
  /** Position of the document in its file (0-based). */
  readonly index: number;
}

export interface Sourced<T> {
  readonly document: T;
  readonly source: DocumentSource;
}

/* Generated from schemas/invoice.schema.json by scripts/generate-types.mjs. Do not edit. */

export type Date = string;
/**
 * A number or code; JSON numbers are read as their text
 */
export type Identifier = string;
export type Decimal = string;

/**
 * One invoice or credit note as the ERP exports it. Money, quantities and rates are decimal strings ("12.50").
 */
export interface InvoiceDocument {
  $schema?: string;
  /**
   * invoice (default) or credit-note
   */
  documentType?: "invoice" | "credit-note";
  /**
   * The seller's invoice number, unique per customer
   */
  invoiceNumber: string;
  /**
   * Selects customer-profiles/<customerId>.json
   */
  customerId: string;
  issueDate: Date;
  dueDate?: Date;
  /**
   * When the ERP produced the invoice (ISO timestamp)
   */
  generatedAt?: string;
  /**
   * ISO 4217 code, e.g. USD
   */
  currency: string;
  poNumber?: string;
  /**
   * The buyer's own reference (Peppol BT-10, Leitweg-ID, cost centre)
   */
  buyerReference?: string;
  /**
   * For a credit note: the invoice number it credits
   */
  billingReference?: string;
  /**
   * The number of a rejected invoice that this one corrects
   */
  supersedes?: string;
  testMode?: boolean;
  /**
   * e.g. NET30
   */
  paymentTerms?: string;
  seller?: Party;
  buyer: Party;
  shipTo?: Party;
  remitTo?: Party;
  /**
   * @minItems 1
   */
  lines: [Line, ...Line[]];
  charges?: Charge[];
  allowances?: Charge[];
  taxTotal?: Decimal;
  totalAmount?: Decimal;
  attachments?: Attachment[];
  note?: string;
}
export interface Party {
  name?: string;
  id?: string;
  taxId?: string;
  gln?: string;
  address?: {
    lines?: string[];
    city?: string;
    region?: string;
    postalCode?: string;
    country?: string;
  };
  contact?: {
    name?: string;
    email?: string;
    phone?: string;
  };
}
export interface Line {
  lineNumber?: Identifier;
  sku?: string;
  description?: string;
  quantity?: Decimal;
  unitOfMeasure?: string;
  unitPrice?: Decimal;
  discount?: Decimal;
  lineAmount?: Decimal;
  taxCode?: string;
  taxRate?: Decimal;
  poLineNumber?: Identifier;
  serviceStart?: Date;
  serviceEnd?: Date;
}
export interface Charge {
  /**
   * e.g. FREIGHT, FEE, DISCOUNT
   */
  code?: string;
  description?: string;
  amount: Decimal;
  taxCode?: string;
  taxRate?: Decimal;
}
export interface Attachment {
  /**
   * e.g. timesheet, acceptance-form, receipt
   */
  type: string;
  /**
   * Path relative to the invoice file
   */
  file: string;
}

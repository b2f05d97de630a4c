/** The model: invoices, purchase orders, money and the schemas that define them. No I/O but reading input files. */
export * from './errors.js';
export type { DocumentSource, Invoice, InvoiceAttachment, InvoiceCharge, InvoiceLine, InvoiceParty, PurchaseOrder, PurchaseOrderLine, Sourced } from './invoice.js';
export { expandPaths, readAllDocuments, readDocuments, type DocumentKind } from './read-documents.js';
export { locatePointer, parseJsonText, lineColumnAt } from './json-text.js';
export { schemaDirectory, schemaValidator } from './schema-check.js';
export { minorUnits } from './currency.js';
export { Money, ZERO, type DecimalValue } from './money.js';
export { ScaledDecimal } from './scaled-decimal.js';
export type { CustomerProfile, ProfileFile, ResolvedProfile } from './profile.js';
export { compareDecimals, isDecimalText, toDecimal } from './decimal-text.js';
export { expectedLineAmount, invoiceTotals, lineNetAmount, moneyText, roundHalfUp, taxGroups, taxOfGroup, type InvoiceTotals, type TaxGroup } from './invoice-totals.js';

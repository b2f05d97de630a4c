import type { DocumentReader, InvoiceFormat } from '../document-reader.js';
import { cxmlInvoiceReader } from './cxml.js';
import { edifactInvoiceReader } from './edifact-invoic.js';
import { ublInvoiceReader } from './ubl.js';
import { x12InvoiceReader } from './x12-810.js';

/** The buyer's document readers, one per format it can judge (a PDF sent by e-mail has none). */
export const DOCUMENT_READERS: ReadonlyMap<InvoiceFormat, DocumentReader> = new Map(
  [x12InvoiceReader, edifactInvoiceReader, ublInvoiceReader, cxmlInvoiceReader].map((reader) => [reader.format, reader]),
);

/** The reader for a profile's format, else the one whose format the content looks like; undefined for neither (an attachment, a PDF). */
export function readerFor(content: Buffer, format?: string): DocumentReader | undefined {
  const named = format === undefined ? undefined : DOCUMENT_READERS.get(format as InvoiceFormat);
  if (named !== undefined) return named.recognizes(content) ? named : undefined;
  return [...DOCUMENT_READERS.values()].find((reader) => reader.recognizes(content));
}

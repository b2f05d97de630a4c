import type { FormatDefinition } from './format-definition.js';
import { xmlDocumentWriter } from './xml-format.js';

/** UBL 2.1 invoices and credit notes as Peppol BIS Billing 3.0 wants them. */
export const ublInvoice: FormatDefinition = {
  name: 'ubl',
  extension: 'ubl.xml',
  mediaType: 'application/xml',
  templateKind: 'xml',
  controlNumbers: [],
  optionsDefinition: 'ublOptions',
  writer: xmlDocumentWriter,
};

import type { FormatDefinition } from './format-definition.js';
import { xmlDocumentWriter } from './xml-format.js';

/** cXML InvoiceDetailRequest, as Ariba-style procurement networks receive it. */
export const cxmlInvoice: FormatDefinition = {
  name: 'cxml',
  extension: 'cxml.xml',
  mediaType: 'application/xml',
  templateKind: 'xml',
  controlNumbers: [],
  optionsDefinition: 'cxmlOptions',
  writer: xmlDocumentWriter,
};

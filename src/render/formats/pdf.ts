import type { FormatDefinition } from './format-definition.js';

/** A PDF invoice for customers who take e-mail, or a copy for people, from a page layout. */
export const pdfInvoice: FormatDefinition = {
  name: 'pdf',
  extension: 'pdf',
  mediaType: 'application/pdf',
  templateKind: 'pdf',
  controlNumbers: [],
  optionsDefinition: 'pdfOptions',
  async writer(template) {
    const { writePdf } = await import('../pdf-writer.js');
    return (scope, context) => writePdf(template, scope, context);
  },
};

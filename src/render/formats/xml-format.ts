import type { TemplateDocument } from '../../model/generated/template.js';
import type { DocumentWriter } from './format-definition.js';

/** The writer of an XML format's documents: the template's element tree, compiled once. */
export async function xmlDocumentWriter(template: TemplateDocument): Promise<DocumentWriter> {
  const { writeXml } = await import('../xml-writer.js');
  const xml = template.xml;
  if (!xml) throw new Error(`template for ${template.format} has no xml tree`);
  return (scope, context) => writeXml({ xml, scope, codes: context.codes, omit: context.omit, invoiceNumber: context.invoiceNumber });
}

import { cxmlInvoice } from './cxml.js';
import { edifactInvoice } from './edifact-invoic.js';
import type { FormatDefinition, FormatName } from './format-definition.js';
import { pdfInvoice } from './pdf.js';
import { ublInvoice } from './ubl.js';
import { x12Invoice } from './x12-810.js';

export type {
  DocumentContext,
  DocumentWriter,
  FormatDefinition,
  FormatName,
  FormatOptions,
  SegmentOptionSyntax,
} from './format-definition.js';

/**
 * Every output format, by name. A new format is one file here, its templates in
 * edi-templates/<name>/, its options in the profile schema, and one line in this table.
 */
export const FORMATS: Readonly<Record<FormatName, FormatDefinition>> = {
  'x12-810': x12Invoice,
  'edifact-invoic': edifactInvoice,
  ubl: ublInvoice,
  cxml: cxmlInvoice,
  pdf: pdfInvoice,
};

/** The names of every format, in the table's order (the CLI's --format choices). */
export const FORMAT_NAMES: readonly FormatName[] = Object.keys(FORMATS) as FormatName[];

import { csvFormat } from './csv.js';
import { htmlFormat } from './html.js';
import { jsonFormat } from './json.js';
import type { ReportFormat } from './report-format.js';
import { tableFormat } from './table.js';

export type { ReportContext, ReportFormat } from './report-format.js';
export { escapeHtml } from './html-text.js';
export { csvField } from './csv.js';

/** Every output format of `firstpass report`, by name. A new format is one file here and one line. */
export const REPORT_FORMATS: ReadonlyMap<string, ReportFormat> = new Map(
  [tableFormat, csvFormat, jsonFormat, htmlFormat].map((format) => [format.name, format]),
);

export const REPORT_FORMAT_NAMES = ['table', 'csv', 'json', 'html'] as const;
export type ReportFormatName = (typeof REPORT_FORMAT_NAMES)[number];

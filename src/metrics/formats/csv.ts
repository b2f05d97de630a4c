import { heldRate, rejectionRate, type Metrics } from '../definitions.js';
import type { ReportFormat } from './report-format.js';

/**
 * One row per group and a last row `total`, for spreadsheets (RFC 4180: CRLF, every field that
 * holds a comma, quote or line break quoted, quotes doubled). Rates are fractions, hours
 * decimals, empty where there is no value; a text starting with = + - @ is prefixed with ' so
 * a spreadsheet never runs it as a formula.
 */
const HEADER = [
  'group',
  'invoices',
  'held',
  'heldRate',
  'submitted',
  'firstPassSuccess',
  'firstPassRate',
  'rejected',
  'rejectionRate',
  'pending',
  'unknown',
  'overdue',
  'medianHoursToAcceptance',
  'p90HoursToAcceptance',
];

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(key: string, metrics: Metrics): string {
  return [
    key,
    metrics.invoices,
    metrics.held,
    heldRate(metrics),
    metrics.submitted,
    metrics.firstPassSuccess,
    metrics.firstPassRate,
    metrics.rejected,
    rejectionRate(metrics),
    metrics.pending,
    metrics.unknown,
    metrics.overdue,
    metrics.timeToAcceptance.medianHours,
    metrics.timeToAcceptance.p90Hours,
  ]
    .map((value) => csvField(typeof value === 'number' ? Number(value.toFixed(6)) : value))
    .join(',');
}

export const csvFormat: ReportFormat = {
  name: 'csv',
  mediaType: 'text/csv',
  async render(report) {
    const lines = [HEADER.join(','), ...report.groups.map((group) => row(group.key, group)), row('total', report.totals)];
    return `${lines.join('\r\n')}\r\n`;
  },
};

import { heldRate, rejectionRate, type Metrics } from '../definitions.js';

/** How figures are written for people (table, CSV, HTML), the same in every format. */

/** 0.7143 → "71.4 %"; null → "–". */
export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

/** 76.8 → "76.8"; null → "–". */
export function hours(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

/** The columns every tabular format shows, in order: a header and how to write a row's cell. */
export const METRIC_COLUMNS: readonly { readonly header: string; readonly cell: (metrics: Metrics) => string }[] = [
  { header: 'invoices', cell: (m) => String(m.invoices) },
  { header: 'held', cell: (m) => String(m.held) },
  { header: 'held rate', cell: (m) => percent(heldRate(m)) },
  { header: 'submitted', cell: (m) => String(m.submitted) },
  { header: 'first-pass success', cell: (m) => String(m.firstPassSuccess) },
  { header: 'first-pass rate', cell: (m) => percent(m.firstPassRate) },
  { header: 'rejected', cell: (m) => String(m.rejected) },
  { header: 'rejection rate', cell: (m) => percent(rejectionRate(m)) },
  { header: 'pending', cell: (m) => String(m.pending) },
  { header: 'unknown', cell: (m) => String(m.unknown) },
  { header: 'overdue', cell: (m) => String(m.overdue) },
  { header: 'median hours to acceptance', cell: (m) => hours(m.timeToAcceptance.medianHours) },
  { header: 'p90 hours to acceptance', cell: (m) => hours(m.timeToAcceptance.p90Hours) },
];

export function periodText(from: string | null, to: string | null, timeZone: string): string {
  if (from === null && to === null) return `no invoices (${timeZone})`;
  return `${from ?? '…'} to ${to ?? '…'} (${timeZone})`;
}

import type { Metrics } from '../definitions.js';
import { METRIC_COLUMNS, percent, periodText } from './figures.js';
import type { ReportFormat } from './report-format.js';

/** For a terminal: the headline figures, one line per group with the totals last, then the top lists. */
function columns(rows: readonly (readonly string[])[], numbers: (index: number) => boolean): string {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, index) => (numbers(index) ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const SHORT_HEADERS = [
  'invoices',
  'held',
  'held%',
  'sent',
  'first-pass',
  'rate',
  'rejected',
  'rej%',
  'pending',
  'unknown',
  'overdue',
  'median h',
  'p90 h',
];

function line(key: string, metrics: Metrics): string[] {
  return [key, ...METRIC_COLUMNS.map((column) => column.cell(metrics))];
}

export const tableFormat: ReportFormat = {
  name: 'table',
  mediaType: 'text/plain',
  async render(report, context) {
    const t = report.totals;
    const out: string[] = [
      `First-pass report, ${periodText(report.from, report.to, context.timeZone)}`,
      `First-pass rate ${percent(t.firstPassRate)} (${t.firstPassSuccess} of the invoices with an outcome) · ${t.invoices} invoices · ${t.held} held · ${t.rejected} rejected · ${t.pending} pending (${t.overdue} overdue) · ${t.unknown} unknown`,
      '',
      columns(
        [[context.by ?? '', ...SHORT_HEADERS], ...report.groups.map((group) => line(group.key, group)), line('total', t)],
        (index) => index > 0,
      ),
    ];
    if (report.topRejectionReasons.length > 0) {
      out.push('', 'Top rejection reasons');
      out.push(
        columns(
          [['count', 'code', 'text'], ...report.topRejectionReasons.map((r) => [String(r.count), r.code ?? '–', r.text ?? '–'])],
          (index) => index === 0,
        ),
      );
    }
    if (report.topHoldingRules.length > 0) {
      out.push('', 'Top holding rules');
      out.push(columns([['count', 'rule'], ...report.topHoldingRules.map((r) => [String(r.count), r.rule])], (index) => index === 0));
    }
    return `${out.join('\n')}\n`;
  },
};

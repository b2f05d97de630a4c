import { heldRate, rejectionRate, type FirstPassReport, type Metrics } from '../definitions.js';
import { reportCharts } from './charts.js';
import { hours, METRIC_COLUMNS, percent, periodText } from './figures.js';
import { escapeHtml } from './html-text.js';
import type { ReportContext, ReportFormat } from './report-format.js';

/**
 * One self-contained HTML file a manager opens by double-click: the headline figures first,
 * then the charts as inline SVG, then tables that print well. No script, no external resource
 * (the Content-Security-Policy forbids both), every text from data escaped.
 */

const STYLE = `
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6775; --line: #d5dbe2; --accent: #2f6f9f; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 2rem auto; max-width: 1100px; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.period { color: var(--muted); margin: 0 0 1.5rem; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .75rem; margin: 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
.figure dt { color: var(--muted); font-size: .85rem; }
.figure dd { margin: .15rem 0 0; font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure.main dd { color: var(--accent); font-size: 2.1rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
td { white-space: nowrap; }
td.text { white-space: normal; overflow-wrap: anywhere; }
#groups td:first-child { white-space: nowrap; }
th { font-size: .85rem; }
thead th { background: #f1f4f7; }
tr.total td { font-weight: 600; background: #f7f9fb; }
.note { color: var(--muted); font-size: .85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .figure dd { font-size: 14pt; }
  .figure.main dd { font-size: 16pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th, td { border-color: #888; }
}
`;

function figure(name: string, label: string, value: number | null, shown: string, main = false): string {
  return `<div class="figure${main ? ' main' : ''}"><dt>${escapeHtml(label)}</dt><dd data-figure="${name}" data-value="${value === null ? '' : String(value)}">${escapeHtml(shown)}</dd></div>`;
}

function headline(totals: Metrics): string {
  return `<dl class="headline">
${figure('firstPassRate', 'First-pass rate', totals.firstPassRate, percent(totals.firstPassRate), true)}
${figure('invoices', 'Invoices', totals.invoices, String(totals.invoices))}
${figure('firstPassSuccess', 'Accepted first time', totals.firstPassSuccess, String(totals.firstPassSuccess))}
${figure('heldRate', 'Held rate', heldRate(totals), percent(heldRate(totals)))}
${figure('rejectionRate', 'Rejection rate', rejectionRate(totals), percent(rejectionRate(totals)))}
${figure('medianHours', 'Median hours to acceptance', totals.timeToAcceptance.medianHours, hours(totals.timeToAcceptance.medianHours))}
${figure('p90Hours', 'p90 hours to acceptance', totals.timeToAcceptance.p90Hours, hours(totals.timeToAcceptance.p90Hours))}
${figure('pending', 'Pending', totals.pending, String(totals.pending))}
${figure('overdue', 'Overdue', totals.overdue, String(totals.overdue))}
${figure('unknown', 'Unknown', totals.unknown, String(totals.unknown))}
</dl>`;
}

function metricsTable(
  title: string,
  keyHeader: string,
  groups: readonly ({ key: string } & Metrics)[],
  totals: Metrics | undefined,
  id: string,
): string {
  const head = `<tr><th>${escapeHtml(keyHeader)}</th>${METRIC_COLUMNS.map((column) => `<th>${escapeHtml(column.header)}</th>`).join('')}</tr>`;
  const row = (key: string, metrics: Metrics, css = '') =>
    `<tr${css}><td class="text">${escapeHtml(key)}</td>${METRIC_COLUMNS.map((column) => `<td>${escapeHtml(column.cell(metrics))}</td>`).join('')}</tr>`;
  const body = [...groups.map((group) => row(group.key, group)), ...(totals ? [row('total', totals, ' class="total"')] : [])].join('\n');
  return `<h2>${escapeHtml(title)}</h2>\n<table id="${id}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

function listTable(title: string, headers: readonly string[], rows: readonly (readonly string[])[], id: string, empty: string): string {
  if (rows.length === 0) return `<h2>${escapeHtml(title)}</h2>\n<p class="note">${escapeHtml(empty)}</p>`;
  const head = `<tr>${headers.map((header, index) => `<th${index === 0 ? '' : ' class="text"'}>${escapeHtml(header)}</th>`).join('')}</tr>`;
  const body = rows
    .map((cells) => `<tr>${cells.map((cell, index) => `<td${index === 0 ? '' : ' class="text"'}>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<h2>${escapeHtml(title)}</h2>\n<table id="${id}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

export async function renderHtml(report: FirstPassReport, context: ReportContext): Promise<string> {
  const charts = context.charts ? await reportCharts(report, context.charts) : [];
  const sections: string[] = [headline(report.totals)];
  if (charts.length > 0)
    sections.push(
      `<h2>Charts</h2>\n<div class="charts">\n${charts.map((chart) => `<figure><figcaption>${escapeHtml(chart.title)}</figcaption>\n${chart.svg}\n</figure>`).join('\n')}\n</div>`,
    );
  if (context.by !== undefined) sections.push(metricsTable(`By ${context.by}`, context.by, report.groups, report.totals, 'groups'));
  else if (context.charts && context.charts.byMonth.length > 0)
    sections.push(metricsTable('By month', 'month', context.charts.byMonth, report.totals, 'groups'));
  sections.push(
    listTable(
      'Top rejection reasons',
      ['count', 'code', 'text'],
      report.topRejectionReasons.map((reason) => [String(reason.count), reason.code ?? '–', reason.text ?? '–']),
      'rejection-reasons',
      'No rejections in this period.',
    ),
    listTable(
      'Top holding rules',
      ['invoices held', 'rule'],
      report.topHoldingRules.map((rule) => [String(rule.count), rule.rule]),
      'holding-rules',
      'No invoice was held in this period.',
    ),
  );
  const period = periodText(report.from, report.to, context.timeZone);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>First-pass report, ${escapeHtml(period)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>First-pass report</h1>
<p class="period">${escapeHtml(period)} · made ${escapeHtml(context.generatedAt)} by firstpass · an invoice counts once with its corrections, dated by its first submission</p>
${sections.join('\n')}
</body>
</html>
`;
}

export const htmlFormat: ReportFormat = { name: 'html', mediaType: 'text/html', render: renderHtml };

import type { TopLevelSpec } from 'vega-lite';
import type { FirstPassReport, ReportCharts } from '../definitions.js';

/**
 * The HTML report's charts: Vega-Lite specs rendered by Vega in Node into SVG text at report
 * time (no script or network in the page). Vega escapes the texts it writes (labels from data).
 */
export interface Chart {
  readonly title: string;
  readonly svg: string;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CONFIG = { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, view: { stroke: null } } as const;

async function svgOf(spec: TopLevelSpec): Promise<string> {
  // Loaded here, not at start: only the HTML format pays for Vega.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function rateSpec(values: { key: string; rate: number | null; invoices: number }[], axisTitle: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    width: Math.min(720, Math.max(240, values.length * 48)),
    height: 220,
    data: { values: values.filter((value) => value.rate !== null) },
    mark: { type: 'bar', color: '#2f6f9f' },
    encoding: {
      x: { field: 'key', type: 'ordinal', title: axisTitle, sort: null, axis: { labelAngle: -40, labelLimit: 140 } },
      y: { field: 'rate', type: 'quantitative', title: 'first-pass rate', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      tooltip: [
        { field: 'key', type: 'nominal' },
        { field: 'rate', type: 'quantitative', format: '.1%' },
      ],
    },
  };
}

/** Every chart the report has data for, in reading order. */
export async function reportCharts(report: FirstPassReport, charts: ReportCharts): Promise<Chart[]> {
  const drawn: Chart[] = [];
  const rates = (groups: ReportCharts['byMonth']) =>
    groups.map((group) => ({ key: group.key, rate: group.firstPassRate, invoices: group.invoices }));
  if (charts.byMonth.some((group) => group.firstPassRate !== null))
    drawn.push({ title: 'First-pass rate by month', svg: await svgOf(rateSpec(rates(charts.byMonth), 'month')) });
  if (charts.byCustomer.some((group) => group.firstPassRate !== null))
    drawn.push({ title: 'First-pass rate by customer', svg: await svgOf(rateSpec(rates(charts.byCustomer), 'customer')) });
  if (charts.acceptanceHours.some((bucket) => bucket.count > 0))
    drawn.push({
      title: 'Time to acceptance (invoices by hours from generation to acceptance)',
      svg: await svgOf({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        config: CONFIG,
        width: 480,
        height: 220,
        data: { values: charts.acceptanceHours.map((bucket) => ({ ...bucket })) },
        mark: { type: 'bar', color: '#4c956c' },
        encoding: {
          x: { field: 'bucket', type: 'ordinal', title: 'time to acceptance', sort: null, axis: { labelAngle: 0 } },
          y: { field: 'count', type: 'quantitative', title: 'invoices', axis: { format: 'd', tickMinStep: 1 } },
        },
      }),
    });
  if (report.topRejectionReasons.length > 0)
    drawn.push({
      title: 'Top rejection reasons',
      svg: await svgOf({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        config: CONFIG,
        width: 420,
        height: { step: 22 },
        data: {
          values: report.topRejectionReasons.map((reason, index) => ({
            reason: `${index + 1}. ${[reason.code, reason.text].filter((part) => part !== null).join(' – ') || '(no code or text)'}`,
            count: reason.count,
          })),
        },
        mark: { type: 'bar', color: '#b5543c' },
        encoding: {
          y: { field: 'reason', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
          x: { field: 'count', type: 'quantitative', title: 'rejections', axis: { format: 'd', tickMinStep: 1 } },
        },
      }),
    });
  return drawn;
}

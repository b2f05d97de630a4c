import type { FirstPassReport, ReportCharts, ReportGrouping } from '../definitions.js';

/** What a format knows besides the figures: how they were asked for. */
export interface ReportContext {
  readonly by: ReportGrouping | undefined;
  readonly timeZone: string;
  /** When the report was made (ISO), for the reader. */
  readonly generatedAt: string;
  /** What the charts draw (HTML); formats without charts ignore it. */
  readonly charts?: ReportCharts | undefined;
}

/** One output format of `firstpass report`: one file each under formats/, listed in index.ts. */
export interface ReportFormat {
  readonly name: string;
  readonly mediaType: string;
  render(report: FirstPassReport, context: ReportContext): Promise<string>;
}

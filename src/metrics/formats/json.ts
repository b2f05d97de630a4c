import type { ReportFormat } from './report-format.js';

/** The contract's `report --format json`: the report object as it is, nothing added. */
export const jsonFormat: ReportFormat = {
  name: 'json',
  mediaType: 'application/json',
  async render(report) {
    return `${JSON.stringify(report, null, 2)}\n`;
  },
};

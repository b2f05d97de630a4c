/** First-pass metrics: their definitions, and the report computed from the store. */
export * from './definitions.js';
export { ACCEPTANCE_BUCKETS, firstPassReport, firstPassReportWithCharts } from './report-query.js';
export { isTimeZone, localDate } from './time-zone.js';
export { percentileOf, percentileRanks } from './percentile.js';

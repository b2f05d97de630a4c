import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  firstPassReport,
  firstPassReportWithCharts,
  isTimeZone,
  type FirstPassReport,
  type ReportCharts,
  type ReportGrouping,
} from '../metrics/index.js';
import { REPORT_FORMATS, type ReportFormatName } from '../metrics/formats/index.js';
import { FirstpassError } from '../model/errors.js';
import { ProfileLibrary } from '../profiles/index.js';
import { openStore, prepareDefaultStore } from '../store/index.js';
import { acknowledgmentDeadlines } from './overdue.js';

/**
 * `firstpass report`: the first-pass metrics of a period (src/metrics/definitions.ts), computed
 * in the database and written as a table, CSV, JSON (the contract's shape) or one
 * self-contained HTML file. Overdue needs each customer's acknowledgmentDeadlineHours: the
 * profiles are read for it.
 */

export { REPORT_FORMAT_NAMES, type ReportFormatName } from '../metrics/formats/index.js';
export { REPORT_GROUPINGS, type FirstPassReport, type ReportGrouping } from '../metrics/index.js';

export interface ReportOptions {
  readonly database: string;
  readonly profilesDirectory: string;
  /** Whether --profiles was given: a missing default folder is only a warning. */
  readonly profilesGiven: boolean;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly timeZone?: string | undefined;
  readonly by?: ReportGrouping | undefined;
  readonly format: ReportFormatName;
  /** Written atomically when given; else the text is returned for stdout. */
  readonly out?: string | undefined;
  /** The report's clock (overdue); default now. */
  readonly now?: Date | undefined;
}

export interface ReportResult {
  readonly report: FirstPassReport;
  /** The formatted report, when it goes to stdout. */
  readonly text: string | undefined;
  /** The file written, when --out was given. */
  readonly written: string | undefined;
  /** Things the reader should know (no profiles: overdue not judged). */
  readonly warnings: readonly string[];
}

function usage(message: string): FirstpassError {
  return new FirstpassError('USAGE', 'report', message);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(option: string, value: string | undefined): void {
  if (value === undefined) return;
  const parsed = Date.parse(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== value)
    throw usage(`${option} must be a date written YYYY-MM-DD, not "${value}"`);
}

/** Checks the options before anything is opened: one clear message, exit 2. */
export function checkReportOptions(options: ReportOptions): void {
  checkDate('--from', options.from);
  checkDate('--to', options.to);
  if (options.from !== undefined && options.to !== undefined && options.from > options.to)
    throw usage(`--from ${options.from} is after --to ${options.to}`);
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone))
    throw usage(`--tz must be an IANA time zone such as UTC, Europe/Berlin or America/New_York, not "${options.timeZone}"`);
  if (!REPORT_FORMATS.has(options.format)) throw usage(`--format must be one of ${[...REPORT_FORMATS.keys()].join(', ')}`);
}

/** acknowledgmentDeadlineHours by customer, from the profiles folder. */
async function deadlinesOf(options: ReportOptions, warnings: string[]): Promise<Map<string, number>> {
  const exists = await stat(options.profilesDirectory).then(
    (found) => found.isDirectory(),
    () => false,
  );
  if (!exists) {
    if (options.profilesGiven) throw usage(`--profiles ${options.profilesDirectory} is not a folder of customer profiles`);
    warnings.push(`no profiles folder at ${options.profilesDirectory}: overdue submissions are not counted (give --profiles DIR)`);
    return new Map();
  }
  // The same deadlines `acks` and `status` judge overdue by (pipeline/overdue.ts).
  return new Map(await acknowledgmentDeadlines(new ProfileLibrary(options.profilesDirectory)));
}

/** Writes next to the target then renames: a reader never sees half a report. */
async function writeAtomically(file: string, text: string): Promise<string> {
  const target = resolve(file);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new FirstpassError('USAGE', 'report', `cannot write the report to ${target}: ${(error as Error).message}`, { cause: error });
  }
  return target;
}

export async function makeReport(options: ReportOptions): Promise<ReportResult> {
  checkReportOptions(options);
  const warnings: string[] = [];
  const deadlines = await deadlinesOf(options, warnings);
  const timeZone = options.timeZone ?? 'UTC';
  const request = {
    from: options.from,
    to: options.to,
    timeZone,
    by: options.by,
    now: options.now ?? new Date(),
    deadlines,
  };
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  let report: FirstPassReport;
  let charts: ReportCharts | undefined;
  try {
    if (options.format === 'html') ({ report, charts } = await firstPassReportWithCharts(store, request));
    else report = await firstPassReport(store, request);
  } finally {
    await store.close();
  }
  const format = REPORT_FORMATS.get(options.format);
  if (format === undefined) throw usage(`unknown format ${options.format}`);
  const text = await format.render(report, { by: options.by, timeZone, generatedAt: request.now.toISOString(), charts });
  if (options.out === undefined) return { report, text, written: undefined, warnings };
  return { report, text: undefined, written: await writeAtomically(options.out, text), warnings };
}

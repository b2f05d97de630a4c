import { makeReport, type ReportOptions } from '../pipeline/report.js';
import { printable, printableJson, printableLines } from './printable.js';

/** The pipeline's report options, its clock left to it. */
export type ReportCommandOptions = Omit<ReportOptions, 'now'>;

/** `firstpass report`: prints the report (or writes it to --out); warnings go to stderr. */
export async function runReport(options: ReportCommandOptions): Promise<number> {
  const result = await makeReport(options);
  for (const warning of result.warnings) process.stderr.write(`firstpass: ${printable(warning)}\n`);
  if (result.text !== undefined) {
    // Terminal formats are made printable; HTML and CSV go out as they are, for a file or a pipe.
    if (options.format === 'json') process.stdout.write(printableJson(result.text));
    else if (options.format === 'table') process.stdout.write(printableLines(result.text));
    else process.stdout.write(result.text);
  }
  if (result.written !== undefined) process.stderr.write(`firstpass: wrote ${printable(result.written)}\n`);
  return 0;
}

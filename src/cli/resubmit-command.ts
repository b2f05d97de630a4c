import { resubmitInvoices, type ResubmitResult } from '../pipeline/resubmit-invoices.js';
import { printable, printableJson } from './printable.js';
import { describeSubmitResult, submitExitCode, type SubmitCommandOptions } from './submit-command.js';

/** submit's options without --resend-unknown and --concurrency, which resubmit does not take. */
export type ResubmitCommandOptions = Omit<SubmitCommandOptions, 'resendUnknown' | 'concurrency'>;

/**
 * `firstpass resubmit`: a line per invoice (what it corrects, then what submit did with it) and a
 * summary, or with --json one document. Exit statuses as submit's: an invoice that corrects no
 * rejection is held, so 1.
 */
export async function runResubmit(options: ResubmitCommandOptions): Promise<number> {
  const report = await resubmitInvoices({
    paths: options.paths,
    profilesDirectory: options.profilesDirectory,
    poPaths: options.poPaths,
    today: options.today,
    database: options.database,
    dryRun: options.dryRun,
    onResult: options.json ? undefined : (result) => process.stdout.write(`${printable(describe(result))}\n`),
  });
  const counts = new Map<string, number>();
  for (const result of report.results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
  if (options.json) {
    process.stdout.write(
      `${printableJson(JSON.stringify({ dryRun: report.dryRun, invoices: report.results, summary: Object.fromEntries(counts) }, null, 2))}\n`,
    );
  } else {
    const parts = [...counts].map(([outcome, count]) => `${count} ${outcome}`);
    process.stdout.write(
      `\n${report.results.length} correction${report.results.length === 1 ? '' : 's'}${report.dryRun ? ' (dry run: nothing sent or recorded)' : ''}: ${parts.join(', ') || 'none'}\n`,
    );
  }
  return submitExitCode(report.results);
}

function describe(result: ResubmitResult): string {
  const line = describeSubmitResult(result);
  if (result.corrects === undefined) return line;
  const how = result.corrects.kind === 'new-number' ? `supersedes ${result.corrects.invoiceNumber}` : 'new version';
  return `${line} [corrects rejected ${result.corrects.invoiceNumber} version ${result.corrects.versionId}: ${how}]`;
}

import { supersedingRefusals } from '../pipeline/resubmit-invoices.js';
import { submitInvoices, type SubmitOutcome, type SubmitResult } from '../pipeline/submit-invoices.js';
import { printable, printableJson } from './printable.js';

export interface SubmitCommandOptions {
  readonly paths: readonly string[];
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  readonly today: string;
  readonly database: string;
  readonly dryRun: boolean;
  /** Invoice numbers whose unknown attempt a person checked: sent again. */
  readonly resendUnknown?: readonly string[] | undefined;
  /** Invoices worked on at once; default the pipeline's. */
  readonly concurrency?: number | undefined;
  readonly json: boolean;
}

/** Outcomes that are faults of the machine or the connection, not of an invoice: exit 3. */
const FAULTS: readonly SubmitOutcome[] = ['failed', 'stopped', 'unknown'];
/** Outcomes a person fixes in the invoice (or the customer refused it): exit 1. */
const REFUSED: readonly SubmitOutcome[] = ['held', 'rejected'];

/**
 * `firstpass submit`: a line per invoice as it is settled and a summary, or with --json one
 * document at the end. Exit 0 all sent (or sent before), 1 some held or rejected, 3 a fault
 * (a channel down after retries, credentials refused, a send that may or may not have arrived).
 */
export async function runSubmit(options: SubmitCommandOptions): Promise<number> {
  const report = await submitInvoices({
    paths: options.paths,
    profilesDirectory: options.profilesDirectory,
    poPaths: options.poPaths,
    today: options.today,
    database: options.database,
    dryRun: options.dryRun,
    resendUnknown: options.resendUnknown,
    concurrency: options.concurrency,
    // An invoice whose supersedes names one accepted, pending or already corrected is held: it would bill twice.
    refusals: supersedingRefusals,
    onResult: options.json ? undefined : (result) => process.stdout.write(`${printable(describeSubmitResult(result))}\n`),
  });
  const counts = new Map<SubmitOutcome, number>();
  for (const result of report.results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
  const summary = Object.fromEntries(counts);
  if (options.json) {
    process.stdout.write(`${printableJson(JSON.stringify({ dryRun: report.dryRun, invoices: report.results, summary }, null, 2))}\n`);
  } else {
    const parts = [...counts].map(([outcome, count]) => `${count} ${outcome}`);
    process.stdout.write(
      `\n${report.results.length} invoice${report.results.length === 1 ? '' : 's'}${report.dryRun ? ' (dry run: nothing sent or recorded)' : ''}: ${parts.join(', ') || 'none'}\n`,
    );
  }
  return submitExitCode(report.results);
}

/** 3 when a result is a fault (each said on stderr), else 1 when one was held or rejected, else 0. */
export function submitExitCode(results: readonly SubmitResult[]): number {
  if (results.some((result) => FAULTS.includes(result.outcome))) {
    for (const result of results.filter((entry) => FAULTS.includes(entry.outcome)))
      process.stderr.write(
        `firstpass: ${printable(`${result.invoiceNumber} (${result.customerId}): ${result.outcome}: ${result.reason ?? ''}`)}\n`,
      );
    return 3;
  }
  return results.some((result) => REFUSED.includes(result.outcome)) ? 1 : 0;
}

/** One line saying what happened to an invoice. */
export function describeSubmitResult(result: SubmitResult): string {
  const who = `${result.invoiceNumber} (${result.customerId})`;
  switch (result.outcome) {
    case 'held':
      return `held     ${who}: ${result.reason ?? ''}`;
    case 'sent':
      return `sent     ${who} via ${result.channel}: ${result.reference ?? ''}`;
    case 'rejected':
      return `rejected ${who} via ${result.channel}: ${result.code ?? ''} ${result.text ?? ''}`;
    case 'unchanged':
      return `unchanged ${who}: this version is ${result.state ?? 'recorded'} already${result.reference ? ` (${result.reference})` : ''}, nothing sent${result.state === 'unknown' ? ` (if it did not arrive, send it again with --resend-unknown ${result.invoiceNumber})` : ''}`;
    case 'would-send':
      return `would send ${who}: ${result.fileName ?? ''} as ${result.format} via ${result.channel} to ${result.destination}`;
    case 'unknown':
      return `unknown  ${who} via ${result.channel}: ${result.reason ?? ''} (it may have arrived: check before sending again)`;
    case 'failed':
      return `failed   ${who} via ${result.channel}: ${result.reason ?? ''} (queued for the next run)`;
    case 'stopped':
      return `stopped  ${who} via ${result.channel}: ${result.reason ?? ''} (not sent: fix the profile or its secret)`;
    case 'queued':
      return `queued   ${who}: ${result.fileName ?? ''} for ${result.channel}, sent by a worker (firstpass run --worker)`;
  }
}

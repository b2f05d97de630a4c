import { collectAcks, type CollectAcksReport, type CollectedAnswer } from '../pipeline/collect-acks.js';
import { printable, printableJson, printableLines } from './printable.js';

export interface AcksCommandOptions {
  readonly profilesDirectory: string;
  readonly database: string;
  readonly json: boolean;
}

/**
 * `firstpass acks`: a line per answer as it is recorded, then the ack files that matched
 * nothing, the portals that never got an invoice, the overdue submissions and the customers
 * that could not be reached. Exit 3 when a customer could not be reached, 1 when something was
 * rejected, is unmatched (new this run), never arrived or is overdue, else 0.
 */
export async function runAcks(options: AcksCommandOptions): Promise<number> {
  const report = await collectAcks({
    profilesDirectory: options.profilesDirectory,
    database: options.database,
    onAnswer: options.json ? undefined : (answer) => process.stdout.write(`${printable(describeAnswer(answer))}\n`),
  });
  if (options.json) process.stdout.write(`${printableJson(JSON.stringify(report, null, 2))}\n`);
  else process.stdout.write(printableLines(describeRest(report)));
  for (const failure of report.failures) process.stderr.write(`firstpass: ${printable(`${failure.customer}: ${failure.message}`)}\n`);
  if (report.failures.length > 0) return 3;
  const rejected = report.answers.some((answer) => answer.outcome === 'rejected');
  const unmatched = report.unmatchedFiles.some((file) => file.new);
  return rejected || unmatched || report.neverArrived.length > 0 || report.overdue.length > 0 ? 1 : 0;
}

function describeAnswer(answer: CollectedAnswer): string {
  const about = answer.submission === undefined ? 'matches no submission' : `${answer.invoiceNumber ?? '?'} (${answer.customer})`;
  const move =
    answer.before === undefined ? '' : answer.before === answer.after ? `: stays ${answer.after}` : `: ${answer.before} → ${answer.after}`;
  const code = answer.code !== undefined ? ` ${answer.code}` : '';
  const text = answer.text !== undefined ? ` "${answer.text}"` : '';
  return `${answer.outcome.padEnd(22)} ${about} ${answer.source} ${answer.status}${code}${text} from ${answer.from}${move}`;
}

function describeRest(report: CollectAcksReport): string {
  let text = `\n${report.answers.length} answer${report.answers.length === 1 ? '' : 's'} (${report.filesRead} file${report.filesRead === 1 ? '' : 's'} read)\n`;
  if (report.unmatchedFiles.length > 0) {
    text += '\nack files that matched nothing (kept in the store):\n';
    for (const file of report.unmatchedFiles)
      text += `  ${file.customer} ${file.remotePath} ${file.state}${file.new ? ' (new)' : ''}: ${file.reasons.join('; ') || 'no answer in it'}\n`;
  }
  if (report.neverArrived.length > 0) {
    text += '\nnot known to the portal:\n';
    for (const entry of report.neverArrived)
      text += `  ${entry.invoiceNumber} (${entry.customer}) ${entry.state}, reference ${entry.reference}${entry.state === 'unknown' ? `: it never arrived; send it again with submit --resend-unknown ${entry.invoiceNumber}` : ''}\n`;
  }
  if (report.overdue.length > 0) {
    text += '\noverdue (still sent, no answer by the deadline):\n';
    for (const entry of report.overdue)
      text += `  ${entry.invoiceNumber} (${entry.customer}) sent ${entry.sentAt}, deadline ${entry.deadlineHours} h, ${entry.overdueHours} h over\n`;
  }
  return text;
}

import { overdueStatus, submissionStatus, type OverdueSubmission, type StatusVersion } from '../pipeline/submission-status.js';
import { printable, printableJson, printableLines } from './printable.js';

export interface StatusCommandOptions {
  readonly database: string;
  readonly invoiceNumber?: string | undefined;
  /** Where the customers' acknowledgment deadlines are read, for the overdue list. */
  readonly profilesDirectory: string;
  readonly json: boolean;
}

/** `firstpass status`: every version, attempt, state and event of an invoice (or of the invoices recorded last). */
export async function runStatus(options: StatusCommandOptions): Promise<number> {
  const versions = await submissionStatus({ database: options.database, invoiceNumber: options.invoiceNumber });
  const overdue = (await overdueStatus({ database: options.database, profilesDirectory: options.profilesDirectory })).filter(
    (entry) => options.invoiceNumber === undefined || entry.invoiceNumber === options.invoiceNumber,
  );
  if (options.json) {
    process.stdout.write(`${printableJson(JSON.stringify({ versions, overdue }, null, 2))}\n`);
    return 0;
  }
  if (overdue.length > 0) process.stdout.write(printableLines(describeOverdue(overdue)));
  if (versions.length === 0) {
    process.stdout.write(
      options.invoiceNumber !== undefined ? `no invoice ${printable(options.invoiceNumber)} was recorded\n` : 'nothing was recorded yet\n',
    );
    return 0;
  }
  for (const version of versions) process.stdout.write(printableLines(describe(version)));
  return 0;
}

function describe(version: StatusVersion): string {
  let text = `${version.invoiceNumber} (${version.customer}) version ${version.version} ${version.contentHash.slice(0, 12)} first seen ${version.firstSeenAt}${version.supersedes !== null ? `, supersedes ${version.supersedes}` : ''}: ${version.state ?? 'no attempt'}\n`;
  for (const attempt of version.attempts) {
    text += `  attempt ${attempt.submission} ${attempt.channel} ${attempt.format}${attempt.document ? ` ${attempt.document.fileName}` : ''}: ${attempt.state}\n`;
    for (const event of attempt.events)
      text += `    ${event.at} ${event.from ?? '-'} → ${event.to} (${event.source})${event.detail === null ? '' : ` ${JSON.stringify(event.detail)}`}\n`;
    for (const ack of attempt.acknowledgments)
      text += `    ${ack.receivedAt} ${ack.kind} acknowledgment ${ack.status}${ack.code ? ` ${ack.code}` : ''}${ack.text ? ` ${ack.text}` : ''} (${ack.source})\n`;
  }
  return text;
}

function describeOverdue(overdue: readonly OverdueSubmission[]): string {
  let text = 'overdue (still sent, no answer by the deadline):\n';
  for (const entry of overdue)
    text += `  ${entry.invoiceNumber} (${entry.customer}) attempt ${entry.submission} sent ${entry.sentAt}, deadline ${entry.deadlineHours} h, ${entry.overdueHours} h over\n`;
  return `${text}\n`;
}

import { collectAnswersForRun } from '../pipeline/run-answers.js';
import { runInbox, summaryLine, type RunReport } from '../pipeline/run-inbox.js';
import { printable, printableJson } from './printable.js';
import { endRunWithFault, runLogs, type LogStyle } from './run-logs.js';

export interface RunCommandOptions {
  readonly inbox: string;
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  readonly today: string;
  readonly database: string;
  readonly log: 'text' | 'json';
  readonly json: boolean;
  /** Seconds a file must be unchanged before it is read. */
  readonly settleSeconds?: number | undefined;
  /** Record and queue each invoice, send nothing: `run --worker` processes send. */
  readonly enqueueOnly?: boolean | undefined;
}

/** Exit statuses of `firstpass run`, for cron: whether a person is needed, and why. */
export const RUN_EXIT = {
  /** Nothing for a person to do. */
  ok: 0,
  /** Held, rejected, unknown or overdue invoices, or a file moved to failed/. */
  attention: 1,
  /** Bad usage or configuration of the command itself (a missing inbox, an invalid profile, bad --pos). */
  usage: 2,
  /** A fault: the database down, a channel down after its retries or refusing our credentials. */
  fault: 3,
  /** Another run holds the run lock: this one did nothing (normal when a run takes longer than the cron interval). */
  locked: 4,
} as const;

/**
 * `firstpass run`: logs on stderr (a progress bar on a terminal, plain lines otherwise, pino
 * JSON lines with --log json), the summary on stdout (one JSON document with --json).
 */
export async function runRun(options: RunCommandOptions): Promise<number> {
  const style: LogStyle = options.log === 'json' ? 'json' : process.stderr.isTTY ? 'progress' : 'text';
  const logs = runLogs(style);
  try {
    const report = await runInbox({
      inbox: options.inbox,
      profilesDirectory: options.profilesDirectory,
      poPaths: options.poPaths,
      today: options.today,
      database: options.database,
      logger: logs,
      settleMs: options.settleSeconds === undefined ? undefined : options.settleSeconds * 1000,
      enqueueOnly: options.enqueueOnly,
      collectAnswers: collectAnswersForRun,
    });
    logs.close();
    if (report.status === 'locked') {
      if (options.json)
        process.stdout.write(`${printableJson(JSON.stringify({ status: 'locked', holder: report.holder ?? null }, null, 2))}\n`);
      // The pipeline has logged who holds it (on stderr, in the chosen style).
      return RUN_EXIT.locked;
    }
    process.stdout.write(options.json ? `${printableJson(JSON.stringify(report, null, 2))}\n` : summaryText(report));
    return RUN_EXIT[report.verdict];
  } catch (error) {
    return endRunWithFault(logs, style, error);
  }
}

function summaryText(report: RunReport): string {
  const lines = [`firstpass run: ${summaryLine(report)}`];
  lines.push(
    report.answers === null
      ? 'acknowledgments: not collected in this run'
      : `acknowledgments: ${report.answers.accepted} accepted, ${report.answers.rejected} rejected, ${report.answers.overdue} overdue, ${report.answers.unknown} unknown`,
  );
  if (report.attention.length > 0) lines.push('needs a person:', ...report.attention.map((line) => `  ${line}`));
  for (const kept of report.kept) lines.push(`kept in the inbox: ${kept.file}: ${kept.reason ?? ''}`);
  for (const file of report.waiting) lines.push(`waiting in the inbox (changed moments ago, read next run): ${file}`);
  // Each entry is one line: a line break in data (a file name, a portal's text) is shown escaped, so it cannot forge a line.
  return `${lines.map(printable).join('\n')}\n`;
}

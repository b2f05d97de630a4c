import { runWorker, type WorkerReport } from '../pipeline/drain-queue.js';
import { printable, printableJson } from './printable.js';
import { RUN_EXIT } from './run-command.js';
import { endRunWithFault, runLogs, type LogStyle } from './run-logs.js';

export interface WorkerCommandOptions {
  readonly profilesDirectory: string;
  readonly database: string;
  readonly untilEmpty: boolean;
  readonly concurrency?: number | undefined;
  readonly log: 'text' | 'json';
  readonly json: boolean;
}

/**
 * `firstpass run --worker`: drains the queue until stopped (SIGTERM or SIGINT: what is in flight
 * ends and is recorded, the rest is given back), or with --until-empty until nothing is left.
 * Logs on stderr, the summary on stdout; the exit status is `run`'s.
 */
export async function runWorkerCommand(options: WorkerCommandOptions): Promise<number> {
  const style: LogStyle = options.log === 'json' ? 'json' : 'text';
  const logs = runLogs(style);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const report = await runWorker({
      database: options.database,
      profilesDirectory: options.profilesDirectory,
      untilEmpty: options.untilEmpty,
      concurrency: options.concurrency,
      logger: logs,
      signal: stop.signal,
    });
    logs.close();
    process.stdout.write(options.json ? `${printableJson(JSON.stringify(report, null, 2))}\n` : summaryText(report));
    return RUN_EXIT[report.verdict];
  } catch (error) {
    return endRunWithFault(logs, style, error);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

function summaryText(report: WorkerReport): string {
  const counts = Object.entries(report.counts).map(([outcome, count]) => `${count} ${outcome}`);
  const lines = [`firstpass worker ${report.worker}: ${counts.length > 0 ? counts.join(', ') : 'nothing to send'}`];
  const { recovered } = report;
  if (recovered.workers > 0)
    lines.push(`recovered ${recovered.workers} dead worker(s): ${recovered.requeued} queued again, ${recovered.unknown} unknown`);
  if (report.deferred > 0) lines.push(`${report.deferred} queued invoice(s) wait for a retry (their channel failed)`);
  if (report.attention.length > 0) lines.push('needs a person:', ...report.attention.map((line) => `  ${line}`));
  return `${lines.map(printable).join('\n')}\n`;
}

import { basename } from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { pino } from 'pino';
import type { LogFields, RunEvent, RunLogger } from '../pipeline/run-logger.js';
import { printable } from './printable.js';
import { exitStatusOf, reportFault } from './report-fault.js';

/**
 * What `firstpass run` shows while it works, all on stderr (stdout is kept for the summary or
 * the --json document): a progress bar on a terminal, plain time-stamped lines otherwise, or
 * with --log json one pino JSON line per record for a log collector.
 */
export interface RunLogs extends RunLogger {
  /** Flushes and takes the progress bar down. */
  close(): void;
}

export type LogStyle = 'text' | 'json' | 'progress';

export function runLogs(style: LogStyle, stream: NodeJS.WriteStream = process.stderr): RunLogs {
  if (style === 'json') return jsonLogs();
  if (style === 'progress') return progressLogs(stream);
  return textLogs(stream);
}

function textLogs(stream: NodeJS.WriteStream): RunLogs {
  const line = (level: string) => (event: RunEvent, message: string) => {
    stream.write(`${new Date().toISOString()} ${level.padEnd(5)} ${printable(`${event}: ${message}`)}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error'), close: () => undefined };
}

function jsonLogs(): RunLogs {
  // Synchronous: every line is written before the process exits, whatever its exit status.
  const logger = pino(
    {
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'message',
      // "info", not 30: what collectors and people grep for.
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 2, sync: true }),
  );
  const record = (fields: LogFields | undefined, event: RunEvent) => ({ event, ...withoutUndefined(fields) });
  return {
    info: (event, message, fields) => logger.info(record(fields, event), message),
    warn: (event, message, fields) => logger.warn(record(fields, event), message),
    error: (event, message, fields) => logger.error(record(fields, event), message),
    close: () => logger.flush(),
  };
}

/** A bar counting invoices up to the total the inbox scan found; warnings and file moves are printed above it. */
function progressLogs(stream: NodeJS.WriteStream): RunLogs {
  const bars = new MultiBar(
    { stream, format: ' {bar} {value}/{total} invoices | {file}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    Presets.shades_classic,
  );
  let bar: ReturnType<MultiBar['create']> | undefined;
  const above = (level: string, message: string) => {
    const line = `${level.padEnd(5)} ${printable(message)}\n`;
    // Before the bar is drawn, a line goes straight out; afterwards cli-progress prints it above the bar at its next redraw.
    if (bar === undefined) stream.write(line);
    else bars.log(line);
  };
  return {
    info(event, message, fields) {
      if (event === 'inbox.scanned') bar = bars.create(Number(fields?.invoices ?? 0), 0, { file: '' });
      else if (event === 'invoice') bar?.increment(1, { file: printable(basename(String(fields?.file ?? ''))) });
      else if (event !== 'file.ignored') above('info', message);
    },
    warn(event, message, fields) {
      if (event === 'invoice') bar?.increment(1, { file: printable(basename(String(fields?.file ?? ''))) });
      above('warn', message);
    },
    error(_event, message) {
      above('error', message);
    },
    close() {
      // A last redraw prints the lines still waiting above the bar.
      if (bar !== undefined) bars.update();
      bars.stop();
    },
  };
}

function withoutUndefined(fields: LogFields | undefined): Record<string, string | number | boolean | null> {
  const own: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields ?? {})) if (value !== undefined) own[key] = value;
  return own;
}

/**
 * A fault that ended `run` or a worker: said on stderr as every command says it, or with --log
 * json as the run's last JSON line; its exit status either way.
 */
export function endRunWithFault(logs: RunLogs, style: LogStyle, error: unknown): number {
  logs.close();
  if (style !== 'json') return reportFault(error);
  logs.error('run.end', error instanceof Error ? error.message : String(error), {
    code: (error as { code?: unknown }).code === undefined ? 'INTERNAL' : String((error as { code?: unknown }).code),
  });
  return exitStatusOf(error);
}

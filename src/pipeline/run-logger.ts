/**
 * Where a run tells what it does. Core code never prints: the pipeline calls this interface and
 * the CLI decides what people (or log collectors) see: plain lines, pino JSON or a progress bar.
 * Every record has a stable `event` name, so a progress bar or a collector can pick what it needs.
 */

/** Field values are plain data, never secrets: callers pass masked URLs and no credentials. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export type RunEvent =
  /** The run has the lock and starts. */
  | 'run.start'
  /** The inbox's files are read: `files`, `invoices` (the total a progress bar counts to). */
  | 'inbox.scanned'
  /** A file in the inbox that is not an invoice file (another extension, a CSV without invoiceNumber): left alone. */
  | 'file.ignored'
  /** An invoice file changed moments ago (it may still be being written): left for the next run. */
  | 'file.waiting'
  /** A file that cannot be read as invoices: moved to failed/ with its .error.txt. */
  | 'file.failed'
  /** A file whose invoices are all recorded: moved to processed/. */
  | 'file.processed'
  /** A file left in the inbox for the next run: some invoice could not be sent yet (channel down). */
  | 'file.kept'
  /** One invoice settled (sent, held, rejected, unchanged …). */
  | 'invoice'
  /** Acknowledgments collected (or not wired yet). */
  | 'answers'
  /** A worker found a dead worker's leases and recovered them (queued again, or unknown). */
  | 'worker.recovered'
  | 'run.end';

export interface RunLogger {
  info(event: RunEvent, message: string, fields?: LogFields): void;
  warn(event: RunEvent, message: string, fields?: LogFields): void;
  error(event: RunEvent, message: string, fields?: LogFields): void;
}

export const SILENT_LOGGER: RunLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

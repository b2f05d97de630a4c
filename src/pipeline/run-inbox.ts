import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { holdsNoDocument, readDocuments } from '../io/read-documents.js';
import { FirstpassError, InputError, type InputProblem } from '../model/errors.js';
import { ProfileLibrary } from '../profiles/index.js';
import { describeHolder, maskUrl, prepareDefaultStore, takeRunLock, type RunLockHolder, type RunLockOptions } from '../store/index.js';
import { DEFAULT_SETTLE_MS, listInbox, moveToFailed, moveToProcessed } from './inbox.js';
import { profileFor } from './inputs.js';
import { supersedingRefusals } from './resubmit-invoices.js';
import { SILENT_LOGGER, type RunLogger } from './run-logger.js';
import { submitInvoices, type RetryPolicy, type SubmitOutcome, type SubmitResult } from './submit-invoices.js';

/**
 * `firstpass run`: one unattended pass over an inbox folder, under the database's run lock.
 * 1. Each invoice file is read on its own: one that cannot be read as invoices (unreadable,
 *    malformed, breaking the schema, naming a customer without a profile) goes to failed/ with
 *    its error beside it, and the run goes on.
 * 2. The rest are validated and submitted together (submitInvoices: the store's versions make a
 *    second submission of the same content send nothing); an invoice whose `supersedes` names an
 *    accepted or pending invoice, or one already corrected, is held (it would bill twice).
 * 3. A file moves to processed/ once every invoice in it is recorded (held, sent, rejected,
 *    unknown …); a file with an invoice whose channel stayed down stays for the next run.
 * 4. Acknowledgments are collected (collectAnswers), and the report says whether a person is needed.
 * A crash at any point leaves unmoved files in the inbox: the next run reads them again and
 * sends only what was not sent.
 */

/** What acknowledgment collection found, for the summary and the exit status. */
export interface CollectedAnswers {
  readonly accepted: number;
  readonly rejected: number;
  /** Sent and unanswered past the profile's acknowledgment deadline. */
  readonly overdue: number;
  /** Answers that match no submission, or attempts whose outcome nobody can know. */
  readonly unknown: number;
}

export interface CollectAnswersContext {
  readonly database: string;
  readonly profilesDirectory: string;
  readonly environment: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly logger: RunLogger;
}

/** Collects acknowledgments and portal statuses for open submissions (the CLI passes collectAnswersForRun, src/pipeline/run-answers.ts). */
export type CollectAnswers = (context: CollectAnswersContext) => Promise<CollectedAnswers>;

export interface RunOptions {
  /** The folder the ERP drops invoice files into (JSON, JSON Lines, CSV). */
  readonly inbox: string;
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  /** Today, YYYY-MM-DD: the date rules compare with. */
  readonly today: string;
  /** sqlite:<file> or postgres://… */
  readonly database: string;
  /** Where `{ env }` secrets are read from. Default: this process's environment. */
  readonly environment?: NodeJS.ProcessEnv | undefined;
  readonly logger?: RunLogger | undefined;
  readonly now?: (() => Date) | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeoutMs?: number | undefined;
  /** Files changed less than this long ago are left for the next run (an ERP may be writing them). Default 30 s. */
  readonly settleMs?: number | undefined;
  /** The run lock's timing (tests shorten it). */
  readonly lock?: Pick<RunLockOptions, 'staleAfterMs' | 'heartbeatMs'> | undefined;
  /** Acknowledgment collection (`firstpass run` passes collectAnswersForRun). Default: none (the report says answers were not collected). */
  readonly collectAnswers?: CollectAnswers | undefined;
  /** Record each invoice as queued (with its document and attachments) and send nothing: `run --worker` processes send. */
  readonly enqueueOnly?: boolean | undefined;
}

export interface FileOutcome {
  /** Where the file was in the inbox. */
  readonly file: string;
  /** Where it is now (processed/ or failed/), or the inbox path when it was kept. */
  readonly movedTo: string;
  readonly invoices: number;
  /** failed: what is wrong with it; kept: why it waits for the next run. */
  readonly reason?: string;
}

/**
 * - ok: nothing for a person to do;
 * - attention: held, rejected, unknown or overdue invoices, or files in failed/;
 * - fault: a channel stayed down after its retries or refused our credentials (files kept in the inbox).
 */
export type RunVerdict = 'ok' | 'attention' | 'fault';

export interface RunReport {
  readonly status: 'done';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly inbox: string;
  /** The database, password masked. */
  readonly database: string;
  readonly processed: readonly FileOutcome[];
  readonly failed: readonly FileOutcome[];
  readonly kept: readonly FileOutcome[];
  readonly ignored: readonly string[];
  /** Invoice files changed too recently to be read (they may still be being written): the next run reads them. */
  readonly waiting: readonly string[];
  readonly invoices: readonly SubmitResult[];
  readonly counts: Readonly<Partial<Record<SubmitOutcome, number>>>;
  /** null when acknowledgments were not collected (no collector wired). */
  readonly answers: CollectedAnswers | null;
  readonly verdict: RunVerdict;
  /** One line per thing a person should look at. */
  readonly attention: readonly string[];
}

/** Another run holds the database's run lock: this one did nothing. */
export interface RunRefused {
  readonly status: 'locked';
  readonly holder: RunLockHolder | undefined;
  readonly message: string;
}

/** Outcomes that leave an invoice unsent for now: its file stays in the inbox. */
const NOT_YET: readonly SubmitOutcome[] = ['failed', 'stopped'];
/** Outcomes a person must look at. */
const NEEDS_PERSON: readonly SubmitOutcome[] = ['held', 'rejected', 'unknown'];

export async function runInbox(options: RunOptions): Promise<RunReport | RunRefused> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? SILENT_LOGGER;
  const inbox = resolve(options.inbox);
  await requireFolder(inbox);
  await prepareDefaultStore(options.database);
  const attempt = await takeRunLock(options.database, {
    ...options.lock,
    now,
    logger: { warn: (message) => logger.warn('run.start', message) },
  });
  if (!attempt.acquired) {
    const message = `another firstpass run holds the run lock on ${maskUrl(options.database)}: ${describeHolder(attempt.holder)}; this run did nothing`;
    logger.warn('run.end', message);
    return { status: 'locked', holder: attempt.holder, message };
  }
  const lock = attempt.lock;
  try {
    const startedAt = now().toISOString();
    logger.info('run.start', `run started on ${inbox}`, { inbox, database: maskUrl(options.database) });
    const pass = new InboxPass(inbox, options, logger, now);
    await pass.screen(() => lock.assertHeld());
    lock.assertHeld();
    const results = await pass.submit();
    await pass.settle(results, () => lock.assertHeld());
    const answers = await collect(options, logger, now);
    const report = pass.report(startedAt, now().toISOString(), results, answers);
    logger.info('run.end', summaryLine(report), { verdict: report.verdict, invoices: report.invoices.length });
    return report;
  } finally {
    await lock.release();
  }
}

async function requireFolder(inbox: string): Promise<void> {
  const info = await stat(inbox).catch(() => undefined);
  if (info === undefined || !info.isDirectory())
    throw new InputError('INPUT_UNREADABLE', 'pipeline', [
      { location: { file: inbox }, message: info === undefined ? 'the inbox folder does not exist' : 'the inbox is not a folder' },
    ]);
}

/** The one call site of acknowledgment collection. */
async function collect(options: RunOptions, logger: RunLogger, now: () => Date): Promise<CollectedAnswers | undefined> {
  if (options.collectAnswers === undefined) {
    logger.info('answers', 'acknowledgments not collected: no collector was given');
    return undefined;
  }
  const answers = await options.collectAnswers({
    database: options.database,
    profilesDirectory: options.profilesDirectory,
    environment: options.environment ?? process.env,
    now,
    logger,
  });
  logger.info(
    'answers',
    `acknowledgments: ${answers.accepted} accepted, ${answers.rejected} rejected, ${answers.overdue} overdue, ${answers.unknown} unknown`,
    { ...answers },
  );
  return answers;
}

/** One pass over the inbox: the files found, those that failed, and the invoices of the rest. */
class InboxPass {
  private readonly readable: string[] = [];
  private readonly invoicesIn = new Map<string, number>();
  private readonly failed: FileOutcome[] = [];
  private readonly processed: FileOutcome[] = [];
  private readonly kept: FileOutcome[] = [];
  private ignored: readonly string[] = [];
  private waiting: readonly string[] = [];

  constructor(
    private readonly inbox: string,
    private readonly options: RunOptions,
    private readonly logger: RunLogger,
    private readonly now: () => Date,
  ) {}

  /** Reads each file on its own: what cannot be read as invoices goes to failed/ now. */
  async screen(assertLocked: () => void): Promise<void> {
    const settleMs = this.options.settleMs ?? DEFAULT_SETTLE_MS;
    const listing = await listInbox(this.inbox, settleMs, this.now());
    this.ignored = listing.ignored;
    this.waiting = listing.waiting;
    for (const file of listing.ignored) this.logger.info('file.ignored', `left alone (not an invoice file): ${file}`, { file });
    for (const file of listing.waiting)
      this.logger.info(
        'file.waiting',
        `${file} changed less than ${settleMs / 1000} s ago (it may still be being written): left for the next run`,
        { file },
      );
    const profiles = new ProfileLibrary(this.options.profilesDirectory);
    for (const file of listing.files) {
      const problems = await this.problemsOf(file, profiles);
      if (problems === undefined) this.readable.push(file);
      else {
        assertLocked();
        await this.fail(file, problems);
      }
    }
    const invoices = [...this.invoicesIn.values()].reduce((sum, count) => sum + count, 0);
    this.logger.info(
      'inbox.scanned',
      `${listing.files.length} invoice files, ${invoices} invoices to submit, ${this.failed.length} files failed`,
      {
        files: listing.files.length,
        invoices,
        failed: this.failed.length,
      },
    );
  }

  /** Why the file cannot be read as invoices, or undefined (its invoices counted). Problems elsewhere (a bad profile) stop the run. */
  private async problemsOf(file: string, profiles: ProfileLibrary): Promise<readonly InputProblem[] | undefined> {
    let count = 0;
    try {
      for await (const { document, source } of readDocuments([file], 'invoice')) {
        await profileFor(profiles, document, source);
        count += 1;
      }
    } catch (error) {
      // An empty export (a day without invoices) is nothing to send, not a broken file: it goes to processed/.
      if (count === 0 && holdsNoDocument(error, file, 'invoice')) {
        this.invoicesIn.set(file, 0);
        return undefined;
      }
      if (error instanceof InputError && this.allIn(error, [file])) return error.problems;
      throw error;
    }
    this.invoicesIn.set(file, count);
    return undefined;
  }

  /** Whether every problem of an input error is in one of these inbox files (else it is the command's input: exit 2). */
  private allIn(error: InputError, files: readonly string[]): boolean {
    return error.problems.length > 0 && error.problems.every((problem) => files.includes(resolve(problem.location.file)));
  }

  private async fail(file: string, problems: readonly InputProblem[]): Promise<void> {
    const movedTo = await moveToFailed(file, this.inbox, problems, this.now());
    const reason = problems.map((problem) => problem.message).join('; ');
    this.failed.push({ file, movedTo, invoices: 0, reason });
    this.invoicesIn.delete(file);
    this.logger.warn('file.failed', `${file}: cannot be read as invoices, moved to ${movedTo} (see ${movedTo}.error.txt)`, {
      file,
      movedTo,
      problems: problems.length,
    });
  }

  /**
   * Submits the readable files together. Bad input that screening did not catch is found by
   * submit's plan before anything is recorded: its file goes to failed/ and the rest is tried again.
   */
  async submit(): Promise<SubmitResult[]> {
    for (;;) {
      const files = this.readable.filter((file) => (this.invoicesIn.get(file) ?? 0) > 0);
      if (files.length === 0) return [];
      try {
        const report = await submitInvoices({
          paths: files,
          refusals: supersedingRefusals,
          profilesDirectory: this.options.profilesDirectory,
          poPaths: this.options.poPaths,
          today: this.options.today,
          database: this.options.database,
          environment: this.options.environment,
          retry: this.options.retry,
          timeoutMs: this.options.timeoutMs,
          now: this.now,
          enqueueOnly: this.options.enqueueOnly,
          onResult: (result) => this.logInvoice(result),
        });
        return [...report.results];
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        const culprits = files.filter((file) => this.allIn(error, [file]));
        if (culprits.length === 0 || !this.allIn(error, culprits)) throw error;
        for (const file of culprits) await this.fail(file, error.problems);
      }
    }
  }

  private logInvoice(result: SubmitResult): void {
    const fields = {
      invoiceNumber: result.invoiceNumber,
      customerId: result.customerId,
      outcome: result.outcome,
      channel: result.channel,
      file: result.file,
      state: result.state,
      reference: result.reference,
      reason: result.reason ?? (result.code !== undefined ? `${result.code} ${result.text ?? ''}`.trim() : undefined),
    };
    const message = `${result.outcome} ${result.invoiceNumber} (${result.customerId})${fields.reason !== undefined ? `: ${fields.reason}` : ''}`;
    if ((NEEDS_PERSON as readonly string[]).includes(result.outcome) || NOT_YET.includes(result.outcome))
      this.logger.warn('invoice', message, fields);
    else this.logger.info('invoice', message, fields);
  }

  /** Each submitted file to processed/, unless one of its invoices could not be sent yet. */
  async settle(results: readonly SubmitResult[], assertLocked: () => void): Promise<void> {
    const byFile = new Map<string, SubmitResult[]>();
    for (const result of results) byFile.set(resolve(result.file), [...(byFile.get(resolve(result.file)) ?? []), result]);
    for (const [file, invoices] of this.invoicesIn) {
      const own = byFile.get(file) ?? [];
      if (own.length !== invoices)
        throw new FirstpassError('INTERNAL', 'pipeline', `${file} holds ${invoices} invoices, but ${own.length} were submitted`);
      const waiting = own.filter((result) => NOT_YET.includes(result.outcome));
      if (waiting.length > 0) {
        const reason = `${waiting.length} invoice(s) not sent yet (${waiting.map((result) => `${result.invoiceNumber}: ${result.outcome}`).join(', ')}): read again next run`;
        this.kept.push({ file, movedTo: file, invoices, reason });
        this.logger.warn('file.kept', `${file} stays in the inbox: ${reason}`, { file });
        continue;
      }
      assertLocked();
      const movedTo = await moveToProcessed(file, this.inbox, this.now());
      this.processed.push({ file, movedTo, invoices });
      this.logger.info('file.processed', `${file}: ${invoices} invoice${invoices === 1 ? '' : 's'} recorded, moved to ${movedTo}`, {
        file,
        movedTo,
        invoices,
      });
    }
  }

  report(startedAt: string, finishedAt: string, results: readonly SubmitResult[], answers: CollectedAnswers | undefined): RunReport {
    const counts: Partial<Record<SubmitOutcome, number>> = {};
    for (const result of results) counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    const attention: string[] = [];
    for (const result of results) {
      const who = `${result.invoiceNumber} (${result.customerId})`;
      if (result.outcome === 'held') attention.push(`held ${who}: ${result.reason ?? ''}`);
      else if (result.outcome === 'rejected') attention.push(`rejected ${who}: ${result.code ?? ''} ${result.text ?? ''}`.trim());
      else if (result.outcome === 'unknown')
        attention.push(`unknown ${who}: ${result.reason ?? ''} (it may have arrived: check with the customer)`);
      else if (result.outcome === 'unchanged' && (result.state === 'unknown' || result.state === 'sending'))
        attention.push(`${result.state} ${who}: left by an earlier run that did not finish (it may have arrived: check with the customer)`);
    }
    for (const file of this.failed) attention.push(`failed file ${file.movedTo}: ${file.reason ?? ''}`);
    if (answers !== undefined) {
      if (answers.rejected > 0) attention.push(`${answers.rejected} rejected by the customer (acknowledgments)`);
      if (answers.overdue > 0) attention.push(`${answers.overdue} overdue: no acknowledgment within the customer's deadline`);
      if (answers.unknown > 0) attention.push(`${answers.unknown} acknowledgments or attempts of unknown outcome`);
    }
    const fault = this.kept.length > 0;
    return {
      status: 'done',
      startedAt,
      finishedAt,
      inbox: this.inbox,
      database: maskUrl(this.options.database),
      processed: this.processed,
      failed: this.failed,
      kept: this.kept,
      ignored: this.ignored,
      waiting: this.waiting,
      invoices: results,
      counts,
      answers: answers ?? null,
      verdict: fault ? 'fault' : attention.length > 0 ? 'attention' : 'ok',
      attention,
    };
  }
}

/** The run in one line: for the log's last record and the text summary. */
export function summaryLine(report: RunReport): string {
  const counts = Object.entries(report.counts).map(([outcome, count]) => `${count} ${outcome}`);
  const files = [`${report.processed.length} processed`, `${report.failed.length} failed`, `${report.kept.length} kept for the next run`];
  return `${report.invoices.length} invoice${report.invoices.length === 1 ? '' : 's'}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}; files: ${files.join(', ')}`;
}

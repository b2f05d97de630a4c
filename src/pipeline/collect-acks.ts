import { createHash } from 'node:crypto';
import {
  ANSWER_READERS,
  readAnswerFile,
  type Answer,
  type AnswerDiagnostic,
  type AnswerReading,
  type AnswerSource,
} from '../acks/index.js';
import { ChannelError, portalStatus, readAckFolder, secretReader, type ChannelContext, type RemoteFile } from '../channels/index.js';
import { InputError } from '../model/errors.js';
import { ProfileLibrary, type CustomerProfile } from '../profiles/index.js';
import {
  openStore,
  prepareDefaultStore,
  type AnswerFileState,
  type OpenSubmission,
  type Store,
  type Submission,
  type SubmissionState,
} from '../store/index.js';
import { acknowledgmentDeadlines, overdueSubmissions, type OverdueSubmission } from './overdue.js';

/**
 * `firstpass acks`: collect every customer's answers. SFTP customers with an `ackDir`: each file
 * not read before is downloaded (never moved or deleted), read by the answer readers, each
 * answer matched to its submission by control numbers (else invoice number) within that
 * customer, and recorded; the file is remembered, and kept whole when something in it matched
 * nothing. Portal customers with a `statusUrl`: each open submission's status is asked; a 404
 * for an `unknown` one is recorded as "the portal never got it" (nothing is sent again). Then
 * submissions still `sent` past their deadline are listed as overdue.
 */

export interface CollectAcksOptions {
  readonly profilesDirectory: string;
  readonly database: string;
  /** Where `{ env }` secrets are read from. Default: this process's environment. */
  readonly environment?: NodeJS.ProcessEnv | undefined;
  /** The clock: injectable for tests. */
  readonly now?: (() => Date) | undefined;
  /** Milliseconds a single network step may take. Default 30,000. */
  readonly timeoutMs?: number | undefined;
  /** Told each answer as it is recorded (for a line per answer). */
  readonly onAnswer?: ((answer: CollectedAnswer) => void) | undefined;
}

/** One answer read this run, and what it did. */
export interface CollectedAnswer {
  readonly customer: string;
  readonly source: AnswerSource;
  readonly kind: Answer['kind'];
  readonly status: string;
  readonly outcome: Answer['outcome'];
  readonly code?: string;
  readonly text?: string;
  /** The ack file it came from (SFTP), or the status URL's reference (portal). */
  readonly from: string;
  /** Undefined when it matched no submission. */
  readonly submission?: number;
  readonly invoiceNumber?: string;
  /** The submission's state before and after: equal when the answer could not move it (kept as an event). */
  readonly before?: SubmissionState;
  readonly after?: SubmissionState;
}

/** An ack file not wholly matched: its bytes are in the store for a person to look at. */
export interface UnmatchedAnswerFile {
  readonly customer: string;
  readonly remotePath: string;
  readonly state: AnswerFileState;
  readonly receivedAt: string;
  /** Why: the diagnostics, and the answers that matched nothing. */
  readonly reasons: readonly string[];
  /** Read in this run (else kept from an earlier one). */
  readonly new: boolean;
}

/** A portal that answered 404 for a submission: it never got it. */
export interface NeverArrived {
  readonly customer: string;
  readonly invoiceNumber: string;
  readonly submission: number;
  readonly state: SubmissionState;
  readonly reference: string;
}

/** A customer whose answers could not be collected: its server is down, or our credentials are refused. */
export interface CollectFailure {
  readonly customer: string;
  readonly kind: ChannelError['kind'];
  readonly message: string;
}

export interface CollectAcksReport {
  readonly answers: readonly CollectedAnswer[];
  readonly unmatchedFiles: readonly UnmatchedAnswerFile[];
  readonly neverArrived: readonly NeverArrived[];
  readonly overdue: readonly OverdueSubmission[];
  readonly failures: readonly CollectFailure[];
  /** Files read this run (new or changed), per the ack folders. */
  readonly filesRead: number;
}

/** States in which a submission still waits for an answer. */
const OPEN_STATES: readonly SubmissionState[] = ['sent', 'delivered', 'unknown'];
/** States of a submission that may have reached the customer. */
const SENT_STATES: readonly SubmissionState[] = [...OPEN_STATES, 'accepted', 'accepted-with-warnings', 'rejected'];

export async function collectAcks(options: CollectAcksOptions): Promise<CollectAcksReport> {
  const now = options.now ?? (() => new Date());
  const profiles = new ProfileLibrary(options.profilesDirectory);
  const loaded = await profiles.loadAll();
  if (loaded.problems.length > 0) throw new InputError('PROFILE_INVALID', 'profiles', loaded.problems);
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  try {
    const run = new CollectRun(store, options, now);
    // A customer never sent anything has nothing to answer; a portal is asked only about what still waits.
    const sentTo = new Set(await store.answers.customersWithSubmissions(SENT_STATES));
    const waiting = new Set(await store.answers.customersWithSubmissions(OPEN_STATES));
    for (const { profile } of loaded.profiles.values()) {
      const channel = profile.channel as Readonly<Record<string, unknown>>;
      try {
        if (channel.type === 'sftp' && typeof channel.ackDir === 'string' && sentTo.has(profile.id)) await run.ackFolder(profile);
        if (channel.type === 'portal' && typeof channel.statusUrl === 'string' && waiting.has(profile.id)) await run.portal(profile);
      } catch (error) {
        if (!(error instanceof ChannelError)) throw error;
        run.failures.push({ customer: profile.id, kind: error.kind, message: error.message });
      }
    }
    const unmatchedFiles = (await store.answers.unmatchedFiles()).map(
      (file): UnmatchedAnswerFile => ({
        customer: file.customer,
        remotePath: file.remotePath,
        state: file.state,
        receivedAt: file.receivedAt.toISOString(),
        reasons: reasonsIn(file.detail),
        new: run.readIds.has(file.id),
      }),
    );
    const overdue = await overdueSubmissions(store, await acknowledgmentDeadlines(profiles), now());
    return {
      answers: run.answers,
      unmatchedFiles,
      neverArrived: run.neverArrived,
      overdue,
      failures: run.failures,
      filesRead: run.readIds.size,
    };
  } finally {
    await store.close();
  }
}

/** One run's collecting: what it found, and how it reaches each customer. */
class CollectRun {
  readonly answers: CollectedAnswer[] = [];
  readonly neverArrived: NeverArrived[] = [];
  readonly failures: CollectFailure[] = [];
  /** Ids of the answer files recorded in this run. */
  readonly readIds = new Set<number>();
  private readonly context: ChannelContext;

  constructor(
    private readonly store: Store,
    private readonly options: CollectAcksOptions,
    private readonly now: () => Date,
  ) {
    this.context = {
      secret: secretReader(options.profilesDirectory, options.environment ?? process.env),
      timeoutMs: options.timeoutMs ?? 30_000,
    };
  }

  /** Every file in the customer's ackDir not read before: read, matched, recorded, remembered. */
  async ackFolder(profile: CustomerProfile): Promise<void> {
    const seen = await this.store.answers.seenFiles(profile.id);
    const known = new Set(seen.map((file) => fileKey(file.remotePath, file.size, file.remoteModifiedAt)));
    const hashes = new Set(seen.map((file) => `${file.remotePath}\u0000${file.sha256}`));
    const files = await readAckFolder(
      profile.channel as Readonly<Record<string, unknown>>,
      this.context,
      (file) => !known.has(fileKey(file.path, file.size, file.modifiedAt)),
    );
    const fresh: { file: RemoteFile; content: Uint8Array; reading: ReturnType<typeof readAnswerFile> }[] = [];
    for (const file of files) {
      if (file.content === undefined) continue;
      // Touched, but the same bytes: read before.
      if (hashes.has(`${file.path}\u0000${createHash('sha256').update(file.content).digest('hex')}`)) continue;
      fresh.push({ file, content: file.content, reading: readAnswerFile(file.content) });
    }
    // A receipt (997, CONTRL) comes before the decision (824, APERAK) on the same invoice, whatever
    // the files are called and however coarse the server's file times: receipts are recorded first.
    const decides = (reading: AnswerReading) => reading.answers.some((answer) => answer.kind === 'business');
    fresh.sort((a, b) => Number(decides(a.reading)) - Number(decides(b.reading)));
    for (const { file, content, reading } of fresh) await this.readFile(profile, file, content, reading);
  }

  private async readFile(profile: CustomerProfile, file: RemoteFile, content: Uint8Array, reading: AnswerReading): Promise<void> {
    const raw = new TextDecoder('latin1').decode(content);
    const unmatched: Answer[] = [];
    const matched: { answer: Answer; submission: number }[] = [];
    for (const answer of reading.answers) {
      const submission = await this.match(profile, answer);
      if (submission === undefined) {
        unmatched.push(answer);
        this.tell({ ...describeAnswer(profile.id, answer), from: file.path });
        continue;
      }
      matched.push({ answer, submission: submission.id });
      await this.record(profile.id, submission, answer, raw, file.path);
    }
    const state: AnswerFileState =
      reading.answers.length === 0
        ? 'unreadable'
        : unmatched.length === 0
          ? 'matched'
          : matched.length === 0
            ? 'unmatched'
            : 'partly-matched';
    const recorded = await this.store.answers.recordFile({
      customer: profile.id,
      remotePath: file.path,
      content,
      remoteModifiedAt: file.modifiedAt,
      receivedAt: this.now(),
      state,
      answers: reading.answers.length,
      detail: {
        matched: matched.map((entry) => ({ submission: entry.submission, ...answerFacts(entry.answer) })),
        unmatched: unmatched.map(answerFacts),
        diagnostics: reading.diagnostics,
      },
    });
    if (recorded.created) this.readIds.add(recorded.file.id);
  }

  /**
   * The submission an answer from an ack folder is about, within its customer: by the control
   * numbers it names (in the customer's format), else by the invoice number (the latest attempt
   * still waiting for an answer, else the latest sent one).
   */
  private async match(profile: CustomerProfile, answer: Answer): Promise<Submission | undefined> {
    const { interchange, group, transaction, invoiceNumber } = answer.keys;
    if (interchange !== undefined || group !== undefined || transaction !== undefined) {
      const [found] = await this.store.answers.submissionsByControlNumbers(profile.id, profile.format.type, {
        interchange,
        group,
        transaction,
      });
      if (found !== undefined) {
        // An answer whose control numbers and invoice number name two different invoices is left for a person.
        const version = invoiceNumber === undefined ? undefined : await this.store.submissions.version(found.versionId);
        return version === undefined || version.invoiceNumber === invoiceNumber ? found : undefined;
      }
    }
    if (invoiceNumber === undefined) return undefined;
    const attempts = (await this.store.submissions.history(invoiceNumber, profile.id)).flatMap((version) =>
      version.submissions.map((entry) => entry.submission),
    );
    const latest = (states: readonly SubmissionState[]) => attempts.filter((attempt) => states.includes(attempt.state)).at(-1);
    return latest(OPEN_STATES) ?? latest(['accepted', 'accepted-with-warnings', 'rejected']);
  }

  private async record(
    customer: string,
    submission: Submission,
    answer: Answer,
    raw: string,
    from: string,
    invoiceNumber?: string,
  ): Promise<void> {
    await this.store.submissions.recordAcknowledgment(
      submission.id,
      {
        kind: answer.kind,
        status: answer.status,
        code: answer.code,
        text: answer.text,
        source: answer.source,
        raw,
        receivedAt: this.now(),
      },
      answer.outcome,
    );
    const after = (await this.store.submissions.submission(submission.id))?.state ?? submission.state;
    const number = invoiceNumber ?? (await this.store.submissions.version(submission.versionId))?.invoiceNumber;
    this.tell({
      ...describeAnswer(customer, answer),
      from,
      submission: submission.id,
      ...(number !== undefined ? { invoiceNumber: number } : {}),
      before: submission.state,
      after,
    });
  }

  private tell(answer: CollectedAnswer): void {
    this.answers.push(answer);
    this.options.onAnswer?.(answer);
  }

  /** Asks a portal's statusUrl about each open submission of the customer. */
  async portal(profile: CustomerProfile): Promise<void> {
    const channel = profile.channel as Readonly<Record<string, unknown>>;
    const source: AnswerSource = channel.flavor === 'cxml' ? 'portal:cxml' : 'portal:rest';
    const reader = ANSWER_READERS.get(source);
    if (reader === undefined) return;
    for (const open of await this.store.answers.openSubmissions(OPEN_STATES, profile.id)) {
      const reference = open.reference ?? (await this.referenceOf(open, source));
      if (reference === undefined) continue;
      const status = await portalStatus(channel, this.context, reference);
      if (!status.found) {
        await this.notReceived(open, reference, source);
        continue;
      }
      const reading: AnswerReading = reader.read(status.body);
      const answer = reading.answers.find((candidate) => candidate.keys.reference === reference);
      if (answer === undefined) {
        const why =
          reading.diagnostics.map((diagnostic: AnswerDiagnostic) => diagnostic.message).join('; ') ||
          `the status names another document than ${reference}`;
        await this.store.submissions.note(open.submission.id, { at: this.now(), source: 'acks', detail: { unreadableStatus: why } });
        continue;
      }
      // Asked again and again, a portal repeats itself: an answer is recorded when it says something new.
      const history = await this.store.submissions.history(open.invoiceNumber, profile.id);
      const last = history
        .flatMap((version) => version.submissions)
        .find((entry) => entry.submission.id === open.submission.id)
        ?.acknowledgments.at(-1);
      if (last !== undefined && last.source === answer.source && last.status === answer.status && (last.code ?? undefined) === answer.code)
        continue;
      await this.record(profile.id, open.submission, answer, status.body, reference, open.invoiceNumber);
    }
  }

  /** A 404: the portal does not know the invoice. For an `unknown` attempt that settles it: it never arrived (nothing is resent). */
  private async notReceived(open: OpenSubmission, reference: string, source: AnswerSource): Promise<void> {
    const events = await this.store.submissions.events(open.submission.id);
    const said = events.some((event) => (event.detail as { portal?: unknown } | undefined)?.portal === 'not-found');
    if (!said) {
      await this.store.submissions.note(open.submission.id, {
        at: this.now(),
        source,
        detail: {
          portal: 'not-found',
          reference,
          meaning:
            open.submission.state === 'unknown'
              ? 'the portal never got it: send again with --resend-unknown'
              : 'the portal does not know this invoice',
        },
      });
    }
    this.neverArrived.push({
      customer: open.customer,
      invoiceNumber: open.invoiceNumber,
      submission: open.submission.id,
      state: open.submission.state,
      reference,
    });
  }

  /** For an attempt with no reference recorded (an unknown send): the cXML payloadID of its document, or the REST idempotency key. */
  private async referenceOf(open: OpenSubmission, source: AnswerSource): Promise<string | undefined> {
    if (source === 'portal:cxml') {
      const document = await this.store.submissions.document(open.submission.id);
      if (document === undefined) return undefined;
      return /<cXML\b[^>]*\spayloadID\s*=\s*"([^"]*)"/.exec(new TextDecoder().decode(document.content))?.[1];
    }
    return (await this.store.submissions.version(open.submission.versionId))?.idempotencyKey;
  }
}

function fileKey(path: string, size: number, modifiedAt: Date | undefined): string {
  return `${path}\u0000${size}\u0000${modifiedAt?.toISOString() ?? ''}`;
}

function describeAnswer(customer: string, answer: Answer): Omit<CollectedAnswer, 'from'> {
  return {
    customer,
    source: answer.source,
    kind: answer.kind,
    status: answer.status,
    outcome: answer.outcome,
    ...(answer.code !== undefined ? { code: answer.code } : {}),
    ...(answer.text !== undefined ? { text: answer.text } : {}),
  };
}

function answerFacts(answer: Answer): Record<string, unknown> {
  return { source: answer.source, status: answer.status, outcome: answer.outcome, code: answer.code ?? null, keys: answer.keys };
}

/** The reasons recorded with a file: its diagnostics and the answers that matched nothing. */
function reasonsIn(detail: unknown): string[] {
  const record = (typeof detail === 'object' && detail !== null ? detail : {}) as { diagnostics?: unknown; unmatched?: unknown };
  const reasons: string[] = [];
  for (const diagnostic of Array.isArray(record.diagnostics) ? record.diagnostics : []) {
    const { message, where } = diagnostic as { message?: unknown; where?: unknown };
    if (typeof message === 'string') reasons.push(typeof where === 'string' ? `${where}: ${message}` : message);
  }
  for (const answer of Array.isArray(record.unmatched) ? record.unmatched : []) {
    const { source, status, keys } = answer as { source?: unknown; status?: unknown; keys?: unknown };
    reasons.push(`${String(source)} ${String(status)} for ${JSON.stringify(keys)} matches no submission of this customer`);
  }
  return reasons;
}

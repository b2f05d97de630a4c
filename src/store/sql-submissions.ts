import type { Knex } from 'knex';
import { FirstpassError } from '../model/errors.js';
import { canonicalJson, contentHashOf, sha256Hex } from './canonical-json.js';
import type { CommitGroup } from './commit-group.js';
import { generatedAtOf, holdingRulesOf } from './generated-at.js';
import { refreshChainSummary } from './sql-chain-summaries.js';
import { assignChain, chainOfVersion } from './sql-chains.js';
import { type SubmissionRow, toSubmission } from './submission-row.js';
import type { SqlDatabase } from './sql-database.js';
import { inTransaction } from './sql-transaction.js';
import {
  BLOCKING_STATES,
  SUBMISSION_STATES,
  SUBMISSION_TRANSITIONS,
  type Acknowledgment,
  type ChangeContext,
  type ClaimOptions,
  type InvoiceVersion,
  type NewAcknowledgment,
  type NewInvoiceVersion,
  type NewSubmission,
  type RenderedDocument,
  type StoredDocument,
  type Submission,
  type SubmissionEvent,
  type SubmissionHistory,
  type SubmissionState,
  type SubmissionStore,
  type VersionHistory,
  type VersionOut,
} from './submissions.js';

const MAX_KEY_LENGTH = 255;
/** States of an attempt whose bytes left, or may have: its version's number is taken for other content. */
const OUT_STATES: readonly SubmissionState[] = ['sending', 'sent', 'delivered', 'accepted', 'accepted-with-warnings', 'unknown'];
/** Whole-transaction retries on lock contention (SQLite's busy snapshot, PostgreSQL's deadlock). */

interface VersionRow {
  readonly id: number;
  readonly customer: string;
  readonly invoice_number: string;
  readonly content_hash: string;
  readonly invoice_json: string;
  readonly supersedes: string | null;
  readonly first_seen_at: string;
}

interface EventRow {
  readonly id: number;
  readonly submission_id: number;
  readonly at: string;
  readonly from_state: string | null;
  readonly to_state: string;
  readonly source: string;
  readonly detail_json: string | null;
}

interface DocumentRow {
  readonly submission_id: number;
  readonly sha256: string;
  readonly file_name: string;
  readonly media_type: string;
  readonly control_numbers_json: string | null;
  readonly stored_at: string;
  readonly content?: Uint8Array;
}

interface AckRow {
  readonly id: number;
  readonly submission_id: number;
  readonly kind: string;
  readonly status: string;
  readonly code: string | null;
  readonly text: string | null;
  readonly source: string;
  readonly raw_text: string | null;
  readonly raw_bytes: Uint8Array | null;
  readonly received_at: string;
}

/** Another transaction changed the row between our read and our write: read again. */
class LostRace extends Error {}

/**
 * Submissions in SQL both dialects speak. The current state is a column of `submissions` (the
 * only column ever updated), changed only together with its event in one transaction and only
 * by compare-and-set (`where state = <the state read>`), so the log and the column never
 * disagree. "Never sent twice" is the partial unique index `submissions_one_delivery`: a second
 * claim of the same version fails in the database, whatever process or machine makes it.
 */
export class SqlSubmissions implements SubmissionStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly secrets: readonly string[],
    private readonly ensureOpen: () => void,
    /** Where transactions go when the database's commits are grouped (SQLite): shared with the control numbers. */
    private readonly group?: CommitGroup | undefined,
  ) {}

  async recordVersion(input: NewInvoiceVersion): Promise<{ readonly version: InvoiceVersion; readonly created: boolean }> {
    checkKey('customer', input.customer);
    checkKey('invoice number', input.invoiceNumber);
    if (input.supersedes !== undefined) checkKey('superseded invoice number', input.supersedes);
    const at = timeOf(input.at);
    const canonical = canonicalJson(input.invoice);
    const row = {
      customer: input.customer,
      invoice_number: input.invoiceNumber,
      content_hash: contentHashOf(input.invoice),
      invoice_json: input.receivedText ?? canonical,
      supersedes: input.supersedes ?? null,
      first_seen_at: at,
      generated_at: generatedAtOf(input.invoice) ?? null,
    };
    return this.run(`record version of invoice "${input.invoiceNumber}"`, async (trx) => {
      const inserted: { id: number }[] = await trx('invoice_versions')
        .insert(row)
        .onConflict(['customer', 'invoice_number', 'content_hash'])
        .ignore()
        .returning(['id']);
      const id = inserted[0]?.id;
      if (id !== undefined) {
        await assignChain(trx, { id: Number(id), customer: row.customer, invoiceNumber: row.invoice_number, supersedes: input.supersedes });
        return { version: toVersion({ ...row, id }), created: true };
      }
      const found: VersionRow | undefined = await trx('invoice_versions')
        .where({ customer: row.customer, invoice_number: row.invoice_number, content_hash: row.content_hash })
        .first();
      if (found === undefined)
        throw new FirstpassError('INTERNAL', 'store', `the version of invoice "${input.invoiceNumber}" just recorded is not there`);
      return { version: toVersion(found), created: false };
    });
  }

  async version(versionId: number): Promise<InvoiceVersion | undefined> {
    return this.run(`read version ${versionId}`, async (trx) => {
      const row: VersionRow | undefined = await trx('invoice_versions').where({ id: versionId }).first();
      return row === undefined ? undefined : toVersion(row);
    });
  }

  async createSubmission(versionId: number, state: 'held' | 'queued', options: NewSubmission): Promise<Submission> {
    if (state !== 'held' && state !== 'queued')
      throw new FirstpassError(
        'INTERNAL',
        'store',
        `a submission is created held or queued (sending only by claimForSending), not ${JSON.stringify(state)}`,
      );
    const at = timeOf(options.at);
    checkLabel('channel', options.channel);
    checkLabel('format', options.format);
    return this.run(`record a ${state} submission of version ${versionId}`, async (trx) => {
      await this.requireVersion(trx, versionId);
      return this.insertSubmission(trx, versionId, state, options, at);
    });
  }

  async claimForSending(versionId: number, options: ClaimOptions): Promise<Submission | undefined> {
    const at = timeOf(options.at);
    checkLabel('channel', options.channel);
    checkLabel('format', options.format);
    return this.claiming(`claim version ${versionId} for sending`, async (trx) => {
      const rows = await this.claimable(trx, versionId, options);
      if (rows === undefined) return undefined;
      const queued = rows.find((row) => row.state === 'queued');
      if (queued === undefined) return this.insertSubmission(trx, versionId, 'sending', options, at);
      return this.move(trx, toSubmission(queued), 'sending', options, at);
    });
  }

  async claimWithDocument(
    versionId: number,
    options: ClaimOptions,
    document: RenderedDocument,
  ): Promise<{ readonly submission: Submission; readonly document: StoredDocument } | undefined> {
    const at = timeOf(options.at);
    checkLabel('channel', options.channel);
    checkLabel('format', options.format);
    const content = documentContent(document);
    return this.claiming(`claim version ${versionId} for sending with its document`, async (trx) => {
      const rows = await this.claimable(trx, versionId, options);
      if (rows === undefined) return undefined;
      const row = rows.find((candidate) => candidate.state === 'queued');
      const queued = row !== undefined ? toSubmission(row) : await this.insertSubmission(trx, versionId, 'queued', options, at);
      // A queued attempt may have its document already (a retry sends the same bytes); a new one has none.
      const stored: DocumentRow | undefined =
        row === undefined ? undefined : await this.documents(trx).where('d.submission_id', queued.id).first();
      const sent = stored !== undefined ? toDocument(stored) : await this.insertDocument(trx, queued.id, document, content, at);
      return { submission: await this.move(trx, queued, 'sending', options, at), document: sent };
    });
  }

  /** The version's attempts, or undefined when one of them blocks a new claim. */
  private async claimable(trx: Knex.Transaction, versionId: number, options: ClaimOptions): Promise<SubmissionRow[] | undefined> {
    await this.requireVersion(trx, versionId);
    const rows: SubmissionRow[] = await trx('submissions').where({ version_id: versionId }).orderBy('id');
    const blocked = rows.some(
      (row) => (BLOCKING_STATES as readonly string[]).includes(row.state) || (row.state === 'unknown' && options.resendUnknown !== true),
    );
    return blocked ? undefined : rows;
  }

  /** A claim's transaction: when another claimant committed first, the index refuses ours, nothing of it is kept, and it resolves to undefined. */
  private async claiming<T>(what: string, work: (trx: Knex.Transaction) => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await this.run(what, work);
    } catch (error) {
      if (error instanceof FirstpassError && error.cause !== undefined && this.db.isUniqueViolation(error.cause)) return undefined;
      throw error;
    }
  }

  async transition(submissionId: number, to: SubmissionState, change: ChangeContext): Promise<Submission> {
    checkState(to);
    if (to === 'sending')
      throw new FirstpassError(
        'INTERNAL',
        'store',
        `submission ${submissionId}: only claimForSending moves a submission to sending (it checks the version's other attempts)`,
      );
    const at = timeOf(change.at);
    try {
      return await this.run(`move submission ${submissionId} to ${to}`, async (trx) =>
        this.move(trx, await this.requireSubmission(trx, submissionId), to, change, at),
      );
    } catch (error) {
      // An unknown attempt said to have arrived after a person already resent the version.
      if (error instanceof FirstpassError && error.cause !== undefined && this.db.isUniqueViolation(error.cause)) {
        throw new FirstpassError(
          'INTERNAL',
          'store',
          `submission ${submissionId} cannot become ${to}: another attempt of the same version is already in flight or answered, and a version is delivered at most once`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async note(submissionId: number, change: ChangeContext): Promise<void> {
    const at = timeOf(change.at);
    await this.run(`note on submission ${submissionId}`, async (trx) => {
      const current = await this.requireSubmission(trx, submissionId);
      await this.insertEvent(trx, submissionId, at, current.state, current.state, change);
    });
  }

  async submission(submissionId: number): Promise<Submission | undefined> {
    return this.run(`read submission ${submissionId}`, async (trx) => {
      const row: SubmissionRow | undefined = await trx('submissions').where({ id: submissionId }).first();
      return row === undefined ? undefined : toSubmission(row);
    });
  }

  async events(submissionId: number): Promise<SubmissionEvent[]> {
    return this.run(`read the events of submission ${submissionId}`, async (trx) => {
      const rows: EventRow[] = await trx('submission_events').where({ submission_id: submissionId }).orderBy('id');
      return rows.map(toEvent);
    });
  }

  async saveDocument(submissionId: number, document: RenderedDocument, at: Date): Promise<StoredDocument> {
    const storedAt = timeOf(at);
    const content = documentContent(document);
    return this.run(`store the document of submission ${submissionId}`, async (trx) => {
      await this.requireSubmission(trx, submissionId);
      return this.insertDocument(trx, submissionId, document, content, storedAt);
    });
  }

  private async insertDocument(
    trx: Knex.Transaction,
    submissionId: number,
    document: RenderedDocument,
    content: Buffer,
    storedAt: string,
  ): Promise<StoredDocument> {
    const sha256 = sha256Hex(content);
    await trx('document_contents').insert({ sha256, content, size: content.byteLength }).onConflict('sha256').ignore();
    await trx('submission_documents').insert({
      submission_id: submissionId,
      sha256,
      file_name: document.fileName,
      media_type: document.mediaType,
      control_numbers_json: document.controlNumbers === undefined ? null : JSON.stringify(document.controlNumbers),
      // Also as indexed columns (migration 003): an answer finds its submission by them.
      interchange_number: document.controlNumbers?.interchange ?? null,
      group_number: document.controlNumbers?.group ?? null,
      transaction_number: document.controlNumbers?.transaction ?? null,
      stored_at: storedAt,
    });
    return {
      submissionId,
      sha256,
      fileName: document.fileName,
      mediaType: document.mediaType,
      content: new Uint8Array(content),
      controlNumbers: document.controlNumbers,
      storedAt: new Date(storedAt),
    };
  }

  async document(submissionId: number): Promise<StoredDocument | undefined> {
    return this.run(`read the document of submission ${submissionId}`, async (trx) => {
      const row: DocumentRow | undefined = await this.documents(trx).where('d.submission_id', submissionId).first();
      return row === undefined ? undefined : toDocument(row);
    });
  }

  async latestDocument(versionId: number, format: string): Promise<StoredDocument | undefined> {
    return this.run(`read the last ${format} document of version ${versionId}`, async (trx) => {
      const row: DocumentRow | undefined = await this.documents(trx)
        .join('submissions as s', 's.id', 'd.submission_id')
        .where('s.version_id', versionId)
        .andWhere('s.format', format)
        .orderBy('d.submission_id', 'desc')
        .first();
      return row === undefined ? undefined : toDocument(row);
    });
  }

  async recordAcknowledgment(submissionId: number, ack: NewAcknowledgment, moveTo?: SubmissionState): Promise<Acknowledgment> {
    if (ack.kind !== 'technical' && ack.kind !== 'business')
      throw new FirstpassError('INTERNAL', 'store', `an acknowledgment is technical or business, not ${JSON.stringify(ack.kind)}`);
    checkLabel('acknowledgment status', ack.status);
    checkLabel('acknowledgment source', ack.source);
    if (moveTo !== undefined) checkState(moveTo);
    const receivedAt = timeOf(ack.receivedAt);
    return this.run(`record an acknowledgment of submission ${submissionId}`, async (trx) => {
      const current = await this.requireSubmission(trx, submissionId);
      const [inserted]: { id: number }[] = await trx('acknowledgments')
        .insert({
          submission_id: submissionId,
          kind: ack.kind,
          status: ack.status,
          code: ack.code ?? null,
          text: ack.text ?? null,
          source: ack.source,
          raw_text: typeof ack.raw === 'string' ? ack.raw : null,
          raw_bytes: ack.raw instanceof Uint8Array ? Buffer.from(ack.raw) : null,
          received_at: receivedAt,
        })
        .returning(['id']);
      if (inserted === undefined)
        throw new FirstpassError('INTERNAL', 'store', `the database returned no id for an acknowledgment of submission ${submissionId}`);
      const detail = { acknowledgment: inserted.id, status: ack.status, code: ack.code ?? null };
      if (moveTo !== undefined && moveTo !== current.state) {
        // An answer is kept as received even when it cannot move the state (a second 997, a late
        // rejection after acceptance): then it is an event beside the state, for a person to read.
        if (SUBMISSION_TRANSITIONS.get(current.state)?.includes(moveTo)) {
          await this.move(trx, current, moveTo, { at: ack.receivedAt, source: ack.source, detail }, receivedAt);
        } else {
          await this.insertEvent(trx, submissionId, receivedAt, current.state, current.state, {
            at: ack.receivedAt,
            source: ack.source,
            detail: { ...detail, ignoredMoveTo: moveTo },
          });
        }
      }
      return { ...ack, id: inserted.id, submissionId, receivedAt: new Date(receivedAt) };
    });
  }

  async recoverInterrupted(staleBefore: Date, change: ChangeContext): Promise<Submission[]> {
    const before = timeOf(staleBefore);
    const at = timeOf(change.at);
    const stale: SubmissionRow[] = await this.run('find submissions left in sending', (trx) =>
      trx('submissions as s')
        .select('s.*')
        .where('s.state', 'sending')
        .andWhereRaw("(select max(e.at) from submission_events e where e.submission_id = s.id and e.to_state = 'sending') < ?", [before])
        .orderBy('s.id'),
    );
    const moved: Submission[] = [];
    for (const row of stale) {
      const submission = await this.run(`move submission ${row.id} from sending to unknown`, async (trx) => {
        const current = await this.requireSubmission(trx, row.id);
        // Finished (or recovered by another process) since the search: nothing to do.
        if (current.state !== 'sending') return undefined;
        return this.move(trx, current, 'unknown', change, at);
      });
      if (submission !== undefined) moved.push(submission);
    }
    return moved;
  }

  async recentInvoiceNumbers(limit: number): Promise<string[]> {
    return this.run('list the invoices recorded last', async (trx) => {
      const rows = (await trx('invoice_versions')
        .select('invoice_number')
        .max({ last: 'id' })
        .groupBy('invoice_number')
        .orderBy('last', 'desc')
        .limit(Math.max(1, Math.floor(limit)))) as unknown as { invoice_number: string }[];
      return rows.map((row) => row.invoice_number);
    });
  }

  async history(invoiceNumber: string, customer?: string): Promise<VersionHistory[]> {
    return this.run(`read the history of invoice "${invoiceNumber}"`, async (trx) => {
      const query = trx('invoice_versions').where({ invoice_number: invoiceNumber });
      if (customer !== undefined) query.andWhere({ customer });
      const versions: VersionRow[] = await query.orderBy('id');
      if (versions.length === 0) return [];
      return this.histories(trx, versions);
    });
  }

  async versionsWithOutcome(customer: string, states: readonly SubmissionState[], limit?: number): Promise<VersionHistory[]> {
    for (const state of states) checkState(state);
    if (states.length === 0) return [];
    return this.run(`read the ${states.join(', ')} invoices of customer "${customer}"`, async (trx) => {
      const query = trx('invoice_versions')
        .where({ customer })
        .whereIn(
          'id',
          trx('submissions')
            .select('version_id')
            .whereIn('state', [...states]),
        )
        .orderBy('id', 'desc');
      if (limit !== undefined) query.limit(Math.max(1, Math.floor(limit)));
      const versions: VersionRow[] = await query;
      return this.histories(trx, versions.reverse());
    });
  }

  async supersedingNumbers(customer: string, invoiceNumber: string): Promise<string[]> {
    return this.run(`find the invoices that supersede "${invoiceNumber}"`, async (trx) => {
      const rows: { invoice_number: string }[] = await trx('invoice_versions')
        .distinct('invoice_number')
        .where({ customer, supersedes: invoiceNumber })
        .orderBy('invoice_number');
      return rows.map((row) => row.invoice_number);
    });
  }

  async versionsOut(numbers: readonly { readonly customer: string; readonly invoiceNumber: string }[]): Promise<VersionOut[]> {
    const out: VersionOut[] = [];
    // In slices, so that no statement has more parameters than SQLite allows.
    for (let start = 0; start < numbers.length; start += 400) {
      const slice = numbers.slice(start, start + 400);
      const rows: { customer: string; invoice_number: string; content_hash: string }[] = await this.run(
        `find which of ${slice.length} invoice numbers went out already`,
        (trx) =>
          trx('invoice_versions as v')
            .distinct('v.customer', 'v.invoice_number', 'v.content_hash')
            .whereIn(
              ['v.customer', 'v.invoice_number'],
              slice.map((entry) => [entry.customer, entry.invoiceNumber]),
            )
            .whereExists((query) =>
              query.select(trx.raw('1')).from('submissions as s').whereRaw('s.version_id = v.id').whereIn('s.state', OUT_STATES),
            ),
      );
      for (const row of rows) out.push({ customer: row.customer, invoiceNumber: row.invoice_number, contentHash: row.content_hash });
    }
    return out;
  }

  /** The versions with their attempts, events, answers and documents' names, each in id order. */
  private async histories(trx: Knex.Transaction, versions: readonly VersionRow[]): Promise<VersionHistory[]> {
    const submissions: SubmissionRow[] = await trx('submissions')
      .whereIn(
        'version_id',
        versions.map((row) => row.id),
      )
      .orderBy('id');
    const ids = submissions.map((row) => row.id);
    const events: EventRow[] = ids.length === 0 ? [] : await trx('submission_events').whereIn('submission_id', ids).orderBy('id');
    const acks: AckRow[] = ids.length === 0 ? [] : await trx('acknowledgments').whereIn('submission_id', ids).orderBy('id');
    const documents: DocumentRow[] = ids.length === 0 ? [] : await trx('submission_documents').whereIn('submission_id', ids);
    return versions.map((version) => ({
      version: toVersion(version),
      submissions: submissions
        .filter((row) => row.version_id === version.id)
        .map((row): SubmissionHistory => {
          const document = documents.find((doc) => doc.submission_id === row.id);
          return {
            submission: toSubmission(row),
            events: events.filter((event) => event.submission_id === row.id).map(toEvent),
            acknowledgments: acks.filter((ack) => ack.submission_id === row.id).map(toAcknowledgment),
            document:
              document === undefined
                ? undefined
                : { fileName: document.file_name, mediaType: document.media_type, sha256: document.sha256 },
          };
        }),
    }));
  }

  private documents(trx: Knex.Transaction) {
    return trx('submission_documents as d')
      .join('document_contents as c', 'c.sha256', 'd.sha256')
      .select('d.submission_id', 'd.sha256', 'd.file_name', 'd.media_type', 'd.control_numbers_json', 'd.stored_at', 'c.content');
  }

  private async requireVersion(trx: Knex.Transaction, versionId: number): Promise<void> {
    const row = await trx('invoice_versions').select('id').where({ id: versionId }).first();
    if (row === undefined) throw new FirstpassError('INTERNAL', 'store', `there is no invoice version ${versionId}`);
  }

  private async requireSubmission(trx: Knex.Transaction, submissionId: number): Promise<Submission> {
    const row: SubmissionRow | undefined = await trx('submissions').where({ id: submissionId }).first();
    if (row === undefined) throw new FirstpassError('INTERNAL', 'store', `there is no submission ${submissionId}`);
    return toSubmission(row);
  }

  private async insertSubmission(
    trx: Knex.Transaction,
    versionId: number,
    state: SubmissionState,
    options: NewSubmission,
    at: string,
  ): Promise<Submission> {
    const [row]: SubmissionRow[] = await trx('submissions')
      .insert({
        version_id: versionId,
        channel: options.channel,
        format: options.format,
        state,
        created_at: at,
        // For the report (migration 004): the invoice chain, and when the state was entered.
        chain_id: chainOfVersion(trx, versionId),
        state_at: at,
      })
      .returning(['id', 'version_id', 'channel', 'format', 'state', 'created_at']);
    if (row === undefined) throw new FirstpassError('INTERNAL', 'store', `the database returned no submission for version ${versionId}`);
    await this.insertEvent(trx, row.id, at, undefined, state, options);
    // The rules that held it, as rows: the report counts them in the database (migration 004).
    const rules = state === 'held' ? holdingRulesOf(options.detail) : [];
    if (rules.length > 0) await trx('held_findings').insert(rules.map((rule) => ({ submission_id: row.id, rule })));
    await this.summaryChanged(trx, row.id, state);
    return toSubmission(row);
  }

  /** The checked change of state and its event; compare-and-set, so a concurrent change is seen. */
  private async move(
    trx: Knex.Transaction,
    current: Submission,
    to: SubmissionState,
    change: ChangeContext,
    at: string,
  ): Promise<Submission> {
    const allowed = SUBMISSION_TRANSITIONS.get(current.state) ?? [];
    if (!allowed.includes(to)) {
      const next = allowed.length > 0 ? `it can go to ${allowed.join(', ')}` : `${current.state} is final`;
      throw new FirstpassError('INTERNAL', 'store', `submission ${current.id} is ${current.state} and cannot become ${to}: ${next}`);
    }
    const changed = await trx('submissions').where({ id: current.id, state: current.state }).update({ state: to, state_at: at });
    if (changed !== 1) throw new LostRace();
    await this.insertEvent(trx, current.id, at, current.state, to, change);
    await this.summaryChanged(trx, current.id, to);
    return { ...current, state: to };
  }

  private async insertEvent(
    trx: Knex.Transaction,
    submissionId: number,
    at: string,
    from: SubmissionState | undefined,
    to: SubmissionState,
    change: ChangeContext,
  ): Promise<void> {
    checkLabel('event source', change.source);
    await trx('submission_events').insert({
      submission_id: submissionId,
      at,
      from_state: from ?? null,
      to_state: to,
      source: change.source,
      detail_json: change.detail === undefined ? null : canonicalJson(change.detail),
    });
  }

  /**
   * The chain summary of a submission that changed is rewritten once, at the end of its
   * transaction (a claim creates and moves the same submission: one rewrite, not two).
   */
  private async summaryChanged(trx: Knex.Transaction, submissionId: number, state: SubmissionState): Promise<void> {
    const pending = this.summariesToRefresh.get(trx);
    if (pending !== undefined) pending.set(submissionId, state);
    else await refreshChainSummary(trx, this.db.dialect, submissionId, state);
  }

  /** Per open transaction: the submissions it changed, each with its latest state. */
  private readonly summariesToRefresh = new WeakMap<Knex.Transaction, Map<number, SubmissionState>>();

  /** `work` in one transaction, retried whole on lock contention or a lost race; faults named. */
  private async run<T>(what: string, operation: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    this.ensureOpen();
    const work = async (trx: Knex.Transaction): Promise<T> => {
      const pending = new Map<number, SubmissionState>();
      this.summariesToRefresh.set(trx, pending);
      const result = await operation(trx);
      this.summariesToRefresh.delete(trx);
      for (const [submissionId, state] of pending) await refreshChainSummary(trx, this.db.dialect, submissionId, state);
      return result;
    };
    const group = this.group;
    return inTransaction(this.db, this.secrets, what, work, {
      begin: group ? (each) => group.run(each) : undefined,
      race: { is: (error) => error instanceof LostRace, said: 'it kept changing under another process' },
    });
  }
}

/** The document's bytes as a Buffer (no copy), its name and type checked. */
function documentContent(document: RenderedDocument): Buffer {
  checkLabel('file name', document.fileName);
  checkLabel('media type', document.mediaType);
  return Buffer.from(document.content.buffer, document.content.byteOffset, document.content.byteLength);
}

function timeOf(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw new FirstpassError('INTERNAL', 'store', `a time to record must be a valid Date, not ${String(at)}`);
  return at.toISOString();
}

function checkKey(what: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_KEY_LENGTH) {
    throw new FirstpassError(
      'INTERNAL',
      'store',
      `a ${what} must be a non-empty text of at most ${MAX_KEY_LENGTH} characters, not ${JSON.stringify(value)}`,
    );
  }
}

function checkLabel(what: string, value: string): void {
  checkKey(what, value);
}

function checkState(state: string): void {
  if (!(SUBMISSION_STATES as readonly string[]).includes(state))
    throw new FirstpassError('INTERNAL', 'store', `"${state}" is not a submission state (${SUBMISSION_STATES.join(', ')})`);
}

function toState(value: string): SubmissionState {
  checkState(value);
  return value as SubmissionState;
}

function toVersion(row: VersionRow): InvoiceVersion {
  return {
    id: Number(row.id),
    customer: row.customer,
    invoiceNumber: row.invoice_number,
    contentHash: row.content_hash,
    idempotencyKey: sha256Hex(JSON.stringify([row.customer, row.invoice_number, row.content_hash])),
    invoiceJson: row.invoice_json,
    supersedes: row.supersedes ?? undefined,
    firstSeenAt: new Date(row.first_seen_at),
  };
}

function toEvent(row: EventRow): SubmissionEvent {
  return {
    id: Number(row.id),
    submissionId: Number(row.submission_id),
    at: new Date(row.at),
    from: row.from_state === null ? undefined : toState(row.from_state),
    to: toState(row.to_state),
    source: row.source,
    detail: row.detail_json === null ? undefined : (JSON.parse(row.detail_json) as unknown),
  };
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    submissionId: Number(row.submission_id),
    sha256: row.sha256,
    fileName: row.file_name,
    mediaType: row.media_type,
    content: new Uint8Array(row.content ?? new Uint8Array()),
    controlNumbers:
      row.control_numbers_json === null ? undefined : (JSON.parse(row.control_numbers_json) as StoredDocument['controlNumbers']),
    storedAt: new Date(row.stored_at),
  };
}

function toAcknowledgment(row: AckRow): Acknowledgment {
  const raw = row.raw_text ?? (row.raw_bytes === null ? undefined : new Uint8Array(row.raw_bytes));
  return {
    id: Number(row.id),
    submissionId: Number(row.submission_id),
    kind: row.kind === 'business' ? 'business' : 'technical',
    status: row.status,
    code: row.code ?? undefined,
    text: row.text ?? undefined,
    source: row.source,
    raw,
    receivedAt: new Date(row.received_at),
  };
}

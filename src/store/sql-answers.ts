import type { Knex } from 'knex';
import { FirstpassError } from '../model/errors.js';
import {
  ANSWER_FILE_STATES,
  type AnswerFile,
  type AnswerStore,
  type ControlNumberKeys,
  type NewAnswerFile,
  type OpenSubmission,
} from './answers.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import type { SqlDatabase } from './sql-database.js';
import { inTransaction } from './sql-transaction.js';
import { type SubmissionRow, toSubmission } from './submission-row.js';
import { SUBMISSION_STATES, type Submission, type SubmissionState } from './submissions.js';

interface AnswerFileRow {
  readonly id: number;
  readonly customer: string;
  readonly remote_path: string;
  readonly sha256: string;
  readonly size: number;
  readonly remote_modified_at: string | null;
  readonly received_at: string;
  readonly state: string;
  readonly answers: number;
  readonly detail_json: string | null;
  readonly content?: Uint8Array | null;
}

const FILE_COLUMNS = [
  'id',
  'customer',
  'remote_path',
  'sha256',
  'size',
  'remote_modified_at',
  'received_at',
  'state',
  'answers',
  'detail_json',
];

/** Answers in SQL both dialects speak (tables of migration 003). */
export class SqlAnswers implements AnswerStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly secrets: readonly string[],
    private readonly ensureOpen: () => void,
  ) {}

  async recordFile(file: NewAnswerFile): Promise<{ readonly file: AnswerFile; readonly created: boolean }> {
    if (!ANSWER_FILE_STATES.includes(file.state))
      throw new FirstpassError(
        'INTERNAL',
        'store',
        `an answer file is ${ANSWER_FILE_STATES.join(', ')}, not ${JSON.stringify(file.state)}`,
      );
    const content = Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength);
    const row = {
      customer: file.customer,
      remote_path: file.remotePath,
      sha256: sha256Hex(content),
      size: content.byteLength,
      remote_modified_at: file.remoteModifiedAt === undefined ? null : timeOf(file.remoteModifiedAt),
      received_at: timeOf(file.receivedAt),
      state: file.state,
      answers: file.answers,
      detail_json: file.detail === undefined ? null : canonicalJson(file.detail),
      content: file.state === 'matched' ? null : content,
    };
    return this.run(`record the answer file ${file.remotePath} of ${file.customer}`, async (trx) => {
      const inserted: { id: number }[] = await trx('answer_files')
        .insert(row)
        .onConflict(['customer', 'remote_path', 'sha256'])
        .ignore()
        .returning(['id']);
      const found: AnswerFileRow | undefined = await trx('answer_files')
        .where({ customer: row.customer, remote_path: row.remote_path, sha256: row.sha256 })
        .first();
      if (found === undefined)
        throw new FirstpassError('INTERNAL', 'store', `the answer file ${file.remotePath} just recorded is not there`);
      return { file: toAnswerFile(found), created: inserted.length > 0 };
    });
  }

  async seenFiles(customer: string): Promise<AnswerFile[]> {
    return this.run(`list the answer files of ${customer}`, async (trx) => {
      const rows: AnswerFileRow[] = await trx('answer_files').select(FILE_COLUMNS).where({ customer }).orderBy('id');
      return rows.map(toAnswerFile);
    });
  }

  async unmatchedFiles(customer?: string): Promise<AnswerFile[]> {
    return this.run('list the answer files not matched', async (trx) => {
      const query = trx('answer_files')
        .select([...FILE_COLUMNS, 'content'])
        .whereNot({ state: 'matched' });
      if (customer !== undefined) query.andWhere({ customer });
      const rows: AnswerFileRow[] = await query.orderBy('id');
      return rows.map(toAnswerFile);
    });
  }

  async submissionsByControlNumbers(customer: string, format: string, keys: ControlNumberKeys): Promise<Submission[]> {
    const columns: [string, number | undefined][] = [
      ['d.interchange_number', keys.interchange],
      ['d.group_number', keys.group],
      ['d.transaction_number', keys.transaction],
    ];
    const given = columns.filter((entry): entry is [string, number] => entry[1] !== undefined);
    if (given.length === 0) return [];
    return this.run(`find submissions of ${customer} by control numbers`, async (trx) => {
      const query = trx('submission_documents as d')
        .join('submissions as s', 's.id', 'd.submission_id')
        .join('invoice_versions as v', 'v.id', 's.version_id')
        .select('s.*')
        .where('v.customer', customer)
        .andWhere('s.format', format);
      for (const [column, value] of given) query.andWhere(column, value);
      const rows: SubmissionRow[] = await query.orderBy('s.id', 'desc');
      return rows.map(toSubmission);
    });
  }

  async customersWithSubmissions(states: readonly SubmissionState[]): Promise<string[]> {
    if (states.length === 0) return [];
    return this.run('list the customers with submissions', async (trx) => {
      const rows: { customer: string }[] = await trx('invoice_versions as v')
        .distinct('v.customer')
        .whereExists(trx('submissions as s').select(trx.raw('1')).whereRaw('s.version_id = v.id').whereIn('s.state', states))
        .orderBy('v.customer');
      return rows.map((row) => row.customer);
    });
  }

  async openSubmissions(states: readonly SubmissionState[], customer?: string): Promise<OpenSubmission[]> {
    for (const state of states)
      if (!SUBMISSION_STATES.includes(state)) throw new FirstpassError('INTERNAL', 'store', `"${state}" is not a submission state`);
    if (states.length === 0) return [];
    return this.run('list the open submissions', async (trx) => {
      const query = trx('submissions as s')
        .join('invoice_versions as v', 'v.id', 's.version_id')
        .select('s.*', 'v.customer', 'v.invoice_number')
        .whereIn('s.state', states);
      if (customer !== undefined) query.andWhere('v.customer', customer);
      const rows: (SubmissionRow & { customer: string; invoice_number: string })[] = await query.orderBy('s.id');
      const sent = new Map<number, { at: string; detail: string | null }>();
      const ids = rows.map((row) => row.id);
      for (let start = 0; start < ids.length; start += 500) {
        const events: { submission_id: number; at: string; detail_json: string | null }[] = await trx('submission_events')
          .select('submission_id', 'at', 'detail_json')
          .whereIn('submission_id', ids.slice(start, start + 500))
          .andWhere('to_state', 'sent')
          .orderBy('id');
        for (const event of events) sent.set(Number(event.submission_id), { at: event.at, detail: event.detail_json });
      }
      return rows.map((row) => {
        const event = sent.get(Number(row.id));
        const reference = referenceIn(event?.detail ?? null);
        return {
          submission: toSubmission(row),
          customer: row.customer,
          invoiceNumber: row.invoice_number,
          sentAt: event === undefined ? undefined : new Date(event.at),
          reference,
        };
      });
    });
  }

  private async run<T>(what: string, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    this.ensureOpen();
    return inTransaction(this.db, this.secrets, what, work);
  }
}

function referenceIn(detailJson: string | null): string | undefined {
  if (detailJson === null) return undefined;
  const detail = JSON.parse(detailJson) as { reference?: unknown } | null;
  return detail !== null && typeof detail.reference === 'string' ? detail.reference : undefined;
}

function timeOf(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw new FirstpassError('INTERNAL', 'store', `a time to record must be a valid Date, not ${String(at)}`);
  return at.toISOString();
}

function toAnswerFile(row: AnswerFileRow): AnswerFile {
  const state = ANSWER_FILE_STATES.find((candidate) => candidate === row.state);
  if (state === undefined) throw new FirstpassError('INTERNAL', 'store', `answer file ${row.id} has the state "${row.state}"`);
  return {
    id: Number(row.id),
    customer: row.customer,
    remotePath: row.remote_path,
    sha256: row.sha256,
    size: Number(row.size),
    remoteModifiedAt: row.remote_modified_at === null ? undefined : new Date(row.remote_modified_at),
    receivedAt: new Date(row.received_at),
    state,
    answers: Number(row.answers),
    detail: row.detail_json === null ? undefined : (JSON.parse(row.detail_json) as unknown),
    content: row.content === undefined || row.content === null ? undefined : new Uint8Array(row.content),
  };
}

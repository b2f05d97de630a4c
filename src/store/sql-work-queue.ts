import type { Knex } from 'knex';
import { sha256Hex } from './canonical-json.js';
import type { SqlDatabase } from './sql-database.js';
import { inTransaction } from './sql-transaction.js';
import { type SubmissionRow, toSubmission } from './submission-row.js';
import type { ChangeContext, Submission, SubmissionStore } from './submissions.js';
import type { LeaseOptions, StoredAttachment, WorkQueue } from './work-queue.js';

/**
 * PostgreSQL: the rows are picked once (a materialized CTE; a subquery may be run again, and
 * with SKIP LOCKED each run picks other rows) and rows other workers are leasing are skipped.
 */
const LEASE_POSTGRES = `with picked as materialized (
    select id from submissions where state = 'queued' and queued_for = 'workers' and claimed_by is null and (claimed_at is null or claimed_at < ?)
    order by id limit ? for update skip locked)
  update submissions s set claimed_by = ?, claimed_at = ? from picked where s.id = picked.id
  returning s.id, s.version_id, s.channel, s.format, s.state, s.created_at`;

/** SQLite: one writer, one worker: no rows to skip. */
const LEASE_SQLITE = `with picked as (
    select id from submissions where state = 'queued' and queued_for = 'workers' and claimed_by is null and (claimed_at is null or claimed_at < ?)
    order by id limit ?)
  update submissions set claimed_by = ?, claimed_at = ? where id in (select id from picked)
  returning id, version_id, channel, format, state, created_at`;

/**
 * The work queue in SQL both dialects speak; only the lease differs: PostgreSQL skips rows
 * another worker is leasing (FOR UPDATE SKIP LOCKED), SQLite has one writer and one worker.
 * State changes go through the submissions repository, so every one is checked and logged.
 */
export class SqlWorkQueue implements WorkQueue {
  constructor(
    private readonly db: SqlDatabase,
    private readonly secrets: readonly string[],
    private readonly ensureOpen: () => void,
    private readonly submissions: SubmissionStore,
  ) {}

  async queueForWorkers(submissionId: number, attachments: readonly StoredAttachment[]): Promise<void> {
    await this.run(`queue submission ${submissionId} for the workers`, async (trx) => {
      await trx('submission_attachments').where('submission_id', submissionId).delete();
      for (const [position, attachment] of attachments.entries()) {
        const content = Buffer.from(attachment.content.buffer, attachment.content.byteOffset, attachment.content.byteLength);
        const sha256 = sha256Hex(content);
        await trx('document_contents').insert({ sha256, content, size: content.byteLength }).onConflict('sha256').ignore();
        await trx('submission_attachments').insert({
          submission_id: submissionId,
          position,
          sha256,
          file_name: attachment.fileName,
          media_type: attachment.mediaType,
        });
      }
      await trx('submissions').where('id', submissionId).update({ queued_for: 'workers' });
    });
  }

  async attachments(submissionId: number): Promise<StoredAttachment[]> {
    const rows: { file_name: string; media_type: string; content: Uint8Array }[] = await this.run(
      `read the attachments of submission ${submissionId}`,
      (trx) =>
        trx('submission_attachments as a')
          .join('document_contents as c', 'c.sha256', 'a.sha256')
          .select('a.file_name', 'a.media_type', 'c.content')
          .where('a.submission_id', submissionId)
          .orderBy('a.position'),
    );
    return rows.map((row) => ({ fileName: row.file_name, mediaType: row.media_type, content: new Uint8Array(row.content) }));
  }

  async lease(options: LeaseOptions): Promise<Submission[]> {
    const rows: SubmissionRow[] = await this.run(`lease queued submissions for worker ${options.worker}`, async (trx) => {
      const result = await trx.raw(this.db.dialect === 'postgres' ? LEASE_POSTGRES : LEASE_SQLITE, [
        options.retryBefore.toISOString(),
        options.limit,
        options.worker,
        options.at.toISOString(),
      ]);
      return rowsOf<SubmissionRow>(result);
    });
    return rows.map(toSubmission).sort((a, b) => a.id - b.id);
  }

  async giveBack(submissionId: number, worker: string, at: Date): Promise<void> {
    await this.run(`give back submission ${submissionId}`, (trx) =>
      trx('submissions')
        .where({ id: submissionId, claimed_by: worker, state: 'queued' })
        .update({ claimed_by: null, claimed_at: at.toISOString() }),
    );
  }

  async giveBackAll(worker: string): Promise<number> {
    return this.run(`give back the leases of worker ${worker}`, (trx) =>
      trx('submissions').where({ claimed_by: worker, state: 'queued' }).update({ claimed_by: null, claimed_at: null }),
    );
  }

  async leaseHolders(): Promise<string[]> {
    const rows: { claimed_by: string }[] = await this.run('list the workers holding leases', (trx) =>
      trx('submissions').distinct('claimed_by').whereIn('state', ['queued', 'sending']).whereNotNull('claimed_by'),
    );
    return rows.map((row) => row.claimed_by);
  }

  async recoverWorker(worker: string, change: ChangeContext): Promise<{ requeued: number; unknown: number }> {
    const rows: { id: number; state: string }[] = await this.run(`read the leases of worker ${worker}`, (trx) =>
      trx('submissions').select('id', 'state').where('claimed_by', worker).whereIn('state', ['queued', 'sending']).orderBy('id'),
    );
    let requeued = 0;
    let unknown = 0;
    for (const row of rows) {
      const id = Number(row.id);
      if (row.state === 'sending') {
        await this.submissions.transition(id, 'unknown', change);
        unknown += 1;
        continue;
      }
      const cleared = await this.run(`give back submission ${id} of worker ${worker}`, (trx) =>
        trx('submissions').where({ id, claimed_by: worker, state: 'queued' }).update({ claimed_by: null, claimed_at: null }),
      );
      if (cleared === 1) {
        await this.submissions.note(id, change);
        requeued += 1;
      }
    }
    return { requeued, unknown };
  }

  async pending(retryBefore: Date): Promise<{ leasable: number; leased: number; deferred: number }> {
    const before = retryBefore.toISOString();
    return this.run('count the queue', async (trx) => {
      const count = async (query: Knex.QueryBuilder): Promise<number> => {
        const row = (await query.count({ n: '*' }).first()) as { n: number | string } | undefined;
        return Number(row?.n ?? 0);
      };
      const queued = () => trx('submissions').where({ state: 'queued', queued_for: 'workers' });
      return {
        leasable: await count(
          queued()
            .whereNull('claimed_by')
            .andWhere((q) => q.whereNull('claimed_at').orWhere('claimed_at', '<', before)),
        ),
        deferred: await count(queued().whereNull('claimed_by').andWhere('claimed_at', '>=', before)),
        leased: await count(trx('submissions').whereIn('state', ['queued', 'sending']).whereNotNull('claimed_by')),
      };
    });
  }

  private async run<T>(what: string, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    this.ensureOpen();
    // One try: a lease that failed is simply taken again at the next poll.
    return inTransaction(this.db, this.secrets, what, work, { attempts: 1 });
  }
}

/** A raw query's rows: pg answers { rows }, better-sqlite3 the rows themselves. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

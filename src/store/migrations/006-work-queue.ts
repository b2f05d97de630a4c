import type { Migration } from './migration.js';

/**
 * The work queue shared by `firstpass run --worker` processes: a queued submission is leased by
 * one worker (`claimed_by`, `claimed_at`) before it is claimed for sending, and the attachments
 * an enqueued invoice goes with are stored like its document (content-addressed bytes), so a
 * worker on another machine needs only the database and the profiles folder.
 */
export const workQueue: Migration = {
  version: 6,
  name: 'work-queue',
  async up(trx) {
    await trx.schema.alterTable('submissions', (table) => {
      // The worker that leased this attempt (kept after it is sent: who sent it), and when.
      table.string('claimed_by', 200).nullable();
      table.string('claimed_at', 30).nullable();
      // 'workers' when `run --enqueue-only` queued it for workers, with its attachments stored: only these are leased
      // (a send that `submit` left queued has no stored attachments; its next run sends it).
      table.string('queued_for', 16).nullable();
    });
    await trx.raw("create index submissions_queue on submissions (id) where state = 'queued'");
    await trx.raw("create index submissions_leases on submissions (claimed_by) where state in ('queued', 'sending')");
    await trx.schema.createTable('submission_attachments', (table) => {
      table.integer('submission_id').notNullable().references('id').inTable('submissions');
      table.integer('position').notNullable();
      table.string('sha256', 64).notNullable().references('sha256').inTable('document_contents');
      table.string('file_name', 255).notNullable();
      table.string('media_type', 255).notNullable();
      table.primary(['submission_id', 'position']);
    });
  },
};

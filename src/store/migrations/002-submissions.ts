import type { Migration } from './migration.js';

/**
 * Invoice versions, submissions (attempts), their append-only event log, the rendered
 * documents (content-addressed bytes) and acknowledgments. Times are ISO 8601 UTC texts
 * (`Date.toISOString()`, always 24 characters): the clock is the caller's, the value round-trips
 * exactly on both databases, and texts of one width compare in time order.
 */
export const submissions: Migration = {
  version: 2,
  name: 'submissions',
  async up(trx) {
    await trx.schema.createTable('invoice_versions', (table) => {
      table.increments('id').primary();
      table.string('customer', 255).notNullable();
      table.string('invoice_number', 255).notNullable();
      // sha256 (hex) of the invoice's canonical JSON: the same content is the same version.
      table.string('content_hash', 64).notNullable();
      table.text('invoice_json').notNullable();
      table.string('supersedes', 255).nullable();
      table.string('first_seen_at', 30).notNullable();
      table.unique(['customer', 'invoice_number', 'content_hash'], { indexName: 'invoice_versions_key' });
      table.index(['invoice_number'], 'invoice_versions_number');
    });
    await trx.schema.createTable('submissions', (table) => {
      table.increments('id').primary();
      table.integer('version_id').notNullable().references('id').inTable('invoice_versions');
      table.string('channel', 32).notNullable();
      table.string('format', 64).notNullable();
      // The only column ever updated: the event log says how it got here.
      table
        .string('state', 32)
        .notNullable()
        .checkIn(
          ['held', 'queued', 'sending', 'sent', 'delivered', 'accepted', 'accepted-with-warnings', 'rejected', 'unknown'],
          'submissions_state',
        );
      table.string('created_at', 30).notNullable();
      table.index(['version_id'], 'submissions_version');
      table.index(['state'], 'submissions_state_index');
    });
    // "Never sent twice", kept by the database itself: at most one submission of a version is in
    // flight or past it, whichever process or machine claims. `unknown` is left out so that a
    // person can resend after checking; `queued` and `held` never left the building.
    await trx.raw(
      "create unique index submissions_one_delivery on submissions (version_id) where state in ('sending', 'sent', 'delivered', 'accepted', 'accepted-with-warnings', 'rejected')",
    );
    await trx.schema.createTable('submission_events', (table) => {
      table.increments('id').primary();
      table.integer('submission_id').notNullable().references('id').inTable('submissions');
      table.string('at', 30).notNullable();
      table.string('from_state', 32).nullable();
      table.string('to_state', 32).notNullable();
      table.string('source', 255).notNullable();
      table.text('detail_json').nullable();
      table.index(['submission_id'], 'submission_events_submission');
    });
    await trx.schema.createTable('document_contents', (table) => {
      table.string('sha256', 64).primary();
      table.binary('content').notNullable();
      table.integer('size').notNullable();
    });
    await trx.schema.createTable('submission_documents', (table) => {
      table.integer('submission_id').primary().references('id').inTable('submissions');
      table.string('sha256', 64).notNullable().references('sha256').inTable('document_contents');
      table.string('file_name', 255).notNullable();
      table.string('media_type', 255).notNullable();
      table.text('control_numbers_json').nullable();
      table.string('stored_at', 30).notNullable();
    });
    await trx.schema.createTable('acknowledgments', (table) => {
      table.increments('id').primary();
      table.integer('submission_id').notNullable().references('id').inTable('submissions');
      table.string('kind', 16).notNullable().checkIn(['technical', 'business'], 'acknowledgments_kind');
      table.string('status', 64).notNullable();
      table.string('code', 255).nullable();
      table.text('text').nullable();
      table.string('source', 255).notNullable();
      table.text('raw_text').nullable();
      table.binary('raw_bytes').nullable();
      table.string('received_at', 30).notNullable();
      table.index(['submission_id'], 'acknowledgments_submission');
    });
  },
};

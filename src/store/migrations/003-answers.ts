import type { Migration } from './migration.js';

/**
 * Customers' answers: each file read from an ack folder (so a rerun does not read it again, and a
 * file that matched nothing is kept, bytes and all, to be reported), and the control numbers of
 * each stored EDI document as columns of their own, indexed, so an answer finds its submission.
 */
export const answers: Migration = {
  version: 3,
  name: 'answers',
  async up(trx) {
    await trx.schema.createTable('answer_files', (table) => {
      table.increments('id').primary();
      table.string('customer', 255).notNullable();
      table.string('remote_path', 1024).notNullable();
      table.string('sha256', 64).notNullable();
      table.integer('size').notNullable();
      // The server's modification time, when it gave one: with the size, a file seen before is not downloaded again.
      table.string('remote_modified_at', 30).nullable();
      table.string('received_at', 30).notNullable();
      table.string('state', 16).notNullable().checkIn(['matched', 'partly-matched', 'unmatched', 'unreadable'], 'answer_files_state');
      table.integer('answers').notNullable();
      table.text('detail_json').nullable();
      // The bytes, kept only for a file not (wholly) matched: someone must look at it.
      table.binary('content').nullable();
      table.unique(['customer', 'remote_path', 'sha256'], { indexName: 'answer_files_key' });
      table.index(['state'], 'answer_files_state_index');
    });
    await trx.schema.alterTable('submission_documents', (table) => {
      table.bigInteger('interchange_number').nullable();
      table.bigInteger('group_number').nullable();
      table.bigInteger('transaction_number').nullable();
      table.index(['interchange_number'], 'submission_documents_interchange');
      table.index(['group_number', 'transaction_number'], 'submission_documents_group');
      table.index(['transaction_number'], 'submission_documents_transaction');
    });
    const stored: { submission_id: number; control_numbers_json: string }[] = await trx('submission_documents')
      .select('submission_id', 'control_numbers_json')
      .whereNotNull('control_numbers_json');
    for (const row of stored) {
      const numbers = JSON.parse(row.control_numbers_json) as { interchange?: unknown; group?: unknown; transaction?: unknown };
      const number = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) ? value : null);
      await trx('submission_documents')
        .where({ submission_id: row.submission_id })
        .update({
          interchange_number: number(numbers.interchange),
          group_number: number(numbers.group),
          transaction_number: number(numbers.transaction),
        });
    }
  },
};

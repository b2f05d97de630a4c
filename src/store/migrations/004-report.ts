import type { Knex } from 'knex';
import { generatedAtOf, holdingRulesOf } from '../generated-at.js';
import type { Migration } from './migration.js';

const BATCH = 500;

/**
 * What `firstpass report` needs to aggregate in the database (contract section 6):
 * - `invoice_versions.generated_at`: the invoice's `generatedAt` as a UTC text (start of time
 *   to acceptance), so the report never parses invoice JSON;
 * - `held_findings`: the rules that held each held submission (top holding rules, --by rule);
 * - indexes: events by submission and target state (when a submission became accepted, sent,
 *   rejected), and the versions that supersede another number (correction chains).
 * Rows written before this step are filled in from their JSON, in batches.
 */
export const report: Migration = {
  version: 4,
  name: 'report',
  async up(trx) {
    await trx.schema.alterTable('invoice_versions', (table) => {
      table.string('generated_at', 30).nullable();
    });
    await trx.schema.createTable('held_findings', (table) => {
      table.integer('submission_id').notNullable().references('id').inTable('submissions');
      table.string('rule', 255).notNullable();
      table.primary(['submission_id', 'rule']);
      table.index(['rule'], 'held_findings_rule');
    });
    await trx.raw('create index submission_events_state_at on submission_events (submission_id, to_state, at)');
    await trx.raw('create index invoice_versions_supersedes on invoice_versions (customer, supersedes) where supersedes is not null');
    await fillGeneratedAt(trx);
    await fillHeldFindings(trx);
  },
};

async function fillGeneratedAt(trx: Knex.Transaction): Promise<void> {
  for (let after = 0; ; ) {
    const rows: { id: number; invoice_json: string }[] = await trx('invoice_versions')
      .select('id', 'invoice_json')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH);
    if (rows.length === 0) return;
    for (const row of rows) {
      const generatedAt = generatedAtOf(parsed(row.invoice_json));
      if (generatedAt !== undefined) await trx('invoice_versions').where({ id: row.id }).update({ generated_at: generatedAt });
    }
    after = Number(rows.at(-1)?.id ?? after);
  }
}

async function fillHeldFindings(trx: Knex.Transaction): Promise<void> {
  for (let after = 0; ; ) {
    const rows: { id: number; submission_id: number; detail_json: string | null }[] = await trx('submission_events')
      .select('id', 'submission_id', 'detail_json')
      .whereNull('from_state')
      .andWhere('to_state', 'held')
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(BATCH);
    if (rows.length === 0) return;
    for (const row of rows) {
      const rules = holdingRulesOf(row.detail_json === null ? undefined : parsed(row.detail_json));
      if (rules.length > 0)
        await trx('held_findings')
          .insert(rules.map((rule) => ({ submission_id: row.submission_id, rule })))
          .onConflict(['submission_id', 'rule'])
          .ignore();
    }
    after = Number(rows.at(-1)?.id ?? after);
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

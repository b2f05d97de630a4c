import type { Knex } from 'knex';
import { generatedAtOf, holdingRulesOf } from '../generated-at.js';
import type { Migration } from './migration.js';

const BATCH = 500;

/**
 * What `firstpass report` needs to aggregate in the database (contract section 6), so that a
 * report over a million submissions reads one index instead of walking events and JSON:
 * - `invoice_versions.chain_id` and `submissions.chain_id`: the invoice chain (sql-chains.ts);
 * - `submissions.state_at`: when the current state was entered (the event's time: acceptance,
 *   or the start of `sent` for overdue);
 * - `invoice_versions.generated_at`: the invoice's `generatedAt` as a UTC text;
 * - `held_findings`: the rules that held each held submission;
 * - a covering index of submissions by chain, one of versions by id for the chain's start, and
 *   one of the events that rejected a submission.
 * Rows written before this step are filled in, versions in batches.
 */
export const report: Migration = {
  version: 4,
  name: 'report',
  async up(trx) {
    await trx.schema.alterTable('invoice_versions', (table) => {
      table.string('generated_at', 30).nullable();
      table.integer('chain_id').nullable();
    });
    await trx.schema.alterTable('submissions', (table) => {
      table.integer('chain_id').nullable();
      table.string('state_at', 30).nullable();
    });
    await trx.schema.createTable('held_findings', (table) => {
      table.integer('submission_id').notNullable().references('id').inTable('submissions');
      table.string('rule', 255).notNullable();
      table.primary(['submission_id', 'rule']);
      table.index(['rule'], 'held_findings_rule');
    });
    await fillVersions(trx);
    await trx.raw('update submissions set chain_id = (select v.chain_id from invoice_versions v where v.id = submissions.version_id)');
    await trx.raw(
      'update submissions set state_at = coalesce((select max(e.at) from submission_events e where e.submission_id = submissions.id and e.to_state = submissions.state), created_at)',
    );
    await fillHeldFindings(trx);
    await trx.raw('create index submissions_chain on submissions (chain_id, id, state, created_at, channel, state_at)');
    await trx.raw('create index invoice_versions_chain_start on invoice_versions (id, customer, generated_at, first_seen_at)');
    // The event that rejected a submission (its code and text), without indexing every event.
    await trx.raw("create index submission_events_rejections on submission_events (submission_id) where to_state = 'rejected'");
  },
};

/** generated_at from the JSON, and chain_id in id order (a version joins an earlier version's or its superseded number's chain). */
async function fillVersions(trx: Knex.Transaction): Promise<void> {
  const chains = new Map<string, number>();
  for (let after = 0; ; ) {
    const rows: { id: number; customer: string; invoice_number: string; supersedes: string | null; invoice_json: string }[] = await trx(
      'invoice_versions',
    )
      .select('id', 'customer', 'invoice_number', 'supersedes', 'invoice_json')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH);
    if (rows.length === 0) return;
    for (const row of rows) {
      const key = JSON.stringify([row.customer, row.invoice_number]);
      const chain =
        chains.get(key) ??
        (row.supersedes === null ? undefined : chains.get(JSON.stringify([row.customer, row.supersedes]))) ??
        Number(row.id);
      chains.set(key, chain);
      await trx('invoice_versions')
        .where({ id: row.id })
        .update({ chain_id: chain, generated_at: generatedAtOf(parsed(row.invoice_json)) ?? null });
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

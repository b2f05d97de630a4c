import { rebuildChainSummaries } from '../sql-chain-summaries.js';
import type { Migration } from './migration.js';

/**
 * `chain_summaries`: one row per invoice chain with what `firstpass report` counts (beside it
 * `chain_rejections`, the rejecting answers' code and text, and `chain_held_rules`), kept by the
 * store in the same transaction as each change of a submission (src/store/sql-chain-summaries.ts),
 * so a report over a million submissions reads one narrow row per chain. Filled here for the
 * chains already stored. Indexes: the chain's date (a period), and hours to acceptance in order,
 * alone and by customer and by channel (SQLite reads percentiles at their ranks from them).
 */
export const chainSummaries: Migration = {
  version: 7,
  name: 'chain-summaries',
  async up(trx, dialect) {
    await trx.schema.createTable('chain_summaries', (table) => {
      table.integer('chain_id').primary();
      table.string('customer', 255).notNullable();
      table.string('chain_at', 30).notNullable();
      table.string('channel', 255).notNullable();
      for (const flag of ['held', 'submitted', 'success', 'decided', 'rejected', 'pending', 'unknown']) table.integer(flag).notNullable();
      table.string('last_state', 40).nullable();
      table.string('last_state_at', 30).nullable();
      table.string('accepted_at', 30).nullable();
      table.double('hours').nullable();
    });
    await trx.schema.createTable('chain_rejections', (table) => {
      table.integer('event_id').primary();
      table.integer('chain_id').notNullable();
      table.text('code').nullable();
      table.text('text').nullable();
      table.index(['chain_id'], 'chain_rejections_chain');
    });
    await trx.schema.createTable('chain_held_rules', (table) => {
      table.integer('chain_id').notNullable();
      table.string('rule', 255).notNullable();
      table.primary(['chain_id', 'rule']);
    });
    await rebuildChainSummaries(trx, dialect);
    await trx.raw('create index chain_summaries_date on chain_summaries (chain_at)');
    await trx.raw('create index chain_summaries_hours on chain_summaries (hours, chain_at) where hours is not null');
    await trx.raw('create index chain_summaries_customer_hours on chain_summaries (customer, hours, chain_at) where hours is not null');
    await trx.raw('create index chain_summaries_channel_hours on chain_summaries (channel, hours, chain_at) where hours is not null');
  },
};

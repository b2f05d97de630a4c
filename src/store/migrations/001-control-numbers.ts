import type { Migration } from './migration.js';

/** One row per trading partner and kind: the last number issued. */
export const controlNumbers: Migration = {
  version: 1,
  name: 'control-numbers',
  async up(trx) {
    await trx.schema.createTable('control_numbers', (table) => {
      table.string('partner', 255).notNullable();
      table.string('kind', 16).notNullable().checkIn(['interchange', 'group', 'transaction'], 'control_numbers_kind');
      // 999,999,999: the 9 digits of X12 ISA13. The database itself refuses to go past it, so a
      // sequence can never wrap, whatever code writes to it.
      table.bigInteger('last_value').notNullable().checkBetween([0, 999_999_999], 'control_numbers_last_value_range');
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      table.primary(['partner', 'kind']);
    });
  },
};

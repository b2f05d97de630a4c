import type { Knex } from 'knex';
import type { StoreDialect } from '../store.js';

/**
 * One step of the schema, as code (so it runs from dist/ and under tsx alike). Steps are
 * applied in order of `version`, each once, inside the migration transaction; a step never
 * changes once released (it uses literals, not constants that might move): a change is a new
 * step.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(trx: Knex.Transaction, dialect: StoreDialect): Promise<void>;
}

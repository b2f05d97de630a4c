import type { Knex } from 'knex';
import type { CommitGroup } from './commit-group.js';
import { FirstpassError } from '../model/errors.js';
import type { SqlDatabase } from './sql-database.js';
import { CONTROL_NUMBER_KINDS, MAX_CONTROL_NUMBER, type ControlNumberKind, type ControlNumbers, type ControlNumberStore } from './store.js';
import { describeCause, storeError } from './store-url.js';

const TABLE = 'control_numbers';
const RANGE_CONSTRAINT = 'control_numbers_last_value_range';
const MAX_PARTNER_LENGTH = 255;

interface Row {
  readonly kind: string;
  readonly last_value: number | string;
}

/**
 * Control numbers in SQL both dialects speak. `next` is one statement,
 * INSERT … ON CONFLICT DO UPDATE SET last_value = last_value + 1 … RETURNING, so it is atomic
 * on its own (a statement is all or nothing) and holds no lock across an await: PostgreSQL
 * serialises concurrent upserts of a row on its row lock, SQLite on its write lock (waiting up
 * to the busy timeout). Kinds are always written in one fixed order, so two allocations never
 * wait on each other crosswise. The CHECK constraint on last_value makes the statement fail,
 * issuing nothing, when a sequence would pass MAX_CONTROL_NUMBER.
 */
export class SqlControlNumbers implements ControlNumberStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly secrets: readonly string[],
    private readonly ensureOpen: () => void,
    /** Grouped commits (SQLite): the allocation commits with the transactions waiting beside it, and resolves after that commit. */
    private readonly group?: CommitGroup | undefined,
  ) {}

  async next<K extends ControlNumberKind>(partner: string, kinds: readonly K[]): Promise<{ readonly [P in K]: number }> {
    this.ensureOpen();
    checkPartner(partner);
    for (const kind of kinds) checkKind(kind);
    const wanted = CONTROL_NUMBER_KINDS.filter((kind) => (kinds as readonly ControlNumberKind[]).includes(kind));
    const result: Partial<Record<ControlNumberKind, number>> = {};
    if (wanted.length === 0) return result as { readonly [P in K]: number };
    const knex = this.db.knex;
    let rows: Row[];
    try {
      const allocate = (query: Knex | Knex.Transaction): Promise<Row[]> =>
        query(TABLE)
          .insert(wanted.map((kind) => ({ partner, kind, last_value: 1 })))
          .onConflict(['partner', 'kind'])
          .merge({ last_value: knex.raw('?? + 1', [`${TABLE}.last_value`]), updated_at: knex.fn.now() })
          .returning(['kind', 'last_value']);
      rows = await (this.group ? this.group.run(allocate) : allocate(knex));
    } catch (error) {
      if (this.db.isCheckViolation(error, RANGE_CONSTRAINT)) throw await this.exhausted(partner, wanted, error);
      throw storeError(
        'STORE_FAILED',
        `could not take control numbers for trading partner "${partner}" from ${this.db.location}: ${describeCause(error)}`,
        this.secrets,
        error,
      );
    }
    for (const row of rows) result[row.kind as ControlNumberKind] = toNumber(row.last_value);
    const missing = wanted.filter((kind) => result[kind] === undefined);
    if (missing.length > 0)
      throw new FirstpassError(
        'INTERNAL',
        'store',
        `the database returned no ${missing.join(', ')} number for trading partner "${partner}"`,
      );
    return result as { readonly [P in K]: number };
  }

  async current(partner: string): Promise<ControlNumbers> {
    this.ensureOpen();
    checkPartner(partner);
    let rows: Row[];
    try {
      rows = await this.db.knex(TABLE).select('kind', 'last_value').where({ partner });
    } catch (error) {
      throw storeError(
        'STORE_FAILED',
        `could not read control numbers for trading partner "${partner}" from ${this.db.location}: ${describeCause(error)}`,
        this.secrets,
        error,
      );
    }
    const numbers: Record<ControlNumberKind, number> = { interchange: 0, group: 0, transaction: 0 };
    for (const row of rows) if (isKind(row.kind)) numbers[row.kind] = toNumber(row.last_value);
    return numbers;
  }

  async markUsedThrough(partner: string, kind: ControlNumberKind, lastUsed: number): Promise<void> {
    this.ensureOpen();
    checkPartner(partner);
    checkKind(kind);
    if (!Number.isSafeInteger(lastUsed) || lastUsed < 0 || lastUsed > MAX_CONTROL_NUMBER) {
      throw new FirstpassError(
        'USAGE',
        'store',
        `a ${kind} control number must be a whole number from 0 to ${MAX_CONTROL_NUMBER.toLocaleString('en-US')}, not ${lastUsed}`,
      );
    }
    const knex = this.db.knex;
    try {
      await knex(TABLE)
        .insert({ partner, kind, last_value: lastUsed })
        .onConflict(['partner', 'kind'])
        .merge({ last_value: knex.raw(`${this.db.greatest}(??, ?)`, [`${TABLE}.last_value`, lastUsed]), updated_at: knex.fn.now() });
    } catch (error) {
      throw storeError(
        'STORE_FAILED',
        `could not record ${kind} control numbers through ${lastUsed} for trading partner "${partner}" in ${this.db.location}: ${describeCause(error)}`,
        this.secrets,
        error,
      );
    }
  }

  private async exhausted(partner: string, wanted: readonly ControlNumberKind[], cause: unknown): Promise<FirstpassError> {
    const current = await this.current(partner).catch(() => undefined);
    const full = current ? wanted.filter((kind) => current[kind] >= MAX_CONTROL_NUMBER) : [];
    const which = full.length > 0 ? full.join(' and ') : wanted.join('/');
    return new FirstpassError(
      'CONTROL_NUMBERS_EXHAUSTED',
      'store',
      `the ${which} control numbers of trading partner "${partner}" are used up: ${MAX_CONTROL_NUMBER.toLocaleString('en-US')} is the largest that fits (X12 ISA13 has 9 digits). ` +
        'firstpass does not wrap around to 1, because the partner would take a repeated number for a duplicate; no number was issued. ' +
        'Agree with the partner how to go on before sending more.',
      { cause },
    );
  }
}

function isKind(kind: string): kind is ControlNumberKind {
  return (CONTROL_NUMBER_KINDS as readonly string[]).includes(kind);
}

function checkKind(kind: string): void {
  if (!isKind(kind))
    throw new FirstpassError('INTERNAL', 'store', `"${kind}" is not a kind of control number (${CONTROL_NUMBER_KINDS.join(', ')})`);
}

function checkPartner(partner: string): void {
  if (typeof partner !== 'string' || partner.trim() === '' || partner.length > MAX_PARTNER_LENGTH) {
    throw new FirstpassError(
      'INTERNAL',
      'store',
      `a trading partner key must be a non-empty text of at most ${MAX_PARTNER_LENGTH} characters, not ${JSON.stringify(partner)}`,
    );
  }
}

/** pg returns bigint columns as strings; every value here is below 2^53. */
function toNumber(value: number | string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(number))
    throw new FirstpassError('INTERNAL', 'store', `the database holds a control number that is not a whole number: ${String(value)}`);
  return number;
}

import type { Knex } from 'knex';
import type { StoreDialect } from './store.js';

/**
 * One row per invoice chain with what `firstpass report` aggregates (contract section 6; the words
 * are in src/metrics/definitions.ts), table `chain_summaries` (migration 007). The store rewrites
 * a chain's row from its submissions in the same transaction as every change of a submission
 * (created, or moved to another state), so the report reads ~1 row per chain and no events.
 * A chain has a row once it has a submission; versions alone change nothing the report counts.
 */

/** The state groups of src/metrics/definitions.ts (the store sits below metrics; a test keeps them equal). */
export const SUMMARY_STATES = {
  internal: ['held', 'queued'],
  accepted: ['accepted', 'accepted-with-warnings'],
  final: ['accepted', 'accepted-with-warnings', 'rejected'],
  awaiting: ['sending', 'sent', 'delivered'],
} as const;

const list = (values: readonly string[]): string => `(${values.map((value) => `'${value}'`).join(', ')})`;
const EXTERNAL = `state not in ${list(SUMMARY_STATES.internal)}`;
const ACCEPTED = list(SUMMARY_STATES.accepted);
const FINAL = list(SUMMARY_STATES.final);
const AWAITING = list(SUMMARY_STATES.awaiting);

/** The columns of chain_summaries, in the order summarySelect yields them. */
export const CHAIN_SUMMARY_COLUMNS = [
  'chain_id',
  'customer',
  'chain_at',
  'channel',
  'held',
  'submitted',
  'success',
  'decided',
  'rejected',
  'pending',
  'unknown',
  'last_state',
  'last_state_at',
  'accepted_at',
  'hours',
] as const;

function hoursBetween(dialect: StoreDialect, start: string, end: string): string {
  return dialect === 'sqlite'
    ? `((unixepoch(${end}, 'subsec') - unixepoch(${start}, 'subsec')) / 3600.0)`
    : `(extract(epoch from (cast(${end} as timestamptz) - cast(${start} as timestamptz))) / 3600.0)`;
}

/**
 * The summary rows of the chains `where` selects (a condition on `chain_id` of submissions), from
 * one aggregate over the chain's submissions: min() of a lone submission's columns, else its first
 * and latest external submissions looked up by id; then the chain's first version.
 */
function summarySelect(dialect: StoreDialect, where: string): string {
  const of = (column: string, id: string): string =>
    `(case when a.n = 1 then a.only_${column} else (select x.${column} from submissions x where x.id = ${id}) end)`;
  return `select f.chain_id, v.customer, f.chain_at, f.channel, f.held, f.submitted,
  case when f.first_state in ${ACCEPTED} and f.external_count = 1 then 1 else 0 end as success,
  case when f.first_state in ${FINAL} then 1 else 0 end as decided,
  f.rejected,
  case when f.last_state in ${AWAITING} then 1 else 0 end as pending,
  case when f.last_state = 'unknown' then 1 else 0 end as unknown,
  f.last_state, f.last_state_at, f.accepted_at,
  case when f.accepted_at is null then null
    else ${hoursBetween(dialect, 'coalesce(v.generated_at, v.first_seen_at)', 'f.accepted_at')} end as hours
from (
  select a.chain_id, a.held, a.rejected, a.external_count, a.accepted_at,
    ${of('created_at', 'coalesce(a.first_external_id, a.first_id)')} as chain_at,
    ${of('channel', 'coalesce(a.first_external_id, a.first_id)')} as channel,
    case when a.first_external_id is null then 0 else 1 end as submitted,
    case when a.first_external_id is null then null else ${of('state', 'a.first_external_id')} end as first_state,
    case when a.last_external_id is null then null else ${of('state', 'a.last_external_id')} end as last_state,
    case when a.last_external_id is null then null else ${of('state_at', 'a.last_external_id')} end as last_state_at
  from (
    select chain_id, count(*) as n,
      min(id) as first_id,
      min(case when ${EXTERNAL} then id end) as first_external_id,
      max(case when ${EXTERNAL} then id end) as last_external_id,
      sum(case when ${EXTERNAL} then 1 else 0 end) as external_count,
      max(case when state = 'held' then 1 else 0 end) as held,
      max(case when state = 'rejected' then 1 else 0 end) as rejected,
      min(case when state in ${ACCEPTED} then state_at end) as accepted_at,
      min(state) as only_state, min(created_at) as only_created_at, min(channel) as only_channel, min(state_at) as only_state_at
    from submissions
    where ${where}
    group by chain_id
  ) a
) f
join invoice_versions v on v.id = f.chain_id`;
}

const INSERT = `insert into chain_summaries (${CHAIN_SUMMARY_COLUMNS.join(', ')}) `;

function jsonText(dialect: StoreDialect, column: string, key: string): string {
  return dialect === 'sqlite' ? `json_extract(${column}, '$.${key}')` : `(cast(${column} as json) ->> '${key}')`;
}

function jsonInteger(dialect: StoreDialect, column: string, key: string): string {
  return dialect === 'sqlite'
    ? `json_extract(${column}, '$.${key}')`
    : `(case when (cast(${column} as json) ->> '${key}') ~ '^[0-9]{1,9}$' then cast(cast(${column} as json) ->> '${key}' as integer) end)`;
}

/**
 * `chain_rejections`: each rejected submission's rejecting event (the move into `rejected`, not a
 * later note beside it) with the code and text of the answer it names, else of the channel.
 */
function rejectionsSelect(dialect: StoreDialect, where: string): string {
  return `select e.id as event_id, s.chain_id as chain_id,
  coalesce(a.code, ${jsonText(dialect, 'e.detail_json', 'code')}) as code, coalesce(a.text, ${jsonText(dialect, 'e.detail_json', 'text')}) as text
from submissions s
join submission_events e on e.submission_id = s.id
left join acknowledgments a on a.id = ${jsonInteger(dialect, 'e.detail_json', 'acknowledgment')}
where ${where} and s.state = 'rejected' and e.to_state = 'rejected' and coalesce(e.from_state, '') <> 'rejected'`;
}

const REJECTIONS = 'insert into chain_rejections (event_id, chain_id, code, text) ';
const HELD_RULES = 'insert into chain_held_rules (chain_id, rule) ';

/** `chain_held_rules`: the rules that held some submission of the chain, each once. */
function heldRulesSelect(where: string): string {
  return `select distinct s.chain_id as chain_id, h.rule as rule from held_findings h join submissions s on s.id = h.submission_id where ${where}`;
}

const CHAIN_OF_SUBMISSION = '(select chain_id from submissions where id = ?)';

/**
 * Rewrites the summary of the chain of submission `submissionId`, which is now `state`: call it in
 * the transaction that created or moved that submission, after the write. One statement computes
 * the row and writes it over the old one. On PostgreSQL a transaction lock on the chain first, so
 * that two writers of one chain take turns and the second reads what the first committed.
 */
export async function refreshChainSummary(
  trx: Knex.Transaction,
  dialect: StoreDialect,
  submissionId: number,
  state: string,
): Promise<void> {
  if (dialect === 'postgres')
    await trx.raw(`select pg_advisory_xact_lock(hashtext('firstpass-chain-summaries'), ${CHAIN_OF_SUBMISSION})`, [submissionId]);
  await trx.raw(UPSERT_SUMMARY[dialect], [submissionId]);
  // Rejections and held rules change only when a submission becomes rejected or is created held (both final states).
  if (state === 'rejected') {
    await trx.raw(`delete from chain_rejections where chain_id = ${CHAIN_OF_SUBMISSION}`, [submissionId]);
    await trx.raw(REJECTIONS + rejectionsSelect(dialect, `s.chain_id = ${CHAIN_OF_SUBMISSION}`), [submissionId]);
  }
  if (state === 'held') {
    await trx.raw(`delete from chain_held_rules where chain_id = ${CHAIN_OF_SUBMISSION}`, [submissionId]);
    await trx.raw(HELD_RULES + heldRulesSelect(`s.chain_id = ${CHAIN_OF_SUBMISSION}`), [submissionId]);
  }
}

/** The chain's row written afresh, or over the old one (`where true`: SQLite needs it to read `on conflict` after a join). */
function upsertSummary(dialect: StoreDialect): string {
  const replaced = CHAIN_SUMMARY_COLUMNS.filter((column) => column !== 'chain_id').map((column) => `${column} = excluded.${column}`);
  return `${INSERT}${summarySelect(dialect, `chain_id = ${CHAIN_OF_SUBMISSION}`)} where true on conflict (chain_id) do update set ${replaced.join(', ')}`;
}

const UPSERT_SUMMARY: Record<StoreDialect, string> = { sqlite: upsertSummary('sqlite'), postgres: upsertSummary('postgres') };

/** Rewrites every chain's summary from the submissions (migration 007; a bulk load that bypassed the store). */
export async function rebuildChainSummaries(trx: Knex.Transaction, dialect: StoreDialect): Promise<void> {
  for (const statement of rebuildChainSummariesSql(dialect)) await trx.raw(statement);
}

/** The SQL of rebuildChainSummaries, for a bulk load outside knex (bench/report.mjs). */
export function rebuildChainSummariesSql(dialect: StoreDialect): string[] {
  return [
    'delete from chain_summaries',
    INSERT + summarySelect(dialect, 'chain_id is not null'),
    'delete from chain_rejections',
    REJECTIONS + rejectionsSelect(dialect, 's.chain_id is not null'),
    'delete from chain_held_rules',
    HELD_RULES + heldRulesSelect('s.chain_id is not null'),
  ];
}

/**
 * The summaries computed afresh from the submissions, in chain order, as the table's rows: what
 * chain_summaries must equal (tests and checks). The rejections and held rules: recomputedChainDetails.
 */
export async function recomputedChainSummaries(trx: Knex.Transaction, dialect: StoreDialect): Promise<Record<string, unknown>[]> {
  const result: unknown = await trx.raw(`select * from (${summarySelect(dialect, 'chain_id is not null')}) r order by chain_id`);
  return dialect === 'postgres' ? (result as { rows: Record<string, unknown>[] }).rows : (result as Record<string, unknown>[]);
}

/** chain_rejections and chain_held_rules computed afresh, in key order. */
export async function recomputedChainDetails(
  trx: Knex.Transaction,
  dialect: StoreDialect,
): Promise<{ rejections: Record<string, unknown>[]; heldRules: Record<string, unknown>[] }> {
  const read = async (sql: string): Promise<Record<string, unknown>[]> => {
    const result: unknown = await trx.raw(sql);
    return dialect === 'postgres' ? (result as { rows: Record<string, unknown>[] }).rows : (result as Record<string, unknown>[]);
  };
  const rejections = await read(`select * from (${rejectionsSelect(dialect, 's.chain_id is not null')}) r order by event_id`);
  const heldRules = await read(`select * from (${heldRulesSelect('s.chain_id is not null')}) r order by chain_id, rule`);
  return { rejections, heldRules };
}

import type { Knex } from 'knex';
import type { Store, StoreDialect } from '../store/index.js';
import {
  metricsOf,
  type FirstPassReport,
  type GroupMetrics,
  type HoldingRule,
  type MetricCounts,
  type Metrics,
  type RejectionReason,
  type ReportCharts,
  type ReportRequest,
} from './definitions.js';
import { percentileOf, percentileRanks } from './percentile.js';
import { dayAfterStart, dayStart, localDate, monthsBetween } from './time-zone.js';

/**
 * The first-pass report computed in the database (definitions.ts says what each figure means)
 * from `chain_summaries`, one row per invoice chain kept by the store (src/store/sql-chain-summaries.ts):
 * GROUP BY over the period's rows, percentiles at their ranks. Memory stays flat in the number of
 * submissions: only groups, percentile ranks and the top lists come back to Node.
 */

const DEFAULT_TOP = 10;

type Binding = string | number;

interface Sql {
  readonly text: string;
  readonly bindings: Binding[];
}

/** SQL both dialects run, written once; the few differences are here. */
function dialectSql(dialect: StoreDialect) {
  const sqlite = dialect === 'sqlite';
  return {
    createTemp: (name: string): string => (sqlite ? `create temp table ${name} as ` : `create temporary table ${name} on commit drop as `),
    /** Byte order of texts (PostgreSQL's default collation would sort by locale). */
    bytewise: (expression: string): string => (sqlite ? expression : `(${expression}) collate "C"`),
  };
}

async function rows<T>(trx: Knex.Transaction, dialect: StoreDialect, sql: Sql): Promise<T[]> {
  const result: unknown = await trx.raw(sql.text, sql.bindings);
  if (dialect === 'postgres') return (result as { rows: T[] }).rows;
  return result as T[];
}

/** The period as UTC bounds: [start, end). */
function periodBounds(request: ReportRequest, timeZone: string): { start: string | undefined; end: string | undefined } {
  return {
    start: request.from === undefined ? undefined : dayStart(request.from, timeZone),
    end: request.to === undefined ? undefined : dayAfterStart(request.to, timeZone),
  };
}

/** A text as an SQL literal (quotes doubled); the period's bounds and the customers' deadline cut-offs. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The period's chains as a subquery named `alias`: the summary's columns and `overdue` (a pending
 * chain still `sent` since before its customer's deadline; the cut-off is looked at only for those).
 */
function chainsOf(alias: string, request: ReportRequest, timeZone: string): string {
  const deadlines = [...request.deadlines.entries()].filter(([, hours]) => Number.isFinite(hours) && hours > 0);
  const cutoff =
    deadlines.length === 0
      ? 'null'
      : `case customer ${deadlines
          .map(
            ([customer, hours]) =>
              `when ${literal(customer)} then ${literal(new Date(request.now.getTime() - hours * 3_600_000).toISOString())}`,
          )
          .join(' ')} end`;
  const period = periodOf('', request, timeZone);
  return `(select chain_id, customer, chain_at, channel, held, submitted, success, decided, rejected, pending, unknown, hours,
  case when last_state = 'sent' and last_state_at < ${cutoff} then 1 else 0 end as overdue
from chain_summaries${period === '' ? '' : ` where ${period}`}) ${alias}`;
}

/** The condition on chain_summaries (columns prefixed by `prefix`) that keeps the period's chains; '' for all time. */
function periodOf(prefix: string, request: ReportRequest, timeZone: string): string {
  const { start, end } = periodBounds(request, timeZone);
  const period: string[] = [];
  if (start !== undefined) period.push(`${prefix}chain_at >= ${literal(start)}`);
  if (end !== undefined) period.push(`${prefix}chain_at < ${literal(end)}`);
  return period.join(' and ');
}

/** The held rules of the period's chains, (rule, chain) each once, as a table or subquery (chain_held_rules). */
function ruleChainsOf(period: string): string {
  return period === ''
    ? 'chain_held_rules'
    : `(select r.rule, r.chain_id from chain_held_rules r join chain_summaries c on c.chain_id = r.chain_id where ${period})`;
}

interface CountRow {
  readonly grp: string | null;
  readonly invoices: number | string;
  readonly held: number | string | null;
  readonly submitted: number | string | null;
  readonly success: number | string | null;
  readonly decided: number | string | null;
  readonly rejected: number | string | null;
  readonly pending: number | string | null;
  readonly unknown: number | string | null;
  readonly overdue: number | string | null;
  readonly timed: number | string | null;
}

const COUNTS = `count(*) as invoices, count(hours) as timed, sum(held) as held, sum(submitted) as submitted, sum(success) as success,
  sum(decided) as decided, sum(rejected) as rejected, sum(pending) as pending, sum(unknown) as unknown, sum(overdue) as overdue`;

function countsOf(row: CountRow | undefined): MetricCounts {
  const n = (value: number | string | null | undefined): number => Number(value ?? 0);
  return {
    invoices: n(row?.invoices),
    held: n(row?.held),
    submitted: n(row?.submitted),
    firstPassSuccess: n(row?.success),
    decided: n(row?.decided),
    rejected: n(row?.rejected),
    pending: n(row?.pending),
    unknown: n(row?.unknown),
    overdue: n(row?.overdue),
  };
}

/** What a group is made of: the key expression and the rows it is read from. */
interface GroupSource {
  /** SQL of the group key; undefined for the totals (one group of everything). */
  readonly key: string | undefined;
  readonly from: string;
  /**
   * The key is a column of chain_summaries with an index of (key, hours) (migration 007), or there
   * is no key: percentiles are read at their ranks straight from that index.
   */
  readonly indexed: boolean;
}

/**
 * Median and p90 of the hours to acceptance per group (PERCENTILE.INC, see percentile.ts). When an
 * index of (group, hours) exists (totals, customer, channel), both databases read the one or two
 * values at each percentile's ranks from it, sorting nothing (on PostgreSQL 4× faster than
 * percentile_cont at 800,000 hours). Else PostgreSQL uses percentile_cont, and SQLite sorts the
 * hours once into a temporary index of (group, hours) and reads the ranks from that.
 */
async function percentilesBy(
  trx: Knex.Transaction,
  dialect: StoreDialect,
  source: GroupSource,
  timed: ReadonlyMap<string, number>,
  name: string,
): Promise<Map<string, { median: number | null; p90: number | null }>> {
  const key = source.key ?? "''";
  const result = new Map<string, { median: number | null; p90: number | null }>();
  if (source.indexed) {
    for (const [grp, n] of timed) result.set(grp, await rankedPercentiles(trx, dialect, source, grp, n, undefined));
    return result;
  }
  if (dialect === 'postgres') {
    const found = await rows<{ grp: string | null; median: number | string | null; p90: number | string | null }>(trx, dialect, {
      text: `select grp, percentile_cont(0.5) within group (order by hours) as median, percentile_cont(0.9) within group (order by hours) as p90
from (select ${key} as grp, hours from ${source.from} where hours is not null) x group by grp`,
      bindings: [],
    });
    for (const row of found)
      result.set(row.grp ?? '', {
        median: row.median === null ? null : Number(row.median),
        p90: row.p90 === null ? null : Number(row.p90),
      });
    return result;
  }
  await trx.raw(`create temp table ${name} as select ${key} as grp, hours from ${source.from} where hours is not null`);
  try {
    await trx.raw(`create index ${name}_order on ${name} (grp, hours)`);
    const counts = await rows<{ grp: string | null; n: number }>(trx, dialect, {
      text: `select grp, count(*) as n from ${name} group by grp`,
      bindings: [],
    });
    for (const { grp, n } of counts)
      result.set(grp ?? '', await rankedPercentiles(trx, dialect, { key: 'grp', from: name, indexed: true }, grp ?? '', Number(n), grp));
  } finally {
    await trx.raw(`drop table if exists temp.${name}`);
  }
  return result;
}

/** Median and p90 of one group of `n` hours, each read at its one or two ranks in hours order (an index). */
async function rankedPercentiles(
  trx: Knex.Transaction,
  dialect: StoreDialect,
  source: GroupSource,
  grp: string,
  n: number,
  grpValue: string | null | undefined,
): Promise<{ median: number | null; p90: number | null }> {
  const values = new Map<number, number>();
  const condition = source.key === undefined ? '' : grpValue === null ? `${source.key} is null and ` : `${source.key} = ? and `;
  const valueAt = async (tenths: number): Promise<number | null> => {
    if (n <= 0) return null;
    const { low, high } = percentileRanks(n, tenths);
    const found = await rows<{ hours: number }>(trx, dialect, {
      text: `select hours from ${source.from} where ${condition}hours is not null order by hours limit ? offset ?`,
      bindings: [...(source.key === undefined || grpValue === null ? [] : [grp]), high - low + 1, low],
    });
    for (const [index, row] of found.entries()) values.set(low + index, Number(row.hours));
    return percentileOf(n, tenths, (rank) => values.get(rank));
  };
  return { median: await valueAt(5), p90: await valueAt(9) };
}

let percentileTables = 0;

async function metricsBy(trx: Knex.Transaction, dialect: StoreDialect, source: GroupSource): Promise<Map<string, Metrics>> {
  const counted = await rows<CountRow>(trx, dialect, {
    text:
      source.key === undefined
        ? `select '' as grp, ${COUNTS} from ${source.from}`
        : `select ${source.key} as grp, ${COUNTS} from ${source.from} group by ${source.key}`,
    bindings: [],
  });
  percentileTables += 1;
  const timed = new Map(counted.map((row) => [row.grp ?? '', Number(row.timed ?? 0)]));
  const percentiles = await percentilesBy(trx, dialect, source, timed, `firstpass_report_hours_${process.pid}_${percentileTables}`);
  const result = new Map<string, Metrics>();
  for (const row of counted) {
    const key = row.grp ?? '';
    const times = percentiles.get(key);
    result.set(key, metricsOf(countsOf(row), times?.median ?? null, times?.p90 ?? null));
  }
  return result;
}

/** The key expression of `--by month` in the zone: months start at local midnight. */
function monthKey(first: string, last: string, timeZone: string): string {
  if (timeZone === 'UTC') return 'substr(chain_at, 1, 7)';
  const months = monthsBetween(first, last, timeZone);
  // Texts built from our own digits, not from data: safe to inline (a CASE of up to a few hundred months).
  const cases = months
    .slice(1)
    .map((month, index) => `when chain_at < '${month.start}' then '${months[index]?.month ?? ''}'`)
    .join(' ');
  const lastMonth = `'${months.at(-1)?.month ?? ''}'`;
  // One month (the period within it): no CASE (it needs a WHEN); a cast, as PostgreSQL groups by no bare literal.
  return cases === '' ? `cast(${lastMonth} as varchar(7))` : `(case ${cases} else ${lastMonth} end)`;
}

/** The rejecting answers of the period's chains (chain_rejections), counted by code and text. */
async function rejectionReasons(trx: Knex.Transaction, dialect: StoreDialect, period: string, top: number): Promise<RejectionReason[]> {
  const sql = dialectSql(dialect);
  const found = await rows<{ code: string | null; text: string | null; count: number | string }>(trx, dialect, {
    text: `select r.code, r.text, count(*) as count
from chain_rejections r${period === '' ? '' : ` join chain_summaries c on c.chain_id = r.chain_id where ${period}`}
group by r.code, r.text
order by count(*) desc, ${sql.bytewise("coalesce(r.code, '')")}, ${sql.bytewise("coalesce(r.text, '')")}
limit ?`,
    bindings: [top],
  });
  return found.map((row) => ({
    code: row.code === null ? null : String(row.code),
    text: row.text === null ? null : String(row.text),
    count: Number(row.count),
  }));
}

async function holdingRules(trx: Knex.Transaction, dialect: StoreDialect, ruleChains: string, top: number): Promise<HoldingRule[]> {
  const found = await rows<{ rule: string; count: number | string }>(trx, dialect, {
    text: `select g.rule, count(*) as count from ${ruleChains} g group by g.rule order by count(*) desc, g.rule limit ?`,
    bindings: [top],
  });
  return found.map((row) => ({ rule: row.rule, count: Number(row.count) }));
}

/** The whole report, exactly the contract's JSON shape. */
export async function firstPassReport(store: Store, request: ReportRequest): Promise<FirstPassReport> {
  return (await computeReport(store, request, false)).report;
}

/** The report and what its charts draw (first-pass rate by month and by customer, hours to acceptance). */
export async function firstPassReportWithCharts(
  store: Store,
  request: ReportRequest,
): Promise<{ report: FirstPassReport; charts: ReportCharts }> {
  const { report, charts } = await computeReport(store, request, true);
  return { report, charts: charts ?? { byMonth: [], byCustomer: [], acceptanceHours: [] } };
}

/** Buckets of the time-to-acceptance distribution: [from, to) hours; the last has no end. */
export const ACCEPTANCE_BUCKETS: readonly { readonly label: string; readonly from: number }[] = [
  { label: '< 4 h', from: 0 },
  { label: '4–8 h', from: 4 },
  { label: '8–12 h', from: 8 },
  { label: '12–24 h', from: 12 },
  { label: '1–2 d', from: 24 },
  { label: '2–3 d', from: 48 },
  { label: '3–5 d', from: 72 },
  { label: '5–7 d', from: 120 },
  { label: '≥ 7 d', from: 168 },
];

async function acceptanceHistogram(trx: Knex.Transaction, dialect: StoreDialect, chains: string): Promise<ReportCharts['acceptanceHours']> {
  const cases = ACCEPTANCE_BUCKETS.slice(1)
    .map((bucket, index) => `when hours < ${bucket.from} then ${index}`)
    .join(' ');
  const found = await rows<{ bucket: number | string; count: number | string }>(trx, dialect, {
    text: `select bucket, count(*) as count from (select case ${cases} else ${ACCEPTANCE_BUCKETS.length - 1} end as bucket from ${chains} where hours is not null) b group by bucket`,
    bindings: [],
  });
  const counts = new Map(found.map((row) => [Number(row.bucket), Number(row.count)]));
  return ACCEPTANCE_BUCKETS.map((bucket, index) => ({ bucket: bucket.label, count: counts.get(index) ?? 0 }));
}

function sortedGroups(byKey: Map<string, Metrics>): GroupMetrics[] {
  return [...byKey.keys()].sort(compareText).map((key) => ({ key, ...(byKey.get(key) as Metrics) }));
}

async function computeReport(
  store: Store,
  request: ReportRequest,
  withCharts: boolean,
): Promise<{ report: FirstPassReport; charts: ReportCharts | undefined }> {
  const timeZone = request.timeZone ?? 'UTC';
  const top = Math.max(1, Math.floor(request.top ?? DEFAULT_TOP));
  const chains = (alias: string): string => chainsOf(alias, request, timeZone);
  return store.read('compute the first-pass report', async (trx, dialect) => {
    // JIT compiling costs more than it saves on these one-pass queries; sorts stay in memory.
    if (dialect === 'postgres') await trx.raw("set local jit = off; set local work_mem = '64MB'");
    const period = periodOf('c.', request, timeZone);
    const ruleChains = ruleChainsOf(period);
    // Two subqueries: each reads one end of the index of dates.
    const where = period === '' ? '' : `where ${period}`;
    const [span] = await rows<{ first: string | null; last: string | null }>(trx, dialect, {
      text: `select (select min(c.chain_at) from chain_summaries c ${where}) as first, (select max(c.chain_at) from chain_summaries c ${where}) as last`,
      bindings: [],
    });
    const first = span?.first ?? null;
    const last = span?.last ?? null;
    const totals =
      (await metricsBy(trx, dialect, { key: undefined, from: chains('c'), indexed: true })).get('') ??
      metricsOf(countsOf(undefined), null, null);
    const sources = (by: ReportRequest['by']): GroupSource | undefined => {
      if (by === undefined || first === null || last === null) return undefined;
      if (by === 'rule') return { key: 'g.rule', from: `${ruleChains} g join ${chains('c')} on c.chain_id = g.chain_id`, indexed: false };
      if (by === 'month') return { key: monthKey(first, last, timeZone), from: chains('c'), indexed: false };
      return { key: by, from: chains('c'), indexed: true };
    };
    const groupsBy = async (by: ReportRequest['by']): Promise<GroupMetrics[]> => {
      const source = sources(by);
      return source === undefined ? [] : sortedGroups(await metricsBy(trx, dialect, source));
    };
    const report: FirstPassReport = {
      from: request.from ?? (first === null ? null : localDate(first, timeZone)),
      to: request.to ?? (last === null ? null : localDate(last, timeZone)),
      totals,
      groups: await groupsBy(request.by),
      topRejectionReasons: await rejectionReasons(trx, dialect, period, top),
      topHoldingRules: await holdingRules(trx, dialect, ruleChains, top),
    };
    if (!withCharts) return { report, charts: undefined };
    const charts: ReportCharts = {
      byMonth: request.by === 'month' ? report.groups : await groupsBy('month'),
      byCustomer: request.by === 'customer' ? report.groups : await groupsBy('customer'),
      acceptanceHours: await acceptanceHistogram(trx, dialect, chains('c')),
    };
    return { report, charts };
  });
}

/** Code-point order, the same on every database and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

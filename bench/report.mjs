#!/usr/bin/env node
/**
 * Benchmark of `firstpass report`: fills a database with N submissions (default 1,000,000) and
 * their events, acknowledgments and held findings — in bulk, by INSERT … SELECT over a series
 * inside the database, not through the repository one by one — then times the whole JSON report
 * (all time, and --by month, and one month --by customer) on SQLite and on PostgreSQL (when it
 * answers). Each report runs in a fresh child process, so its peak RSS is the report's own.
 *
 *   node bench/report.mjs                  # N = 1,000,000, SQLite and PostgreSQL
 *   node bench/report.mjs 100000 --sqlite  # smaller, SQLite only
 *   node bench/report.mjs --keep           # keep the SQLite file and PostgreSQL schema
 *   FIRSTPASS_BENCH_POSTGRES=postgres://user@host/db node bench/report.mjs
 *
 * The history: 40 customers, one submission a version, a submission every 30 s from
 * 2026-01-01 (1M ≈ 11.6 months); every 20th rejected by an answer and corrected under the same
 * number, every 100th (at 50) rejected at send and corrected under a new number that
 * supersedes it, every 50th (at 7) held by one or two rules and corrected, some unknown, sent
 * (pending, the older ones overdue) and delivered, one in ten accepted with warnings, the rest
 * accepted 1–72 h after being sent. Invoice JSON texts are ~1 KB, like real ones.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const BASE_EPOCH = Date.UTC(2026, 0, 1) / 1000;
const CUSTOMERS = 40;
const REASONS = [
  ['PO_MISMATCH', 'The PO number does not match an open purchase order'],
  ['PRICE', 'Unit price differs from the contract price'],
  ['DUPLICATE', 'Duplicate invoice number'],
  ['TAX', 'Tax amount does not match the tax rate'],
  ['MISSING_REF', 'Buyer reference missing'],
];
const RULES = ['po-required', 'contract-price', 'tax-total-arithmetic', 'required-fields', 'uom-allowed', 'po-line-match'];

function ensureBuilt() {
  const built = join(REPO, 'dist/metrics/report-query.js');
  const newest = Math.max(
    ...['src/store', 'src/metrics', 'src/pipeline'].flatMap((folder) =>
      readdirSync(join(REPO, folder), { recursive: true })
        .filter((name) => String(name).endsWith('.ts'))
        .map((name) => statSync(join(REPO, folder, String(name))).mtimeMs),
    ),
  );
  if (!existsSync(built) || statSync(built).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}

/** The SQL that differs: a series of integers, an ISO text of a Unix time, integer to text. */
function dialect(name) {
  if (name === 'sqlite')
    return {
      series: (n) => `with recursive seq(i) as (select 1 union all select i + 1 from seq where i < ${n}) select i from seq`,
      iso: (seconds) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`,
      text: (expr) => `cast(${expr} as text)`,
      pad: (expr) => `substr('0000000000000000' || ${expr}, -16, 16)`,
    };
  return {
    series: (n) => `select i from generate_series(1, ${n}) as i`,
    iso: (seconds) => `to_char(to_timestamp(${seconds}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    text: (expr) => `cast(${expr} as text)`,
    pad: (expr) => `lpad(cast(${expr} as text), 16, '0')`,
  };
}

/** INSERT … SELECT statements that build the history for i = 1..n (one version and one submission each). */
function fillStatements(name, n) {
  const d = dialect(name);
  const t = (offset = '0') => d.iso(`${BASE_EPOCH} + i * 30 + ${offset}`);
  const number = `'INV-' || ${d.text('(case when i > 1 and (i % 20 = 1 or i % 50 = 8) then i - 1 else i end)')}`;
  const customer = `'cust-' || ${d.text('((i / 20) % 40)')}`;
  const state = `case when i % 20 = 0 or i % 100 = 50 then 'rejected' when i % 50 = 7 then 'held' when i % 97 = 3 then 'unknown'
    when i % 89 = 5 then 'sent' when i % 83 = 6 then 'delivered' when i % 10 = 3 then 'accepted-with-warnings' else 'accepted' end`;
  const channel = `case when i % 50 = 7 then 'none' when (i / 20) % 3 = 0 then 'sftp' when (i / 20) % 3 = 1 then 'portal' else 'email' end`;
  const filler = 'x'.repeat(700);
  const json = `'{"invoiceNumber":"' || ${number} || '","customerId":"' || ${customer} || '","currency":"USD","issueDate":"2026-01-01","lines":[{"sku":"A","quantity":"1","unitPrice":"10.00"}],"note":"${filler}"}'`;
  const codeOf = `case i % 5 ${REASONS.map(([code], index) => `when ${index} then '${code}'`).join(' ')} end`;
  const textOf = `case i % 5 ${REASONS.map(([, text], index) => `when ${index} then '${text}'`).join(' ')} end`;
  const finalAt = t('3600 * (1 + i % 72)');
  // A correction (same number, or a new one that supersedes) joins the chain of the version before it.
  const chain = 'case when i > 1 and (i % 20 = 1 or i % 50 = 8 or i % 100 = 51) then i - 1 else i end';
  // When the state was entered: the answer's time for answered ones, else the send or the hold.
  const stateAt = `case when i % 100 = 50 then ${t('5')} when i % 20 = 0 then ${finalAt} when i % 50 = 7 then ${t()}
    when i % 97 = 3 or i % 89 = 5 then ${t('5')} when i % 83 = 6 then ${t('3600')} else ${finalAt} end`;
  return [
    `insert into invoice_versions (id, customer, invoice_number, content_hash, invoice_json, supersedes, first_seen_at, generated_at, chain_id)
     select i, ${customer}, ${number}, ${d.pad('i')}, ${json},
       case when i % 100 = 51 then 'INV-' || ${d.text('i - 1')} end, ${t('-3600')}, case when i % 3 = 0 then ${t('-7200')} end, ${chain}
     from (${d.series(n)}) s`,
    `insert into submissions (id, version_id, channel, format, state, created_at, chain_id, state_at)
     select i, i, ${channel}, 'ubl', ${state}, ${t()}, ${chain}, ${stateAt} from (${d.series(n)}) s`,
    `insert into submission_events (submission_id, at, from_state, to_state, source, detail_json)
     select id, created_at, null, case when state = 'held' then 'held' else 'sending' end, 'submit',
       case when state = 'held' then '{"reason":"validation"}' end from submissions`,
    `insert into submission_events (submission_id, at, from_state, to_state, source, detail_json)
     select i, ${t('5')}, 'sending', case when i % 100 = 50 then 'rejected' when i % 97 = 3 and i % 20 <> 0 and i % 50 <> 7 then 'unknown' else 'sent' end, 'channel',
       case when i % 100 = 50 then '{"code":"' || ${codeOf} || '","text":"' || ${textOf} || '"}' end
     from (${d.series(n)}) s where i % 50 <> 7`,
    `insert into submission_events (submission_id, at, from_state, to_state, source, detail_json)
     select s.id, ${d.iso(`${BASE_EPOCH} + s.id * 30 + 3600`)}, 'sent', 'delivered', '997', null
     from submissions s where s.state in ('delivered', 'accepted', 'accepted-with-warnings') or (s.state = 'rejected' and s.id % 100 <> 50)`,
    `insert into acknowledgments (id, submission_id, kind, status, code, text, source, received_at)
     select i, i, 'business', case when i % 20 = 0 then 'rejected' when i % 10 = 3 then 'accepted-with-warnings' else 'accepted' end,
       case when i % 20 = 0 then ${codeOf} end, case when i % 20 = 0 then ${textOf} end, 'portal', ${finalAt}
     from (${d.series(n)}) s where (i % 20 = 0) or (i % 100 <> 50 and i % 50 <> 7 and i % 97 <> 3 and i % 89 <> 5 and i % 83 <> 6)`,
    `insert into submission_events (submission_id, at, from_state, to_state, source, detail_json)
     select s.id, a.received_at, 'delivered', s.state, 'portal', '{"acknowledgment":' || ${d.text('a.id')} || '}'
     from submissions s join acknowledgments a on a.id = s.id where s.state in ('accepted', 'accepted-with-warnings', 'rejected')`,
    `insert into held_findings (submission_id, rule)
     select i, case (i / 50) % 6 ${RULES.map((rule, index) => `when ${index} then '${rule}'`).join(' ')} end
     from (${d.series(n)}) s where i % 50 = 7`,
    `insert into held_findings (submission_id, rule)
     select i, 'invoice-total-arithmetic' from (${d.series(n)}) s where i % 50 = 7 and i % 3 = 0`,
  ];
}

/** The store's rebuild of chain_summaries (what migration 007 does), run after the bulk load, timed in the fill. */
async function summariesFill(name) {
  const { rebuildChainSummariesSql } = await import(pathToFileURL(join(REPO, 'dist/store/sql-chain-summaries.js')).href);
  return { statements: rebuildChainSummariesSql(name) };
}

function formatMs(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function fillSqlite(file, n) {
  const { openStore } = await import(pathToFileURL(join(REPO, 'dist/store/index.js')).href);
  const store = await openStore(`sqlite:${file}`);
  await store.close();
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const started = performance.now();
  db.exec('begin');
  for (const statement of fillStatements('sqlite', n)) db.exec(statement);
  const summaries = await summariesFill('sqlite');
  for (const statement of summaries.statements) db.exec(statement);
  db.exec('commit');
  db.close();
  return performance.now() - started;
}

async function fillPostgres(url, schema, n) {
  const { openStore } = await import(pathToFileURL(join(REPO, 'dist/store/index.js')).href);
  const store = await openStore(url, { schema });
  await store.close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    await client.query(`set search_path to "${schema}"`);
    await client.query('begin');
    for (const statement of fillStatements('postgres', n)) await client.query(statement);
    const summaries = await summariesFill('postgres');
    for (const statement of summaries.statements) await client.query(statement);
    await client.query('commit');
    // A production database is vacuumed and analyzed by autovacuum; a bulk load has to ask
    // (the visibility map lets index-only scans skip the table).
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
  return performance.now() - started;
}

async function findPostgres() {
  const given = process.env.FIRSTPASS_BENCH_POSTGRES;
  const candidates = given
    ? [given]
    : [...new Set(['postgres', userInfo().username])].map((user) => `postgres://${user}@127.0.0.1:5432/test`);
  const { default: pg } = await import('pg');
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return url;
    } catch {
      // try the next
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

/** Child mode: one report, timed from opening the store to the JSON text; prints one JSON line. */
async function measure(url, schema, argsJson) {
  const args = JSON.parse(argsJson);
  const { openStore } = await import(pathToFileURL(join(REPO, 'dist/store/index.js')).href);
  const { firstPassReport } = await import(pathToFileURL(join(REPO, 'dist/metrics/index.js')).href);
  const started = performance.now();
  const store = await openStore(url, schema ? { schema } : {});
  let text;
  try {
    const deadlines = new Map(Array.from({ length: CUSTOMERS }, (_, index) => [`cust-${index}`, 24 + (index % 5) * 24]));
    const report = await firstPassReport(store, { ...args, now: new Date((BASE_EPOCH + 1_000_000 * 30 + 86_400) * 1000), deadlines });
    text = JSON.stringify(report);
  } finally {
    await store.close();
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage();
  const summary = JSON.parse(text).totals;
  process.stdout.write(
    `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, totals: summary, bytes: text.length })}\n`,
  );
}

function runReport(label, url, schema, args) {
  const child = spawnSync(process.execPath, [SELF, '--measure', url, schema ?? '', JSON.stringify(args)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${label}: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  console.log(
    `  ${label.padEnd(40)} ${formatMs(result.ms).padStart(8)} (CPU of this process ${formatMs(result.cpuMs)})   peak RSS ${result.maxRssMb.toFixed(0)} MB   invoices ${result.totals.invoices}, first-pass rate ${result.totals.firstPassRate}, median ${result.totals.timeToAcceptance.medianHours} h`,
  );
  return result;
}

function reports(label, url, schema) {
  console.log(`${label}:`);
  for (let repeat = 0; repeat < 2; repeat += 1) runReport(`all time (run ${repeat + 1})`, url, schema, {});
  runReport('all time --by month', url, schema, { by: 'month' });
  runReport('all time --by customer', url, schema, { by: 'customer' });
  runReport('all time --by rule', url, schema, { by: 'rule' });
  runReport('2026-06 --by customer', url, schema, { from: '2026-06-01', to: '2026-06-30', by: 'customer' });
  runReport('all time --by month --tz Europe/Berlin', url, schema, { by: 'month', timeZone: 'Europe/Berlin' });
}

async function main(argv) {
  if (argv[0] === '--measure') return measure(argv[1], argv[2] || undefined, argv[3]);
  const n = Number(argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
  const keep = argv.includes('--keep');
  const only = argv.includes('--sqlite') ? 'sqlite' : argv.includes('--postgres') ? 'postgres' : undefined;
  ensureBuilt();
  console.log(`firstpass report bench: ${n.toLocaleString('en-US')} submissions, node ${process.version}, ${new Date().toISOString()}`);
  if (only !== 'postgres') {
    const folder = mkdtempSync(join(tmpdir(), 'firstpass-report-bench-'));
    const file = join(folder, 'bench.sqlite');
    try {
      const fill = await fillSqlite(file, n);
      console.log(`SQLite fill: ${formatMs(fill)} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
      reports('SQLite', `sqlite:${file}`, undefined);
    } finally {
      if (keep) console.log(`kept ${file}`);
      else rmSync(folder, { recursive: true, force: true });
    }
  }
  if (only !== 'sqlite') {
    const url = await findPostgres();
    if (url === undefined) {
      console.log('PostgreSQL: not reachable, skipped (set FIRSTPASS_BENCH_POSTGRES)');
      return;
    }
    const schema = `firstpass_report_bench_${process.pid}`;
    try {
      const fill = await fillPostgres(url, schema, n);
      console.log(`PostgreSQL fill: ${formatMs(fill)}`);
      reports('PostgreSQL', url, schema);
    } finally {
      if (keep) console.log(`kept schema ${schema}`);
      else {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    }
  }
}

await main(process.argv.slice(2));

#!/usr/bin/env node
/**
 * Benchmark of the submissions store: for each of N invoices (default 10,000) one version is
 * recorded, claimed for sending (a submission and its event) and marked sent (a second event),
 * each step its own committed transaction, as `submit` will do. Prints invoices/s and rows/s
 * (4 rows an invoice: version, submission, 2 events) on SQLite (a fresh file in the temporary
 * folder, synchronous=FULL) and on PostgreSQL when it answers (a fresh schema, dropped after).
 *
 *   node bench/store.mjs                    # N = 10,000, 1 and 8 invoices in flight
 *   node bench/store.mjs 2000 --inflight 1,4,16
 *   FIRSTPASS_BENCH_POSTGRES=postgres://user@host/db node bench/store.mjs
 *
 * Runs the compiled store (dist/), building it first when src/store is newer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ROWS_PER_INVOICE = 4;

function ensureBuilt() {
  const built = join(REPO, 'dist/store/sql-submissions.js');
  const newest = Math.max(
    ...readdirSync(join(REPO, 'src/store'), { recursive: true })
      .filter((name) => String(name).endsWith('.ts'))
      .map((name) => statSync(join(REPO, 'src/store', String(name))).mtimeMs),
  );
  if (!existsSync(built) || statSync(built).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}

function parseArgs(argv) {
  let count = 10_000;
  let inflight = [1, 8];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--inflight') inflight = argv[++index].split(',').map(Number);
    else if (/^\d+$/.test(arg)) count = Number(arg);
    else throw new Error(`unknown argument ${arg}`);
  }
  return { count, inflight };
}

function invoice(index) {
  return {
    invoiceNumber: `BENCH-${index}`,
    customerId: 'bench-co',
    issueDate: '2026-12-01',
    currency: 'USD',
    lines: Array.from({ length: 10 }, (_, line) => ({
      lineNumber: String(line + 1),
      sku: `SKU-${line}`,
      quantity: String(1 + ((index + line) % 7)),
      unitPrice: '12.50',
    })),
    totals: { grandTotal: String(100 + (index % 900)) },
  };
}

async function oneInvoice(store, index, clock) {
  const { version } = await store.submissions.recordVersion({
    customer: 'bench-co',
    invoiceNumber: `BENCH-${index}`,
    invoice: invoice(index),
    at: clock(),
  });
  const claimed = await store.submissions.claimForSending(version.id, { at: clock(), source: 'bench', channel: 'sftp', format: 'x12-810' });
  if (claimed === undefined) throw new Error(`BENCH-${index} was not claimed`);
  await store.submissions.transition(claimed.id, 'sent', { at: clock(), source: 'sftp', detail: { reference: `/in/BENCH-${index}.edi` } });
}

async function measure(openStore, url, options, count, inflight) {
  const store = await openStore(url, options);
  try {
    let tick = Date.parse('2026-12-01T00:00:00Z');
    const clock = () => new Date((tick += 1));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (next < count) await oneInvoice(store, next++, clock);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { seconds, invoices: count / seconds, rows: (count * ROWS_PER_INVOICE) / seconds };
  } finally {
    await store.close();
  }
}

function report(name, inflight, result) {
  console.log(
    `${name.padEnd(10)} in flight ${String(inflight).padStart(2)}: ${result.seconds.toFixed(2)} s, ${Math.round(result.invoices).toLocaleString('en-US')} invoices/s, ${Math.round(result.rows).toLocaleString('en-US')} rows/s`,
  );
}

async function postgresUrl() {
  const { default: pg } = await import('pg');
  const candidates = process.env.FIRSTPASS_BENCH_POSTGRES
    ? [process.env.FIRSTPASS_BENCH_POSTGRES]
    : [...new Set(['postgres', userInfo().username])].map((user) => `postgres://${encodeURIComponent(user)}@127.0.0.1:5432/test`);
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      return { url, pg };
    } catch {
      // try the next
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

const { count, inflight } = parseArgs(process.argv.slice(2));
ensureBuilt();
const { openStore } = await import(pathToFileURL(join(REPO, 'dist/store/index.js')).href);
console.log(`N = ${count.toLocaleString('en-US')} invoices, ${ROWS_PER_INVOICE} rows each, 3 transactions each; Node ${process.version}`);

for (const flight of inflight) {
  const folder = mkdtempSync(join(tmpdir(), 'firstpass-bench-store-'));
  try {
    // SQLite has one connection per process: more in flight only queues on it.
    report('sqlite', flight, await measure(openStore, `sqlite:${join(folder, 'bench.sqlite')}`, {}, count, flight));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const server = await postgresUrl();
if (server === undefined) {
  console.log('postgres   not reachable (set FIRSTPASS_BENCH_POSTGRES to a postgres:// URL): skipped');
} else {
  for (const flight of inflight) {
    const schema = `firstpass_bench_${process.pid}_${flight}`;
    try {
      report(
        'postgres',
        flight,
        await measure(openStore, server.url, { schema, poolSize: Math.max(1, Math.min(flight, 8)) }, count, flight),
      );
    } finally {
      const client = new server.pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
}

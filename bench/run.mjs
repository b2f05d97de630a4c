#!/usr/bin/env node
/**
 * Benchmark of many workers (issue 12 item 5): N invoices (default 10,000) end to end through the
 * portal sandbox on PostgreSQL, with 1 and with 4 workers. Each round: a fresh schema; `run --inbox
 * --enqueue-only` (the CLI, a child process) records N queued invoices with their documents; then
 * W workers (child processes calling `runWorker` from dist/, as `run --worker --until-empty` does)
 * drain the queue. The portal sandbox runs in this process. Prints, per round: enqueue seconds,
 * drain seconds (first worker spawned to last exited), invoices/s of the drain and end to end, the
 * speed-up of W workers over 1, and where the CPU went: the workers' (user + system, summed) and
 * this process's (the sandbox portal), against the machine's CPU seconds in the drain (2 cores x
 * wall); PostgreSQL's share is the rest, with whatever else the machine runs.
 *
 *   node bench/run.mjs                   # N = 10,000; 1 and 4 workers
 *   node bench/run.mjs 2000 --workers 1,2,4 --concurrency 16
 *   FIRSTPASS_BENCH_POSTGRES=postgres://user@host/db node bench/run.mjs
 *
 * Builds dist/ first when src/ is newer.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => pathToFileURL(join(REPO, 'dist', path)).href;
const POSTGRES = process.env.FIRSTPASS_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

function ensureBuilt() {
  const built = join(REPO, 'dist/pipeline/drain-queue.js');
  const newest = Math.max(
    ...readdirSync(join(REPO, 'src'), { recursive: true })
      .filter((name) => String(name).endsWith('.ts'))
      .map((name) => statSync(join(REPO, 'src', String(name))).mtimeMs),
  );
  if (!existsSync(built) || statSync(built).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}

/** A worker child: drains until empty, prints its counts and CPU seconds as JSON. */
async function workerChild(job) {
  const { runWorker } = await import(dist('pipeline/drain-queue.js'));
  const report = await runWorker({
    database: job.database,
    profilesDirectory: job.profiles,
    untilEmpty: true,
    concurrency: job.concurrency,
  });
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ counts: report.counts, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
}

function spawnNode(args, env) {
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function round({ count, workers, concurrency, portal, invoice, root }) {
  const folder = join(root, `w${workers}`);
  mkdirSync(join(folder, 'inbox'), { recursive: true });
  writeFileSync(
    join(folder, 'inbox', 'export.jsonl'),
    `${Array.from({ length: count }, (_, index) => JSON.stringify({ ...invoice, invoiceNumber: `CG-2026-${300_001 + index}` })).join('\n')}\n`,
  );
  const schema = `firstpass_bench_run_${process.pid}_${workers}`;
  const url = new URL(POSTGRES);
  url.searchParams.set('schema', schema);
  const database = url.toString();
  const env = { TEST_PORTAL_API_KEY: portal.apiKey, FIRSTPASS_DB: '' };
  const enqueueStart = performance.now();
  const enqueue = await spawnNode(
    [
      join(REPO, 'dist/cli/main.js'),
      'run',
      '--inbox',
      join(folder, 'inbox'),
      '--enqueue-only',
      '--today',
      '2026-11-20',
      '--settle',
      '0',
    ].concat(['--pos', join(REPO, 'examples/purchase-orders'), '--profiles', root + '/profiles', '--db', database, '--json']),
    env,
  );
  const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
  if (enqueue.code !== 0) throw new Error(`enqueue failed (${enqueue.code}): ${enqueue.stderr}`);
  const arrivedBefore = portal.requests.length;
  const sandboxCpu = process.cpuUsage();
  const drainStart = performance.now();
  const results = await Promise.all(
    Array.from({ length: workers }, () =>
      spawnNode([fileURLToPath(import.meta.url), '--child', JSON.stringify({ database, profiles: `${root}/profiles`, concurrency })], env),
    ),
  );
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const sandbox = process.cpuUsage(sandboxCpu);
  for (const result of results) if (result.code !== 0) throw new Error(`a worker failed (${result.code}): ${result.stderr}`);
  const reports = results.map((result) => JSON.parse(result.stdout.trim().split('\n').at(-1)));
  const sent = reports.reduce((sum, report) => sum + (report.counts.sent ?? 0), 0);
  const arrived = portal.requests.length - arrivedBefore;
  if (sent !== count || arrived !== count) throw new Error(`sent ${sent}, arrived ${arrived}, expected ${count}`);
  await dropSchema(schema);
  return {
    workers,
    enqueueSeconds,
    drainSeconds,
    workerCpu: reports.reduce((sum, report) => sum + report.cpuSeconds, 0),
    sandboxCpu: (sandbox.user + sandbox.system) / 1e6,
    perWorker: reports.map((report) => report.counts.sent ?? 0),
  };
}

async function dropSchema(schema) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const count = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10_000);
  const option = (name, fallback) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : fallback;
  };
  const workerCounts = option('--workers', '1,4').split(',').map(Number);
  const concurrency = Number(option('--concurrency', '16'));
  ensureBuilt();
  const { startPortalSandbox } = await import(dist('sandbox/portal-server.js'));
  const portal = await startPortalSandbox();
  const root = mkdtempSync(join(tmpdir(), 'firstpass-bench-run-'));
  try {
    cpSync(join(REPO, 'customer-profiles'), join(root, 'profiles'), { recursive: true });
    const lindenau = join(root, 'profiles', 'stadt-lindenau.json');
    const profile = JSON.parse(readFileSync(lindenau, 'utf8'));
    profile.channel = {
      type: 'portal',
      flavor: 'rest',
      url: portal.restUrl,
      auth: { type: 'api-key', header: portal.apiKeyHeader, apiKey: { env: 'TEST_PORTAL_API_KEY' } },
    };
    writeFileSync(lindenau, JSON.stringify(profile, null, 2));
    const { $schema: _schema, ...invoice } = JSON.parse(
      readFileSync(join(REPO, 'examples/invoices/stadt-lindenau/CG-2026-10121.json'), 'utf8'),
    );
    console.log(
      `bench/run: ${count.toLocaleString('en')} invoices through the portal sandbox on PostgreSQL, --concurrency ${concurrency} per worker; ${cpus().length} CPUs, load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} at the start`,
    );
    console.log(
      '| workers | enqueue s | drain s | drain inv/s | end to end inv/s | speed-up (drain) | workers CPU s | sandbox CPU s | rest of 2 cores s | sent per worker |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    let single;
    for (const workers of workerCounts) {
      const r = await round({ count, workers, concurrency, portal, invoice, root });
      single ??= r.drainSeconds;
      const machine = cpus().length * r.drainSeconds;
      console.log(
        `| ${workers} | ${r.enqueueSeconds.toFixed(1)} | ${r.drainSeconds.toFixed(1)} | ${Math.round(count / r.drainSeconds)} | ${Math.round(count / (r.enqueueSeconds + r.drainSeconds))} | ${(single / r.drainSeconds).toFixed(2)}x | ${r.workerCpu.toFixed(1)} | ${r.sandboxCpu.toFixed(1)} | ${(machine - r.workerCpu - r.sandboxCpu).toFixed(1)} | ${r.perWorker.join(' / ')} |`,
      );
    }
    console.log(
      `load average at the end: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await portal.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await workerChild(JSON.parse(process.argv[3]));
else await main();

#!/usr/bin/env node
/**
 * Benchmark of `firstpass submit`: N invoices (default 1,000) through each channel (portal REST,
 * SFTP, SMTP) against the sandbox servers on loopback. The servers run in this process; the
 * submit runs in a child Node process (so the two do not share one event loop, and two cores
 * both work), calling the pipeline function `submitInvoices` from dist/ on a fresh SQLite store,
 * as `firstpass submit` does, with its default concurrency. Prints, per channel: the whole run's
 * wall time (spawn to exit: what a user waits for), the planning time (read, validate, render
 * once), sends per second, p50/p99 latency per send (from the committed `sending` to the
 * recorded answer, read from the store's events: the claim's commit, the network, the answer's
 * commit), and the same channel's bare sends (the channel's own `send`, one at a time, no
 * store, no render) for the split.
 *
 *   node bench/submit.mjs                      # N = 1,000
 *   node bench/submit.mjs 200                  # choose N
 *   node bench/submit.mjs 1000 --repeat 3      # each submit 3 times: the best, and the range
 *   node bench/submit.mjs 1000 --sequential    # concurrency 1: one invoice at a time
 *   node bench/submit.mjs 1000 --only portal   # one channel: portal, sftp or smtp
 *   node bench/submit.mjs 1000 --concurrency 32                       # the run-wide limit
 *   BENCH_PORTAL_MAX_CONCURRENT=16 node bench/submit.mjs --only portal  # the portal profile's maxConcurrent
 *   BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/submit.mjs --only portal  # profile the submit
 *
 * Builds dist/ first when src/ is newer.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TODAY = '2026-11-20';
const SFTP_USER = 'calder';
const SFTP_PASSWORD = 'bench-sftp-pass-91ad';
const dist = (path) => pathToFileURL(join(REPO, 'dist', path)).href;

function ensureBuilt() {
  const built = join(REPO, 'dist/pipeline/submit-invoices.js');
  const newest = Math.max(
    ...readdirSync(join(REPO, 'src'), { recursive: true })
      .filter((name) => String(name).endsWith('.ts'))
      .map((name) => statSync(join(REPO, 'src', String(name))).mtimeMs),
  );
  if (!existsSync(built) || statSync(built).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The child: one submit run (or the channel's bare sends), timed, as JSON on stdout. */
async function child(job) {
  const environment = { ...process.env, ...job.env };
  if (job.mode === 'bare') {
    const { CHANNELS, secretReader } = await import(dist('channels/index.js'));
    const profile = JSON.parse(readFileSync(join(job.profiles, `${job.customer}.json`), 'utf8'));
    const channel = CHANNELS.get(profile.channel.type).open(profile.channel, {
      secret: secretReader(job.profiles, environment),
      timeoutMs: 30_000,
    });
    const content = new Uint8Array(readFileSync(job.document));
    const times = [];
    const start = performance.now();
    try {
      for (let index = 0; index < job.count; index += 1) {
        const before = performance.now();
        const result = await channel.send({
          idempotencyKey: `bare-${index}`,
          invoiceNumber: `BARE-${index}`,
          customerId: job.customer,
          document: { fileName: `BARE-${index}${job.extension}`, mediaType: job.mediaType, content },
          attachments: [],
          testMode: false,
        });
        if (result.outcome !== 'sent') throw new Error(`bare send ${index}: ${JSON.stringify(result)}`);
        times.push(performance.now() - before);
      }
    } finally {
      await channel.close?.();
    }
    process.stdout.write(JSON.stringify({ totalMs: performance.now() - start, times }));
    return;
  }
  const { submitInvoices } = await import(dist('pipeline/submit-invoices.js'));
  const start = performance.now();
  const stamps = [];
  const outcomes = {};
  await submitInvoices({
    paths: [job.invoices],
    profilesDirectory: job.profiles,
    poPaths: [job.pos],
    today: TODAY,
    database: job.database,
    environment,
    ...(job.concurrency !== undefined ? { concurrency: job.concurrency } : {}),
    onResult: (result) => {
      stamps.push(performance.now() - start);
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    },
  });
  const totalMs = performance.now() - start;
  process.stdout.write(JSON.stringify({ totalMs, stamps, outcomes, latencies: sendLatencies(job.database.slice('sqlite:'.length)) }));
}

/** Per attempt: milliseconds from its `sending` event to the event that recorded the answer (the store keeps ms). */
function sendLatencies(file) {
  const db = new Database(file, { readonly: true });
  try {
    const started = new Map();
    const latencies = [];
    for (const row of db.prepare('select submission_id, to_state, at from submission_events order by id').all()) {
      if (row.to_state === 'sending') started.set(row.submission_id, Date.parse(row.at));
      else if (started.has(row.submission_id) && row.to_state !== 'sending') {
        latencies.push(Date.parse(row.at) - started.get(row.submission_id));
        started.delete(row.submission_id);
      }
    }
    return latencies;
  } finally {
    db.close();
  }
}

/** Extra Node options for the timed child, e.g. BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it. */
function childNodeArgs() {
  return (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

function runChild(job) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, [...childNodeArgs(), fileURLToPath(import.meta.url), '--child', JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}`));
      else resolve({ ...JSON.parse(out), wallMs: performance.now() - started });
    });
  });
}

/** N copies of one example invoice with their own numbers (and, with a PO, their own PO each: a PO's total is consumed). */
function writeInvoices(folder, exampleFile, count, numberOf, withPo) {
  mkdirSync(folder, { recursive: true });
  const { $schema: _schema, ...invoice } = JSON.parse(readFileSync(exampleFile, 'utf8'));
  const lines = [];
  for (let index = 0; index < count; index += 1) {
    const copy = { ...invoice, invoiceNumber: numberOf(index) };
    if (withPo) copy.poNumber = `30${500_000 + index}`;
    lines.push(JSON.stringify(copy));
  }
  writeFileSync(join(folder, 'invoices.jsonl'), `${lines.join('\n')}\n`);
}

async function main() {
  const args = process.argv.slice(2);
  const count = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 1000);
  const repeatAt = args.indexOf('--repeat');
  const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 1;
  const concurrencyAt = args.indexOf('--concurrency');
  const concurrency = args.includes('--sequential') ? 1 : concurrencyAt >= 0 ? Number(args[concurrencyAt + 1]) : undefined;
  // A portal's own limit (channel.maxConcurrent) for trying other values; the default is the channel's.
  const portalMax = process.env.BENCH_PORTAL_MAX_CONCURRENT ? Number(process.env.BENCH_PORTAL_MAX_CONCURRENT) : undefined;
  ensureBuilt();
  const { startSftpServer } = await import(dist('sandbox/sftp-server.js'));
  const { startSmtpSandbox } = await import(dist('sandbox/smtp-server.js'));
  const { startPortalSandbox } = await import(dist('sandbox/portal-server.js'));
  const root = mkdtempSync(join(tmpdir(), `firstpass-bench-submit-${process.pid}-`));
  const sftp = await startSftpServer({ root: join(root, 'served'), username: SFTP_USER, password: SFTP_PASSWORD, folders: ['inbound'] });
  const smtp = await startSmtpSandbox({ starttls: true });
  const portal = await startPortalSandbox();
  try {
    const profiles = join(root, 'profiles');
    cpSync(join(REPO, 'customer-profiles'), profiles, { recursive: true });
    writeFileSync(join(profiles, 'sandbox-smtp.pem'), smtp.certificate ?? '');
    const point = (customer, channel) => {
      const file = join(profiles, `${customer}.json`);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), channel }, null, 2));
    };
    point('brightwater-home', {
      type: 'sftp',
      host: '127.0.0.1',
      port: sftp.port,
      username: SFTP_USER,
      password: { env: 'BENCH_SFTP_PASSWORD' },
      hostKeySha256: sftp.hostKeySha256,
      remoteDir: '/inbound',
    });
    point('pinecrest-brewing', {
      type: 'email',
      from: 'billing@calder-precision.example.com',
      to: 'ap@pinecrestbrewing.example.com',
      subject: 'Invoice {{invoiceNumber}}',
      smtp: {
        host: smtp.host,
        port: smtp.port,
        username: smtp.username,
        password: { env: 'BENCH_SMTP_PASSWORD' },
        trustedCertificate: { file: 'sandbox-smtp.pem' },
      },
    });
    point('stadt-lindenau', {
      type: 'portal',
      flavor: 'rest',
      url: portal.restUrl,
      auth: { type: 'api-key', header: portal.apiKeyHeader, apiKey: { env: 'BENCH_PORTAL_API_KEY' } },
      ...(portalMax !== undefined ? { maxConcurrent: portalMax } : {}),
    });
    const env = { BENCH_SFTP_PASSWORD: SFTP_PASSWORD, BENCH_SMTP_PASSWORD: smtp.password, BENCH_PORTAL_API_KEY: portal.apiKey };
    // One open PO per Brightwater invoice, copied from the example PO the example invoice names.
    const pos = join(root, 'pos.jsonl');
    const { $schema: _po, ...po } = JSON.parse(readFileSync(join(REPO, 'examples/purchase-orders/brightwater-home/30419240.json'), 'utf8'));
    writeFileSync(
      pos,
      `${Array.from({ length: count }, (_, index) => JSON.stringify({ ...po, poNumber: `30${500_000 + index}` })).join('\n')}\n`,
    );
    const examples = join(REPO, 'examples/invoices');
    const channels = [
      {
        name: 'portal (REST, UBL)',
        customer: 'stadt-lindenau',
        example: join(examples, 'stadt-lindenau/CG-2026-10121.json'),
        number: (index) => `CG-2026-${30_000 + index}`,
        withPo: false,
        target: 300,
        unit: 'sends/s',
        extension: '.ubl.xml',
        mediaType: 'application/xml',
      },
      {
        name: 'SFTP (X12 810)',
        customer: 'brightwater-home',
        example: join(examples, 'brightwater-home/CP-2611-0409.json'),
        number: (index) => `CP-2612-${String(index).padStart(4, '0')}`,
        withPo: true,
        target: 100,
        unit: 'files/s',
        extension: '.x12',
        mediaType: 'application/edi-x12',
      },
      {
        name: 'SMTP (PDF + attachment)',
        customer: 'pinecrest-brewing',
        example: join(examples, 'pinecrest-brewing/CP-2611-0414.json'),
        attachment: join(examples, 'pinecrest-brewing/attachments/timesheet-CP-2611-0414.pdf'),
        number: (index) => `CP-2613-${String(index).padStart(4, '0')}`,
        withPo: false,
        target: 100,
        unit: 'messages/s',
        extension: '.pdf',
        mediaType: 'application/pdf',
      },
    ];
    console.log(
      `firstpass submit, N = ${count} per channel, sandbox servers on 127.0.0.1, SQLite store, ${concurrency === 1 ? 'one invoice at a time' : `concurrency ${concurrency ?? 'default'}`}${portalMax ? `, portal maxConcurrent ${portalMax}` : ''}, best of ${repeat}\n`,
    );
    const rows = [];
    const onlyAt = args.indexOf('--only');
    const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
    for (const channel of channels.filter((candidate) => only === undefined || candidate.name.toLowerCase().startsWith(only))) {
      const folder = join(root, channel.customer);
      writeInvoices(folder, channel.example, count, channel.number, channel.withPo);
      if (channel.attachment) {
        mkdirSync(join(folder, 'attachments'), { recursive: true });
        cpSync(channel.attachment, join(folder, 'attachments', 'timesheet-CP-2611-0414.pdf'));
      }
      const runs = [];
      for (let round = 0; round < repeat; round += 1) {
        // Each round delivers the same file names: the SFTP folder is emptied first (firstpass never overwrites).
        rmSync(join(sftp.root, 'inbound'), { recursive: true, force: true });
        mkdirSync(join(sftp.root, 'inbound'));
        const run = await runChild({
          invoices: join(folder, 'invoices.jsonl'),
          profiles,
          pos,
          database: `sqlite:${join(root, `${channel.customer}-${round}.db`)}`,
          env,
          concurrency,
        });
        const sent = run.outcomes.sent ?? 0;
        if (sent !== count) console.warn(`  warning: ${channel.name}: outcomes ${JSON.stringify(run.outcomes)}`);
        runs.push({ ...run, rate: ((count - 1) * 1000) / (run.stamps.at(-1) - run.stamps[0]) });
      }
      const rates = runs.map((run) => Math.round(run.rate));
      const complete = runs.filter((candidate) => (candidate.outcomes.sent ?? 0) === count);
      const run = (complete.length > 0 ? complete : runs).reduce((best, next) => (next.rate > best.rate ? next : best));
      const sorted = [...run.latencies].sort((a, b) => a - b);
      const applyMs = run.stamps.at(-1) - run.stamps[0];
      const planMs = run.stamps[0];
      // The same channel's bare sends of one rendered document, for the split.
      const document = join(root, `bare${channel.extension}`);
      writeFileSync(document, readFileSync(channel.attachment ?? channel.example));
      const bare = await runChild({
        mode: 'bare',
        profiles,
        customer: channel.customer,
        document,
        extension: channel.extension,
        mediaType: channel.mediaType,
        count,
        env,
      });
      const bareSorted = [...bare.times].sort((a, b) => a - b);
      rows.push({
        channel: channel.name,
        'wall s': (run.wallMs / 1000).toFixed(2),
        'plan s': (planMs / 1000).toFixed(2),
        'sends/s (sending)': Math.round(((count - 1) * 1000) / applyMs),
        ...(repeat > 1 ? { 'range (runs)': `${Math.min(...rates)}–${Math.max(...rates)}` } : {}),
        'sends/s (whole run)': Math.round((count * 1000) / run.wallMs),
        'p50 ms': percentile(sorted, 50),
        'p99 ms': percentile(sorted, 99),
        'bare sends/s': Math.round((count * 1000) / bare.totalMs),
        'bare p50 ms': percentile(bareSorted, 50).toFixed(2),
        'bare p99 ms': percentile(bareSorted, 99).toFixed(2),
        target: `>= ${channel.target} ${channel.unit}`,
      });
    }
    console.table(rows);
    console.log(
      'sends/s (sending): from the first result to the last (best run; range: all runs); whole run: N / (spawn to exit), planning included.\n' +
        "plan s: from the call to the first result (reading, validating and rendering all, then the first send). p50/p99: one send, from its committed `sending` to its recorded answer (the store's events, whole ms).\n" +
        "bare: the channel's own send of one fixed document, no store, no validation, no render.",
    );
  } finally {
    await sftp.stop();
    await smtp.stop();
    await portal.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else await main();

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { startPortalSandbox } from '../../src/sandbox/portal-server.js';
import { PROJECT_ROOT, runFirstpass as run, startFirstpass } from '../support/cli.js';
import { testPostgres } from '../support/postgres.js';
import { lindenauExport, profilesWithChannels, portalRestChannel, portalArrivals } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * Many workers on PostgreSQL (issue 12): 5,000 invoices enqueued by `run --inbox --enqueue-only`,
 * drained by 4 `run --worker --until-empty` processes; one is killed with SIGKILL once the
 * portal has about 1,000. Every invoice arrives exactly once, but those the killed worker was
 * sending (at most its concurrency), which are `unknown` and arrived at most once; none is left
 * queued or sending, and the portal never sees a number twice.
 */

const COUNT = Number(process.env.FIRSTPASS_WORKERS_TEST_COUNT ?? 5_000);
const KILL_AFTER = Math.round(COUNT / 5);
const WORKERS = 4;
const CONCURRENCY = 8;

const postgres = await testPostgres('the many-workers test');
after(() => postgres.dropSchemas());

interface StateRow {
  invoice_number: string;
  state: string;
  claimed_by: string | null;
}

/** `run --inbox --enqueue-only` over the example purchase orders: the queue filled, nothing sent. */
function enqueueInbox(inbox: string, common: readonly string[], env: Record<string, string>) {
  return run(
    [
      'run',
      '--inbox',
      inbox,
      '--enqueue-only',
      '--today',
      '2026-11-20',
      '--settle',
      '0',
      '--pos',
      join(PROJECT_ROOT, 'examples', 'purchase-orders'),
      ...common,
    ],
    env,
  );
}
test('4 workers drain 5,000 queued invoices; one killed with SIGKILL mid-way: each sent once, none lost', {
  skip: postgres.skip,
}, async () => {
  const started = Date.now();
  const portal = await startPortalSandbox();
  try {
    const root = tempFolder();
    const numbers = Array.from({ length: COUNT }, (_, index) => `CG-2026-${100_001 + index}`);
    const { profiles, inbox } = lindenauExport(root, portal, numbers);
    const database = postgres.freshSchemaUrl();
    const env = { TEST_PORTAL_API_KEY: portal.apiKey };
    const common = ['--profiles', profiles, '--db', database, '--json'];

    const enqueue = await enqueueInbox(inbox, common, env);
    assert.equal(enqueue.status, 0, enqueue.stderr);
    assert.deepEqual((JSON.parse(enqueue.stdout) as { counts: unknown }).counts, { queued: COUNT });
    assert.equal(portal.requests.length, 0, 'enqueue sends nothing');
    const enqueuedAt = Date.now();

    const workers = Array.from({ length: WORKERS }, () => {
      const child = startFirstpass(['run', '--worker', '--until-empty', '--concurrency', String(CONCURRENCY), ...common], { env });
      const output = { stdout: '', stderr: '' };
      child.stdout?.on('data', (chunk: Buffer) => {
        output.stdout += chunk.toString('utf8');
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output.stderr += chunk.toString('utf8');
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      return { child, output, exited };
    });
    const victim = workers[0];
    assert.ok(victim);
    let victimEnded = false;
    void victim.exited.then(() => {
      victimEnded = true;
    });
    // Killed once the portal has about a fifth, and the victim is sending too (so it dies with leases and sends in flight).
    while ((portal.requests.length < KILL_AFTER || !victim.output.stderr.includes('invoice: sent')) && !victimEnded)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(victimEnded, false, `the first worker ended before the portal received ${KILL_AFTER}: ${victim.output.stderr}`);
    victim.child.kill('SIGKILL');
    assert.equal((await victim.exited).signal, 'SIGKILL');
    const killedAt = portal.requests.length;
    const victimId = /worker (\S+) started/.exec(victim.output.stderr)?.[1];
    assert.ok(victimId !== undefined, `the killed worker logged its id: ${victim.output.stderr}`);

    const survivors = await Promise.all(workers.slice(1).map(async (worker) => ({ ...(await worker.exited), ...worker.output })));
    const drainedAt = Date.now();
    if (process.env.FIRSTPASS_WORKERS_TEST_DEBUG)
      for (const survivor of survivors) process.stderr.write(`${survivor.stderr}\n${survivor.stdout}\n`);
    if (process.env.FIRSTPASS_WORKERS_TEST_DEBUG)
      process.stderr.write(`enqueue ${enqueuedAt - started} ms, drain ${drainedAt - enqueuedAt} ms\n`);
    for (const survivor of survivors)
      assert.ok(survivor.code === 0 || survivor.code === 1, `a worker ended with ${survivor.code}: ${survivor.stderr}`);
    const reports = survivors.map((survivor) => JSON.parse(survivor.stdout) as { recovered: { workers: number; unknown: number } });

    const arrivals = portalArrivals(portal.requests);
    assert.deepEqual(
      [...arrivals].filter(([, count]) => count > 1),
      [],
      'the portal never saw a number twice',
    );

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    let rows: StateRow[];
    try {
      const schema = new URL(database).searchParams.get('schema') ?? '';
      rows = (
        await client.query<StateRow>(
          `select v.invoice_number, s.state, s.claimed_by from "${schema}".submissions s join "${schema}".invoice_versions v on v.id = s.version_id`,
        )
      ).rows;
    } finally {
      await client.end();
    }
    assert.equal(rows.length, COUNT, 'one attempt per invoice');
    const byVictim = rows.filter((row) => row.claimed_by === victimId).length;
    if (process.env.FIRSTPASS_WORKERS_TEST_DEBUG) process.stderr.write(`the victim held ${byVictim}\n`);
    assert.ok(byVictim > 0, 'the killed worker had sent some');
    const byState = new Map<string, StateRow[]>();
    for (const row of rows) byState.set(row.state, [...(byState.get(row.state) ?? []), row]);
    const unknown = byState.get('unknown') ?? [];
    assert.deepEqual(
      [...byState.keys()].filter((state) => state !== 'sent' && state !== 'unknown'),
      [],
      'none left queued or sending',
    );
    assert.ok(unknown.length <= CONCURRENCY, `at most the killed worker's ${CONCURRENCY} in flight are unknown: ${unknown.length}`);
    for (const row of unknown) {
      assert.equal(row.claimed_by, victimId, `${row.invoice_number} is unknown, but the killed worker did not hold it`);
      assert.ok((arrivals.get(row.invoice_number) ?? 0) <= 1);
    }
    for (const row of byState.get('sent') ?? [])
      assert.equal(arrivals.get(row.invoice_number), 1, `${row.invoice_number} sent, arrived once`);
    assert.equal(
      reports.reduce((sum, report) => sum + report.recovered.unknown, 0),
      unknown.length,
      'the survivors recovered the killed worker',
    );
    process.stderr.write(
      `workers test: ${COUNT} invoices, enqueue ${((enqueuedAt - started) / 1000).toFixed(1)} s, drain ${((drainedAt - enqueuedAt) / 1000).toFixed(1)} s, killed after ${killedAt} arrivals, ${unknown.length} unknown, ${portal.requests.length} arrivals\n`,
    );
  } finally {
    await portal.stop();
  }
});

test('SQLite: one worker drains the queue, attachments included; a second worker is refused (exit 2); SIGTERM stops one cleanly', async () => {
  const portal = await startPortalSandbox();
  try {
    const root = tempFolder();
    const portalChannel = portalRestChannel(portal);
    const profiles = profilesWithChannels(join(root, 'profiles'), { 'stadt-lindenau': portalChannel, 'pinecrest-brewing': portalChannel });
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const examples = join(PROJECT_ROOT, 'examples', 'invoices');
    cpSync(join(examples, 'pinecrest-brewing', 'CP-2611-0414.json'), join(inbox, 'CP-2611-0414.json'));
    cpSync(join(examples, 'pinecrest-brewing', 'attachments'), join(inbox, 'attachments'), { recursive: true });
    cpSync(join(examples, 'stadt-lindenau', 'CG-2026-10121.json'), join(inbox, 'CG-2026-10121.json'));
    const database = `sqlite:${join(root, 'queue.sqlite')}`;
    const env = { TEST_PORTAL_API_KEY: portal.apiKey };
    const common = ['--profiles', profiles, '--db', database, '--json'];
    const enqueue = await enqueueInbox(inbox, common, env);
    assert.equal(enqueue.status, 0, enqueue.stderr);
    assert.deepEqual((JSON.parse(enqueue.stdout) as { counts: unknown }).counts, { queued: 2 });
    assert.equal(portal.requests.length, 0);
    // The attachment is in the database now: the worker does not read the inbox.
    rmSync(join(inbox, 'processed'), { recursive: true });

    const first = startFirstpass(['run', '--worker', ...common], { env });
    let firstErr = '';
    first.stderr?.on('data', (chunk: Buffer) => {
      firstErr += chunk.toString('utf8');
    });
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    while (portal.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await run(['run', '--worker', '--until-empty', ...common], env);
    assert.equal(second.status, 2, second.stderr);
    assert.match(second.stderr, /SQLite has one writer, so one worker at a time/);
    first.kill('SIGTERM');
    assert.equal(await firstExit, 0, firstErr);

    const pinecrest = portal.requests.find((request) => request.parts.length === 2);
    assert.ok(pinecrest, 'the invoice with a timesheet arrived with it');
    assert.deepEqual(
      pinecrest.parts[1]?.content,
      readFileSync(join(examples, 'pinecrest-brewing', 'attachments', 'timesheet-CP-2611-0414.pdf')),
    );
    const again = await run(['run', '--worker', '--until-empty', ...common], env);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { counts: unknown }).counts, {});
    assert.equal(portal.requests.length, 2, 'nothing sent twice');
  } finally {
    await portal.stop();
  }
});

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { submitInvoices, type SubmitResult } from '../../src/pipeline/submit-invoices.js';
import { submissionStatus } from '../../src/pipeline/submission-status.js';
import { startPortalSandbox, type PortalSandbox } from '../../src/sandbox/portal-server.js';
import { PROJECT_ROOT, runFirstpass } from '../support/cli.js';
import { testPostgres } from '../support/postgres.js';
import { profilesWithChannels, portalArrivals } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * `submitInvoices` with several customers at once, against the sandbox portal. Between the two
 * stands a small HTTP proxy of the test's own: it holds every request a moment before passing it
 * on, so sends that overlap are seen overlapping, and counts the requests in flight per customer
 * (each customer posts to its own path). Two customers: Stadt Lindenau and a copy of its profile,
 * "lindenau-nord", so both send UBL to the REST portal.
 */

const TODAY = '2026-11-20';
const HOLD_MS = 60;
const CUSTOMERS = ['stadt-lindenau', 'lindenau-nord'] as const;
type Customer = (typeof CUSTOMERS)[number];

/** The proxy's view: requests in flight per customer, the most at once, and whether both customers had one in flight together. */
interface Watch {
  readonly inFlight: Map<string, number>;
  readonly most: Map<string, number>;
  readonly received: Map<string, number>;
  bothAtOnce: boolean;
  /** Customer → answer 401 to its requests from the n-th on (1-based), without passing them on. */
  readonly refuseFrom: Map<string, number>;
}

function customerOfPath(path: string): string {
  return path.split('/')[2] ?? '';
}

async function startCountingProxy(target: PortalSandbox): Promise<{ server: Server; port: number; watch: Watch }> {
  const watch: Watch = { inFlight: new Map(), most: new Map(), received: new Map(), bothAtOnce: false, refuseFrom: new Map() };
  const server = createServer((incoming, outgoing) => {
    const customer = customerOfPath(incoming.url ?? '');
    const count = (watch.received.get(customer) ?? 0) + 1;
    watch.received.set(customer, count);
    const now = (watch.inFlight.get(customer) ?? 0) + 1;
    watch.inFlight.set(customer, now);
    watch.most.set(customer, Math.max(watch.most.get(customer) ?? 0, now));
    if (CUSTOMERS.every((name) => (watch.inFlight.get(name) ?? 0) > 0)) watch.bothAtOnce = true;
    outgoing.on('close', () => watch.inFlight.set(customer, (watch.inFlight.get(customer) ?? 1) - 1));
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      setTimeout(() => {
        const refuseFrom = watch.refuseFrom.get(customer);
        if (refuseFrom !== undefined && count >= refuseFrom) {
          outgoing.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"api key revoked"}');
          return;
        }
        const onward = forward(
          { host: target.host, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        onward.on('error', () => outgoing.destroy());
        onward.end(Buffer.concat(chunks));
      }, HOLD_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, watch };
}

const databases: { readonly name: string; readonly skip: string | undefined; readonly fresh: (root: string, label: string) => string }[] =
  [];
const postgres = await testPostgres('concurrent submits');
databases.push({ name: 'SQLite', skip: undefined, fresh: (root, label) => `sqlite:${join(root, `${label}.db`)}` });
databases.push({ name: 'PostgreSQL', skip: postgres.skip, fresh: () => postgres.freshSchemaUrl() });

describe('submit: several customers at once', () => {
  let portal: PortalSandbox;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let root: string;
  let example: Record<string, unknown>;
  const env = { PORTAL_KEY: '' };

  before(async () => {
    portal = await startPortalSandbox();
    proxy = await startCountingProxy(portal);
    env.PORTAL_KEY = portal.apiKey;
    root = tempFolder();
    const { $schema: _schema, ...invoice } = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'examples/invoices/stadt-lindenau/CG-2026-10121.json'), 'utf8'),
    ) as Record<string, unknown>;
    example = invoice;
  });

  after(async () => {
    await new Promise((resolve) => proxy?.server.close(resolve));
    await portal?.stop();
    await postgres.dropSchemas();
  });

  /** Profiles for both customers, posting through the proxy to their own path; `limits` sets channel.maxConcurrent. */
  function profiles(label: string, limits: Partial<Record<Customer, number>> = {}): string {
    const channel = (customer: Customer) => ({
      type: 'portal',
      flavor: 'rest',
      url: `http://127.0.0.1:${proxy.port}/rest/${customer}/${label}`,
      auth: { type: 'api-key', header: portal.apiKeyHeader, apiKey: { env: 'PORTAL_KEY' } },
      ...(limits[customer] !== undefined ? { maxConcurrent: limits[customer] } : {}),
    });
    const folder = profilesWithChannels(join(root, `profiles-${label}`), { 'stadt-lindenau': channel('stadt-lindenau') });
    const nord = JSON.parse(readFileSync(join(folder, 'stadt-lindenau.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'lindenau-nord.json'), JSON.stringify({ ...nord, id: 'lindenau-nord', channel: channel('lindenau-nord') }));
    return folder;
  }

  /** `count` invoices per customer, interleaved as an ERP export would list them. */
  function invoices(label: string, count: number): string {
    const lines: string[] = [];
    for (let index = 0; index < count; index += 1) {
      for (const [n, customerId] of CUSTOMERS.entries()) {
        const line = JSON.stringify({ ...example, customerId, invoiceNumber: `CG-2026-${label}-${n}${String(index).padStart(3, '0')}` });
        lines.push(line);
      }
    }
    const file = join(root, `invoices-${label}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  function run(database: string, profilesDirectory: string, paths: string[], onResult?: (result: SubmitResult) => void) {
    return submitInvoices({
      paths,
      profilesDirectory,
      today: TODAY,
      database,
      environment: env,
      timeoutMs: 10_000,
      retry: { attempts: 1, sleep: async () => undefined },
      ...(onResult ? { onResult } : {}),
    });
  }

  /** How many times each invoice number reached the portal under this label's path. */
  function arrivals(label: string): Map<string, number> {
    return portalArrivals(portal.requests, (request) => request.path.endsWith(`/${label}`));
  }

  for (const db of databases) {
    test(`${db.name}: two customers' sends overlap, and a customer limited to one send at a time never has two`, {
      skip: db.skip,
    }, async () => {
      const label = `overlap${db.name}`;
      proxy.watch.most.clear();
      proxy.watch.bothAtOnce = false;
      const told: SubmitResult[] = [];
      const report = await run(db.fresh(root, label), profiles(label, { 'stadt-lindenau': 1 }), [invoices(label, 6)], (result) =>
        told.push(result),
      );
      assert.deepEqual(
        report.results.map((result) => result.outcome),
        Array(12).fill('sent'),
      );
      assert.equal(told.length, 12, 'each result told once, as it settled');
      assert.deepEqual(new Set(told.map((result) => result.invoiceNumber)), new Set(report.results.map((result) => result.invoiceNumber)));
      assert.equal(proxy.watch.most.get('stadt-lindenau'), 1, 'maxConcurrent 1: one request at a time');
      assert.ok(
        (proxy.watch.most.get('lindenau-nord') ?? 0) > 1,
        `the default limit lets requests overlap (${proxy.watch.most.get('lindenau-nord')})`,
      );
      assert.ok(proxy.watch.bothAtOnce, "the two customers' sends were in flight together");
      assert.deepEqual([...arrivals(label).values()], Array(12).fill(1), 'each invoice arrived once');
    });

    test(`${db.name}: two submits of the same invoices started together: each arrives once, and a third run sends nothing`, {
      skip: db.skip,
    }, async () => {
      const label = `twice${db.name}`;
      const database = db.fresh(root, label);
      const args = ['submit', invoices(label, 15), '--profiles', profiles(label), '--today', TODAY, '--db', database, '--json'];
      const runs = await Promise.all([runFirstpass(args, env), runFirstpass([...args, '--concurrency', '4'], env)]);
      const outcomes = runs.flatMap((result) => {
        assert.equal(result.status, 0, result.stderr);
        return (JSON.parse(result.stdout) as { invoices: { outcome: string }[] }).invoices.map((entry) => entry.outcome);
      });
      assert.equal(outcomes.filter((outcome) => outcome === 'sent').length, 30, outcomes.join(' '));
      assert.equal(outcomes.filter((outcome) => outcome === 'unchanged').length, 30, outcomes.join(' '));
      const third = await runFirstpass(args, env);
      const thirdOutcomes = (JSON.parse(third.stdout) as { invoices: { outcome: string }[] }).invoices.map((entry) => entry.outcome);
      assert.deepEqual(thirdOutcomes, Array(30).fill('unchanged'));
      const seen = arrivals(label);
      assert.equal(seen.size, 30);
      assert.deepEqual(
        [...seen].filter(([, count]) => count !== 1),
        [],
        'nothing arrived twice',
      );
    });
  }

  test('--concurrency takes a whole number from 1 to 256; anything else is bad usage (exit 2)', async () => {
    for (const value of ['0', '1.5', 'many', '1000']) {
      const result = await runFirstpass(['submit', join(root, 'none.json'), '--today', TODAY, '--concurrency', value], env);
      assert.equal(result.status, 2, `${value}: ${result.stderr}`);
      assert.match(result.stderr, /--concurrency must be a whole number from 1 to 256/);
    }
  });

  test("a precondition failure part way stops that customer's remaining sends; the other customer's all go", async () => {
    const label = 'revoked';
    const database = `sqlite:${join(root, 'revoked.db')}`;
    proxy.watch.refuseFrom.set('stadt-lindenau', 3);
    proxy.watch.received.set('stadt-lindenau', 0);
    try {
      const report = await run(database, profiles(label, { 'stadt-lindenau': 1 }), [invoices(label, 8)]);
      const of = (customerId: string) => report.results.filter((result) => result.customerId === customerId);
      assert.deepEqual(
        of('stadt-lindenau').map((result) => result.outcome),
        ['sent', 'sent', ...Array(6).fill('stopped')],
      );
      assert.match(of('stadt-lindenau')[2]?.reason ?? '', /refused the credentials/);
      assert.deepEqual(
        of('lindenau-nord').map((result) => result.outcome),
        Array(8).fill('sent'),
      );
      assert.equal(proxy.watch.received.get('stadt-lindenau'), 3, 'nothing was tried after the refusal');
      // The stopped ones wait, queued, for a run with good credentials.
      for (const result of of('stadt-lindenau').slice(2)) {
        const [version] = await submissionStatus({ database, invoiceNumber: result.invoiceNumber });
        assert.equal(version?.state, 'queued', result.invoiceNumber);
      }
    } finally {
      proxy.watch.refuseFrom.clear();
    }
  });
});

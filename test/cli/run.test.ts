import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPortalSandbox, type PortalSandbox } from '../../src/sandbox/portal-server.js';
import { openStore } from '../../src/store/index.js';
import { PROJECT_ROOT, runFirstpass as run } from '../support/cli.js';
import { profilesWithChannels, portalRestChannel, ublInvoiceNumber } from '../support/sandbox-profiles.js';
import { testPostgres } from '../support/postgres.js';
import { tempFolder } from '../support/temp.js';

/**
 * `firstpass run` as cron runs it, against the sandbox portal (Stadt Lindenau, UBL over REST,
 * its API key a `{ env }` secret): an inbox with good, held and malformed files; a second run;
 * a run while another holds the lock; two runs started together; and logs that never show the secret.
 */

const TODAY = '2026-11-20';
const LINDENAU = join(PROJECT_ROOT, 'examples', 'invoices', 'stadt-lindenau');
const HOLDER = fileURLToPath(new URL('../store/run-lock-holder.ts', import.meta.url));

function exampleInvoice(file: string): Record<string, unknown> {
  const { $schema: _schema, ...invoice } = JSON.parse(readFileSync(join(LINDENAU, file), 'utf8')) as Record<string, unknown>;
  return invoice;
}

interface RunJson {
  status: string;
  verdict: string;
  invoices: { invoiceNumber: string; outcome: string; state?: string }[];
  processed: { file: string; movedTo: string }[];
  failed: { file: string; movedTo: string }[];
  kept: unknown[];
  attention: string[];
  answers: unknown;
}

const postgres = await testPostgres('firstpass run on PostgreSQL');

describe('firstpass run over an inbox, against the sandbox portal', () => {
  let portal: PortalSandbox;
  let profiles: string;
  let env: Record<string, string>;

  before(async () => {
    portal = await startPortalSandbox();
    profiles = profilesWithChannels(join(tempFolder(), 'profiles'), {
      'stadt-lindenau': portalRestChannel(portal),
    });
    env = { TEST_PORTAL_API_KEY: portal.apiKey };
  });
  after(async () => {
    await portal.stop();
    await postgres.dropSchemas();
  });

  const runArgs = (inbox: string, database: string, ...extra: string[]) => [
    'run',
    '--inbox',
    inbox,
    '--profiles',
    profiles,
    '--pos',
    join(PROJECT_ROOT, 'examples', 'purchase-orders'),
    '--today',
    TODAY,
    '--db',
    database,
    // Files written by the test are complete: read them at once.
    '--settle',
    '0',
    ...extra,
  ];
  const arrivals = () => portal.requests.map((request) => ublInvoiceNumber(request.parts[0]?.content.toString('utf8') ?? ''));

  test('good, held and malformed files: sent, held, failed with file:line:column; the second run sends nothing new', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(join(inbox, 'processed'), { recursive: true });
    cpSync(join(LINDENAU, 'CG-2026-10121.json'), join(inbox, 'good.json'));
    cpSync(join(LINDENAU, 'CG-2026-10135--no-leitweg-id.json'), join(inbox, 'held.json'));
    const batch = ['CG-2026-31001', 'CG-2026-31002'].map((invoiceNumber) =>
      JSON.stringify({ ...exampleInvoice('CG-2026-10133.json'), invoiceNumber }),
    );
    writeFileSync(join(inbox, 'batch.jsonl'), `${batch.join('\n')}\n`);
    writeFileSync(join(inbox, 'broken.json'), '{\n  "invoiceNumber": "CG-2026-39999",\n  "customerId": \n}\n');
    writeFileSync(join(inbox, 'notes.txt'), 'not an invoice');
    // A file of the same name processed on an earlier day: kept, the new one gets another name.
    writeFileSync(join(inbox, 'processed', 'good.json'), 'yesterday');
    const database = `sqlite:${join(root, 'run.sqlite')}`;
    const before = portal.requests.length;

    const first = await run(runArgs(inbox, database, '--log', 'json', '--json'), env);
    assert.equal(first.status, 1, `held and failed need a person: ${first.stdout}\n${first.stderr}`);
    const report = JSON.parse(first.stdout) as RunJson;
    assert.equal(report.verdict, 'attention');
    const outcomes = Object.fromEntries(report.invoices.map((entry) => [entry.invoiceNumber, entry.outcome]));
    assert.deepEqual(outcomes, { 'CG-2026-10121': 'sent', 'CG-2026-10135': 'held', 'CG-2026-31001': 'sent', 'CG-2026-31002': 'sent' });
    assert.deepEqual(arrivals().slice(before).sort(), ['CG-2026-10121', 'CG-2026-31001', 'CG-2026-31002']);

    assert.deepEqual(readdirSync(inbox).sort(), ['failed', 'notes.txt', 'processed']);
    const processed = readdirSync(join(inbox, 'processed')).sort();
    assert.equal(processed.length, 4, processed.join(', '));
    assert.ok(processed.includes('batch.jsonl') && processed.includes('held.json') && processed.includes('good.json'));
    assert.equal(readFileSync(join(inbox, 'processed', 'good.json'), 'utf8'), 'yesterday', 'a processed file is never replaced');
    const renamed = processed.find((name) => /^good\.\d{8}T\d{6}Z\.json$/.test(name));
    assert.ok(renamed, `the new good.json got a unique name: ${processed.join(', ')}`);
    assert.deepEqual(JSON.parse(readFileSync(join(inbox, 'processed', renamed), 'utf8')).invoiceNumber, 'CG-2026-10121');
    assert.deepEqual(readdirSync(join(inbox, 'failed')).sort(), ['broken.json', 'broken.json.error.txt']);
    const error = readFileSync(join(inbox, 'failed', 'broken.json.error.txt'), 'utf8');
    assert.match(error, /broken\.json:4:1:/, error);
    assert.ok(report.attention.some((line) => line.startsWith('held CG-2026-10135')));
    assert.ok(report.attention.some((line) => line.includes('failed file')));

    const lines = first.stderr.trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { level: number; event: string; message: string });
    assert.ok(records.some((record) => record.event === 'file.failed'));
    assert.equal(records.filter((record) => record.event === 'invoice').length, 4);
    assert.ok(!`${first.stdout}${first.stderr}`.includes(portal.apiKey), 'the API key is in no log line or report');

    const again = await run(runArgs(inbox, database, '--json'), env);
    assert.equal(again.status, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as RunJson).invoices.length, 0);
    assert.equal(portal.requests.length, before + 3, 'nothing sent again');

    // The same good file dropped in again: recorded already, nothing sent, moved to processed/ once more.
    cpSync(join(LINDENAU, 'CG-2026-10121.json'), join(inbox, 'good.json'));
    const third = await run(runArgs(inbox, database), env);
    assert.equal(third.status, 0, third.stderr);
    assert.match(third.stdout, /1 invoice \(1 unchanged\)/);
    assert.match(third.stderr, /info {2}invoice: unchanged CG-2026-10121/);
    assert.equal(portal.requests.length, before + 3);
    assert.ok(!existsSync(join(inbox, 'good.json')));
  });

  test('while another process holds the run lock, a run does nothing and exits 4', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    cpSync(join(LINDENAU, 'CG-2026-10133.json'), join(inbox, 'good.json'));
    const database = `sqlite:${join(root, 'run.sqlite')}`;
    const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, database], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const said = await new Promise<string>((resolve) => createInterface({ input: holder.stdout! }).once('line', resolve));
      assert.equal((JSON.parse(said) as { acquired: boolean }).acquired, true);
      const refused = await run(runArgs(inbox, database), env);
      assert.equal(refused.status, 4, refused.stderr);
      assert.match(refused.stderr, new RegExp(`another firstpass run holds the run lock .*process ${holder.pid} on `));
      assert.deepEqual(readdirSync(inbox), ['good.json'], 'nothing moved');
    } finally {
      holder.kill('SIGKILL');
    }
    const afterDeath = await run(runArgs(inbox, database), env);
    assert.equal(afterDeath.status, 0, `the holder was killed: the next run takes the lock\n${afterDeath.stderr}`);
    assert.deepEqual(readdirSync(join(inbox, 'processed')), ['good.json']);
  });

  test('two runs started together: one works, the other is refused (4); every invoice arrives once', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const numbers = Array.from({ length: 150 }, (_, index) => `CG-2026-${40_000 + index}`);
    const invoice = exampleInvoice('CG-2026-10121.json');
    writeFileSync(
      join(inbox, 'big.jsonl'),
      `${numbers.map((invoiceNumber) => JSON.stringify({ ...invoice, invoiceNumber })).join('\n')}\n`,
    );
    const database = `sqlite:${join(root, 'run.sqlite')}`;
    const before = portal.requests.length;
    const results = await Promise.all([run(runArgs(inbox, database), env), run(runArgs(inbox, database), env)]);
    const statuses = results.map((result) => result.status).sort();
    assert.deepEqual(statuses, [0, 4], results.map((result) => result.stderr).join('\n---\n'));
    const sent = arrivals().slice(before);
    assert.equal(sent.length, numbers.length);
    assert.equal(new Set(sent).size, numbers.length, 'no invoice arrived twice');
  });

  test('on PostgreSQL: two runs started together, one refused (4) by the advisory lock; a second run sends nothing new', {
    skip: postgres.skip ?? false,
  }, async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const numbers = Array.from({ length: 100 }, (_, index) => `CG-2026-${60_000 + index}`);
    const invoice = exampleInvoice('CG-2026-10121.json');
    writeFileSync(
      join(inbox, 'big.jsonl'),
      `${numbers.map((invoiceNumber) => JSON.stringify({ ...invoice, invoiceNumber })).join('\n')}\n`,
    );
    const database = postgres.freshSchemaUrl();
    const before = portal.requests.length;
    const results = await Promise.all([run(runArgs(inbox, database), env), run(runArgs(inbox, database), env)]);
    assert.deepEqual(results.map((result) => result.status).sort(), [0, 4], results.map((result) => result.stderr).join('\n---\n'));
    const again = await run(runArgs(inbox, database, '--json'), env);
    assert.equal(again.status, 0, again.stderr);
    const sent = arrivals().slice(before);
    assert.equal(sent.length, numbers.length);
    assert.equal(new Set(sent).size, numbers.length, 'no invoice arrived twice');
  });

  test('a channel down after its retries: exit 3, the file stays in the inbox; once it is back, the next run sends it', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    cpSync(join(LINDENAU, 'CG-2026-90007.json'), join(inbox, 'credit.json'));
    const database = `sqlite:${join(root, 'run.sqlite')}`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = profilesWithChannels(join(root, 'profiles-down'), {
      'stadt-lindenau': portalRestChannel(portal, `http://127.0.0.1:${port}/api/invoices`),
    });
    const args = runArgs(inbox, database).map((arg) => (arg === profiles ? down : arg));
    const failed = await run(args, env);
    assert.equal(failed.status, 3, `${failed.stdout}\n${failed.stderr}`);
    assert.match(failed.stdout, /kept in the inbox: .*credit\.json/);
    assert.deepEqual(readdirSync(inbox), ['credit.json']);
    assert.ok(!`${failed.stdout}${failed.stderr}`.includes(portal.apiKey));
    const before = portal.requests.length;
    const back = await run(runArgs(inbox, database), env);
    assert.equal(back.status, 0, back.stderr);
    assert.deepEqual(arrivals().slice(before), ['CG-2026-90007']);
    assert.deepEqual(readdirSync(join(inbox, 'processed')), ['credit.json']);
  });

  test('a file written moments ago (an ERP still writing it in place) is left for the next run, not read half-written', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const numbers = ['CG-2026-70001', 'CG-2026-70002'];
    const invoice = exampleInvoice('CG-2026-10121.json');
    // The first line only: what a reader sees while the ERP is still writing the second.
    writeFileSync(join(inbox, 'export.jsonl'), `${JSON.stringify({ ...invoice, invoiceNumber: numbers[0] })}\n`);
    const database = `sqlite:${join(root, 'run.sqlite')}`;
    const before = portal.requests.length;
    const early = await run(runArgs(inbox, database, '--settle', '30'), env);
    assert.equal(early.status, 0, `${early.stdout}\n${early.stderr}`);
    assert.match(early.stderr, /export\.jsonl.*changed less than 30 s ago.*next run/);
    assert.deepEqual(readdirSync(inbox), ['export.jsonl'], 'left where it is');
    assert.equal(portal.requests.length, before, 'nothing sent');
    // The ERP finishes; a minute later the next run reads the whole file.
    appendFileSync(join(inbox, 'export.jsonl'), `${JSON.stringify({ ...invoice, invoiceNumber: numbers[1] })}\n`);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(inbox, 'export.jsonl'), minuteAgo, minuteAgo);
    const later = await run(runArgs(inbox, database, '--settle', '30'), env);
    assert.equal(later.status, 0, later.stderr);
    assert.deepEqual(arrivals().slice(before).sort(), numbers);
    assert.deepEqual(readdirSync(join(inbox, 'processed')), ['export.jsonl']);
  });

  test('a file name with a line break or an escape sequence cannot forge a line of the summary or drive the terminal', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'x\u001b[2J\nfirstpass run: 0 invoices; all fine.json'), '{ "invoiceNumber": ');
    const result = await run(runArgs(inbox, `sqlite:${join(root, 'run.sqlite')}`), env);
    assert.equal(result.status, 1, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('\u001b'), result.stdout);
    assert.ok(!/^firstpass run: 0 invoices; all fine/m.test(result.stdout), result.stdout);
    assert.match(result.stdout, /x\\x1b\[2J\\nfirstpass run: 0 invoices; all fine\.json/);
  });

  test('a CSV export with semicolons (a European spreadsheet) is not taken for an attachment: failed/ and exit 1, not left alone with exit 0', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const comma = readFileSync(join(PROJECT_ROOT, 'examples', 'invoices', 'larkspur-health', 'coupa-upload-2026-11-13.csv'), 'utf8');
    const [header = '', ...rows] = comma.split('\n');
    writeFileSync(join(inbox, 'export.csv'), [header.replaceAll(',', ';'), ...rows].join('\n'));
    const result = await run(runArgs(inbox, `sqlite:${join(root, 'run.sqlite')}`), env);
    assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
    assert.deepEqual(readdirSync(join(inbox, 'failed')).sort(), ['export.csv', 'export.csv.error.txt']);
  });

  test('a correction in the inbox (supersedes) of an invoice the customer accepted is held, not sent: it would bill twice', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const invoice = exampleInvoice('CG-2026-10121.json');
    writeFileSync(join(inbox, 'original.json'), JSON.stringify({ ...invoice, invoiceNumber: 'CG-2026-80001' }));
    const database = `sqlite:${join(root, 'run.sqlite')}`;
    const first = await run(runArgs(inbox, database), env);
    assert.equal(first.status, 0, first.stderr);
    const store = await openStore(database);
    try {
      const [version] = await store.submissions.history('CG-2026-80001', 'stadt-lindenau');
      const attempt = version?.submissions.at(-1)?.submission;
      assert.ok(attempt);
      await store.submissions.recordAcknowledgment(
        attempt.id,
        { kind: 'business', status: 'accepted', source: 'portal:rest', receivedAt: new Date() },
        'accepted',
      );
    } finally {
      await store.close();
    }
    // The ERP exports a "correction" of it anyway, and a second invoice that supersedes an invoice firstpass never saw.
    writeFileSync(
      join(inbox, 'correction.jsonl'),
      [
        JSON.stringify({ ...invoice, invoiceNumber: 'CG-2026-80002', supersedes: 'CG-2026-80001' }),
        JSON.stringify({ ...invoice, invoiceNumber: 'CG-2026-80003', supersedes: 'CG-2025-00001' }),
        '',
      ].join('\n'),
    );
    const before = portal.requests.length;
    const second = await run(runArgs(inbox, database, '--json'), env);
    assert.equal(second.status, 1, second.stderr);
    const report = JSON.parse(second.stdout) as RunJson;
    const outcomes = Object.fromEntries(report.invoices.map((entry) => [entry.invoiceNumber, entry.outcome]));
    assert.deepEqual(outcomes, { 'CG-2026-80002': 'held', 'CG-2026-80003': 'sent' });
    assert.ok(
      report.attention.some((line) => /held CG-2026-80002 .*CG-2026-80001 was accepted/.test(line)),
      report.attention.join('\n'),
    );
    assert.deepEqual(arrivals().slice(before), ['CG-2026-80003']);
  });

  test('an empty export (a day without invoices) is processed, not failed: nothing for a person to do', async () => {
    const root = tempFolder();
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const comma = readFileSync(join(PROJECT_ROOT, 'examples', 'invoices', 'larkspur-health', 'coupa-upload-2026-11-13.csv'), 'utf8');
    writeFileSync(join(inbox, 'export-2026-12-06.csv'), `${comma.split('\n')[0]}\n`);
    writeFileSync(join(inbox, 'export-2026-12-06.jsonl'), '');
    cpSync(join(LINDENAU, 'CG-2026-10133.json'), join(inbox, 'good.json'));
    const result = await run(runArgs(inbox, `sqlite:${join(root, 'run.sqlite')}`), env);
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.deepEqual(readdirSync(join(inbox, 'processed')).sort(), ['export-2026-12-06.csv', 'export-2026-12-06.jsonl', 'good.json']);
    assert.ok(!existsSync(join(inbox, 'failed')));
  });

  test('bad usage is 2 (no inbox folder), a database that is down is 3', async () => {
    const root = tempFolder();
    const missing = await run(runArgs(join(root, 'no-such-inbox'), `sqlite:${join(root, 'run.sqlite')}`), env);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no-such-inbox: the inbox folder does not exist/);
    mkdirSync(join(root, 'inbox'));
    const down = await run(runArgs(join(root, 'inbox'), 'postgres://firstpass:s3cret-pw@127.0.0.1:1/none', '--log', 'json'), env);
    assert.equal(down.status, 3, down.stderr);
    const record = JSON.parse(down.stderr.trim().split('\n').at(-1) ?? '{}') as { event?: string; code?: string };
    assert.equal(record.event, 'run.end');
    assert.equal(record.code, 'STORE_UNAVAILABLE');
    assert.ok(!down.stderr.includes('s3cret-pw'), down.stderr);
  });
});

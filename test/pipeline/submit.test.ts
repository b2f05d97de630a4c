import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { submitInvoices, type SubmitOptions } from '../../src/pipeline/submit-invoices.js';
import { submissionStatus } from '../../src/pipeline/submission-status.js';
import { startSftpServer, type SftpSandbox } from '../../src/sandbox/sftp-server.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

/** The submit pipeline's retries, with its sleep and jitter injected, against the sandbox SFTP server. */

const USER = 'calder';
const PASSWORD = 'sandbox-pass-retry-8b2c';

describe('submit: transient failures', () => {
  let sftp: SftpSandbox;
  let base: Omit<SubmitOptions, 'database'>;
  let root: string;

  before(async () => {
    root = tempFolder();
    sftp = await startSftpServer({ root: join(root, 'served'), username: USER, password: PASSWORD, folders: ['inbound'] });
    const profiles = join(root, 'profiles');
    cpSync(join(PROJECT_ROOT, 'customer-profiles'), profiles, { recursive: true });
    const file = join(profiles, 'brightwater-home.json');
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      file,
      JSON.stringify({
        ...profile,
        channel: {
          type: 'sftp',
          host: '127.0.0.1',
          port: sftp.port,
          username: USER,
          password: { env: 'RETRY_SFTP_PASSWORD' },
          hostKeySha256: sftp.hostKeySha256,
          remoteDir: '/inbound',
        },
      }),
    );
    const invoices = join(root, 'invoices');
    cpSync(join(PROJECT_ROOT, 'examples', 'invoices', 'brightwater-home', 'CP-2611-0409.json'), join(invoices, 'CP-2611-0409.json'));
    cpSync(join(PROJECT_ROOT, 'examples', 'invoices', 'brightwater-home', 'CP-2610-0391.json'), join(invoices, 'CP-2610-0391.json'));
    base = {
      paths: [join(invoices, 'CP-2611-0409.json')],
      profilesDirectory: profiles,
      poPaths: [join(PROJECT_ROOT, 'examples', 'purchase-orders')],
      today: '2026-11-20',
      environment: { RETRY_SFTP_PASSWORD: PASSWORD },
      timeoutMs: 5_000,
    };
  });

  after(async () => {
    await sftp?.stop();
  });

  test('a transient failure is retried after an exponential, jittered wait, and noted', async () => {
    const database = `sqlite:${join(root, 'retry.db')}`;
    const waits: number[] = [];
    sftp.failNextUpload();
    const report = await submitInvoices({
      ...base,
      database,
      retry: { attempts: 3, baseDelayMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    });
    assert.deepEqual(
      report.results.map((result) => [result.invoiceNumber, result.outcome, result.reference]),
      [['CP-2611-0409', 'sent', '/inbound/CP-2611-0409.x12']],
    );
    assert.deepEqual(waits, [75]);
    const [version] = await submissionStatus({ database, invoiceNumber: 'CP-2611-0409' });
    const events = version?.attempts[0]?.events ?? [];
    assert.deepEqual(
      events.map((event) => [event.from, event.to]),
      [
        [null, 'queued'],
        ['queued', 'sending'],
        ['sending', 'sending'],
        ['sending', 'sent'],
      ],
    );
    assert.equal((events[2]?.detail as { failure?: string } | undefined)?.failure, 'transient');
  });

  test('retries that run out leave the attempt queued; the next run sends the very bytes stored, control numbers and all', async () => {
    const database = `sqlite:${join(root, 'queued.db')}`;
    const options = { ...base, paths: [join(root, 'invoices', 'CP-2610-0391.json')], database };
    sftp.failNextUpload();
    const first = await submitInvoices({ ...options, retry: { attempts: 1, sleep: async () => undefined } });
    assert.equal(first.results[0]?.outcome, 'failed');
    const [queued] = await submissionStatus({ database, invoiceNumber: 'CP-2610-0391' });
    assert.equal(queued?.state, 'queued');
    const stored = queued?.attempts[0]?.document;
    assert.ok(stored);
    const second = await submitInvoices({ ...options, retry: { attempts: 1, sleep: async () => undefined } });
    assert.equal(second.results[0]?.outcome, 'sent');
    const arrived = readFileSync(join(sftp.root, 'inbound', 'CP-2610-0391.x12'));
    assert.equal(createHash('sha256').update(arrived).digest('hex'), stored.sha256);
    const [sent] = await submissionStatus({ database, invoiceNumber: 'CP-2610-0391' });
    assert.equal(sent?.attempts.length, 1, 'the same attempt, not a new one');
    assert.deepEqual(
      sent?.attempts[0]?.events.map((event) => event.to),
      ['queued', 'sending', 'queued', 'sending', 'sent'],
    );
  });
});

describe('submit: a number sent before', () => {
  let sftp: SftpSandbox;
  let root: string;
  let options: SubmitOptions;
  const number = 'CP-2611-0409';

  before(async () => {
    root = tempFolder();
    sftp = await startSftpServer({ root: join(root, 'served'), username: USER, password: PASSWORD, folders: ['inbound'] });
    const profiles = join(root, 'profiles');
    cpSync(join(PROJECT_ROOT, 'customer-profiles'), profiles, { recursive: true });
    const file = join(profiles, 'brightwater-home.json');
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const channel = { type: 'sftp', host: '127.0.0.1', port: sftp.port, username: USER, password: { env: 'DUP_SFTP_PASSWORD' } };
    writeFileSync(file, JSON.stringify({ ...profile, channel: { ...channel, hostKeySha256: sftp.hostKeySha256, remoteDir: '/inbound' } }));
    cpSync(join(PROJECT_ROOT, 'examples', 'invoices', 'brightwater-home', `${number}.json`), join(root, 'invoices', `${number}.json`));
    options = {
      paths: [join(root, 'invoices', `${number}.json`)],
      profilesDirectory: profiles,
      poPaths: [join(PROJECT_ROOT, 'examples', 'purchase-orders')],
      today: '2026-11-20',
      environment: { DUP_SFTP_PASSWORD: PASSWORD },
      timeoutMs: 5_000,
      database: `sqlite:${join(root, 'numbers.db')}`,
    };
  });

  after(async () => {
    await sftp?.stop();
  });

  test('is held as a duplicate when it comes again with other content; the same content again is unchanged', async () => {
    assert.equal((await submitInvoices(options)).results[0]?.outcome, 'sent');
    assert.equal((await submitInvoices(options)).results[0]?.outcome, 'unchanged', 'a rerun of the same content');

    // The ERP exports the invoice again with a changed note: the customer would see a second invoice under one number.
    const file = join(root, 'invoices', `${number}.json`);
    const invoice = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...invoice, note: 'reissued' }));
    const again = (await submitInvoices(options)).results[0];
    assert.equal(again?.outcome, 'held');
    assert.match(again?.reason ?? '', /^duplicate-invoice-number: .*submitted before with other content/);
    const versions = await submissionStatus({ database: options.database, invoiceNumber: number });
    assert.deepEqual(
      versions.map((version) => version.state),
      ['sent', 'held'],
    );
  });
});

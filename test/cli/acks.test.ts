import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSftpServer, type SftpSandbox } from '../../src/sandbox/sftp-server.js';
import { openStore, type ControlNumbers } from '../../src/store/index.js';
import { runFirstpass as run } from '../support/cli.js';
import { profilesWithChannels } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * `firstpass ack` (a decision given by hand, back-dated with --at), `firstpass acks` (exit
 * status, overdue list, a server that is down) and `firstpass status` listing overdue
 * submissions, as a user runs them.
 */

const USER = 'calder';
const PASSWORD = 'sandbox-cli-acks-9d0a';
const SENT_AT = new Date('2026-11-20T10:00:00.000Z');

interface StatusJson {
  versions: {
    invoiceNumber: string;
    customer: string;
    state: string;
    attempts: {
      acknowledgments: { kind: string; status: string; code: string | null; text: string | null; source: string; receivedAt: string }[];
    }[];
  }[];
  overdue: { invoiceNumber: string; customer: string; deadlineHours: number }[];
}

/** A version of `invoiceNumber` for `customer`, sent at `at` (through the store: what submit records), with a document carrying `numbers`. */
async function sentSubmission(
  database: string,
  customer: string,
  invoiceNumber: string,
  at: Date,
  numbers?: ControlNumbers,
): Promise<void> {
  const store = await openStore(database);
  try {
    const { version } = await store.submissions.recordVersion({ customer, invoiceNumber, invoice: { invoiceNumber, customer }, at });
    const claimed = await store.submissions.claimForSending(version.id, {
      channel: 'sftp',
      format: numbers ? 'x12-810' : 'pdf',
      source: 'submit',
      at,
    });
    assert.ok(claimed);
    await store.submissions.saveDocument(
      claimed.id,
      {
        fileName: `${invoiceNumber}.txt`,
        mediaType: 'text/plain',
        content: new TextEncoder().encode(invoiceNumber),
        ...(numbers ? { controlNumbers: numbers } : {}),
      },
      at,
    );
    await store.submissions.transition(claimed.id, 'sent', { at, source: 'submit', detail: { reference: invoiceNumber } });
  } finally {
    await store.close();
  }
}

describe('firstpass ack and acks', () => {
  let root: string;
  let sftp: SftpSandbox;
  let profiles: string;
  const env = { CLI_ACKS_SFTP_PASSWORD: PASSWORD };
  const status = async (database: string, ...extra: string[]): Promise<StatusJson> => {
    const result = await run(['status', ...extra, '--profiles', profiles, '--db', database, '--json'], env);
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as StatusJson;
  };

  before(async () => {
    root = tempFolder();
    sftp = await startSftpServer({
      root: join(root, 'served'),
      username: USER,
      password: PASSWORD,
      folders: ['inbound/810', 'outbound/997'],
    });
    profiles = profilesWithChannels(join(root, 'profiles'), {
      'brightwater-home': {
        type: 'sftp',
        host: '127.0.0.1',
        port: sftp.port,
        username: USER,
        password: { env: 'CLI_ACKS_SFTP_PASSWORD' },
        hostKeySha256: sftp.hostKeySha256,
        remoteDir: '/inbound/810',
        ackDir: '/outbound/997',
      },
    });
  });

  after(async () => {
    await sftp?.stop();
  });

  test('ack --rejected records the decision by hand on the latest attempt, back-dated with --at', async () => {
    const database = `sqlite:${join(root, 'by-hand.sqlite')}`;
    await sentSubmission(database, 'pinecrest-brewing', 'CP-H-1', SENT_AT);
    const result = await run(
      [
        'ack',
        'CP-H-1',
        '--rejected',
        '--reason',
        'Rate not agreed',
        '--code',
        'RATE',
        '--at',
        '2026-11-21T09:30:00+01:00',
        '--db',
        database,
      ],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /rejected CP-H-1 \(pinecrest-brewing\) by hand at 2026-11-21T08:30:00.000Z RATE "Rate not agreed": attempt \d+ sent → rejected/,
    );
    const [version] = (await status(database, 'CP-H-1')).versions;
    assert.equal(version?.state, 'rejected');
    assert.deepEqual(version?.attempts[0]?.acknowledgments, [
      {
        kind: 'business',
        status: 'rejected',
        code: 'RATE',
        text: 'Rate not agreed',
        source: 'by hand',
        receivedAt: '2026-11-21T08:30:00.000Z',
      },
    ]);
    const again = await run(['ack', 'CP-H-1', '--accepted', '--db', database], env);
    assert.equal(again.status, 2, 'a final answer leaves nothing waiting');
    assert.match(again.stderr, /no attempt waiting for an answer/);
  });

  test('ack refuses a time to come, a time without its offset, a day that does not exist, and a missing decision: exit 2, nothing recorded', async () => {
    const database = `sqlite:${join(root, 'refused.sqlite')}`;
    await sentSubmission(database, 'pinecrest-brewing', 'CP-H-2', SENT_AT);
    for (const [args, says] of [
      [['--accepted', '--at', '2999-01-01T00:00:00Z'], /in the future/],
      [['--accepted', '--at', '2026-11-21T09:30:00'], /UTC offset/],
      [['--accepted', '--at', 'yesterday'], /ISO 8601/],
      [['--accepted', '--at', '2026-02-31T09:30:00Z'], /not a real time/],
      [['--accepted', '--at', '2026-11-19T09:30:00Z'], /before the invoice was sent/],
      [[], /--accepted or --rejected/],
      [['--accepted', '--rejected'], /cannot be used with/],
    ] as const) {
      const result = await run(['ack', 'CP-H-2', ...args, '--db', database], env);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, says);
    }
    assert.equal((await status(database, 'CP-H-2')).versions[0]?.state, 'sent');
    const unknown = await run(['ack', 'NO-SUCH-1', '--accepted', '--db', database], env);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no invoice NO-SUCH-1 was recorded/);
  });

  test('ack of a number two customers share asks for --customer, then records on that customer', async () => {
    const database = `sqlite:${join(root, 'shared.sqlite')}`;
    await sentSubmission(database, 'pinecrest-brewing', 'SHARED-1', SENT_AT);
    await sentSubmission(database, 'larkspur-health', 'SHARED-1', SENT_AT);
    const ambiguous = await run(['ack', 'SHARED-1', '--accepted', '--db', database], env);
    assert.equal(ambiguous.status, 2);
    assert.match(ambiguous.stderr, /larkspur-health, pinecrest-brewing\): say which with --customer/);
    const chosen = await run(['ack', 'SHARED-1', '--accepted', '--customer', 'larkspur-health', '--db', database], env);
    assert.equal(chosen.status, 0, chosen.stderr);
    const versions = (await status(database, 'SHARED-1')).versions.map((version) => [version.customer, version.state]);
    assert.deepEqual(versions.sort(), [
      ['larkspur-health', 'accepted'],
      ['pinecrest-brewing', 'sent'],
    ]);
  });

  test('acks reads a 997 from the ack folder (exit 0), a rerun reads nothing; status and acks list what is overdue (exit 1)', async () => {
    const database = `sqlite:${join(root, 'acks.sqlite')}`;
    await sentSubmission(database, 'brightwater-home', 'CP-A-1', new Date(), { interchange: 41, group: 41, transaction: 41 });
    writeFileSync(
      join(sftp.root, 'outbound/997/997_41.x12'),
      [
        'ISA*00*          *00*          *01*078451236      *ZZ*CALDERPREC     *261120*1200*U*00401*000000777*0*P*>~',
        'GS*FA*078451236*CALDERPREC*20261120*1200*777*X*004010~',
        'ST*997*0001~',
        'AK1*IN*41~',
        'AK2*810*0041~',
        'AK5*A~',
        'AK9*A*1*1*1~',
        'SE*6*0001~',
        'GE*1*777~',
        'IEA*1*000000777~',
      ].join('\n'),
    );
    const first = await run(['acks', '--profiles', profiles, '--db', database, '--json'], env);
    assert.equal(first.status, 0, first.stderr);
    const report = JSON.parse(first.stdout) as {
      answers: { invoiceNumber: string; source: string; before: string; after: string }[];
      filesRead: number;
    };
    assert.deepEqual(
      report.answers.map((answer) => [answer.invoiceNumber, answer.source, answer.before, answer.after]),
      [['CP-A-1', 'x12-997', 'sent', 'delivered']],
    );
    const rerun = await run(['acks', '--profiles', profiles, '--db', database], env);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, /0 answers \(0 files read\)/);

    // Pinecrest (e-mail, 120 h to answer) sent long ago and never answered.
    await sentSubmission(database, 'pinecrest-brewing', 'CP-OLD-1', new Date('2026-01-05T10:00:00Z'));
    const overdue = await run(['acks', '--profiles', profiles, '--db', database], env);
    assert.equal(overdue.status, 1, overdue.stderr);
    assert.match(overdue.stdout, /overdue[^\n]*\n {2}CP-OLD-1 \(pinecrest-brewing\) sent 2026-01-05T10:00:00.000Z, deadline 120 h/);
    assert.deepEqual(
      (await status(database)).overdue.map((entry) => [entry.invoiceNumber, entry.customer, entry.deadlineHours]),
      [['CP-OLD-1', 'pinecrest-brewing', 120]],
    );
    const text = await run(['status', '--profiles', profiles, '--db', database], env);
    assert.match(text.stdout, /overdue \(still sent, no answer by the deadline\):\n {2}CP-OLD-1 \(pinecrest-brewing\)/);
  });

  test('acks exits 3 when a customer cannot be reached, naming it and never the password; bad profiles exit 2', async () => {
    const database = `sqlite:${join(root, 'down.sqlite')}`;
    const down = profilesWithChannels(join(root, 'profiles-down'), {
      'brightwater-home': {
        type: 'sftp',
        host: '127.0.0.1',
        port: 1,
        username: USER,
        password: { env: 'CLI_ACKS_SFTP_PASSWORD' },
        hostKeySha256: sftp.hostKeySha256,
        remoteDir: '/inbound/810',
        ackDir: '/outbound/997',
      },
    });
    await sentSubmission(database, 'brightwater-home', 'CP-D-1', new Date(), { interchange: 5, group: 5, transaction: 5 });
    const result = await run(['acks', '--profiles', down, '--db', database], env);
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, /brightwater-home: cannot connect to 127\.0\.0\.1:1/);
    assert.ok(!result.stderr.includes(PASSWORD) && !result.stdout.includes(PASSWORD));
    const bad = await run(['acks', '--profiles', join(root, 'no-such-folder'), '--db', database], env);
    assert.equal(bad.status, 2, bad.stderr);
  });
});

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { startPortalSandbox, type PortalSandbox } from '../../src/sandbox/portal-server.js';
import { startSftpServer, type SftpSandbox } from '../../src/sandbox/sftp-server.js';
import { startSmtpSandbox, type SmtpSandbox } from '../../src/sandbox/smtp-server.js';
import { PROJECT_ROOT, runFirstpass as run, startFirstpass } from '../support/cli.js';
import { profilesWithChannels, portalRestChannel } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * `firstpass submit` and `firstpass status` as a user runs them, against the sandbox SFTP, SMTP
 * and portal servers on loopback: Brightwater (X12 over SFTP), Pinecrest (PDF by e-mail) and
 * Stadt Lindenau (UBL to a REST portal) point at them.
 */

const SFTP_USER = 'calder';
const SFTP_PASSWORD = 'sandbox-sftp-pass-4c1e';
const EXAMPLES = join(PROJECT_ROOT, 'examples', 'invoices');
const TODAY = '2026-11-20';

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(folder, path)).isFile())
    .sort();
}

interface StatusJson {
  versions: {
    invoiceNumber: string;
    version: number;
    state: string | null;
    attempts: {
      state: string;
      channel: string;
      document: { fileName: string } | null;
      events: { to: string; source: string; detail: unknown }[];
    }[];
  }[];
}

describe('firstpass submit over the sandbox servers', () => {
  let sftp: SftpSandbox;
  let smtp: SmtpSandbox;
  let portal: PortalSandbox;
  let profiles: string;
  let invoices: string;
  let database: string;
  let env: Record<string, string>;
  const submitArgs = (...extra: string[]) => [
    'submit',
    invoices,
    '--profiles',
    profiles,
    '--pos',
    join(PROJECT_ROOT, 'examples', 'purchase-orders'),
    '--today',
    TODAY,
    '--db',
    database,
    ...extra,
  ];
  const submit = (...extra: string[]) => run(submitArgs(...extra), env);
  const status = async (...extra: string[]): Promise<StatusJson> => {
    const result = await run(['status', ...extra, '--db', database, '--json'], env);
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as StatusJson;
  };

  before(async () => {
    const root = tempFolder();
    sftp = await startSftpServer({ root: join(root, 'served'), username: SFTP_USER, password: SFTP_PASSWORD, folders: ['inbound/810'] });
    smtp = await startSmtpSandbox({ starttls: true });
    portal = await startPortalSandbox();
    profiles = profilesWithChannels(join(root, 'profiles'), {
      'brightwater-home': {
        type: 'sftp',
        host: '127.0.0.1',
        port: sftp.port,
        username: SFTP_USER,
        password: { env: 'TEST_SFTP_PASSWORD' },
        hostKeySha256: sftp.hostKeySha256,
        remoteDir: '/inbound/810',
      },
      'pinecrest-brewing': {
        type: 'email',
        from: 'billing@calder-precision.example.com',
        to: 'ap@pinecrestbrewing.example.com',
        subject: 'Invoice {{invoiceNumber}}',
        smtp: {
          host: smtp.host,
          port: smtp.port,
          username: smtp.username,
          password: { env: 'TEST_SMTP_PASSWORD' },
          trustedCertificate: { file: 'sandbox-smtp.pem' },
        },
      },
      'stadt-lindenau': portalRestChannel(portal),
    });
    writeFileSync(join(profiles, 'sandbox-smtp.pem'), smtp.certificate ?? '');
    invoices = join(root, 'invoices');
    mkdirSync(join(invoices, 'attachments'), { recursive: true });
    for (const file of [
      'brightwater-home/CP-2611-0409.json',
      'brightwater-home/CP-2611-0455--no-po.json',
      'stadt-lindenau/CG-2026-10121.json',
    ])
      cpSync(join(EXAMPLES, file), join(invoices, file.split('/')[1]!));
    cpSync(join(EXAMPLES, 'pinecrest-brewing', 'CP-2611-0414.json'), join(invoices, 'CP-2611-0414.json'));
    cpSync(
      join(EXAMPLES, 'pinecrest-brewing', 'attachments', 'timesheet-CP-2611-0414.pdf'),
      join(invoices, 'attachments', 'timesheet-CP-2611-0414.pdf'),
    );
    database = `sqlite:${join(root, 'firstpass.db')}`;
    env = { TEST_SFTP_PASSWORD: SFTP_PASSWORD, TEST_SMTP_PASSWORD: smtp.password, TEST_PORTAL_API_KEY: portal.apiKey };
  });

  after(async () => {
    await sftp?.stop();
    await smtp?.stop();
    await portal?.stop();
  });

  test('--dry-run says what would go where, and sends and records nothing', async () => {
    const result = await submit('--dry-run');
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `would send CP-2611-0409 \\(brightwater-home\\): CP-2611-0409.x12 as x12-810 via sftp to sftp://127.0.0.1:${sftp.port}/inbound/810`,
      ),
    );
    assert.match(
      result.stdout,
      /would send CP-2611-0414 \(pinecrest-brewing\): CP-2611-0414.pdf as pdf via email to mailto:ap@pinecrestbrewing.example.com/,
    );
    assert.match(result.stdout, /held {5}CP-2611-0455 \(brightwater-home\): po-required: /);
    assert.match(
      result.stdout,
      new RegExp(`would send CG-2026-10121 \\(stadt-lindenau\\): CG-2026-10121.ubl.xml as ubl via portal to ${portal.restUrl}`),
    );
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(`${SFTP_PASSWORD}|${smtp.password}|${portal.apiKey}`));
    assert.deepEqual(filesUnder(sftp.root), []);
    assert.equal(portal.requests.length, 0);
    assert.equal(smtp.messages.length, 0);
    assert.equal(existsSync(database.slice('sqlite:'.length)), false, 'a dry run creates no store');
    assert.deepEqual((await status()).versions, []);
  });

  test('submit sends the clean invoices over SFTP and e-mail, holds the others, and status shows it all', async () => {
    const result = await submit();
    assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /sent {5}CP-2611-0409 \(brightwater-home\) via sftp: \/inbound\/810\/CP-2611-0409.x12/);
    assert.match(result.stdout, /sent {5}CP-2611-0414 \(pinecrest-brewing\) via email: <.+>/);
    assert.match(result.stdout, /held {5}CP-2611-0455/);
    assert.match(result.stdout, /sent {5}CG-2026-10121 \(stadt-lindenau\) via portal: /);
    assert.match(result.stdout, /4 invoices: .*3 sent/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(`${SFTP_PASSWORD}|${smtp.password}|${portal.apiKey}`));
    assert.equal(portal.requests.length, 1);
    assert.match(portal.requests[0]?.parts[0]?.content.toString('utf8') ?? '', /<cbc:ID>CG-2026-10121<\/cbc:ID>/);

    assert.deepEqual(filesUnder(sftp.root), ['inbound/810/CP-2611-0409.x12']);
    const x12 = readFileSync(join(sftp.root, 'inbound/810/CP-2611-0409.x12'), 'utf8');
    assert.match(x12, /^ISA\*/);
    assert.match(x12, /BIG\*\d+\*CP-2611-0409/);
    assert.equal(smtp.messages.length, 1);
    const mail = await simpleParser(smtp.messages[0]!.raw);
    assert.deepEqual(mail.attachments.map((attachment) => attachment.filename).sort(), ['CP-2611-0414.pdf', 'timesheet-CP-2611-0414.pdf']);
    assert.deepEqual(
      [...(mail.attachments.find((attachment) => attachment.filename === 'timesheet-CP-2611-0414.pdf')?.content ?? [])],
      [...readFileSync(join(invoices, 'attachments', 'timesheet-CP-2611-0414.pdf'))],
    );

    const sent = (await status('CP-2611-0409')).versions;
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.state, 'sent');
    assert.deepEqual(
      sent[0]?.attempts[0]?.events.map((event) => [event.to, event.source]),
      [
        ['queued', 'submit'],
        ['sending', 'submit'],
        ['sent', 'sftp'],
      ],
    );
    assert.deepEqual(sent[0]?.attempts[0]?.events.at(-1)?.detail, { reference: '/inbound/810/CP-2611-0409.x12' });
    assert.equal(sent[0]?.attempts[0]?.document?.fileName, 'CP-2611-0409.x12');
    const held = (await status('CP-2611-0455')).versions;
    assert.equal(held[0]?.state, 'held');
    const heldEvent = held[0]?.attempts[0]?.events[0];
    assert.equal(heldEvent?.to, 'held');
    assert.match(JSON.stringify(heldEvent?.detail), /po-required/);
    const recent = await status();
    assert.deepEqual(recent.versions.map((version) => version.invoiceNumber).sort(), [
      'CG-2026-10121',
      'CP-2611-0409',
      'CP-2611-0414',
      'CP-2611-0455',
    ]);
    const text = await run(['status', 'CP-2611-0409', '--db', database], env);
    assert.match(text.stdout, /CP-2611-0409 \(brightwater-home\) version \d+ .*: sent/);
    assert.match(text.stdout, /sending → sent \(sftp\)/);
  });

  test('a second submit of the same files sends nothing new', async () => {
    const connections = sftp.connections();
    const result = await submit('--json');
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { invoices: { invoiceNumber: string; outcome: string; reference?: string }[] };
    assert.deepEqual(report.invoices.map((entry) => [entry.invoiceNumber, entry.outcome]).sort(), [
      ['CG-2026-10121', 'unchanged'],
      ['CP-2611-0409', 'unchanged'],
      ['CP-2611-0414', 'unchanged'],
      ['CP-2611-0455', 'held'],
    ]);
    assert.equal(report.invoices.find((entry) => entry.invoiceNumber === 'CP-2611-0409')?.reference, '/inbound/810/CP-2611-0409.x12');
    assert.equal(sftp.connections(), connections, 'no connection to the SFTP server');
    assert.equal(smtp.messages.length, 1);
    assert.equal(portal.requests.length, 1, 'nothing sent to the portal again');
    assert.deepEqual(filesUnder(sftp.root), ['inbound/810/CP-2611-0409.x12']);
    // The held ones were not recorded again either.
    assert.equal((await status('CP-2611-0455')).versions[0]?.attempts.length, 1);
  });

  test('a changed invoice under a number sent before is held as a duplicate: the customer would see two invoices under one number', async () => {
    const file = join(invoices, 'CP-2611-0414.json');
    const invoice = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...invoice, note: 'corrected: second copy' }, null, 2));
    // A dry run reads the history too, and says what the real run then does.
    const preview = await submit('--dry-run');
    assert.equal(preview.status, 1, `${preview.stdout}\n${preview.stderr}`);
    assert.match(
      preview.stdout,
      /held {5}CP-2611-0414 \(pinecrest-brewing\): duplicate-invoice-number: .*submitted before with other content/,
    );
    assert.match(
      preview.stdout,
      /unchanged CP-2611-0409 \(brightwater-home\): this version is sent already \(\/inbound\/810\/CP-2611-0409.x12\)/,
    );
    assert.doesNotMatch(preview.stdout, /would send/);
    const result = await submit();
    assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stdout,
      /held {5}CP-2611-0414 \(pinecrest-brewing\): duplicate-invoice-number: .*submitted before with other content/,
    );
    assert.match(result.stdout, /unchanged CP-2611-0409/);
    assert.equal(smtp.messages.length, 1, 'nothing more was mailed');
    const versions = (await status('CP-2611-0414')).versions;
    assert.deepEqual(
      versions.map((version) => version.state),
      ['sent', 'held'],
    );
    // The ERP sends the original again: it is the version sent already, not a duplicate.
    writeFileSync(file, JSON.stringify(invoice, null, 2));
    assert.match((await submit()).stdout, /unchanged CP-2611-0414 \(pinecrest-brewing\): this version is sent already/);
  });

  test('an unknown attempt is sent again only when --resend-unknown names its invoice, and then once', async () => {
    cpSync(join(EXAMPLES, 'stadt-lindenau', 'CG-2026-10133.json'), join(invoices, 'CG-2026-10133.json'));
    portal.dropNextAfterBody();
    const dropped = await submit();
    assert.equal(dropped.status, 3, `${dropped.stdout}\n${dropped.stderr}`);
    assert.match(dropped.stdout, /unknown {2}CG-2026-10133 \(stadt-lindenau\) via portal/);
    // The portal read the request and cut the line before answering: it keeps no record of it.
    assert.equal(portal.requests.length, 1);

    const plain = await submit();
    assert.match(
      plain.stdout,
      /unchanged CG-2026-10133 \(stadt-lindenau\): this version is unknown already.*--resend-unknown CG-2026-10133/,
    );
    assert.equal(portal.requests.length, 1, 'a plain rerun does not send an unknown version');

    const resent = await submit('--resend-unknown', 'CP-2611-0409,CG-2026-10133');
    assert.match(resent.stdout, /sent {5}CG-2026-10133 \(stadt-lindenau\) via portal: /);
    assert.match(resent.stdout, /unchanged CP-2611-0409/);
    assert.equal(portal.requests.length, 2, 'sent once more');
    assert.match(portal.requests[1]?.parts[0]?.content.toString('utf8') ?? '', /CG-2026-10133/);
    const versions = (await status('CG-2026-10133')).versions;
    assert.deepEqual(
      versions.at(-1)?.attempts.map((attempt) => attempt.state),
      ['unknown', 'sent'],
    );

    const again = await submit('--resend-unknown', 'CG-2026-10133');
    assert.match(again.stdout, /unchanged CG-2026-10133 \(stadt-lindenau\): this version is sent already/);
    assert.equal(portal.requests.length, 2, 'the version was sent: naming it again sends nothing');
  });

  test("a wrong SFTP password stops that customer's sends with exit 3 and keeps them queued; the secret is never printed", async () => {
    cpSync(join(EXAMPLES, 'brightwater-home', 'CP-2610-0391.json'), join(invoices, 'CP-2610-0391.json'));
    const wrong = 'wrong-password-e2d9';
    const result = await run(submitArgs(), { ...env, TEST_SFTP_PASSWORD: wrong });
    assert.equal(result.status, 3, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /stopped {2}CP-2610-0391 \(brightwater-home\) via sftp/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(`${wrong}|${SFTP_PASSWORD}|${smtp.password}`));
    const versions = (await status('CP-2610-0391')).versions;
    assert.equal(versions[0]?.state, 'queued');
    // With the right password the queued attempt is sent.
    const again = await submit();
    assert.match(again.stdout, /sent {5}CP-2610-0391 \(brightwater-home\) via sftp/);
    assert.deepEqual(filesUnder(sftp.root), ['inbound/810/CP-2610-0391.x12', 'inbound/810/CP-2611-0409.x12']);
  });
});

test('bad input to submit and resubmit is exit 2 naming the file, and creates no store', async () => {
  const folder = tempFolder();
  writeFileSync(join(folder, 'CP-1.json'), '{"invoiceNumber": "CP-1",\n  "customerId": }\n');
  for (const command of ['submit', 'resubmit']) {
    const file = join(folder, `${command}.db`);
    const result = await run([
      command,
      join(folder, 'CP-1.json'),
      '--profiles',
      join(PROJECT_ROOT, 'customer-profiles'),
      '--db',
      `sqlite:${file}`,
    ]);
    assert.equal(result.status, 2, `${command}: ${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /CP-1\.json:2:17/);
    assert.equal(existsSync(file), false, `${command} created ${file}`);
  }
});

test('a submit killed with SIGKILL while it uploads, then run again, sends nothing twice', async () => {
  const root = tempFolder();
  const sftp = await startSftpServer({ root: join(root, 'served'), username: SFTP_USER, password: SFTP_PASSWORD, folders: ['inbound'] });
  try {
    const profiles = profilesWithChannels(join(root, 'profiles'), {
      'brightwater-home': {
        type: 'sftp',
        host: '127.0.0.1',
        port: sftp.port,
        username: SFTP_USER,
        password: { env: 'TEST_SFTP_PASSWORD' },
        hostKeySha256: sftp.hostKeySha256,
        remoteDir: '/inbound',
      },
    });
    const invoices = join(root, 'invoices');
    for (const name of ['CP-2610-0391.json', 'CP-2611-0409.json']) cpSync(join(EXAMPLES, 'brightwater-home', name), join(invoices, name));
    const args = [
      'submit',
      invoices,
      '--profiles',
      profiles,
      '--pos',
      join(PROJECT_ROOT, 'examples', 'purchase-orders'),
      '--today',
      TODAY,
      '--db',
      `sqlite:${join(root, 'kill.db')}`,
      '--json',
    ];
    const env = { TEST_SFTP_PASSWORD: SFTP_PASSWORD };
    const writing = sftp.nextWrite();
    const child = startFirstpass(args, { env });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await Promise.race([writing, exited.then(() => assert.fail('the run ended before it wrote'))]);
    child.kill('SIGKILL');
    await exited;
    const rerun = await run(args, env);
    assert.equal(rerun.status, 0, `${rerun.stdout}\n${rerun.stderr}`);
    const report = JSON.parse(rerun.stdout) as { invoices: { invoiceNumber: string; outcome: string; state?: string }[] };
    const killed = report.invoices.find((entry) => entry.invoiceNumber === 'CP-2610-0391');
    // The killed attempt is still `sending` (younger than an hour): it is not sent again, whether or not it arrived.
    assert.deepEqual([killed?.outcome, killed?.state], ['unchanged', 'sending']);
    assert.ok(['sent', 'unchanged'].includes(report.invoices.find((entry) => entry.invoiceNumber === 'CP-2611-0409')?.outcome ?? ''));
    const arrived = filesUnder(join(sftp.root, 'inbound')).filter((name) => !name.startsWith('.'));
    assert.ok(arrived.includes('CP-2611-0409.x12'), arrived.join(', '));
    assert.ok(
      arrived.every((name) => ['CP-2610-0391.x12', 'CP-2611-0409.x12'].includes(name)),
      arrived.join(', '),
    );
  } finally {
    await sftp.stop();
  }
});

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectAcks, type CollectAcksOptions } from '../../src/pipeline/collect-acks.js';
import { submissionStatus } from '../../src/pipeline/submission-status.js';
import { submitInvoices } from '../../src/pipeline/submit-invoices.js';
import { startPortalSandbox, type PortalSandbox } from '../../src/sandbox/portal-server.js';
import { startSftpServer, type SftpSandbox } from '../../src/sandbox/sftp-server.js';
import { openStore, type ControlNumbers } from '../../src/store/index.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { profilesWithChannels } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * `collectAcks` over real sockets: invoices submitted through the real pipeline to the sandbox
 * SFTP server (Brightwater X12, Kessler EDIFACT) and portal (Stadt Lindenau REST, Meridian
 * cXML); answers put in the SFTP ack folders by hand, as the buyer would, and portal statuses
 * served by a small HTTP server speaking the answers protocol.
 */

const USER = 'calder';
const PASSWORD = 'sandbox-acks-pass-71f3';
const EXAMPLES = join(PROJECT_ROOT, 'examples', 'invoices');
const T0 = new Date('2026-11-20T10:00:00.000Z');

/** The answers protocol's status endpoints, answering what the test sets per reference (404 otherwise). */
interface StatusServer {
  readonly restUrl: string;
  readonly cxmlUrl: string;
  readonly answers: Map<string, string>;
  readonly asked: string[];
  stop(): Promise<void>;
}

async function startStatusServer(portal: PortalSandbox): Promise<StatusServer> {
  const answers = new Map<string, string>();
  const asked: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const rest = url.pathname === '/rest/status';
    const authorized = rest
      ? request.headers[portal.apiKeyHeader.toLowerCase()] === portal.apiKey
      : request.headers.authorization === `Bearer ${portal.sharedSecret}`;
    if (!authorized) {
      response.writeHead(401).end();
      return;
    }
    const reference = url.searchParams.get(rest ? 'id' : 'payloadID') ?? '';
    asked.push(reference);
    const body = answers.get(reference);
    if (body === undefined) response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    else response.writeHead(200, { 'content-type': rest ? 'application/json' : 'text/xml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    restUrl: `http://127.0.0.1:${port}/rest/status`,
    cxmlUrl: `http://127.0.0.1:${port}/cxml/status`,
    answers,
    asked,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function isa(control: number): string {
  return `ISA*00*          *00*          *01*078451236      *ZZ*CALDERPREC     *261120*1200*U*00401*${String(control).padStart(9, '0')}*0*P*>~`;
}

/** An X12 997 for one 810, as Brightwater's translator writes it. */
function x997(control: number, numbers: ControlNumbers, verdict: 'A' | 'R', code = ''): string {
  const st = String(numbers.transaction).padStart(4, '0');
  return [
    isa(control),
    `GS*FA*078451236*CALDERPREC*20261120*1200*${control}*X*004010~`,
    'ST*997*0001~',
    `AK1*IN*${numbers.group}~`,
    `AK2*810*${st}~`,
    `AK5*${verdict}${code ? `*${code}` : ''}~`,
    `AK9*${verdict}*1*1*${verdict === 'A' ? 1 : 0}~`,
    'SE*6*0001~',
    `GE*1*${control}~`,
    `IEA*1*${String(control).padStart(9, '0')}~`,
    '',
  ].join('\n');
}

/** An X12 824 with the buyer's decision on one 810. */
function x824(control: number, invoiceNumber: string, numbers: ControlNumbers, verdict: 'TA' | 'TR', ted?: [string, string]): string {
  const segments = [
    `BGN*00*ADV-${control}*20261120`,
    `OTI*${verdict}*IV*${invoiceNumber}*078451236*CALDERPREC*20261120**${numbers.group}*${String(numbers.transaction).padStart(4, '0')}*810`,
    ...(ted ? [`TED*${ted[0]}*${ted[1]}`] : []),
  ];
  return [
    isa(control),
    `GS*AG*078451236*CALDERPREC*20261120*1200*${control}*X*004010~`,
    'ST*824*0001~',
    ...segments.map((segment) => `${segment}~`),
    `SE*${segments.length + 2}*0001~`,
    `GE*1*${control}~`,
    `IEA*1*${String(control).padStart(9, '0')}~`,
    '',
  ].join('\n');
}

function edifact(reference: string, type: string, segments: readonly string[]): string {
  return [
    "UNA:+.? '",
    `UNB+UNOC:3+4051234000003:14+4068194000004:14+261120:1200+${reference}'`,
    `UNH+1+${type}'`,
    ...segments.map((segment) => `${segment}'`),
    `UNT+${segments.length + 2}+1'`,
    `UNZ+1+${reference}'`,
    '',
  ].join('\n');
}

function cxmlStatus(payloadId: string, type: string, comment?: [string, string]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="status-${type}@portal" timestamp="2026-11-20T12:00:00+00:00">
  <Header><From><Credential domain="NetworkId"><Identity>AN01</Identity></Credential></From><To><Credential domain="NetworkId"><Identity>AN02</Identity></Credential></To><Sender><Credential domain="NetworkId"><Identity>AN01</Identity></Credential><UserAgent>test</UserAgent></Sender></Header>
  <Request><StatusUpdateRequest><DocumentReference payloadID="${payloadId}"/><Status code="200" text="OK"/><InvoiceStatus type="${type}">${comment ? `<Comments type="${comment[0]}">${comment[1]}</Comments>` : ''}</InvoiceStatus></StatusUpdateRequest></Request>
</cXML>`;
}

describe('collectAcks over the sandbox servers', () => {
  let root: string;
  let sftp: SftpSandbox;
  let portal: PortalSandbox;
  let statuses: StatusServer;
  let base: CollectAcksOptions;
  let database: string;
  const environment = (): NodeJS.ProcessEnv => ({
    ACKS_SFTP_PASSWORD: PASSWORD,
    ACKS_API_KEY: portal.apiKey,
    ACKS_SHARED_SECRET: portal.sharedSecret,
  });
  const sftpChannel = (remoteDir: string, ackDir: string) => ({
    type: 'sftp',
    host: '127.0.0.1',
    port: sftp.port,
    username: USER,
    password: { env: 'ACKS_SFTP_PASSWORD' },
    hostKeySha256: sftp.hostKeySha256,
    remoteDir,
    ackDir,
  });
  const state = async (invoiceNumber: string) => (await submissionStatus({ database, invoiceNumber }))[0]?.state;
  const numbersOf = async (invoiceNumber: string): Promise<ControlNumbers> => {
    const store = await openStore(database);
    try {
      const [version] = await store.submissions.history(invoiceNumber);
      const attempt = version?.submissions.at(-1);
      assert.ok(attempt);
      const numbers = (await store.submissions.document(attempt.submission.id))?.controlNumbers;
      assert.ok(numbers, `the document of ${invoiceNumber} carries control numbers`);
      return numbers;
    } finally {
      await store.close();
    }
  };
  const referenceOf = async (invoiceNumber: string): Promise<string> => {
    const [version] = await submissionStatus({ database, invoiceNumber });
    const sent = version?.attempts.at(-1)?.events.find((event) => event.to === 'sent');
    const reference = (sent?.detail as { reference?: string } | null)?.reference;
    assert.ok(reference);
    return reference;
  };
  const ackFile = (folder: string, name: string, text: string) => writeFileSync(join(sftp.root, folder, name), text, 'latin1');

  before(async () => {
    root = tempFolder();
    sftp = await startSftpServer({
      root: join(root, 'served'),
      username: USER,
      password: PASSWORD,
      folders: ['inbound/810', 'outbound/997', 'in/INVOIC', 'out/CONTRL'],
    });
    portal = await startPortalSandbox();
    statuses = await startStatusServer(portal);
    const profiles = profilesWithChannels(join(root, 'profiles'), {
      'brightwater-home': sftpChannel('/inbound/810', '/outbound/997'),
      'kessler-automotive': sftpChannel('/in/INVOIC', '/out/CONTRL'),
      'stadt-lindenau': {
        type: 'portal',
        flavor: 'rest',
        url: portal.restUrl,
        statusUrl: statuses.restUrl,
        auth: { type: 'api-key', header: portal.apiKeyHeader, apiKey: { env: 'ACKS_API_KEY' } },
      },
      'meridian-aerospace': {
        type: 'portal',
        flavor: 'cxml',
        url: portal.cxmlUrl,
        statusUrl: statuses.cxmlUrl,
        auth: { type: 'shared-secret', sharedSecret: { env: 'ACKS_SHARED_SECRET' } },
      },
    });
    const invoices = join(root, 'invoices');
    mkdirSync(invoices);
    for (const file of [
      'brightwater-home/CP-2611-0409.json',
      'brightwater-home/CP-2610-0391.json',
      'kessler-automotive/CG-2026-10117.json',
      'kessler-automotive/CG-2026-10129.json',
      'stadt-lindenau/CG-2026-10121.json',
      'stadt-lindenau/CG-2026-10133.json',
      'meridian-aerospace/CP-2611-0412.json',
    ])
      cpSync(join(EXAMPLES, file), join(invoices, file.split('/')[1] ?? file));
    database = `sqlite:${join(root, 'acks.sqlite')}`;
    const submitted = await submitInvoices({
      paths: [invoices],
      profilesDirectory: profiles,
      poPaths: [join(PROJECT_ROOT, 'examples', 'purchase-orders')],
      today: '2026-11-20',
      database,
      environment: environment(),
      now: () => T0,
      timeoutMs: 5_000,
    });
    assert.deepEqual(submitted.results.map((result) => [result.invoiceNumber, result.outcome]).sort(), [
      ['CG-2026-10117', 'sent'],
      ['CG-2026-10121', 'sent'],
      ['CG-2026-10129', 'sent'],
      ['CG-2026-10133', 'sent'],
      ['CP-2610-0391', 'sent'],
      ['CP-2611-0409', 'sent'],
      ['CP-2611-0412', 'sent'],
    ]);
    base = { profilesDirectory: profiles, database, environment: environment(), timeoutMs: 5_000 };
  });

  after(async () => {
    await statuses?.stop();
    await portal?.stop();
    await sftp?.stop();
  });

  test('997, 824, CONTRL and APERAK files and portal statuses move each submission; a stray file is kept and reported', async () => {
    const accepted = await numbersOf('CP-2611-0409');
    const refused = await numbersOf('CP-2610-0391');
    const kessler = await numbersOf('CG-2026-10117');
    ackFile('outbound/997', '997_0409.x12', x997(9001, accepted, 'A'));
    ackFile('outbound/997', '997_0391.x12', x997(9002, refused, 'R', '5'));
    ackFile('outbound/997', '824_0409.x12', x824(9003, 'CP-2611-0409', accepted, 'TA'));
    ackFile('outbound/997', '997_stray.x12', x997(9004, { interchange: 1, group: 4242, transaction: 4242 }, 'A'));
    ackFile(
      'out/CONTRL',
      'contrl_10117.edi',
      edifact('R1', 'CONTRL:D:3:UN', [`UCI+${kessler.interchange}+4068194000004:14+4051234000003:14+7`]),
    );
    ackFile(
      'out/CONTRL',
      'aperak_10129.edi',
      edifact('R2', 'APERAK:D:96A:UN', [
        'BGM+305+AP-1+27',
        'DTM+137:20261120:102',
        'RFF+IV:CG-2026-10129',
        'ERC+Z10',
        'FTX+AAO+++Order number not known',
      ]),
    );
    statuses.answers.set(
      await referenceOf('CG-2026-10121'),
      JSON.stringify({ id: await referenceOf('CG-2026-10121'), status: 'accepted', updatedAt: T0.toISOString() }),
    );
    statuses.answers.set(
      await referenceOf('CG-2026-10133'),
      JSON.stringify({
        id: await referenceOf('CG-2026-10133'),
        status: 'rejected',
        code: 'REF',
        reason: 'Unknown order reference',
        updatedAt: T0.toISOString(),
      }),
    );
    statuses.answers.set(await referenceOf('CP-2611-0412'), cxmlStatus(await referenceOf('CP-2611-0412'), 'processing'));

    const told: string[] = [];
    const report = await collectAcks({
      ...base,
      now: () => new Date(T0.getTime() + 3_600_000),
      onAnswer: (answer) => told.push(`${answer.invoiceNumber ?? '-'} ${answer.outcome}`),
    });
    assert.deepEqual(report.failures, []);
    assert.equal(report.filesRead, 6);
    assert.deepEqual(told.sort(), [
      '- delivered',
      'CG-2026-10117 delivered',
      'CG-2026-10121 accepted',
      'CG-2026-10129 rejected',
      'CG-2026-10133 rejected',
      'CP-2610-0391 rejected',
      'CP-2611-0409 accepted',
      'CP-2611-0409 delivered',
      'CP-2611-0412 delivered',
    ]);
    assert.equal(await state('CP-2611-0409'), 'accepted');
    assert.equal(await state('CP-2610-0391'), 'rejected');
    assert.equal(await state('CG-2026-10117'), 'delivered');
    assert.equal(await state('CG-2026-10129'), 'rejected');
    assert.equal(await state('CG-2026-10121'), 'accepted');
    assert.equal(await state('CG-2026-10133'), 'rejected');
    assert.equal(await state('CP-2611-0412'), 'delivered');

    const [aperak] = await submissionStatus({ database, invoiceNumber: 'CG-2026-10129' });
    assert.deepEqual(
      aperak?.attempts[0]?.acknowledgments.map((ack) => [ack.kind, ack.source, ack.status, ack.code, ack.text]),
      [['business', 'edifact-aperak', '27', 'Z10', 'Order number not known']],
    );
    const [rest] = await submissionStatus({ database, invoiceNumber: 'CG-2026-10133' });
    assert.deepEqual(
      rest?.attempts[0]?.acknowledgments.map((ack) => [ack.kind, ack.source, ack.status, ack.code, ack.text]),
      [['business', 'portal:rest', 'rejected', 'REF', 'Unknown order reference']],
    );

    assert.deepEqual(
      report.unmatchedFiles.map((file) => [file.customer, file.remotePath, file.state, file.new]),
      [['brightwater-home', '/outbound/997/997_stray.x12', 'unmatched', true]],
    );
    assert.match(report.unmatchedFiles[0]?.reasons.join(' ') ?? '', /"group":4242/);
    const store = await openStore(database);
    try {
      const [kept] = await store.answers.unmatchedFiles();
      assert.deepEqual(Buffer.from(kept?.content ?? []), readFileSync(join(sftp.root, 'outbound/997/997_stray.x12')), 'its bytes are kept');
    } finally {
      await store.close();
    }
    assert.deepEqual(
      readdirSync(join(sftp.root, 'outbound/997')).sort(),
      ['824_0409.x12', '997_0391.x12', '997_0409.x12', '997_stray.x12'],
      "the buyer's files are left",
    );
  });

  test('a rerun reads no file again and records nothing a portal only repeats', async () => {
    const connections = sftp.connections();
    const report = await collectAcks({ ...base, now: () => new Date(T0.getTime() + 7_200_000) });
    assert.deepEqual(report.failures, []);
    assert.equal(report.filesRead, 0);
    assert.deepEqual(report.answers, []);
    assert.ok(sftp.connections() > connections, 'the ack folders were looked at');
    assert.deepEqual(
      report.unmatchedFiles.map((file) => [file.remotePath, file.new]),
      [['/outbound/997/997_stray.x12', false]],
    );
    const [cxml] = await submissionStatus({ database, invoiceNumber: 'CP-2611-0412' });
    assert.equal(cxml?.attempts[0]?.acknowledgments.length, 1, 'the second "processing" is not a new answer');
  });

  test('a later file and a later portal decision are read: the cXML invoice is rejected; a late 824 on a final rejection is kept beside it', async () => {
    statuses.answers.set(
      await referenceOf('CP-2611-0412'),
      cxmlStatus(await referenceOf('CP-2611-0412'), 'rejected', ['INVALID_TOTAL', 'Total does not add up']),
    );
    ackFile(
      'outbound/997',
      '824_late.x12',
      x824(9005, 'CP-2610-0391', await numbersOf('CP-2610-0391'), 'TR', ['010', 'Total Out of Balance']),
    );
    ackFile('outbound/997', '824_confused.x12', x824(9006, 'CP-9999-0001', await numbersOf('CP-2610-0391'), 'TA'));
    const report = await collectAcks({ ...base, now: () => new Date(T0.getTime() + 10_800_000) });
    assert.deepEqual(
      report.answers
        .map((answer) => [answer.invoiceNumber, answer.source, answer.outcome, answer.code, answer.before, answer.after])
        .sort(),
      [
        [undefined, 'x12-824', 'accepted', undefined, undefined, undefined],
        ['CP-2610-0391', 'x12-824', 'rejected', '010', 'rejected', 'rejected'],
        ['CP-2611-0412', 'portal:cxml', 'rejected', 'INVALID_TOTAL', 'delivered', 'rejected'],
      ],
    );
    assert.equal(report.filesRead, 2);
    assert.deepEqual(
      report.unmatchedFiles.filter((file) => file.new).map((file) => file.remotePath),
      ['/outbound/997/824_confused.x12'],
      'control numbers of one invoice and the number of another: left for a person',
    );
  });

  test('a portal that answers 404 for an unknown attempt never got it: recorded as an event, nothing is sent again', async () => {
    const store = await openStore(database);
    let lost: number;
    try {
      const { version } = await store.submissions.recordVersion({
        customer: 'stadt-lindenau',
        invoiceNumber: 'CG-LOST-1',
        invoice: { invoiceNumber: 'CG-LOST-1' },
        at: T0,
      });
      const claimed = await store.submissions.claimForSending(version.id, { channel: 'portal', format: 'ubl', source: 'submit', at: T0 });
      assert.ok(claimed);
      lost = (await store.submissions.transition(claimed.id, 'unknown', { at: T0, source: 'portal', detail: { failure: 'unknown' } })).id;
    } finally {
      await store.close();
    }
    const received = portal.requests.length;
    const report = await collectAcks({ ...base, now: () => new Date(T0.getTime() + 14_400_000) });
    assert.deepEqual(
      report.neverArrived.map((entry) => [entry.invoiceNumber, entry.state, entry.submission]),
      [['CG-LOST-1', 'unknown', lost]],
    );
    const [version] = await submissionStatus({ database, invoiceNumber: 'CG-LOST-1' });
    assert.equal(version?.attempts.length, 1);
    assert.equal(version?.state, 'unknown', 'it stays unknown until a person resends it');
    assert.match(JSON.stringify(version?.attempts[0]?.events.at(-1)?.detail), /never got it/);
    assert.equal(portal.requests.length, received, 'nothing was sent');
    await collectAcks({ ...base, now: () => new Date(T0.getTime() + 18_000_000) });
    const [again] = await submissionStatus({ database, invoiceNumber: 'CG-LOST-1' });
    assert.equal(again?.attempts[0]?.events.length, version?.attempts[0]?.events.length, 'said once');
  });

  test('a submission still sent past its deadline is overdue, by the clock given', async () => {
    // Kessler's CG-2026-10117 was delivered; only Stadt Lindenau's deadline (72 h) and Brightwater's (24 h) could apply.
    const store = await openStore(database);
    try {
      const { version } = await store.submissions.recordVersion({
        customer: 'pinecrest-brewing',
        invoiceNumber: 'CP-MAIL-1',
        invoice: { n: 1 },
        at: T0,
      });
      const claimed = await store.submissions.claimForSending(version.id, { channel: 'email', format: 'pdf', source: 'submit', at: T0 });
      assert.ok(claimed);
      await store.submissions.transition(claimed.id, 'sent', { at: T0, source: 'email', detail: { reference: '<m1@calder>' } });
    } finally {
      await store.close();
    }
    const early = await collectAcks({ ...base, now: () => new Date(T0.getTime() + 119 * 3_600_000) });
    assert.deepEqual(early.overdue, []);
    const late = await collectAcks({ ...base, now: () => new Date(T0.getTime() + 125 * 3_600_000) });
    assert.deepEqual(
      late.overdue.map((entry) => [entry.invoiceNumber, entry.customer, entry.deadlineHours, entry.overdueHours]),
      [['CP-MAIL-1', 'pinecrest-brewing', 120, 5]],
    );
  });
});

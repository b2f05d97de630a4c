import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { CHANNELS, secretReader, type OpenChannel } from '../../src/channels/index.js';
import { PROJECT_ROOT, runFirstpass } from '../support/cli.js';
import {
  DEFERRED_ADDRESS,
  EXIM,
  type EximServer,
  eximMissing,
  FORBIDDEN_SENDER,
  MESSAGES_PER_CONNECTION,
  MESSAGE_SIZE_LIMIT,
  REFUSED_ADDRESS,
  selfSignedCertificate,
  startEximServer,
} from '../support/exim-server.js';
import { freePort } from '../support/server-process.js';
import { profilesWithChannels } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';
import { channelFailure, delivery } from './channel-suite.js';

/**
 * The e-mail channel against Exim, the MTA Debian installs, which nobody here wrote (the rest of
 * the channel's tests use the smtp-server sandbox). One Exim for the file: STARTTLS with its own
 * self-signed certificate, AUTH offered only after STARTTLS, messages read back from its maildir.
 */

const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());
const MISSING = eximMissing();
const PASSWORD_VARIABLE = 'FIRSTPASS_TEST_EXIM_PASSWORD';
const WRONG_PASSWORD_VARIABLE = 'FIRSTPASS_TEST_EXIM_WRONG';
const WRONG_PASSWORD = 'not-the-exim-password';

let server: EximServer | undefined;
let noticeGiven = false;
/** The folder the profile's secrets are read from: the server's certificate and a stranger's. */
let secrets: string;

before(async () => {
  if (MISSING !== undefined) return;
  server = await startEximServer();
  secrets = tempFolder({ 'exim.pem': server.certificate });
  selfSignedCertificate(secrets, 'stranger');
});

after(async () => {
  await server?.stop();
});

/** The running Exim, or undefined after a notice (a failure under CI) when it cannot run here. */
function exim(t: TestContext): EximServer | undefined {
  if (server !== undefined) return server;
  // .ci/run installs Exim, so under CI its absence is a failure; a CI that runs the tests as another user than root cannot start it, and says so.
  if (IN_CI && !existsSync(EXIM)) assert.fail(`${MISSING}: .ci/run installs exim4-daemon-light`);
  if (!noticeGiven) process.stderr.write(`\n*** NOTICE: the e-mail channel was not tried against Exim: ${MISSING}\n\n`);
  noticeGiven = true;
  t.skip(`no Exim: ${EXIM}`);
  return undefined;
}

function configFor(mta: EximServer, overrides: Record<string, unknown> = {}, smtp: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'email',
    from: 'billing@supplier.example',
    to: 'ap@acme.example',
    cc: ['audit@acme.example'],
    subject: 'Invoice {{invoiceNumber}} for {{customerId}}',
    smtp: {
      host: mta.host,
      port: mta.port,
      username: mta.username,
      password: { env: PASSWORD_VARIABLE },
      trustedCertificate: { file: 'exim.pem' },
      ...smtp,
    },
    ...overrides,
  };
}

function openChannel(mta: EximServer, config: Record<string, unknown>): OpenChannel {
  const environment = { [PASSWORD_VARIABLE]: mta.password, [WRONG_PASSWORD_VARIABLE]: WRONG_PASSWORD };
  return CHANNELS.get('email')!.open(config, { secret: secretReader(secrets, environment), timeoutMs: 10_000 });
}

async function withChannel<T>(channel: OpenChannel, body: (channel: OpenChannel) => Promise<T>): Promise<T> {
  try {
    return await body(channel);
  } finally {
    await channel.close();
  }
}

function addressesOf(field: ParsedMail['to']): string[] {
  return (Array.isArray(field) ? field : [field]).flatMap((list) => list?.value.map((address) => address.address ?? '') ?? []);
}

/** Exim's log lines about one received message, found by its Message-ID (`id=` without the brackets). */
function receivedLine(mta: EximServer, messageId: string): string {
  const line = mta
    .mainLog()
    .split('\n')
    .find((entry) => entry.includes(' <= ') && entry.includes(`id=${messageId.slice(1, -1)}`));
  assert.ok(line, `Exim logged no arrival of ${messageId}:\n${mta.mainLog()}`);
  return line;
}

/** A PDF as text with what depends on the moment it was made (its dates and the file ID drawn from them) blanked. */
function withoutCreationTime(pdf: Buffer | undefined): string {
  assert.ok(pdf, 'no such attachment');
  return pdf
    .toString('latin1')
    .replace(/\(D:\d{14}[^)]*\)/g, '(D:…)')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '…')
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/gi, '/ID […]');
}

/** Waits up to 5 s for `holds()`, then fails showing `shown()`. */
async function eventually(holds: () => boolean, shown: () => string): Promise<void> {
  for (let waited = 0; !holds(); waited += 50) {
    if (waited > 5_000) assert.fail(shown());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many messages Exim took in (`<=` lines) so far: a refused send must not add one. */
function arrivals(mta: EximServer): number {
  return mta
    .mainLog()
    .split('\n')
    .filter((line) => line.includes(' <= ')).length;
}

test('exim: smtp.heloName is the name the server sees in EHLO (a host name without a domain would give [127.0.0.1])', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const config = configFor(mta, {}, { heloName: 'mail.supplier.example' });
  const result = await withChannel(openChannel(mta, config), (channel) =>
    channel.send(delivery({ invoiceNumber: 'INV-2601', idempotencyKey: 'k-INV-2601' })),
  );
  assert.equal(result.outcome, 'sent', JSON.stringify(result));
  const received = mta
    .mainLog()
    .split('\n')
    .filter((line) => line.includes(' <= '))
    .at(-1);
  assert.match(received ?? '', /H=\(mail\.supplier\.example\) \[127\.0\.0\.1\]/);
});

test('exim: firstpass submit mails the rendered PDF and the timesheet over STARTTLS with AUTH, and the delivered message is the one submit reported', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const root = tempFolder();
  const profiles = profilesWithChannels(join(root, 'profiles'), {
    'pinecrest-brewing': configFor(mta, {
      from: 'billing@calder-precision.example.com',
      to: 'ap@pinecrestbrewing.example.com',
      cc: ['ops@pinecrestbrewing.example.com'],
      subject: 'Invoice {{invoiceNumber}} from Calder Precision Systems (field service)',
    }),
  });
  writeFileSync(join(profiles, 'exim.pem'), mta.certificate);
  const invoices = join(root, 'invoices');
  mkdirSync(join(invoices, 'attachments'), { recursive: true });
  const examples = join(PROJECT_ROOT, 'examples', 'invoices', 'pinecrest-brewing');
  cpSync(join(examples, 'CP-2611-0414.json'), join(invoices, 'CP-2611-0414.json'));
  const timesheet = join(invoices, 'attachments', 'timesheet-CP-2611-0414.pdf');
  cpSync(join(examples, 'attachments', 'timesheet-CP-2611-0414.pdf'), timesheet);
  const common = [
    '--profiles',
    profiles,
    '--pos',
    join(PROJECT_ROOT, 'examples', 'purchase-orders'),
    '--db',
    `sqlite:${join(root, 'db.sqlite')}`,
  ];
  const env = { [PASSWORD_VARIABLE]: mta.password };

  const result = await runFirstpass(['submit', invoices, ...common, '--today', '2026-11-20'], env);
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  const messageId = /sent {5}CP-2611-0414 \(pinecrest-brewing\) via email: (<[^>\s]+>)/.exec(result.stdout)?.[1];
  assert.ok(messageId, result.stdout);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(mta.password));

  const mail = await simpleParser(await mta.deliveredWithId(messageId));
  assert.equal(mail.messageId, messageId);
  assert.equal(mail.subject, 'Invoice CP-2611-0414 from Calder Precision Systems (field service)');
  assert.deepEqual(addressesOf(mail.from), ['billing@calder-precision.example.com']);
  assert.deepEqual(addressesOf(mail.to), ['ap@pinecrestbrewing.example.com']);
  assert.deepEqual(addressesOf(mail.cc), ['ops@pinecrestbrewing.example.com']);
  assert.deepEqual(mail.attachments.map((attachment) => [attachment.filename, attachment.contentType]).sort(), [
    ['CP-2611-0414.pdf', 'application/pdf'],
    ['timesheet-CP-2611-0414.pdf', 'application/pdf'],
  ]);
  const attached = (name: string) => mail.attachments.find((attachment) => attachment.filename === name)?.content;
  assert.deepEqual(attached('timesheet-CP-2611-0414.pdf'), readFileSync(timesheet));
  // The PDF that arrived is the one firstpass renders for this invoice, byte for byte.
  const rendered = join(root, 'rendered');
  const render = await runFirstpass(['render', join(invoices, 'CP-2611-0414.json'), '--out', rendered, ...common], env);
  assert.equal(render.status, 0, render.stderr);
  assert.equal(withoutCreationTime(attached('CP-2611-0414.pdf')), withoutCreationTime(readFileSync(join(rendered, 'CP-2611-0414.pdf'))));

  // P=esmtpsa: ESMTP, encrypted (STARTTLS; X= names the cipher), authenticated (A=).
  const arrival = receivedLine(mta, messageId);
  assert.match(arrival, / P=esmtpsa /);
  assert.match(arrival, / X=TLS1\.[23]:/);
  assert.match(arrival, / A=(plain|login):billing /);
});

test('exim: the document and attachments arrive byte for byte, with a long non-ASCII subject and non-ASCII file names readable', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const pdf = new Uint8Array(4096).map((_, index) => (index * 37 + 11) % 256);
  pdf.set(new TextEncoder().encode('%PDF-1.7\n'));
  const sent = delivery({
    invoiceNumber: 'INV-2001',
    idempotencyKey: 'k-INV-2001',
    document: { fileName: 'INV-2001.pdf', mediaType: 'application/pdf', content: pdf },
    attachments: [
      { fileName: 'Stundenzettel Müller – Oktober (Überstunden) 請求書.pdf', mediaType: 'application/pdf', content: pdf.slice(100) },
      { fileName: 'notes.txt', mediaType: 'text/plain', content: new TextEncoder().encode('.\r\nline one\n.two\r\nno end') },
    ],
  });
  const subject =
    'Rechnung {{invoiceNumber}} für {{customerId}} – Wartung der Kühlanlagen in Zürich, Köln und Düsseldorf (Oktober–Dezember), 株式会社アクメ御中';
  const result = await withChannel(openChannel(mta, configFor(mta, { subject })), (channel) => channel.send(sent));
  assert.ok(result.outcome === 'sent', JSON.stringify(result));
  assert.equal(result.receipt?.code, '250');
  assert.match(result.receipt?.text ?? '', /^OK id=[\w-]+$/, 'the receipt carries Exim’s queue id');
  const mail = await simpleParser(await mta.deliveredWithId(result.reference));
  assert.equal(mail.messageId, result.reference);
  assert.equal(
    mail.subject,
    'Rechnung INV-2001 für acme – Wartung der Kühlanlagen in Zürich, Köln und Düsseldorf (Oktober–Dezember), 株式会社アクメ御中',
  );
  assert.deepEqual(addressesOf(mail.to), ['ap@acme.example']);
  assert.deepEqual(addressesOf(mail.cc), ['audit@acme.example']);
  assert.deepEqual(
    mail.attachments.map((attachment) => [attachment.filename, attachment.contentType, new Uint8Array(attachment.content)]),
    [sent.document, ...sent.attachments].map((file) => [file.fileName, file.mediaType, file.content]),
  );
  // The header lines themselves stay within SMTP's limit of 998 characters (RFC 5322 2.1.1).
  const raw = (await mta.deliveredWithId(result.reference)).toString('latin1');
  for (const line of raw.split(/\r?\n/)) assert.ok(line.length <= 998, line.slice(0, 80));
});

test('exim: several sends on one channel log in once and each arrives', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const numbers = ['INV-2101', 'INV-2102', 'INV-2103'];
  const results = await withChannel(openChannel(mta, configFor(mta)), async (channel) => {
    const sent = [];
    for (const invoiceNumber of numbers) sent.push(await channel.send(delivery({ invoiceNumber, idempotencyKey: `k-${invoiceNumber}` })));
    return sent;
  });
  const references = results.map((result) => (result.outcome === 'sent' ? result.reference : assert.fail(JSON.stringify(result))));
  for (const [index, reference] of references.entries())
    assert.equal((await simpleParser(await mta.deliveredWithId(reference))).subject, `Invoice ${numbers[index]} for acme`);
  assert.equal(new Set(references.map((reference) => / H=\S+ \[127\.0\.0\.1\]:(\d+)/.exec(receivedLine(mta, reference))?.[1])).size, 1);
});

test('exim: eight invoices sent at once over four connections all arrive, each once', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const channel = CHANNELS.get('email')!.open(configFor(mta), {
    secret: secretReader(secrets, { [PASSWORD_VARIABLE]: mta.password }),
    timeoutMs: 10_000,
    maxConcurrent: 4,
  });
  const numbers = Array.from({ length: 8 }, (_, index) => `INV-214${index}`);
  const results = await withChannel(channel, (open) =>
    Promise.all(numbers.map((invoiceNumber) => open.send(delivery({ invoiceNumber, idempotencyKey: `k-${invoiceNumber}` })))),
  );
  const references = results.map((result) => (result.outcome === 'sent' ? result.reference : assert.fail(JSON.stringify(result))));
  assert.equal(new Set(references).size, 8);
  for (const [index, reference] of references.entries())
    assert.equal((await simpleParser(await mta.deliveredWithId(reference))).subject, `Invoice ${numbers[index]} for acme`);
  const ports = new Set(references.map((reference) => / H=\S+ \[127\.0\.0\.1\]:(\d+)/.exec(receivedLine(mta, reference))?.[1]));
  assert.ok(ports.size > 1 && ports.size <= 4, `connections used: ${[...ports].join(', ')}`);
  for (const reference of references) assert.equal(mta.mainLog().split(`id=${reference.slice(1, -1)}`).length - 1, 1, reference);
});

test('exim: a send to the port that speaks TLS from the first byte (secure: true) arrives, encrypted and logged in', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const config = configFor(mta, {}, { port: mta.implicitTlsPort, secure: true });
  const result = await withChannel(openChannel(mta, config), (channel) =>
    channel.send(delivery({ invoiceNumber: 'INV-2151', idempotencyKey: 'k-INV-2151' })),
  );
  assert.ok(result.outcome === 'sent', JSON.stringify(result));
  await mta.deliveredWithId(result.reference);
  const arrival = receivedLine(mta, result.reference);
  assert.match(arrival, new RegExp(`\\[127\\.0\\.0\\.1\\]:\\d+ I=\\[127\\.0\\.0\\.1\\]:${mta.implicitTlsPort} `));
  assert.match(arrival, / P=esmtpsa X=TLS1\.[23]:.* A=(plain|login):billing /);
});

test('exim: an internationalized address (a non-ASCII domain) in `to` receives the invoice', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const result = await withChannel(openChannel(mta, configFor(mta, { to: 'rechnung@müller-kälte.example', cc: [] })), (channel) =>
    channel.send(delivery({ invoiceNumber: 'INV-2161', idempotencyKey: 'k-INV-2161' })),
  );
  assert.ok(result.outcome === 'sent', JSON.stringify(result));
  const mail = await simpleParser(await mta.deliveredWithId(result.reference));
  assert.deepEqual(addressesOf(mail.to), ['rechnung@müller-kälte.example']);
});

for (const [name, trust] of [
  ['a certificate other than the server’s', { trustedCertificate: { file: 'stranger.pem' } }],
  ['no trusted certificate (the system’s authorities only)', { trustedCertificate: undefined }],
] as const) {
  test(`exim: the server's self-signed certificate against ${name} is a precondition failure, and nothing is sent`, async (t) => {
    const mta = exim(t);
    if (!mta) return;
    const before = arrivals(mta);
    const error = await channelFailure(
      withChannel(openChannel(mta, configFor(mta, {}, trust)), (channel) =>
        channel.send(delivery({ invoiceNumber: 'INV-2201', idempotencyKey: 'k-INV-2201' })),
      ),
    );
    assert.equal(error.kind, 'precondition', error.message);
    assert.match(error.message, /TLS certificate is not trusted.*smtp\.trustedCertificate/);
    assert.equal(arrivals(mta), before, mta.mainLog());
    assert.doesNotMatch(mta.mainLog(), /A=(plain|login)[^\n]*INV-2201/);
  });
}

test('exim: a wrong password is a precondition failure that says the login was refused and never shows the password', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const before = arrivals(mta);
  const error = await channelFailure(
    withChannel(openChannel(mta, configFor(mta, {}, { password: { env: WRONG_PASSWORD_VARIABLE } })), (channel) =>
      channel.send(delivery({ invoiceNumber: 'INV-2301', idempotencyKey: 'k-INV-2301' })),
    ),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(error.message, /refused the login: 535 Incorrect authentication data; check smtp\.username and smtp\.password/);
  assert.ok(!error.message.includes(WRONG_PASSWORD) && !error.message.includes(mta.password), error.message);
  assert.ok(!error.message.includes(Buffer.from(`\0${mta.username}\0${WRONG_PASSWORD}`).toString('base64')), error.message);
  assert.equal(arrivals(mta), before);
  // Exim logs the failure once the client has gone.
  await eventually(() => /plain authenticator failed .*535 Incorrect authentication data/.test(mta.mainLog()), mta.mainLog);
});

test('exim: a `to` address the server refuses for good (550 at RCPT TO) is a precondition failure naming the address and the server’s words', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const before = arrivals(mta);
  const error = await withChannel(openChannel(mta, configFor(mta, { to: REFUSED_ADDRESS, cc: ['audit@acme.example'] })), (channel) =>
    channelFailure(channel.send(delivery({ invoiceNumber: 'INV-2401', idempotencyKey: 'k-INV-2401' }))),
  );
  // Every invoice to that address would bounce alike: the profile's `to` is wrong, not this invoice.
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(
    error.message,
    /refused the recipient \(550 mailbox refused\); check `to` in the profile; the copy to audit@acme\.example went/,
  );
  assert.equal(arrivals(mta), before + 1, 'only the cc copy arrived');
  assert.match(mta.mainLog(), new RegExp(`rejected RCPT <${REFUSED_ADDRESS}>: mailbox refused`));
});

test('exim: a profile without a login against a server that relays only for logged-in senders (550 relay not permitted) is a precondition failure', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const before = arrivals(mta);
  const { username: _username, password: _password, ...anonymous } = configFor(mta).smtp as Record<string, unknown>;
  const error = await channelFailure(
    withChannel(openChannel(mta, { ...configFor(mta), smtp: anonymous }), (channel) =>
      channel.send(delivery({ invoiceNumber: 'INV-2451', idempotencyKey: 'k-INV-2451' })),
    ),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(error.message, /will not relay the message \(550 relay not permitted\); check smtp\.username and smtp\.password/);
  assert.equal(arrivals(mta), before);
});

test('exim: when one of two `to` addresses is refused the other receives the invoice, and the send counts as sent', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const logged: string[] = [];
  const channel = CHANNELS.get('email')!.open(configFor(mta, { to: [REFUSED_ADDRESS, 'ap@acme.example'], cc: [] }), {
    secret: secretReader(secrets, { [PASSWORD_VARIABLE]: mta.password }),
    timeoutMs: 10_000,
    log: (line) => logged.push(line),
  });
  const result = await withChannel(channel, (open) => open.send(delivery({ invoiceNumber: 'INV-2402', idempotencyKey: 'k-INV-2402' })));
  assert.ok(result.outcome === 'sent', JSON.stringify(result));
  const mail = await simpleParser(await mta.deliveredWithId(result.reference));
  assert.deepEqual(addressesOf(mail.to), [REFUSED_ADDRESS, 'ap@acme.example']);
  assert.match(logged.join('\n'), new RegExp(`refused ${REFUSED_ADDRESS} for INV-2402`));
});

test('exim: a `to` address the server defers (451 at RCPT TO, as greylisting does) is transient, also when a copy went to cc', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  for (const cc of [[], ['audit@acme.example']]) {
    const error = await channelFailure(
      withChannel(openChannel(mta, configFor(mta, { to: DEFERRED_ADDRESS, cc })), async (channel) => {
        const result = await channel.send(delivery({ invoiceNumber: 'INV-2501', idempotencyKey: `k-INV-2501-${cc.length}` }));
        assert.fail(`cc ${JSON.stringify(cc)}: ${JSON.stringify(result)}`);
      }),
    );
    assert.equal(error.kind, 'transient', `cc ${JSON.stringify(cc)}: ${error.message}`);
    assert.match(error.message, /451 greylisted, try again later/);
  }
});

test('exim: a sender the server refuses (550 at MAIL FROM) is a precondition failure naming `from`, and nothing arrives', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const before = arrivals(mta);
  const error = await channelFailure(
    withChannel(openChannel(mta, configFor(mta, { from: FORBIDDEN_SENDER })), (channel) =>
      channel.send(delivery({ invoiceNumber: 'INV-2551', idempotencyKey: 'k-INV-2551' })),
    ),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(error.message, /refused the sender impostor@supplier\.example: 550 sender not permitted for this login; check from/);
  assert.equal(arrivals(mta), before);
});

test('exim: a send after the server closed the idle connection (421 timeout) goes out on a new one', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const results = await withChannel(openChannel(mta, configFor(mta)), async (channel) => {
    const first = await channel.send(delivery({ invoiceNumber: 'INV-2561', idempotencyKey: 'k-INV-2561' }));
    // Exim hangs up on a client silent for IDLE_TIMEOUT_SECONDS (3 s here); the channel keeps its connection open between sends.
    await eventually(() => /SMTP command timeout on( TLS)? connection from/.test(mta.mainLog()), mta.mainLog);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await channel.send(delivery({ invoiceNumber: 'INV-2562', idempotencyKey: 'k-INV-2562' }));
    return [first, second];
  });
  for (const result of results) {
    assert.ok(result.outcome === 'sent', JSON.stringify(result));
    await mta.deliveredWithId(result.reference);
  }
  const ports = results.map((result) =>
    result.outcome === 'sent' ? / H=\S+ \[127\.0\.0\.1\]:(\d+)/.exec(receivedLine(mta, result.reference))?.[1] : undefined,
  );
  assert.notEqual(ports[0], ports[1], 'the second send came over a new connection');
});

test('exim: more invoices than the server takes over one connection all go out, the rest on a new connection', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const numbers = Array.from({ length: MESSAGES_PER_CONNECTION + 2 }, (_, index) => `INV-257${index}`);
  const results = await withChannel(openChannel(mta, configFor(mta)), async (channel) => {
    const sent = [];
    for (const invoiceNumber of numbers) sent.push(await channel.send(delivery({ invoiceNumber, idempotencyKey: `k-${invoiceNumber}` })));
    return sent;
  });
  for (const result of results) assert.ok(result.outcome === 'sent', JSON.stringify(result));
});

test('exim: a message over the server’s size limit (552 after DATA) is a rejection that says so, and nothing arrives', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const before = arrivals(mta);
  const big = new Uint8Array(MESSAGE_SIZE_LIMIT).map((_, index) => index % 251);
  const sent = delivery({
    invoiceNumber: 'INV-2601',
    idempotencyKey: 'k-INV-2601',
    attachments: [{ fileName: 'scans.pdf', mediaType: 'application/pdf', content: big }],
  });
  const result = await withChannel(openChannel(mta, configFor(mta)), (channel) => channel.send(sent));
  assert.equal(result.outcome, 'rejected', JSON.stringify(result));
  assert.ok(result.outcome === 'rejected');
  assert.equal(result.code, '552');
  assert.match(result.text, /size/i);
  assert.equal(arrivals(mta), before);
});

test('exim: a server that is down (nothing listening on its port) is transient', async (t) => {
  const mta = exim(t);
  if (!mta) return;
  const port = await freePort();
  const error = await channelFailure(
    withChannel(openChannel(mta, configFor(mta, {}, { port })), (channel) => channel.send(delivery({ invoiceNumber: 'INV-2701' }))),
  );
  assert.equal(error.kind, 'transient', error.message);
  assert.match(error.message, /ECONNREFUSED/);
});

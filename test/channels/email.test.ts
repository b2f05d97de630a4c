import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { CHANNELS, secretReader, type OpenChannel } from '../../src/channels/index.js';
import { startSmtpSandbox, type SmtpSandbox } from '../../src/sandbox/smtp-server.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';
import { channelFailure, channelSuite, delivery, type ChannelHarness } from './channel-suite.js';

/** The e-mail channel against the sandbox's SMTP server (STARTTLS with a certificate made at start, one user). */

const PASSWORD_VARIABLE = 'FIRSTPASS_TEST_SMTP_PASSWORD';

interface EmailFixture {
  readonly sandbox: SmtpSandbox;
  readonly config: Record<string, unknown>;
  readonly environment: Record<string, string>;
}

async function startFixture(options: { starttls?: boolean; folder?: string } = {}): Promise<EmailFixture> {
  const sandbox = await startSmtpSandbox({
    starttls: options.starttls ?? true,
    ...(options.folder === undefined ? {} : { folder: options.folder }),
  });
  const smtp: Record<string, unknown> = {
    host: sandbox.host,
    port: sandbox.port,
    username: sandbox.username,
    password: { env: PASSWORD_VARIABLE },
  };
  if (sandbox.certificate !== undefined) {
    const certificate = join(mkdtempSync(join(tmpdir(), 'firstpass-smtp-')), 'sandbox-smtp.pem');
    writeFileSync(certificate, sandbox.certificate);
    smtp.trustedCertificate = { file: certificate };
  }
  const config = {
    type: 'email',
    from: 'billing@supplier.example',
    to: 'ap@acme.example',
    cc: ['audit@acme.example'],
    subject: 'Invoice {{invoiceNumber}} for {{customerId}}',
    smtp,
  };
  return { sandbox, config, environment: { [PASSWORD_VARIABLE]: sandbox.password } };
}

async function parsed(sandbox: SmtpSandbox, reference: string): Promise<ParsedMail> {
  const mail = sandbox.byMessageId(reference);
  assert.ok(
    mail,
    `no message with Message-ID ${reference} arrived (arrived: ${sandbox.messages.map((message) => message.messageId).join(', ')})`,
  );
  return simpleParser(mail.raw);
}

const harness: ChannelHarness = {
  type: 'email',
  async start() {
    const { sandbox, config, environment } = await startFixture();
    return {
      config,
      // The wrong password is read like the right one: a value the server refuses, not a missing variable.
      environment: { ...environment, FIRSTPASS_TEST_SMTP_WRONG: 'not-the-password' },
      badCredentials: { ...config, smtp: { ...(config.smtp as object), password: { env: 'FIRSTPASS_TEST_SMTP_WRONG' } } },
      async received(reference) {
        const mail = await parsed(sandbox, reference);
        return mail.attachments.map((attachment) => ({ fileName: attachment.filename ?? '', content: new Uint8Array(attachment.content) }));
      },
      rejectNext: () => sandbox.refuseNext(),
      failNextTransiently: () => sandbox.deferNext(),
      stop: () => sandbox.stop(),
    };
  },
};

channelSuite(harness);

describe('email channel', () => {
  let fixture: EmailFixture;
  const definition = CHANNELS.get('email');
  const open = (config: Record<string, unknown> = fixture.config, timeoutMs = 5_000): OpenChannel => {
    assert.ok(definition, 'no email channel in the registry');
    return definition.open(config, { secret: secretReader('/nonexistent', fixture.environment), timeoutMs });
  };
  const failure = channelFailure;

  before(async () => {
    fixture = await startFixture();
  });
  after(async () => {
    await fixture?.sandbox.stop();
  });

  test('the message carries the document and attachments byte for byte with their names and media types, the templated subject, and the reference as its Message-ID, over STARTTLS', async () => {
    const channel = open();
    try {
      const sent = delivery({
        attachments: [
          ...delivery().attachments,
          { fileName: 'notes.txt', mediaType: 'text/plain', content: new TextEncoder().encode('line one\nline two\r\nno end') },
        ],
      });
      const result = await channel.send(sent);
      assert.ok(result.outcome === 'sent', JSON.stringify(result));
      assert.equal(result.receipt?.code, '250');
      const mail = await parsed(fixture.sandbox, result.reference);
      assert.equal(mail.messageId, result.reference);
      assert.equal(mail.subject, 'Invoice INV-1001 for acme');
      assert.equal(mail.from?.text, 'billing@supplier.example');
      assert.deepEqual(
        [...(Array.isArray(mail.to) ? mail.to : [mail.to])].flatMap((to) => to?.value.map((address) => address.address)),
        ['ap@acme.example'],
      );
      assert.deepEqual(
        [...(Array.isArray(mail.cc) ? mail.cc : [mail.cc])].flatMap((cc) => cc?.value.map((address) => address.address)),
        ['audit@acme.example'],
      );
      assert.match(mail.text ?? '', /INV-1001/);
      const files = [sent.document, ...sent.attachments];
      assert.equal(mail.attachments.length, files.length);
      for (const [index, file] of files.entries()) {
        const attachment = mail.attachments[index];
        assert.ok(attachment);
        assert.equal(attachment.filename, file.fileName);
        assert.equal(attachment.contentType, file.mediaType);
        assert.ok(attachment.content.equals(Buffer.from(file.content)), `${file.fileName} changed on the way`);
      }
      const received = fixture.sandbox.byMessageId(result.reference);
      assert.equal(received?.secure, true, 'the session was not upgraded with STARTTLS');
      assert.equal(received?.user, fixture.sandbox.username);
      assert.deepEqual(received?.recipients, ['ap@acme.example', 'audit@acme.example']);
    } finally {
      await channel.close();
    }
  });

  test('the same delivery sent twice carries the same Message-ID; another version another one', async () => {
    const first = open();
    const second = open();
    try {
      const once = await first.send(delivery({ idempotencyKey: 'k-INV-7001-v1', invoiceNumber: 'INV-7001' }));
      const again = await second.send(delivery({ idempotencyKey: 'k-INV-7001-v1', invoiceNumber: 'INV-7001' }));
      const next = await second.send(delivery({ idempotencyKey: 'k-INV-7001-v2', invoiceNumber: 'INV-7001' }));
      assert.ok(once.outcome === 'sent' && again.outcome === 'sent' && next.outcome === 'sent');
      assert.equal(again.reference, once.reference);
      assert.notEqual(next.reference, once.reference);
      assert.match(once.reference, /^<[^@<>\s]+@supplier\.example>$/);
      assert.equal(fixture.sandbox.messages.filter((mail) => mail.messageId === once.reference).length, 2);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('one open channel keeps one connection for its sends', async () => {
    const before = fixture.sandbox.connections();
    const channel = open();
    try {
      for (const number of ['INV-7101', 'INV-7102', 'INV-7103'])
        assert.equal((await channel.send(delivery({ invoiceNumber: number, idempotencyKey: `k-${number}` }))).outcome, 'sent');
    } finally {
      await channel.close();
    }
    assert.equal(fixture.sandbox.connections() - before, 1);
  });

  test('a server certificate that is not trusted is a precondition failure, and nothing is sent', async () => {
    const { trustedCertificate: _trusted, ...smtp } = fixture.config.smtp as Record<string, unknown>;
    const count = fixture.sandbox.messages.length;
    const channel = open({ ...fixture.config, smtp });
    try {
      const error = await failure(channel.send(delivery({ invoiceNumber: 'INV-7201', idempotencyKey: 'k-INV-7201' })));
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /certificate/);
      assert.ok(!error.message.includes(fixture.sandbox.password));
    } finally {
      await channel.close();
    }
    assert.equal(fixture.sandbox.messages.length, count);
  });

  test('a `to` address refused at RCPT TO is a precondition failure naming it: every invoice to it would bounce', async () => {
    const channel = open();
    try {
      fixture.sandbox.refuseNext({ code: 550, text: 'no such mailbox', at: 'rcpt' });
      const error = await failure(channel.send(delivery({ invoiceNumber: 'INV-7401', idempotencyKey: 'k-INV-7401' })));
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /refused the recipient \(550 no such mailbox\); check `to` in the profile/);
    } finally {
      await channel.close();
    }
  });

  test('a refusal after DATA is a rejected result with the server code and text', async () => {
    const channel = open();
    try {
      const { text } = fixture.sandbox.refuseNext({ code: 554, text: 'invoice refused: duplicate', at: 'data' });
      const result = await channel.send(delivery({ invoiceNumber: 'INV-7301', idempotencyKey: 'k-INV-7301' }));
      assert.deepEqual(result, { outcome: 'rejected', code: '554', text, source: 'smtp' });
      assert.equal((await channel.send(delivery({ invoiceNumber: 'INV-7302', idempotencyKey: 'k-INV-7302' }))).outcome, 'sent');
    } finally {
      await channel.close();
    }
  });

  test('a connection lost after the whole message was sent, before the reply, is unknown', async () => {
    const channel = open();
    try {
      fixture.sandbox.dropNextAfterData();
      const error = await failure(channel.send(delivery({ invoiceNumber: 'INV-7401', idempotencyKey: 'k-INV-7401' })));
      assert.equal(error.kind, 'unknown', error.message);
      // The channel opens a fresh connection for what comes next.
      assert.equal((await channel.send(delivery({ invoiceNumber: 'INV-7402', idempotencyKey: 'k-INV-7402' }))).outcome, 'sent');
    } finally {
      await channel.close();
    }
  });

  test('a subject placeholder the channel does not know is a precondition failure, before anything is sent', async () => {
    const channel = open({ ...fixture.config, subject: 'Invoice {{poNumber}}' });
    const count = fixture.sandbox.connections();
    try {
      const error = await failure(channel.send(delivery()));
      assert.equal(error.kind, 'precondition');
      assert.match(error.message, /\{\{poNumber\}\} is not one of \{\{invoiceNumber\}\}, \{\{customerId\}\}/);
    } finally {
      await channel.close();
    }
    assert.equal(fixture.sandbox.connections(), count);
  });

  test('plain SMTP is used to a loopback server that offers no STARTTLS; the sandbox keeps the message in its folder', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'firstpass-mailbox-')), 'inbox');
    const plain = await startFixture({ starttls: false, folder });
    const channel = definition!.open(plain.config, { secret: secretReader('/nonexistent', plain.environment), timeoutMs: 5_000 });
    try {
      const result = await channel.send(delivery());
      assert.ok(result.outcome === 'sent');
      const received = plain.sandbox.byMessageId(result.reference);
      assert.equal(received?.secure, false);
      assert.ok(readFileSync(join(folder, '000001.eml')).equals(received.raw));
    } finally {
      await channel.close();
      await plain.sandbox.stop();
    }
  });

  test('plain SMTP to a host not named as loopback is refused as a precondition, and nothing is sent', async () => {
    const plain = await startFixture({ starttls: false });
    // 127.1 reaches the sandbox through the resolver, but only localhost, 127.x.y.z and ::1 count as loopback: anything else must upgrade to TLS.
    const config = { ...plain.config, smtp: { ...(plain.config.smtp as object), host: '127.1' } };
    const channel = definition!.open(config, { secret: secretReader('/nonexistent', plain.environment), timeoutMs: 5_000 });
    try {
      const error = await failure(channel.send(delivery()));
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /did not upgrade to TLS/);
      assert.equal(plain.sandbox.messages.length, 0);
    } finally {
      await channel.close();
      await plain.sandbox.stop();
    }
  });

  test('profiles lint refuses an e-mail subject with an unknown placeholder, and an EHLO name that is not one, at its place', () => {
    const profile = (subject: string, heloName?: string) => ({
      id: 'acme',
      name: 'Acme',
      currencies: ['USD'],
      format: { type: 'pdf' },
      rules: { 'po-required': true },
      channel: {
        type: 'email',
        from: 'billing@supplier.example',
        to: 'ap@acme.example',
        subject,
        smtp: {
          host: 'smtp.acme.example',
          port: 587,
          username: 'billing',
          password: { env: 'SMTP_PASSWORD' },
          ...(heloName === undefined ? {} : { heloName }),
        },
      },
    });
    const good = firstpass(['profiles', 'lint', tempFolder({ 'acme.json': profile('Invoice {{invoiceNumber}} ({{customerId}})') })]);
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const bad = firstpass(['profiles', 'lint', tempFolder({ 'acme.json': profile('Invoice {{poNumber}}') })]);
    assert.equal(bad.status, 2, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /acme\.json:\d+:\d+: \/channel\/subject .*\{\{invoiceNumber\}\} and \{\{customerId\}\}/);
    for (const name of ['mail.supplier.example', '[192.0.2.10]'])
      assert.equal(
        firstpass(['profiles', 'lint', tempFolder({ 'acme.json': profile('Invoice {{invoiceNumber}}', name) })]).status,
        0,
        name,
      );
    const helo = firstpass(['profiles', 'lint', tempFolder({ 'acme.json': profile('Invoice {{invoiceNumber}}', 'billing pc') })]);
    assert.equal(helo.status, 2, helo.stdout + helo.stderr);
    assert.match(helo.stdout, /acme\.json:\d+:\d+: \/channel\/smtp\/heloName .*a DNS name with a domain/);
  });
});

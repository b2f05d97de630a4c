import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { CHANNELS, ChannelError, secretReader, type Delivery, type DeliveryFile, type OpenChannel } from '../../src/channels/index.js';

/**
 * The one test suite every channel passes, against a real server on loopback (the sandbox's).
 * A channel's test file gives a harness and calls channelSuite(harness); what only one channel
 * does (a host key pin, a remote path) is tested beside it, in that file.
 */

export interface ReceivedFile {
  readonly fileName: string;
  readonly content: Uint8Array;
}

export interface HarnessServer {
  /** The profile's `channel` section pointing at this server, with working credentials. */
  readonly config: Record<string, unknown>;
  /** The environment the config's `{ env }` secrets are read from. */
  readonly environment: Record<string, string>;
  /** The same section with a wrong password or key (the server refuses it). */
  readonly badCredentials: Record<string, unknown>;
  /** The documents and attachments that arrived for a send, found by the reference the channel returned. */
  received(reference: string): Promise<ReceivedFile[]>;
  /** The recipient refuses the next send (where a channel can be refused at send time); returns the code and text it will use. */
  rejectNext?(): { code: string; text: string };
  /** The next send meets a temporary failure (a 4xx SMTP reply, an HTTP 503, a dropped connection before any byte). */
  failNextTransiently(): void;
  stop(): Promise<void>;
}

export interface ChannelHarness {
  readonly type: string;
  start(): Promise<HarnessServer>;
  /** The document this channel carries for an invoice, where it must be of one kind (a cXML portal's InvoiceDetailRequest). */
  readonly document?: (invoiceNumber: string) => DeliveryFile;
}

export function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    idempotencyKey: 'k-INV-1001-v1',
    invoiceNumber: 'INV-1001',
    customerId: 'acme',
    document: {
      fileName: 'INV-1001.ubl.xml',
      mediaType: 'application/xml',
      content: new TextEncoder().encode('<Invoice>INV-1001 é</Invoice>\n'),
    },
    attachments: [
      {
        fileName: 'timesheet.pdf',
        mediaType: 'application/pdf',
        content: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x0a]),
      },
    ],
    testMode: false,
    ...overrides,
  };
}

/** Invoice numbers and file names that try to leave the folder or the line: each must end as a plain name in it. */
export const HOSTILE_NAMES = ['../../etc/passwd', 'a/b', '..', '.', '..\\..\\x', 'ctl\u0000\n\u001b[2J', '/abs'] as const;

/** Sends one delivery per hostile name (the document and an attachment named after it) and gives back the references. */
export async function sendHostileNames(channel: OpenChannel): Promise<string[]> {
  const references: string[] = [];
  for (const [index, hostile] of HOSTILE_NAMES.entries()) {
    const result = await channel.send(
      delivery({
        invoiceNumber: hostile,
        idempotencyKey: `k-hostile-${index}`,
        document: { fileName: hostile, mediaType: 'application/xml', content: new TextEncoder().encode(`<Invoice>${index}</Invoice>`) },
        attachments: [{ fileName: `../../${hostile}`, mediaType: 'application/pdf', content: new Uint8Array([index]) }],
      }),
    );
    assert.equal(result.outcome, 'sent');
    if (result.outcome === 'sent') references.push(result.reference);
  }
  return references;
}

/** A port on loopback that accepts connections and never says a word: a hung server. */
async function silentServer(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** A port on loopback nobody listens on. */
async function closedPort(): Promise<number> {
  const { port, server } = await silentServer();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The ChannelError a send fails with; the test fails when it fails otherwise or not at all. */
export async function channelFailure(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChannelError, `expected a ChannelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the send to fail');
}

export function channelSuite(harness: ChannelHarness): void {
  const definition = CHANNELS.get(harness.type);
  let server: HarnessServer;
  const open = (config: Record<string, unknown>, timeoutMs = 5_000): OpenChannel => {
    assert.ok(definition, `no channel "${harness.type}" in the registry`);
    return definition.open(config, { secret: secretReader('/nonexistent', server.environment), timeoutMs });
  };
  const failure = channelFailure;
  // The suite's deliveries, with the harness's own kind of document where it names one.
  const sample = (overrides: Partial<Delivery> = {}): Delivery =>
    harness.document ? delivery({ ...overrides, document: harness.document(overrides.invoiceNumber ?? 'INV-1001') }) : delivery(overrides);
  const secretValues = () => Object.values(server.environment).filter((value) => value.length >= 4);

  before(async () => {
    server = await harness.start();
  });
  after(async () => {
    await server?.stop();
  });

  test(`${harness.type}: a document and its attachments arrive byte for byte, and the send names the recipient's reference`, async () => {
    const channel = open(server.config);
    try {
      const sent = sample();
      const result = await channel.send(sent);
      assert.equal(result.outcome, 'sent');
      assert.ok(result.outcome === 'sent' && result.reference.length > 0);
      const files = await server.received(result.outcome === 'sent' ? result.reference : '');
      for (const file of [sent.document, ...sent.attachments]) {
        const arrived = files.find((candidate) => Buffer.from(candidate.content).equals(Buffer.from(file.content)));
        assert.ok(arrived, `${file.fileName} did not arrive as sent (arrived: ${files.map((candidate) => candidate.fileName).join(', ')})`);
      }
    } finally {
      await channel.close();
    }
  });

  test(`${harness.type}: one open channel carries several sends one after the other`, async () => {
    const channel = open(server.config);
    try {
      const results = [];
      for (const number of ['INV-2001', 'INV-2002', 'INV-2003']) {
        results.push(
          await channel.send(
            sample({
              invoiceNumber: number,
              idempotencyKey: `k-${number}`,
              document: {
                fileName: `${number}.xml`,
                mediaType: 'application/xml',
                content: new TextEncoder().encode(`<Invoice>${number}</Invoice>`),
              },
            }),
          ),
        );
      }
      const references = results.map((result) => (result.outcome === 'sent' ? result.reference : ''));
      assert.equal(new Set(references).size, 3, `three distinct references: ${references.join(', ')}`);
    } finally {
      await channel.close();
    }
  });

  test(`${harness.type}: a temporary failure is a transient ChannelError, and the next send goes through`, async () => {
    const channel = open(server.config);
    try {
      server.failNextTransiently();
      const error = await failure(channel.send(sample({ invoiceNumber: 'INV-3001', idempotencyKey: 'k-INV-3001' })));
      assert.equal(error.kind, 'transient', error.message);
      const retried = await channel.send(sample({ invoiceNumber: 'INV-3001', idempotencyKey: 'k-INV-3001' }));
      assert.equal(retried.outcome, 'sent');
    } finally {
      await channel.close();
    }
  });

  test(`${harness.type}: wrong credentials are a precondition failure whose message shows no secret`, async () => {
    const channel = open(server.badCredentials);
    try {
      const error = await failure(channel.send(sample({ invoiceNumber: 'INV-4001', idempotencyKey: 'k-INV-4001' })));
      assert.equal(error.kind, 'precondition', error.message);
      for (const secret of secretValues())
        assert.ok(!error.message.includes(secret) && !String(error.stack).includes(secret), 'a secret reached the message');
    } finally {
      await channel.close();
    }
  });

  test(`${harness.type}: a secret that is not set is a precondition failure naming the variable`, async () => {
    assert.ok(definition);
    const channel = definition.open(server.config, { secret: secretReader('/nonexistent', {}), timeoutMs: 5_000 });
    try {
      const error = await failure(channel.send(sample({ invoiceNumber: 'INV-4002', idempotencyKey: 'k-INV-4002' })));
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /environment variable \w+ is not set|no secret/);
    } finally {
      await channel.close();
    }
  });

  test(`${harness.type}: a server that is not there is transient; one that never answers times out as transient`, async () => {
    const down = open({ ...server.config, ...portOverride(server.config, await closedPort()) });
    try {
      assert.equal((await failure(down.send(sample({ invoiceNumber: 'INV-5001', idempotencyKey: 'k-INV-5001' })))).kind, 'transient');
    } finally {
      await down.close();
    }
    const silent = await silentServer();
    const hung = open({ ...server.config, ...portOverride(server.config, silent.port) }, 500);
    try {
      const started = Date.now();
      const error = await failure(hung.send(sample({ invoiceNumber: 'INV-5002', idempotencyKey: 'k-INV-5002' })));
      assert.equal(error.kind, 'transient', error.message);
      assert.ok(Date.now() - started < 5_000, 'the timeout was not honoured');
    } finally {
      await hung.close();
      silent.server.close();
    }
  });

  test(`${harness.type}: a refusal by the recipient is a result with its code and text, not a fault`, async (t) => {
    if (!server.rejectNext) {
      t.skip(`${harness.type} cannot be refused at send time: its refusals come back as acknowledgments`);
      return;
    }
    const channel = open(server.config);
    try {
      const { code, text } = server.rejectNext();
      const result = await channel.send(sample({ invoiceNumber: 'INV-6001', idempotencyKey: 'k-INV-6001' }));
      assert.equal(result.outcome, 'rejected', JSON.stringify(result));
      assert.ok(result.outcome === 'rejected');
      assert.ok(result.code.startsWith(code), `code ${result.code}, expected ${code}`);
      assert.ok(result.text.includes(text), `text ${result.text}, expected it to say ${text}`);
      assert.ok(result.source.length > 0);
    } finally {
      await channel.close();
    }
  });
}

/** The channel section's port (or URL's port) moved to another port on loopback. */
function portOverride(config: Record<string, unknown>, port: number): Record<string, unknown> {
  if (typeof config.url === 'string') {
    const url = new URL(config.url);
    url.port = String(port);
    return { url: url.toString() };
  }
  if (typeof config.smtp === 'object' && config.smtp !== null) return { smtp: { ...(config.smtp as object), port } };
  return { port };
}

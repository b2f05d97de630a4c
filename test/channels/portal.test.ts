import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CHANNELS, secretReader, type DeliveryFile, type OpenChannel } from '../../src/channels/index.js';
import { startPortalSandbox, type PortalSandbox } from '../../src/sandbox/portal-server.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';
import { channelFailure, channelSuite, delivery, type ChannelHarness, type HarnessServer } from './channel-suite.js';

/** The portal channel against the sandbox's HTTP portal, in both flavours: cXML (SharedSecret) and REST (bearer, basic, api-key). */

const SECRET_VARIABLE = 'FIRSTPASS_TEST_PORTAL_SECRET';
const WRONG_VARIABLE = 'FIRSTPASS_TEST_PORTAL_WRONG';

/** A cXML InvoiceDetailRequest as the renderer writes it: a Sender Credential without a SharedSecret. */
function cxmlDocument(invoiceNumber: string): DeliveryFile {
  const text = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.069/InvoiceDetail.dtd">
<cXML payloadID="20260105120000.${invoiceNumber}@supplier.example" timestamp="2026-01-05T12:00:00+00:00" xml:lang="en-US">
  <Header>
    <From><Credential domain="NetworkID"><Identity>SUPPLIER</Identity></Credential></From>
    <To><Credential domain="NetworkID"><Identity>ACME</Identity></Credential></To>
    <Sender><Credential domain="NetworkID"><Identity>SUPPLIER</Identity></Credential><UserAgent>firstpass</UserAgent></Sender>
  </Header>
  <Request><InvoiceDetailRequest><InvoiceDetailRequestHeader invoiceID="${invoiceNumber}" purpose="standard" operation="new" invoiceDate="2026-01-05T12:00:00+00:00"><Comments>Café &amp; co</Comments></InvoiceDetailRequestHeader></InvoiceDetailRequest></Request>
</cXML>
`;
  return { fileName: `${invoiceNumber}.cxml.xml`, mediaType: 'text/xml', content: new TextEncoder().encode(text) };
}

function cxmlConfig(sandbox: PortalSandbox): Record<string, unknown> {
  return { type: 'portal', flavor: 'cxml', url: sandbox.cxmlUrl, auth: { type: 'shared-secret', sharedSecret: { env: SECRET_VARIABLE } } };
}

function restConfig(sandbox: PortalSandbox, auth: Record<string, unknown> = { type: 'bearer', token: { env: SECRET_VARIABLE } }) {
  return { type: 'portal', flavor: 'rest', url: sandbox.restUrl, auth };
}

function harnessFor(flavor: 'cxml' | 'rest'): ChannelHarness {
  return {
    type: 'portal',
    ...(flavor === 'cxml' ? { document: cxmlDocument } : {}),
    async start(): Promise<HarnessServer> {
      const sandbox = await startPortalSandbox();
      const config = flavor === 'cxml' ? cxmlConfig(sandbox) : restConfig(sandbox);
      const auth = config.auth as Record<string, unknown>;
      const secretField = flavor === 'cxml' ? 'sharedSecret' : 'token';
      return {
        config,
        environment: { [SECRET_VARIABLE]: flavor === 'cxml' ? sandbox.sharedSecret : sandbox.token, [WRONG_VARIABLE]: 'not-the-secret' },
        badCredentials: { ...config, auth: { ...auth, [secretField]: { env: WRONG_VARIABLE } } },
        async received(reference) {
          const request = sandbox.byReference(reference);
          assert.ok(request, `nothing arrived as ${reference}`);
          return request.parts.map((part) => ({ fileName: part.fileName, content: new Uint8Array(part.content) }));
        },
        rejectNext: () => sandbox.rejectNext(flavor === 'cxml' ? { code: 406, text: 'the invoice number was already used' } : {}),
        failNextTransiently: () => sandbox.failNextTransiently(),
        stop: () => sandbox.stop(),
      };
    },
  };
}

describe('portal channel, cxml flavour: the shared suite', () => channelSuite(harnessFor('cxml')));
describe('portal channel, rest flavour: the shared suite', () => channelSuite(harnessFor('rest')));

describe('portal channel', () => {
  let sandbox: PortalSandbox;
  const definition = CHANNELS.get('portal');
  const environment = () => ({
    [SECRET_VARIABLE]: sandbox.sharedSecret,
    FIRSTPASS_TEST_PORTAL_TOKEN: sandbox.token,
    FIRSTPASS_TEST_PORTAL_PASSWORD: sandbox.password,
    FIRSTPASS_TEST_PORTAL_KEY: sandbox.apiKey,
    [WRONG_VARIABLE]: 'not-the-secret',
  });
  const secrets = () => [sandbox.sharedSecret, sandbox.token, sandbox.password, sandbox.apiKey];
  const open = (config: Record<string, unknown>, timeoutMs = 5_000): OpenChannel => {
    assert.ok(definition, 'no portal channel in the registry');
    return definition.open(config, { secret: secretReader('/nonexistent', environment()), timeoutMs });
  };
  const withChannel = async <T>(config: Record<string, unknown>, use: (channel: OpenChannel) => Promise<T>, timeoutMs?: number) => {
    const channel = open(config, timeoutMs);
    try {
      return await use(channel);
    } finally {
      await channel.close();
    }
  };
  const noSecretIn = (text: string) => {
    for (const secret of secrets()) assert.ok(!text.includes(secret), `a secret reached: ${text}`);
  };
  const bearer = { type: 'bearer', token: { env: 'FIRSTPASS_TEST_PORTAL_TOKEN' } };

  before(async () => {
    sandbox = await startPortalSandbox();
  });
  after(async () => {
    await sandbox?.stop();
  });

  test('a send after the portal closed an idle connection goes on a new one: sent, not lost on the old socket', async () => {
    // A portal that closes connections idle for 3 s (Keep-Alive: timeout=3) and whose close crosses a request
    // that comes later on the same connection: it drops that request unanswered, as a real close racing a send does.
    const lastAnswered = new WeakMap<object, number>();
    let answered = 0;
    const server = createServer((request, response) => {
      const idleSince = lastAnswered.get(request.socket);
      if (idleSince !== undefined && Date.now() - idleSince >= 2_500) {
        request.socket.destroy();
        return;
      }
      request.resume();
      request.on('end', () => {
        answered += 1;
        response.writeHead(201, { 'content-type': 'application/json', 'keep-alive': 'timeout=3' });
        response.end(JSON.stringify({ id: `P-${answered}` }), () => lastAnswered.set(request.socket, Date.now()));
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const config = { type: 'portal', flavor: 'rest', url: `http://127.0.0.1:${port}/invoices`, auth: bearer };
      const outcomes = await withChannel(config, async (channel) => {
        const first = await channel.send(delivery({ invoiceNumber: 'INV-8101', idempotencyKey: 'k-INV-8101', attachments: [] }));
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const second = await channel.send(delivery({ invoiceNumber: 'INV-8102', idempotencyKey: 'k-INV-8102', attachments: [] }));
        return [first.outcome, second.outcome];
      });
      assert.deepEqual(outcomes, ['sent', 'sent']);
      assert.equal(answered, 2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('cxml: the document arrives with only the SharedSecret added to the Sender Credential, as text/xml with the Idempotency-Key; the reference is its payloadID', async () => {
    const document = cxmlDocument('INV-8001');
    const result = await withChannel(cxmlConfig(sandbox), (channel) =>
      channel.send(delivery({ invoiceNumber: 'INV-8001', idempotencyKey: 'k-INV-8001-v1', document, attachments: [] })),
    );
    assert.deepEqual(result, {
      outcome: 'sent',
      reference: '20260105120000.INV-8001@supplier.example',
      receipt: { code: '200', text: 'OK' },
    });
    const received = sandbox.byReference(result.outcome === 'sent' ? result.reference : '');
    assert.ok(received);
    assert.ok(received.parts[0]?.content.equals(Buffer.from(document.content)), 'the document changed beyond its SharedSecret');
    assert.equal(received.headers['idempotency-key'], 'k-INV-8001-v1');
    assert.match(received.headers['content-type'] ?? '', /^text\/xml/);
    noSecretIn(JSON.stringify(received.headers));
  });

  test('cxml: a document without a Sender Credential is a precondition failure, and nothing is sent', async () => {
    const count = sandbox.requests.length;
    const document = { ...cxmlDocument('INV-8002'), content: new TextEncoder().encode('<cXML payloadID="x"><Header/></cXML>') };
    const error = await withChannel(cxmlConfig(sandbox), (channel) => channelFailure(channel.send(delivery({ document }))));
    assert.equal(error.kind, 'precondition');
    assert.match(error.message, /<Sender>/);
    assert.equal(sandbox.requests.length, count);
  });

  for (const code of [400, 406, 409, 417, 475]) {
    test(`cxml: a cXML Status ${code} is a rejection with the portal's code and text`, async () => {
      const { text } = sandbox.rejectNext({ code, text: `refused with ${code}` });
      const result = await withChannel(cxmlConfig(sandbox), (channel) =>
        channel.send(delivery({ invoiceNumber: 'INV-8100', idempotencyKey: `k-${code}`, document: cxmlDocument('INV-8100') })),
      );
      assert.deepEqual(result, { outcome: 'rejected', code: String(code), text, source: 'portal:cxml' });
    });
  }

  for (const code of [400, 409, 422]) {
    test(`rest: an HTTP ${code} is a rejection with the body's reason`, async () => {
      const { text } = sandbox.rejectNext({ code, text: `the portal says no (${code})` });
      const result = await withChannel(restConfig(sandbox, bearer), (channel) =>
        channel.send(delivery({ idempotencyKey: `k-rest-${code}` })),
      );
      assert.deepEqual(result, { outcome: 'rejected', code: String(code), text, source: 'portal:rest' });
    });
  }

  test('rest: the document and attachments arrive with the Idempotency-Key; the reference is the portal id', async () => {
    const sent = delivery({ idempotencyKey: 'k-INV-8201-v1', invoiceNumber: 'INV-8201' });
    const result = await withChannel(restConfig(sandbox, bearer), (channel) => channel.send(sent));
    assert.ok(result.outcome === 'sent');
    assert.match(result.reference, /^PT-\d{6}$/);
    const received = sandbox.byReference(result.reference);
    assert.equal(received?.headers['idempotency-key'], 'k-INV-8201-v1');
    assert.deepEqual(
      received?.parts.map((part) => [part.fileName, part.mediaType]),
      [sent.document, ...sent.attachments].map((file) => [file.fileName, file.mediaType]),
    );
    assert.equal(received?.headers.authorization, undefined, 'the sandbox kept a credential');
  });

  test('rest: basic and api-key authentication work; a wrong api key is a precondition failure without the key in it', async () => {
    const basic = { type: 'basic', username: sandbox.username, password: { env: 'FIRSTPASS_TEST_PORTAL_PASSWORD' } };
    const apiKey = { type: 'api-key', header: 'X-API-Key', apiKey: { env: 'FIRSTPASS_TEST_PORTAL_KEY' } };
    for (const auth of [basic, apiKey]) {
      const result = await withChannel(restConfig(sandbox, auth), (channel) =>
        channel.send(delivery({ idempotencyKey: `k-${auth.type}` })),
      );
      assert.equal(result.outcome, 'sent', `${auth.type}: ${JSON.stringify(result)}`);
    }
    const error = await withChannel(restConfig(sandbox, { ...apiKey, apiKey: { env: WRONG_VARIABLE } }), (channel) =>
      channelFailure(channel.send(delivery())),
    );
    assert.equal(error.kind, 'precondition');
    assert.match(error.message, /403/);
    noSecretIn(`${error.message}\n${error.stack}`);
    assert.ok(!error.message.includes('not-the-secret'));
  });

  for (const [label, header, expected] of [
    ['seconds', '120', (ms: number) => ms === 120_000],
    ['an HTTP date', new Date(Date.now() + 90_000).toUTCString(), (ms: number) => ms > 80_000 && ms <= 90_000],
  ] as const) {
    test(`a 503 with Retry-After in ${label} is transient with retryAfterMs`, async () => {
      for (const config of [cxmlConfig(sandbox), restConfig(sandbox, bearer)]) {
        sandbox.failNextTransiently({ retryAfter: header });
        const error = await withChannel(config, (channel) =>
          channelFailure(channel.send(delivery({ document: cxmlDocument('INV-8301'), idempotencyKey: 'k-INV-8301' }))),
        );
        assert.equal(error.kind, 'transient', error.message);
        assert.ok(error.retryAfterMs !== undefined && expected(error.retryAfterMs), `retryAfterMs ${error.retryAfterMs}`);
      }
    });
  }

  test('plain http to a host that is not loopback is refused as a precondition before anything is sent', async () => {
    for (const url of ['http://portal.acme.example/invoices', 'http://10.0.0.5:8080/cxml', 'ftp://127.0.0.1/x']) {
      const error = await withChannel({ ...restConfig(sandbox, bearer), url }, (channel) => channelFailure(channel.send(delivery())));
      assert.equal(error.kind, 'precondition', url);
      assert.match(error.message, /plain http is used only to a loopback host|is not http or https/);
    }
  });

  test('testMode posts to testUrl when the profile names one, and to url otherwise', async () => {
    const config = { ...restConfig(sandbox, bearer), testUrl: `${sandbox.baseUrl}/rest/test/invoices` };
    const test = await withChannel(config, (channel) => channel.send(delivery({ testMode: true, idempotencyKey: 'k-test' })));
    const live = await withChannel(config, (channel) => channel.send(delivery({ testMode: false, idempotencyKey: 'k-live' })));
    assert.ok(test.outcome === 'sent' && live.outcome === 'sent');
    assert.equal(sandbox.byReference(test.reference)?.path, '/rest/test/invoices');
    assert.equal(sandbox.byReference(live.reference)?.path, '/rest/invoices');
  });

  test('a connection cut after the whole body was sent is unknown; a portal that never answers times out as transient', async () => {
    sandbox.dropNextAfterBody();
    const cut = await withChannel(restConfig(sandbox, bearer), (channel) => channelFailure(channel.send(delivery())));
    assert.equal(cut.kind, 'unknown', cut.message);
    sandbox.hang();
    const hung = await withChannel(restConfig(sandbox, bearer), (channel) => channelFailure(channel.send(delivery())), 400);
    assert.equal(hung.kind, 'transient', hung.message);
  });

  test('profiles lint refuses a portal URL with plain http to a host that is not loopback, at its place', () => {
    const profile = (url: string) => ({
      id: 'acme',
      name: 'Acme',
      currencies: ['USD'],
      format: { type: 'pdf' },
      rules: { 'po-required': true },
      channel: { type: 'portal', flavor: 'rest', url, auth: { type: 'bearer', token: { env: 'PORTAL_TOKEN' } } },
    });
    for (const url of ['https://portal.acme.example/invoices', 'http://127.0.0.1:8080/rest', 'http://localhost/rest', 'http://[::1]:9/x']) {
      const good = firstpass(['profiles', 'lint', tempFolder({ 'acme.json': profile(url) })]);
      assert.equal(good.status, 0, `${url}: ${good.stdout}${good.stderr}`);
    }
    for (const url of ['http://portal.acme.example/invoices', 'http://localhost.acme.example/x', 'http://127.0.0.1@evil.example/']) {
      const bad = firstpass(['profiles', 'lint', tempFolder({ 'acme.json': profile(url) })]);
      assert.equal(bad.status, 2, `${url}: ${bad.stdout}${bad.stderr}`);
      assert.match(bad.stdout, /acme\.json:\d+:\d+: \/channel\/url .*plain http is used only to a loopback host/);
    }
  });
});

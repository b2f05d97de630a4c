import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CHANNELS, ChannelError, secretReader, type SendResult } from '../../src/channels/index.js';
import { delivery } from './channel-suite.js';

/**
 * The portal channel's reading of HTTP answers, over many status codes: msw stands in for an
 * https portal that answers one status each (a unit test of the classification table; the real
 * round trips are in portal.test.ts against the sandbox).
 */

const SECRET = 'cl4ss1f1cation-s3cret';
const environment = { PORTAL_SECRET: SECRET };
const answers = new Map<string, { status: number; body: string; headers?: Record<string, string> }>();

const cxmlAnswer = (code: number, text: string) =>
  `<?xml version="1.0"?><cXML payloadID="resp-1@portal.example" timestamp="2026-01-01T00:00:00Z"><Response><Status code="${code}" text="${text}"/></Response></cXML>`;

const server = setupServer(
  http.post('https://portal.example/:flavor/:case', ({ params }) => {
    const answer = answers.get(`${String(params.flavor)}/${String(params.case)}`);
    if (!answer) return HttpResponse.text('no such case', { status: 500 });
    return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers ?? {} });
  }),
);

const document = () => ({
  fileName: 'INV-1.cxml.xml',
  mediaType: 'text/xml',
  content: new TextEncoder().encode(
    '<cXML payloadID="req-1@supplier.example"><Header><Sender><Credential domain="NetworkID"><Identity>S</Identity></Credential></Sender></Header></cXML>',
  ),
});

async function sendTo(flavor: 'cxml' | 'rest', name: string): Promise<SendResult | ChannelError> {
  const definition = CHANNELS.get('portal');
  assert.ok(definition);
  const auth =
    flavor === 'cxml'
      ? { type: 'shared-secret', sharedSecret: { env: 'PORTAL_SECRET' } }
      : { type: 'bearer', token: { env: 'PORTAL_SECRET' } };
  const channel = definition.open(
    { type: 'portal', flavor, url: `https://portal.example/${flavor}/${name}`, auth },
    { secret: secretReader('/nonexistent', environment), timeoutMs: 2_000 },
  );
  try {
    return await channel.send(delivery({ document: document(), attachments: [] }));
  } catch (error) {
    assert.ok(error instanceof ChannelError, String(error));
    return error;
  } finally {
    await channel.close();
  }
}

function outcomeOf(result: SendResult | ChannelError): string {
  return result instanceof ChannelError ? result.kind : result.outcome;
}

describe('portal channel: what each answer means', () => {
  before(() => server.listen({ onUnhandledRequest: 'error' }));
  after(() => server.close());

  const rest: [number, string][] = [
    [200, 'sent'],
    [201, 'sent'],
    [202, 'sent'],
    [301, 'precondition'],
    [307, 'precondition'],
    [400, 'rejected'],
    [401, 'precondition'],
    [403, 'precondition'],
    [404, 'precondition'],
    [405, 'precondition'],
    [408, 'transient'],
    [409, 'rejected'],
    [413, 'rejected'],
    [415, 'rejected'],
    [422, 'rejected'],
    [425, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [501, 'precondition'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
  ];
  for (const [status, expected] of rest) {
    test(`rest: HTTP ${status} is ${expected}`, async () => {
      answers.set(`rest/s${status}`, {
        status,
        body: status < 300 ? JSON.stringify({ id: `P-${status}` }) : JSON.stringify({ reason: `because ${status} (${SECRET})` }),
        headers: { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '7' } : {}) },
      });
      const result = await sendTo('rest', `s${status}`);
      assert.equal(outcomeOf(result), expected, JSON.stringify(result instanceof ChannelError ? result.message : result));
      if (result instanceof ChannelError) assert.ok(!result.message.includes(SECRET), 'the secret reached the message');
      else if (result.outcome === 'rejected') {
        assert.equal(result.code, String(status));
        assert.equal(result.source, 'portal:rest');
        assert.ok(!result.text.includes(SECRET), 'the secret reached the rejection');
      } else assert.equal(result.reference, `P-${status}`);
      if (status === 429) assert.equal((result as ChannelError).retryAfterMs, 7_000);
    });
  }

  test('rest: a 201 without an id names the Location; without either, the Idempotency-Key', async () => {
    answers.set('rest/location', { status: 201, body: '', headers: { location: '/invoices/L-9' } });
    answers.set('rest/bare', { status: 204, body: '' });
    assert.deepEqual(await sendTo('rest', 'location'), {
      outcome: 'sent',
      reference: '/invoices/L-9',
      receipt: { code: '201', text: 'accepted' },
    });
    const bare = await sendTo('rest', 'bare');
    assert.ok(!(bare instanceof ChannelError) && bare.outcome === 'sent' && bare.reference === delivery().idempotencyKey);
  });

  const cxml: [number, number, string][] = [
    [200, 200, 'sent'],
    [200, 201, 'sent'],
    [200, 202, 'sent'],
    [200, 204, 'sent'],
    [200, 400, 'rejected'],
    [200, 401, 'precondition'],
    [200, 403, 'precondition'],
    [200, 406, 'rejected'],
    [200, 409, 'rejected'],
    [200, 417, 'rejected'],
    [200, 450, 'rejected'],
    [200, 475, 'rejected'],
    [200, 500, 'transient'],
    [200, 503, 'transient'],
    [500, 500, 'transient'],
    [400, 406, 'rejected'],
  ];
  for (const [status, code, expected] of cxml) {
    test(`cxml: HTTP ${status} with cXML Status ${code} is ${expected}`, async () => {
      answers.set(`cxml/s${status}-${code}`, { status, body: cxmlAnswer(code, `status ${code}`), headers: { 'content-type': 'text/xml' } });
      const result = await sendTo('cxml', `s${status}-${code}`);
      assert.equal(outcomeOf(result), expected, JSON.stringify(result instanceof ChannelError ? result.message : result));
      if (!(result instanceof ChannelError) && result.outcome === 'rejected')
        assert.deepEqual(result, { outcome: 'rejected', code: String(code), text: `status ${code}`, source: 'portal:cxml' });
      if (!(result instanceof ChannelError) && result.outcome === 'sent') assert.equal(result.reference, 'req-1@supplier.example');
    });
  }

  for (const [status, expected] of [
    [200, 'unknown'],
    [401, 'precondition'],
    [404, 'precondition'],
    [409, 'rejected'],
    [503, 'transient'],
  ] as const) {
    test(`cxml: HTTP ${status} without a cXML Status is ${expected}`, async () => {
      answers.set(`cxml/plain${status}`, { status, body: '<html>busy</html>', headers: { 'content-type': 'text/html' } });
      assert.equal(outcomeOf(await sendTo('cxml', `plain${status}`)), expected);
    });
  }
});

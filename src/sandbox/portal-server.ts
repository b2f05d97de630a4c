import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { cxmlStatus as cxmlStatusDocument, type PortalDecision, restStatus } from './buyer/portal-status.js';

/**
 * The sandbox's invoice portal: a node:http server on loopback with a cXML endpoint (`/cxml…`,
 * an InvoiceDetailRequest whose Sender Credential carries the SharedSecret) and a REST endpoint
 * (`/rest…`, bearer, basic or api-key), so the portal channel is tested over a real socket and
 * people can try a profile without a customer's portal. It keeps what it received, without secrets.
 */

export interface PortalSandboxOptions {
  /** Each defaults to a random value: read them from the returned sandbox. */
  readonly sharedSecret?: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  readonly apiKey?: string;
  /** The header that carries the api key (default X-API-Key). */
  readonly apiKeyHeader?: string;
  /** How long an idle connection is kept open (and announced in Keep-Alive: timeout=…). Default 75 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Told each request the portal takes (after it is kept, before it is answered), e.g. to write it to disk or judge it. */
  readonly onRequest?: (request: ReceivedRequest) => void;
  /**
   * The buyer's decision on a reference, for the status endpoints (`/cxml/status?payloadID=`,
   * `/rest/status?id=`); undefined: never received (404). Without it, a received reference is
   * answered as still processing.
   */
  readonly status?: (flavor: 'cxml' | 'rest', reference: string) => PortalDecision | undefined;
}

export interface ReceivedPart {
  readonly fileName: string;
  readonly mediaType: string;
  readonly content: Buffer;
}

export interface ReceivedRequest {
  readonly flavor: 'cxml' | 'rest';
  readonly path: string;
  /** The request's headers without the ones that carry credentials. */
  readonly headers: Readonly<Record<string, string>>;
  /** The document and attachments; a cXML document without its `<SharedSecret>…</SharedSecret>` element. */
  readonly parts: readonly ReceivedPart[];
  /** What the portal answered the request by: the cXML request's payloadID, the REST id. */
  readonly reference: string;
  /** The customer the URL names (`…/customers/<id>…`), as the sandbox gives each customer its own address; else undefined. */
  readonly customer: string | undefined;
}

type Fault =
  | { readonly kind: 'reject'; readonly code: number; readonly text: string }
  | { readonly kind: 'transient'; readonly retryAfter: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

export interface PortalSandbox {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly cxmlUrl: string;
  readonly restUrl: string;
  /** Status endpoints: `?payloadID=` and `?id=`, with the same credentials as the POSTs. */
  readonly cxmlStatusUrl: string;
  readonly restStatusUrl: string;
  /** The customer's own addresses on this portal (the buyer knows whose a request is by them). */
  customerUrls(customerId: string): { readonly cxml: string; readonly rest: string };
  readonly sharedSecret: string;
  readonly token: string;
  readonly username: string;
  readonly password: string;
  readonly apiKey: string;
  readonly apiKeyHeader: string;
  readonly requests: readonly ReceivedRequest[];
  /** Requests refused for their credentials. */
  readonly refusedLogins: number;
  byReference(reference: string): ReceivedRequest | undefined;
  /** The next request is refused for its content: a cXML Status or a REST 4xx (default 400 for cXML, 422 for REST). */
  rejectNext(options?: { readonly code?: number; readonly text?: string }): { code: string; text: string };
  /** The next request meets a 503 with Retry-After (default "1"). */
  failNextTransiently(options?: { readonly retryAfter?: string }): void;
  /** The next request is read and never answered. */
  hang(): void;
  /** The next request is read to its end, then the connection is cut before any answer. */
  dropNextAfterBody(): void;
  stop(): Promise<void>;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, processEntities: true });

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cxmlStatus(code: number, text: string): string {
  const payloadId = `${Date.now()}.${randomBytes(4).toString('hex')}@sandbox.firstpass`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.069/cXML.dtd">\n<cXML payloadID="${payloadId}" timestamp="${new Date().toISOString()}"><Response><Status code="${code}" text="${escapeXml(text)}">${escapeXml(text)}</Status></Response></cXML>\n`;
}

/** The parts of a multipart body (form-data or related), or the body itself as one part. */
function splitParts(body: Buffer, contentType: string): ReceivedPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\//i.test(contentType) || boundary === undefined)
    return [{ fileName: '', mediaType: contentType.split(';')[0]?.trim() ?? '', content: body }];
  const parts: ReceivedPart[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const after = start + delimiter.length;
    if (body.subarray(after, after + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, after);
    if (next < 0) break;
    const part = body.subarray(after + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString('utf8');
    const fileName = /filename="([^"]*)"/i.exec(head)?.[1] ?? /Content-ID:\s*<([^>]*)>/i.exec(head)?.[1] ?? '';
    const mediaType = /Content-Type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? '';
    parts.push({ fileName, mediaType, content: Buffer.from(part.subarray(headEnd + 4)) });
    start = next;
  }
  return parts;
}

/** The customer a request's path names: `/cxml/customers/<id>`, `/rest/customers/<id>/invoices`. */
function customerOf(path: string): string | undefined {
  const named = /^\/(?:cxml|rest)\/customers\/([^/?#]+)/.exec(path)?.[1];
  if (named === undefined) return undefined;
  try {
    return decodeURIComponent(named);
  } catch {
    return undefined;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startPortalSandbox(options: PortalSandboxOptions = {}): Promise<PortalSandbox> {
  const random = () => randomBytes(12).toString('base64url');
  const sharedSecret = options.sharedSecret ?? random();
  const token = options.token ?? random();
  const username = options.username ?? 'firstpass';
  const password = options.password ?? random();
  const apiKey = options.apiKey ?? random();
  const apiKeyHeader = (options.apiKeyHeader ?? 'X-API-Key').toLowerCase();
  const requests: ReceivedRequest[] = [];
  const keep = (received: ReceivedRequest) => {
    requests.push(received);
    options.onRequest?.(received);
  };
  const sockets = new Set<Socket>();
  let refusedLogins = 0;
  let fault: Fault | undefined;
  let counter = 0;

  const publicHeaders = (request: IncomingMessage): Record<string, string> => {
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (name !== 'authorization' && name !== apiKeyHeader && value !== undefined) kept[name] = String(value);
    return kept;
  };

  const restAuthorized = (request: IncomingMessage): boolean => {
    const authorization = request.headers.authorization ?? '';
    if (authorization === `Bearer ${token}`) return true;
    if (authorization === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`) return true;
    return request.headers[apiKeyHeader] === apiKey;
  };

  const answerJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
  const answerCxml = (response: ServerResponse, code: number, text: string) => {
    response.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' });
    response.end(cxmlStatus(code, text));
  };

  const handleCxml = (request: IncomingMessage, response: ServerResponse, body: Buffer, planned: Fault | undefined) => {
    const parts = splitParts(body, request.headers['content-type'] ?? '');
    const document = parts[0];
    if (document === undefined) {
      answerCxml(response, 400, 'the request has no cXML document');
      return;
    }
    let parsed: { cXML?: { '@payloadID'?: string; Header?: { Sender?: { Credential?: { SharedSecret?: unknown } } } } };
    try {
      parsed = xml.parse(document.content.toString('utf8'));
    } catch {
      answerCxml(response, 400, 'the request is not well-formed XML');
      return;
    }
    const secret = parsed.cXML?.Header?.Sender?.Credential?.SharedSecret;
    if (secret !== sharedSecret) {
      refusedLogins++;
      answerCxml(response, 401, 'Unauthorized: the Sender credential is not known');
      return;
    }
    const payloadId = parsed.cXML?.['@payloadID'] ?? '';
    // Kept as sent, less the one element that carries the secret.
    const withoutSecret = Buffer.from(document.content.toString('latin1').replace(/<SharedSecret>[^<]*<\/SharedSecret>/, ''), 'latin1');
    if (planned?.kind === 'reject') {
      answerCxml(response, planned.code, planned.text);
      return;
    }
    keep({
      flavor: 'cxml',
      path: request.url ?? '',
      headers: publicHeaders(request),
      parts: [{ ...document, content: withoutSecret }, ...parts.slice(1)],
      reference: payloadId,
      customer: customerOf(request.url ?? ''),
    });
    answerCxml(response, 200, 'OK');
  };

  /** 401 when no credentials came, 403 when the ones that came are not accepted; counted. */
  const refuseLogin = (request: IncomingMessage, response: ServerResponse): void => {
    refusedLogins++;
    const offered = request.headers.authorization !== undefined || request.headers[apiKeyHeader] !== undefined;
    answerJson(response, offered ? 403 : 401, {
      error: offered ? 'forbidden' : 'unauthorized',
      reason: 'the credentials are not accepted',
    });
  };

  const handleRest = (request: IncomingMessage, response: ServerResponse, body: Buffer, planned: Fault | undefined) => {
    if (!restAuthorized(request)) {
      refuseLogin(request, response);
      return;
    }
    if (planned?.kind === 'reject') {
      answerJson(response, planned.code, { error: 'rejected', reason: planned.text });
      return;
    }
    const id = `PT-${String(++counter).padStart(6, '0')}`;
    keep({
      flavor: 'rest',
      path: request.url ?? '',
      headers: publicHeaders(request),
      parts: splitParts(body, request.headers['content-type'] ?? ''),
      reference: id,
      customer: customerOf(request.url ?? ''),
    });
    answerJson(response, 201, { id }, { location: `/rest/invoices/${id}` });
  };

  /** A cXML status request carries the SharedSecret as a bearer token or as a Basic password (any user name, e.g. the Sender identity). */
  const cxmlStatusAuthorized = (request: IncomingMessage): boolean => {
    const authorization = request.headers.authorization ?? '';
    if (authorization === `Bearer ${sharedSecret}`) return true;
    if (!authorization.startsWith('Basic ')) return false;
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    return decoded.includes(':') && decoded.slice(decoded.indexOf(':') + 1) === sharedSecret;
  };

  const decisionOf = (flavor: 'cxml' | 'rest', reference: string): PortalDecision | undefined => {
    if (options.status !== undefined) return options.status(flavor, reference);
    const received = [...requests].reverse().find((entry) => entry.flavor === flavor && entry.reference === reference);
    return received === undefined ? undefined : { reference, decided: undefined, updatedAt: new Date(), parties: undefined };
  };

  const handleStatus = (request: IncomingMessage, response: ServerResponse, flavor: 'cxml' | 'rest') => {
    const authorized = flavor === 'cxml' ? cxmlStatusAuthorized(request) : restAuthorized(request);
    if (!authorized) {
      refuseLogin(request, response);
      return;
    }
    const query = new URL(request.url ?? '', 'http://sandbox').searchParams;
    const reference = query.get(flavor === 'cxml' ? 'payloadID' : 'id') ?? '';
    const decision = reference === '' ? undefined : decisionOf(flavor, reference);
    if (decision === undefined) {
      answerJson(response, 404, { error: 'not found', reason: `the portal never received ${reference || 'that'}` });
      return;
    }
    if (flavor === 'rest') answerJson(response, 200, restStatus(decision));
    else {
      response.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' });
      response.end(cxmlStatusDocument(decision, new Date()));
    }
  };

  const server = createServer(async (request, response) => {
    const path = request.url ?? '';
    const route = path.split('?')[0];
    // Status polls are answered apart: a fault planned for the next submission stays for it.
    if (request.method === 'GET' && (route === '/cxml/status' || route === '/rest/status')) {
      await readBody(request);
      handleStatus(request, response, route === '/cxml/status' ? 'cxml' : 'rest');
      return;
    }
    const planned = fault;
    fault = undefined;
    const body = await readBody(request);
    if (planned?.kind === 'hang') return;
    if (planned?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (planned?.kind === 'transient') {
      answerJson(response, 503, { error: 'unavailable', reason: 'the portal is busy' }, { 'retry-after': planned.retryAfter });
      return;
    }
    if (request.method === 'POST' && path.startsWith('/cxml')) handleCxml(request, response, body, planned);
    else if (request.method === 'POST' && path.startsWith('/rest')) handleRest(request, response, body, planned);
    else answerJson(response, 404, { error: 'not found' });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Like a real portal behind nginx (keepalive_timeout 75 s) unless told: idle connections stay open a while.
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 75_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    host: '127.0.0.1',
    port,
    baseUrl,
    cxmlUrl: `${baseUrl}/cxml`,
    restUrl: `${baseUrl}/rest/invoices`,
    cxmlStatusUrl: `${baseUrl}/cxml/status`,
    restStatusUrl: `${baseUrl}/rest/status`,
    customerUrls: (customerId) => ({
      cxml: `${baseUrl}/cxml/customers/${encodeURIComponent(customerId)}`,
      rest: `${baseUrl}/rest/customers/${encodeURIComponent(customerId)}/invoices`,
    }),
    sharedSecret,
    token,
    username,
    password,
    apiKey,
    apiKeyHeader,
    requests,
    get refusedLogins() {
      return refusedLogins;
    },
    byReference: (reference) => [...requests].reverse().find((received) => received.reference === reference),
    rejectNext(options = {}) {
      const code = options.code ?? 422;
      const text = options.text ?? 'the invoice number was already used';
      fault = { kind: 'reject', code, text };
      return { code: String(code), text };
    },
    failNextTransiently(options = {}) {
      fault = { kind: 'transient', retryAfter: options.retryAfter ?? '1' };
    },
    hang() {
      fault = { kind: 'hang' };
    },
    dropNextAfterBody() {
      fault = { kind: 'drop' };
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { XMLParser } from 'fast-xml-parser';
import { ChannelError, type ChannelContext, type ChannelDefinition, type Delivery, type OpenChannel, type SendResult } from './channel.js';
import { isLoopbackHost } from './loopback.js';

/**
 * The portal channel: one HTTP POST per invoice to a customer's portal (axios), in one of two
 * flavours. `cxml` posts the rendered cXML InvoiceDetailRequest with the SharedSecret added to
 * its Sender Credential (the template never writes one) and reads the cXML Status it answers;
 * `rest` posts the document with a bearer, basic or api-key header and reads the HTTP status.
 * TLS is verified; plain http is used only to a loopback host. Every request carries the
 * delivery's idempotency key, so a portal can tell a retry from a second invoice.
 */

const CHANNEL = 'portal';
const DEFAULT_API_KEY_HEADER = 'X-API-Key';
const MAX_RESPONSE_BYTES = 1024 * 1024;

type Flavor = 'cxml' | 'rest';

interface PortalSettings {
  readonly flavor: Flavor;
  readonly url: URL;
  readonly testUrl: URL | undefined;
  readonly auth: Readonly<Record<string, unknown>>;
}

function configError(message: string): ChannelError {
  return new ChannelError('precondition', CHANNEL, `portal channel: ${message}`);
}

/** Why a portal URL cannot be used, or undefined: https anywhere, plain http to loopback only. */
export function portalUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : `plain http is used only to a loopback host (localhost, 127.x.y.z, ::1); ${url.host} needs https`;
  }
  return `${url.protocol} is not http or https`;
}

function readUrl(value: unknown, field: string): URL {
  if (typeof value !== 'string' || value === '') throw configError(`${field} is missing`);
  const problem = portalUrlProblem(value);
  if (problem) throw configError(`${field}: ${problem}`);
  return new URL(value);
}

function readSettings(config: Readonly<Record<string, unknown>>): PortalSettings {
  const flavor = config.flavor;
  if (flavor !== 'cxml' && flavor !== 'rest') throw configError(`flavor must be "cxml" or "rest", got ${JSON.stringify(flavor)}`);
  const auth = config.auth;
  if (typeof auth !== 'object' || auth === null) throw configError('auth is missing');
  const type = (auth as Record<string, unknown>).type;
  if (flavor === 'cxml' && type !== 'shared-secret')
    throw configError(`a cxml portal authenticates with auth.type "shared-secret" (the Sender Credential), got ${JSON.stringify(type)}`);
  if (flavor === 'rest' && type !== 'bearer' && type !== 'basic' && type !== 'api-key')
    throw configError(`a rest portal authenticates with auth.type "bearer", "basic" or "api-key", got ${JSON.stringify(type)}`);
  return {
    flavor,
    url: readUrl(config.url, 'url'),
    testUrl: config.testUrl === undefined ? undefined : readUrl(config.testUrl, 'testUrl'),
    auth: auth as Record<string, unknown>,
  };
}

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The document with `<SharedSecret>` added as the last child of the Sender's Credential. Done on
 * the bytes, not by re-serialising, so nothing else in the rendered document changes; cXML uses no
 * namespace prefixes, and the renderer writes exactly one Sender with one Credential and no secret.
 */
export function withSharedSecret(document: Uint8Array, secret: string): Buffer {
  const bytes = Buffer.from(document);
  const open = /<Sender[\s>]/.exec(bytes.toString('latin1'));
  const end = bytes.indexOf('</Sender>');
  if (!open || end < 0 || bytes.indexOf('<Sender', open.index + 1) >= 0)
    throw configError('the cXML document has not exactly one <Sender> element to add the SharedSecret to');
  const sender = bytes.subarray(open.index, end);
  const credentialEnd = sender.indexOf('</Credential>');
  if (credentialEnd < 0 || sender.indexOf('</Credential>', credentialEnd + 1) >= 0)
    throw configError("the cXML document's <Sender> has not exactly one <Credential> to add the SharedSecret to");
  if (sender.indexOf('<SharedSecret') >= 0)
    throw configError('the cXML document already carries a SharedSecret: the template must leave it to the channel');
  const at = open.index + credentialEnd;
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(`<SharedSecret>${escapeXmlText(secret)}</SharedSecret>`), bytes.subarray(at)]);
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

/** The payloadID and the Status of a cXML response, or undefined when the body is not one. */
export function readCxmlStatus(body: string): { code: string; text: string; payloadId: string | undefined } | undefined {
  let parsed: unknown;
  try {
    parsed = xml.parse(body);
  } catch {
    return undefined;
  }
  const root = (parsed as { cXML?: Record<string, unknown> }).cXML;
  const status = (root?.Response as { Status?: unknown } | undefined)?.Status;
  if (typeof status !== 'object' || status === null) return undefined;
  const fields = status as Record<string, unknown>;
  const code = fields['@code'];
  if (typeof code !== 'string' || !/^\d{3}$/.test(code)) return undefined;
  const content = typeof fields['#text'] === 'string' ? fields['#text'].trim() : '';
  const label = typeof fields['@text'] === 'string' ? fields['@text'] : '';
  const payloadId = typeof root?.['@payloadID'] === 'string' ? root['@payloadID'] : undefined;
  return { code, text: content && content !== label ? `${label}: ${content}`.replace(/^: /, '') : label, payloadId };
}

/** The request's own payloadID: the reference a cXML portal knows the invoice by. */
function requestPayloadId(document: Uint8Array): string | undefined {
  return /<cXML\b[^>]*\spayloadID\s*=\s*"([^"]*)"/.exec(Buffer.from(document).toString('utf8'))?.[1];
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) if (secret.length > 0) clean = clean.split(secret).join('***');
  return clean;
}

function oneLine(text: string, limit = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

/** The reason a REST portal gives in its JSON body (reason, message, error …), or the body's text. */
function restReason(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const key of ['reason', 'message', 'detail', 'error_description', 'error', 'title'])
      if (typeof parsed[key] === 'string' && parsed[key] !== '') return parsed[key];
  } catch {
    // Not JSON: the text itself is the reason.
  }
  return oneLine(body);
}

export interface PortalAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/**
 * What a portal's HTTP answer means. 401/403 (an HTTP status or a cXML Status) are the
 * credentials: precondition. A redirect, 404, 405, 410, 501 or 505 is the URL: precondition.
 * 408, 425, 429 and other 5xx are of the moment: transient, with Retry-After. Any other 4xx is
 * the portal refusing this invoice: a rejected result. A 2xx is sent, except that a cXML portal
 * must also say so in a cXML Status; a 2xx the channel cannot read may or may not be an acceptance.
 */
export function classifyAnswer(
  flavor: Flavor,
  answer: PortalAnswer,
  where: string,
  requestReference: string | undefined,
  secrets: readonly string[],
): SendResult | ChannelError {
  const source = `portal:${flavor}`;
  const retry = retryAfterMs(answer.headers['retry-after']);
  const cxml = flavor === 'cxml' ? readCxmlStatus(answer.body) : undefined;
  const httpReason = scrub(flavor === 'rest' ? restReason(answer.body) : oneLine(cxml?.text ?? answer.body), secrets);
  const { status } = answer;
  if (status >= 200 && status < 300) {
    if (flavor === 'rest') {
      let id: unknown;
      try {
        id = (JSON.parse(answer.body) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      const location = answer.headers.location;
      const reference =
        typeof id === 'string' || typeof id === 'number' ? String(id) : typeof location === 'string' ? location : requestReference;
      if (reference === undefined || reference === '')
        return new ChannelError(
          'unknown',
          CHANNEL,
          `${where} answered ${status} without an id or a Location: it may have taken the invoice — check before sending it again`,
        );
      return { outcome: 'sent', reference, receipt: { code: String(status), text: 'accepted' } };
    }
    if (!cxml)
      return new ChannelError(
        'unknown',
        CHANNEL,
        `${where} answered HTTP ${status} without a cXML Status: it may have taken the invoice — check before sending it again`,
      );
    return classifyCxmlStatus(cxml, where, requestReference, retry, secrets);
  }
  if (flavor === 'cxml' && cxml) return classifyCxmlStatus(cxml, where, requestReference, retry, secrets);
  const said = `HTTP ${status}${httpReason ? `: ${httpReason}` : ''}`;
  if (status === 401 || status === 403)
    return new ChannelError('precondition', CHANNEL, `${where} refused the credentials (${said}); check the profile's channel.auth`);
  if ((status >= 300 && status < 400) || status === 404 || status === 405 || status === 410 || status === 501 || status === 505)
    return new ChannelError('precondition', CHANNEL, `${where} is not an invoice endpoint (${said}); check the profile's channel.url`);
  if (status === 408 || status === 425 || status === 429 || status >= 500)
    return new ChannelError('transient', CHANNEL, `${where} could not take the invoice for now (${said})`, { retryAfterMs: retry });
  if (status >= 400 && status < 500) return { outcome: 'rejected', code: String(status), text: httpReason, source };
  return new ChannelError(
    'unknown',
    CHANNEL,
    `${where} answered ${said}, which the channel does not understand; check before sending again`,
  );
}

function classifyCxmlStatus(
  cxml: { code: string; text: string; payloadId: string | undefined },
  where: string,
  requestReference: string | undefined,
  retry: number | undefined,
  secrets: readonly string[],
): SendResult | ChannelError {
  const code = Number(cxml.code);
  const text = scrub(cxml.text, secrets);
  const said = `cXML Status ${cxml.code}${text ? ` ${text}` : ''}`;
  if (code >= 200 && code < 300) {
    const reference = requestReference ?? cxml.payloadId;
    if (reference === undefined)
      return new ChannelError(
        'unknown',
        CHANNEL,
        `${where} accepted a document without a payloadID and named none: check before sending again`,
      );
    return { outcome: 'sent', reference, receipt: { code: cxml.code, text } };
  }
  if (code === 401 || code === 403)
    return new ChannelError('precondition', CHANNEL, `${where} refused the Sender credential (${said}); check the profile's channel.auth`);
  if (code >= 500)
    return new ChannelError('transient', CHANNEL, `${where} could not take the invoice for now (${said})`, { retryAfterMs: retry });
  if (code >= 400) return { outcome: 'rejected', code: cxml.code, text, source: 'portal:cxml' };
  return new ChannelError(
    'unknown',
    CHANNEL,
    `${where} answered ${said}, which the channel does not understand; check before sending again`,
  );
}

/** What went wrong before an answer came: a timeout or refused connection is transient; a cut after the whole body went out is unknown. */
export function classifyTransportFailure(error: unknown, where: string, secrets: readonly string[]): ChannelError {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: string;
    message?: string;
    request?: unknown;
    cause?: { code?: string };
  };
  const code = failure.code ?? failure.cause?.code ?? 'error';
  const detail = scrub(oneLine(`${code} ${failure.message ?? String(error)}`), secrets);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER/.test(`${code} ${failure.cause?.code ?? ''}`))
    return new ChannelError('precondition', CHANNEL, `${where}: its TLS certificate is not trusted (${detail})`);
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED')
    return new ChannelError('transient', CHANNEL, `${where} did not answer in time (${detail})`);
  const request = failure.request as ClientRequest | undefined;
  if (request?.writableFinished === true)
    return new ChannelError(
      'unknown',
      CHANNEL,
      `${where}: the connection was lost after the whole invoice was sent and before the portal answered (${detail}); it may have arrived — check before sending it again`,
    );
  if (code === 'ERR_CANCELED')
    return new ChannelError('transient', CHANNEL, `${where}: the send was cancelled before the invoice went out`);
  return new ChannelError('transient', CHANNEL, `${where}: ${detail}`);
}

interface Body {
  readonly content: Buffer;
  readonly contentType: string;
}

function multipart(subtype: 'related' | 'form-data', parts: readonly { head: string; content: Uint8Array }[], extra = ''): Body {
  const boundary = `firstpass-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts)
    chunks.push(Buffer.from(`--${boundary}\r\n${part.head}\r\n\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { content: Buffer.concat(chunks), contentType: `multipart/${subtype}; boundary=${boundary}${extra}` };
}

/** A header value never carries a line break or a quote from a file name. */
function safeName(name: string): string {
  return name.replace(/[\r\n"\\]/g, '_');
}

/** cXML attachments travel as MIME multipart/related with the cXML first (cXML User's Guide, "Attachments"). */
function cxmlBody(document: Buffer, delivery: Delivery): Body {
  if (delivery.attachments.length === 0) return { content: document, contentType: 'text/xml; charset=UTF-8' };
  return multipart(
    'related',
    [
      { head: 'Content-Type: text/xml; charset=UTF-8\r\nContent-ID: <cxml-document>', content: document },
      ...delivery.attachments.map((file) => ({
        head: `Content-Type: ${file.mediaType}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${safeName(file.fileName)}>\r\nContent-Disposition: attachment; filename="${safeName(file.fileName)}"`,
        content: file.content,
      })),
    ],
    '; type="text/xml"; start="<cxml-document>"',
  );
}

function restBody(delivery: Delivery): Body {
  if (delivery.attachments.length === 0)
    return { content: Buffer.from(delivery.document.content), contentType: delivery.document.mediaType };
  return multipart(
    'form-data',
    [delivery.document, ...delivery.attachments].map((file, index) => ({
      head: `Content-Disposition: form-data; name="${index === 0 ? 'document' : 'attachment'}"; filename="${safeName(file.fileName)}"\r\nContent-Type: ${file.mediaType}`,
      content: file.content,
    })),
  );
}

/** Below the idle timeouts of common servers (Node and Apache 5 s, nginx 75 s, load balancers 60 s). */
const IDLE_SOCKET_MS = 4_000;

/** Several sends at once, each on its own keep-alive socket (at most `maxConcurrent` sockets). */
class PortalChannel implements OpenChannel {
  /** Every secret read, to scrub from messages. */
  private readonly secrets = new Set<string>();
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly config: Readonly<Record<string, unknown>>,
    private readonly context: ChannelContext,
  ) {
    const maxSockets = Math.max(1, Math.floor(context.maxConcurrent ?? 1));
    // An idle socket is closed before the portal closes it (at the portal's Keep-Alive timeout
    // hint less a second, else after IDLE_SOCKET_MS): a send on a socket the portal had just
    // closed would be lost mid-way and end `unknown`. Node uses the hint only with a timeout set.
    const keepAlive = { keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS };
    this.httpAgent = new http.Agent(keepAlive);
    this.httpsAgent = new https.Agent({ ...keepAlive, rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  }

  send(delivery: Delivery, signal?: AbortSignal): Promise<SendResult> {
    return this.sendNow(delivery, signal);
  }

  /** The headers that authenticate a REST request; a cXML request carries its secret in the document. */
  private async authHeaders(settings: PortalSettings, where: string): Promise<Record<string, string>> {
    const auth = settings.auth;
    switch (auth.type) {
      case 'bearer': {
        const token = await this.context.secret(auth.token, `${where}: auth.token`);
        this.secrets.add(token);
        return { authorization: `Bearer ${token}` };
      }
      case 'basic': {
        if (typeof auth.username !== 'string' || auth.username === '') throw configError('auth.username is missing for basic auth');
        const password = await this.context.secret(auth.password, `${where}: auth.password`);
        const encoded = Buffer.from(`${auth.username}:${password}`).toString('base64');
        this.secrets.add(password).add(encoded);
        return { authorization: `Basic ${encoded}` };
      }
      case 'api-key': {
        const header = auth.header ?? DEFAULT_API_KEY_HEADER;
        if (typeof header !== 'string' || !/^[A-Za-z0-9-]+$/.test(header)) throw configError('auth.header must be a header name');
        const key = await this.context.secret(auth.apiKey, `${where}: auth.apiKey`);
        this.secrets.add(key);
        return { [header]: key };
      }
      default:
        return {};
    }
  }

  private async sendNow(delivery: Delivery, signal: AbortSignal | undefined): Promise<SendResult> {
    const settings = readSettings(this.config);
    const url = delivery.testMode && settings.testUrl ? settings.testUrl : settings.url;
    const where = `the ${settings.flavor} portal ${url.origin}${url.pathname}`;
    if (signal?.aborted) throw new ChannelError('transient', CHANNEL, `${where}: the send was cancelled before it started`);
    let body: Body;
    let headers: Record<string, string>;
    if (settings.flavor === 'cxml') {
      const secret = await this.context.secret(settings.auth.sharedSecret, `${where}: auth.sharedSecret`);
      this.secrets.add(secret);
      body = cxmlBody(withSharedSecret(delivery.document.content, secret), delivery);
      headers = {};
    } else {
      headers = await this.authHeaders(settings, where);
      body = restBody(delivery);
    }
    // A REST portal that names no id can still find the invoice by the Idempotency-Key it was sent with.
    const reference = settings.flavor === 'cxml' ? requestPayloadId(delivery.document.content) : delivery.idempotencyKey;
    let response: AxiosResponse<ArrayBuffer>;
    try {
      response = await this.request(url, {
        method: 'POST',
        data: body.content,
        headers: {
          ...headers,
          'content-type': body.contentType,
          accept: settings.flavor === 'cxml' ? 'text/xml, application/xml' : 'application/json',
          'idempotency-key': delivery.idempotencyKey,
        },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      throw classifyTransportFailure(error, where, [...this.secrets]);
    }
    const answer: PortalAnswer = {
      status: response.status,
      headers: response.headers as Record<string, unknown>,
      body: Buffer.from(response.data).toString('utf8'),
    };
    const result = classifyAnswer(settings.flavor, answer, where, reference, [...this.secrets]);
    if (result instanceof ChannelError) throw result;
    return result;
  }

  /** One HTTP exchange with the portal: the answer whatever its status, bytes kept as they came. */
  private request(
    url: URL,
    options: Pick<AxiosRequestConfig, 'method' | 'data' | 'headers' | 'signal'>,
  ): Promise<AxiosResponse<ArrayBuffer>> {
    return axios.request<ArrayBuffer>({
      ...options,
      url: url.toString(),
      adapter: 'http',
      responseType: 'arraybuffer',
      timeout: this.context.timeoutMs,
      transitional: { clarifyTimeoutError: true },
      // A redirect could carry the credentials elsewhere: it is reported, never followed.
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      validateStatus: () => true,
      // A loopback portal is never reached through a proxy from the environment.
      ...(isLoopbackHost(url.hostname) ? { proxy: false as const } : {}),
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
    });
  }

  /**
   * The portal's status of one invoice: GET statusUrl with `id` (REST) or `payloadID` (cXML) and
   * the same credentials as a send (a cXML portal's shared secret as a bearer token). The body
   * of a 200, `not-found` for a 404; anything else is a ChannelError.
   */
  async status(reference: string): Promise<{ readonly found: true; readonly body: string } | { readonly found: false }> {
    const settings = readSettings(this.config);
    const url = readUrl(this.config.statusUrl, 'statusUrl');
    url.searchParams.set(settings.flavor === 'cxml' ? 'payloadID' : 'id', reference);
    const where = `the ${settings.flavor} portal status ${url.origin}${url.pathname}`;
    let headers: Record<string, string>;
    if (settings.flavor === 'cxml') {
      const secret = await this.context.secret(settings.auth.sharedSecret, `${where}: auth.sharedSecret`);
      this.secrets.add(secret);
      headers = { authorization: `Bearer ${secret}` };
    } else headers = await this.authHeaders(settings, where);
    let response: AxiosResponse<ArrayBuffer>;
    try {
      response = await this.request(url, {
        method: 'GET',
        headers: { ...headers, accept: settings.flavor === 'cxml' ? 'text/xml, application/xml' : 'application/json' },
      });
    } catch (error) {
      const failure = classifyTransportFailure(error, where, [...this.secrets]);
      // A question lost on the way changes nothing at the portal: ask again later.
      throw failure.kind === 'unknown' ? new ChannelError('transient', CHANNEL, failure.message, { cause: error }) : failure;
    }
    if (response.status === 200) return { found: true, body: Buffer.from(response.data).toString('utf8') };
    if (response.status === 404) return { found: false };
    const said = `HTTP ${response.status}: ${scrub(oneLine(Buffer.from(response.data).toString('utf8')), [...this.secrets])}`;
    if (response.status === 401 || response.status === 403)
      throw new ChannelError('precondition', CHANNEL, `${where} refused the credentials (${said}); check the profile's channel.auth`);
    if (response.status === 408 || response.status === 429 || response.status >= 500)
      throw new ChannelError('transient', CHANNEL, `${where} could not answer for now (${said})`, {
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      });
    throw new ChannelError('precondition', CHANNEL, `${where} answered ${said}, not a status; check the profile's channel.statusUrl`);
  }

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** One invoice's status from a portal profile's `statusUrl` (see PortalChannel.status). */
export async function portalStatus(
  config: Readonly<Record<string, unknown>>,
  context: ChannelContext,
  reference: string,
): Promise<{ readonly found: true; readonly body: string } | { readonly found: false }> {
  const channel = new PortalChannel(config, context);
  try {
    return await channel.status(reference);
  } finally {
    await channel.close();
  }
}

export const portalChannel: ChannelDefinition = {
  type: CHANNEL,
  // HTTP/1.1 keep-alive: one request per socket at a time, several sockets to one portal.
  limits: { perCustomer: 8, maxPerCustomer: 64, perType: 32 },
  open: (config, context) => new PortalChannel(config, context),
};

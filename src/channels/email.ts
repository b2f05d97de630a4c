import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { ChannelError, type ChannelContext, type ChannelDefinition, type Delivery, type OpenChannel, type SendResult } from './channel.js';
import { isLoopbackHost } from './loopback.js';

/**
 * The e-mail channel: the rendered document and the invoice's attachments as one message over
 * SMTP (nodemailer). TLS is verified; plain SMTP is used only to a loopback host. The Message-ID
 * comes from the idempotency key, so a retry of one version carries the same Message-ID and the
 * receiver can tell it is the same message.
 */

const CHANNEL = 'email';
const PLACEHOLDERS = new Set(['invoiceNumber', 'customerId']);
const DEFAULT_SUBJECT = 'Invoice {{invoiceNumber}}';

interface EmailSettings {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly username: string | undefined;
  readonly password: unknown;
  readonly trustedCertificate: unknown;
  /** The EHLO name; undefined: nodemailer's (the host name when it has a domain, else [127.0.0.1]). */
  readonly heloName: string | undefined;
}

function configError(message: string): ChannelError {
  return new ChannelError('precondition', CHANNEL, `email channel: ${message}`);
}

function addresses(value: unknown, field: string): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  for (const address of list)
    if (typeof address !== 'string' || !/^[^\s@<>]+@[^\s@<>]+$/.test(address))
      throw configError(`${field} must be e-mail addresses, got ${JSON.stringify(address)}`);
  return list as string[];
}

/** Why a subject template cannot be filled, or undefined: only the known {{placeholders}}. */
export function subjectProblem(template: string): string | undefined {
  for (const match of template.matchAll(/\{\{([^}]*)\}\}/g)) {
    if (!PLACEHOLDERS.has(match[1] ?? ''))
      return `the subject's placeholder {{${match[1]}}} is not one of ${[...PLACEHOLDERS].map((name) => `{{${name}}}`).join(', ')}`;
  }
  return undefined;
}

function fillSubject(template: string, delivery: Delivery): string {
  const values = new Map([
    ['invoiceNumber', delivery.invoiceNumber],
    ['customerId', delivery.customerId],
  ]);
  // A line break in an invoice number must not start a new header.
  return template.replace(/\{\{([^}]*)\}\}/g, (_whole, name: string) => values.get(name) ?? '').replace(/[\r\n]+/g, ' ');
}

function readSettings(config: Readonly<Record<string, unknown>>): EmailSettings {
  const smtp = config.smtp;
  if (typeof smtp !== 'object' || smtp === null) throw configError('smtp is missing');
  const server = smtp as Record<string, unknown>;
  if (typeof server.host !== 'string' || server.host === '') throw configError('smtp.host is missing');
  if (
    server.port !== undefined &&
    (typeof server.port !== 'number' || !Number.isInteger(server.port) || server.port < 1 || server.port > 65535)
  )
    throw configError('smtp.port must be a port number');
  if (server.secure !== undefined && typeof server.secure !== 'boolean') throw configError('smtp.secure must be true or false');
  if (server.username !== undefined && typeof server.username !== 'string') throw configError('smtp.username must be a string');
  if ((server.username === undefined) !== (server.password === undefined)) throw configError('smtp.username and smtp.password go together');
  if (server.heloName !== undefined && (typeof server.heloName !== 'string' || !/^[^\s\r\n]+$/.test(server.heloName)))
    throw configError('smtp.heloName must be a DNS name or an address literal');
  const from = addresses(config.from, 'from');
  const to = addresses(config.to, 'to');
  if (from.length !== 1) throw configError('from must be one e-mail address');
  if (to.length === 0) throw configError('to must name at least one address');
  const subject = config.subject === undefined ? DEFAULT_SUBJECT : config.subject;
  if (typeof subject !== 'string') throw configError('subject must be a string');
  const problem = subjectProblem(subject);
  if (problem) throw configError(problem);
  const port = (server.port as number | undefined) ?? (server.secure === true ? 465 : 587);
  return {
    from: from[0] as string,
    to,
    cc: addresses(config.cc, 'cc'),
    subject,
    host: server.host,
    port,
    // Port 465 speaks TLS from the first byte (RFC 8314); the others start plain and upgrade.
    secure: (server.secure as boolean | undefined) ?? port === 465,
    username: server.username as string | undefined,
    password: server.password,
    trustedCertificate: server.trustedCertificate,
    heloName: server.heloName as string | undefined,
  };
}

/** Deterministic for one version of one invoice and one sender: the receiver's de-duplication key. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<${digest}.firstpass@${domain}>`;
}

/** The parts of a nodemailer error we read; its message is not shown as is (it may quote the server). */
interface SmtpFailure {
  readonly code?: string;
  readonly command?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
  readonly cause?: unknown;
}

const TLS_TRUST_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER/;

function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) if (secret.length > 0) clean = clean.split(secret).join('***');
  return clean;
}

/** The server's reply text without its code, on one line. */
function replyText(failure: SmtpFailure): string {
  return (failure.response ?? '')
    .replace(/^\d{3}[ -](\d\.\d+\.\d+ )?/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What a failed send means: a 5xx refusal of the message is the recipient's answer (data); a
 * refused login, sender, recipient address or an untrusted certificate is configuration; 4xx and network faults are
 * transient; a connection lost once the whole message was written may have delivered it.
 */
export function classifyFailure(
  error: unknown,
  where: string,
  messageWritten: boolean,
  secrets: readonly string[],
  sender: string,
): SendResult | ChannelError {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
  const responseCode = failure.responseCode;
  const text = scrub(replyText(failure), secrets);
  const said = scrub(`${responseCode ?? ''} ${text}`.trim(), secrets);
  const causeCode = String((failure.cause as { code?: unknown } | undefined)?.code ?? '');
  const detail = scrub(String(failure.message ?? error), secrets).replace(/\s+/g, ' ');
  if (failure.code === 'EAUTH' || failure.code === 'ENOAUTH' || (failure.command ?? '').startsWith('AUTH')) {
    if (responseCode !== undefined && responseCode >= 400 && responseCode < 500)
      return new ChannelError('transient', CHANNEL, `${where} could not log in for now: ${said}`);
    return new ChannelError(
      'precondition',
      CHANNEL,
      `${where} refused the login${said ? `: ${said}` : ''}; check smtp.username and smtp.password`,
    );
  }
  if (TLS_TRUST_CODES.test(causeCode) || TLS_TRUST_CODES.test(failure.code ?? '') || /certificate/i.test(detail)) {
    return new ChannelError(
      'precondition',
      CHANNEL,
      `${where}: its TLS certificate is not trusted (${detail}); a server with a self-signed certificate needs smtp.trustedCertificate`,
    );
  }
  if (failure.code === 'ETLS' && failure.command === 'STARTTLS') {
    return new ChannelError(
      'precondition',
      CHANNEL,
      `${where} did not upgrade to TLS (${said || detail}); plain SMTP is used only to a loopback host`,
    );
  }
  if (failure.code === 'ETLS' && !messageWritten) {
    // The handshake was cut off, or the peers share no protocol: a fault of the moment or of configuration; retrying says which.
    return new ChannelError('transient', CHANNEL, `${where}: TLS could not be established (${detail})`);
  }
  if (responseCode === 530 || responseCode === 538)
    return new ChannelError('precondition', CHANNEL, `${where} requires what the profile does not give: ${said}`);
  // A sender refused for good (e.g. an address this login may not send as) is the profile's `from`,
  // the same for every invoice; a size refusal (552) is about this message and stays a rejection.
  if (failure.command === 'MAIL FROM' && responseCode !== undefined && responseCode >= 500 && responseCode !== 552)
    return new ChannelError('precondition', CHANNEL, `${where} refused the sender ${sender}: ${said}; check from`);
  if (refusedToRelay(failure)) return relayError(where, said);
  if (failure.command === 'RCPT TO' && responseCode !== undefined && responseCode >= 500) return recipientError(where, said);
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600)
    return { outcome: 'rejected', code: String(responseCode), text, source: 'smtp' };
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500)
    return new ChannelError('transient', CHANNEL, `${where} deferred the message: ${said}`);
  if (messageWritten) {
    return new ChannelError(
      'unknown',
      CHANNEL,
      `${where}: the connection was lost after the whole message was sent and before the server answered (${detail}); it may have arrived — check before sending it again`,
    );
  }
  return new ChannelError(
    'transient',
    CHANNEL,
    `${where}: ${failure.code ?? 'error'} ${failure.command ? `at ${failure.command}` : ''} (${detail})`.replace(/\s+/g, ' '),
  );
}

/**
 * A recipient refused because the server will not pass mail on for this session (Exim "relay not
 * permitted", Postfix "Relay access denied", Exchange "Unable to relay"): a login missing or
 * refused, or the wrong server, so the same for every invoice, not the customer's answer.
 */
function refusedToRelay(failure: SmtpFailure): boolean {
  const code = failure.responseCode;
  return failure.command === 'RCPT TO' && code !== undefined && code >= 500 && /\brelay/i.test(failure.response ?? '');
}

function relayError(where: string, said: string): ChannelError {
  return new ChannelError(
    'precondition',
    CHANNEL,
    `${where} will not relay the message (${said}); check smtp.username and smtp.password, and that smtp.host is the sending server`,
  );
}

/**
 * Every `to` address refused for good (a mailbox that does not exist, a policy against this
 * sender): the profile's address, the same for every invoice, not the customer's answer to this
 * one. An invoice a receiving system refuses for its content is refused after the data instead.
 */
function recipientError(where: string, said: string, copies: readonly string[] = []): ChannelError {
  const went = copies.length > 0 ? `; the copy to ${copies.join(', ')} went` : '';
  return new ChannelError('precondition', CHANNEL, `${where} refused the recipient (${said}); check \`to\` in the profile${went}`);
}

/** One refused recipient as nodemailer reports it (an EENVELOPE error with the server's reply). */
interface RecipientRefusal extends SmtpFailure {
  readonly recipient?: string;
}

/**
 * What the server's answers to RCPT TO mean once the message was accepted for some recipient. The
 * invoice is delivered when a `to` address took it; copies to `cc` alone do not count. When no
 * `to` address took it, a 4xx answer to any of them (greylisting, a full queue) is a deferral,
 * transient like a 4xx to the whole message; 5xx answers to all of them are the profile's `to`.
 */
function recipientsOutcome(
  info: SMTPPool.SentMessageInfo,
  settings: EmailSettings,
  where: string,
  secrets: readonly string[],
): { readonly refused: readonly string[] } | ChannelError {
  const refused = (info.rejected as unknown[]).map((address) =>
    typeof address === 'string' ? address : String((address as { address?: unknown }).address),
  );
  if (!settings.to.every((address) => refused.includes(address))) return { refused };
  const refusals = ((info.rejectedErrors ?? []) as RecipientRefusal[]).filter(
    (refusal) => refusal.recipient === undefined || settings.to.includes(refusal.recipient),
  );
  const deferral = refusals.find((refusal) => refusal.responseCode !== undefined && refusal.responseCode < 500);
  if (deferral) {
    const said = scrub(`${deferral.responseCode} ${replyText(deferral)}`, secrets);
    const copies = settings.cc.filter((address) => !refused.includes(address));
    return new ChannelError(
      'transient',
      CHANNEL,
      `${where} deferred ${deferral.recipient ?? 'the recipient'}: ${said}${copies.length > 0 ? `; the copy to ${copies.join(', ')} went, and goes again with the same Message-ID when this is retried` : ''}`,
    );
  }
  const first = refusals[0];
  const said = scrub(first ? `${first.responseCode} ${replyText(first)}` : `refused: ${refused.join(', ')}`, secrets);
  if (first && refusals.every(refusedToRelay)) return relayError(where, said);
  return recipientError(
    where,
    said,
    settings.cc.filter((address) => !refused.includes(address)),
  );
}

/**
 * One SMTP connection, kept open across sends (a nodemailer pool of one connection), with what
 * its current message has reached. nodemailer's pool reports "message written" without saying
 * which message, so each connection is its own pool of one: then the report is this lane's.
 */
interface Lane {
  transport: Transporter<SMTPPool.SentMessageInfo> | undefined;
  /** Set when the lane's message has its last byte written: from then a lost connection is `unknown`. */
  messageWritten: boolean;
}

/** Up to `maxConcurrent` messages at once, one per connection (lane). */
class EmailChannel implements OpenChannel {
  private readonly idle: Lane[] = [];
  private readonly waiting: ((lane: Lane) => void)[] = [];
  private readonly lanes: Lane[] = [];
  private readonly maxLanes: number;
  private secrets: string[] = [];

  constructor(
    private readonly config: Readonly<Record<string, unknown>>,
    private readonly context: ChannelContext,
  ) {
    this.maxLanes = Math.max(1, Math.floor(context.maxConcurrent ?? 1));
  }

  async send(delivery: Delivery, signal?: AbortSignal): Promise<SendResult> {
    const lane = await this.takeLane();
    try {
      return await this.sendNow(lane, delivery, signal);
    } finally {
      this.giveLane(lane);
    }
  }

  private takeLane(): Promise<Lane> {
    const lane = this.idle.pop();
    if (lane) return Promise.resolve(lane);
    if (this.lanes.length < this.maxLanes) {
      const opened: Lane = { transport: undefined, messageWritten: false };
      this.lanes.push(opened);
      return Promise.resolve(opened);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private giveLane(lane: Lane): void {
    const next = this.waiting.shift();
    if (next) next(lane);
    else this.idle.push(lane);
  }

  private async sendNow(lane: Lane, delivery: Delivery, signal: AbortSignal | undefined): Promise<SendResult> {
    const settings = readSettings(this.config);
    const where = `the SMTP server ${settings.host}:${settings.port}`;
    if (signal?.aborted) throw new ChannelError('transient', CHANNEL, `${where}: the send was cancelled before it started`);
    const transport = await this.open(lane, settings);
    const messageId = messageIdFor(delivery.idempotencyKey, settings.from);
    lane.messageWritten = false;
    try {
      const info = await transport.sendMail({
        messageId,
        from: settings.from,
        to: [...settings.to],
        cc: settings.cc.length > 0 ? [...settings.cc] : undefined,
        subject: `${delivery.testMode ? '[TEST] ' : ''}${fillSubject(settings.subject, delivery)}`,
        text: `Invoice ${delivery.invoiceNumber} is attached as ${delivery.document.fileName}${delivery.attachments.length > 0 ? `, with ${delivery.attachments.length} supporting document${delivery.attachments.length === 1 ? '' : 's'}` : ''}.\r\n${delivery.testMode ? 'This is a test message: do not book it.\r\n' : ''}`,
        // base64 throughout, so every byte arrives as it left (no line-end or charset rewriting).
        attachments: [delivery.document, ...delivery.attachments].map((file) => ({
          filename: file.fileName,
          contentType: file.mediaType,
          content: Buffer.from(file.content),
          contentTransferEncoding: 'base64' as const,
        })),
      });
      const outcome = recipientsOutcome(info, settings, where, this.secrets);
      if (outcome instanceof ChannelError) throw outcome;
      if (outcome.refused.length > 0)
        this.context.log?.(`${where} refused ${outcome.refused.join(', ')} for ${delivery.invoiceNumber}; the others received it`);
      const reply = String(info.response ?? '');
      return { outcome: 'sent', reference: messageId, receipt: { code: reply.slice(0, 3), text: replyText({ response: reply }) } };
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      const classified = classifyFailure(error, where, lane.messageWritten, this.secrets, settings.from);
      if (classified instanceof ChannelError) {
        // A connection in an unknown state is not reused for the next send.
        closeLane(lane);
        throw classified;
      }
      return classified;
    }
  }

  private async open(lane: Lane, settings: EmailSettings): Promise<Transporter<SMTPPool.SentMessageInfo>> {
    if (lane.transport) return lane.transport;
    const where = `the SMTP server ${settings.host}:${settings.port}`;
    const password = settings.username === undefined ? undefined : await this.context.secret(settings.password, `${where}: smtp.password`);
    if (password !== undefined) this.secrets = [password];
    const ca =
      settings.trustedCertificate === undefined
        ? undefined
        : await this.context.secret(settings.trustedCertificate, `${where}: smtp.trustedCertificate`);
    const timeout = this.context.timeoutMs;
    lane.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.heloName === undefined ? {} : { name: settings.heloName }),
      // Plain SMTP only on loopback: anywhere else the session must be upgraded or nothing is sent.
      requireTLS: !settings.secure && !isLoopbackHost(settings.host),
      auth: settings.username === undefined ? undefined : { user: settings.username, pass: password },
      tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(ca === undefined ? {} : { ca: [ca] }) },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      dnsTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: progressLogger(lane),
    } as SMTPPool.Options);
    return lane.transport;
  }

  async close(): Promise<void> {
    for (const lane of this.lanes) closeLane(lane);
  }
}

function closeLane(lane: Lane): void {
  const transport = lane.transport;
  lane.transport = undefined;
  transport?.close();
}

/** nodemailer reports the message's end as a `tnx: message` entry; nothing else is read (or kept). */
function progressLogger(lane: Lane) {
  const watch = (entry: unknown) => {
    if (typeof entry === 'object' && entry !== null && (entry as { tnx?: unknown }).tnx === 'message') lane.messageWritten = true;
  };
  const ignore = () => {};
  return { trace: ignore, debug: ignore, info: watch, warn: ignore, error: ignore, fatal: ignore, level: ignore };
}

export const emailChannel: ChannelDefinition = {
  type: CHANNEL,
  // One message per SMTP connection at a time; a few connections to one server, as mail clients open.
  limits: { perCustomer: 4, maxPerCustomer: 16, perType: 16 },
  open: (config, context) => new EmailChannel(config, context),
};

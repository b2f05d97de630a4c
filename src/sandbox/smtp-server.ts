import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * The sandbox's mailbox: a real SMTP server on loopback (smtp-server) that offers STARTTLS with a
 * certificate made at start, asks one user for a password, and keeps what it receives, so the
 * e-mail channel is tested over a real socket and people can try a profile without a mail host.
 */

export interface SmtpSandboxOptions {
  readonly username?: string;
  /** Defaults to a random one: read it from the returned sandbox. */
  readonly password?: string;
  /** Offer STARTTLS (the default); false serves plain SMTP, which the channel accepts on loopback only. */
  readonly starttls?: boolean;
  /** Also write each message as `<n>.eml` into this folder. */
  readonly folder?: string;
}

export interface ReceivedMail {
  /** The message as it arrived (RFC 5322 bytes, after the DATA dot-unstuffing). */
  readonly raw: Buffer;
  readonly mailFrom: string;
  readonly recipients: readonly string[];
  /** The session was under TLS (STARTTLS) when the message was sent. */
  readonly secure: boolean;
  readonly user: string | undefined;
  /** The Message-ID header's value, angle brackets included, or undefined. */
  readonly messageId: string | undefined;
}

/** What the next message meets instead of a 250. */
interface PlannedFault {
  readonly code: number;
  readonly text: string;
  readonly at: 'rcpt' | 'data';
}

export interface SmtpSandbox {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The server's certificate (PEM) for a client to trust; undefined when STARTTLS is off. */
  readonly certificate: string | undefined;
  readonly messages: readonly ReceivedMail[];
  /** Connections accepted since start. */
  connections(): number;
  /** The message with this Message-ID (angle brackets optional), the latest if it came twice. */
  byMessageId(messageId: string): ReceivedMail | undefined;
  /** The next message is refused for good, as a receiving system refuses an invoice: 550 after DATA (the default) or at RCPT TO (its address). */
  refuseNext(options?: { readonly code?: number; readonly text?: string; readonly at?: 'rcpt' | 'data' }): { code: string; text: string };
  /** The next message meets a temporary refusal (451 at RCPT TO). */
  deferNext(): void;
  /** The next message is read to its end, then the connection is cut before the reply. */
  dropNextAfterData(): void;
  stop(): Promise<void>;
}

/** The sandbox's certificate names both loopback spellings, so a client can verify it by host name. */
async function loopbackCertificate(): Promise<{ key: string; cert: string }> {
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const made = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: made.private, cert: made.cert };
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

function transactionKey(session: SMTPServerSession): string {
  return `${session.id}:${session.transaction}`;
}

function headerMessageId(raw: Buffer): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw
    .subarray(0, end < 0 ? raw.length : end)
    .toString('latin1')
    .replace(/\r\n[ \t]+/g, ' ');
  return /^message-id:\s*(<[^>\r\n]*>)/im.exec(head)?.[1];
}

export async function startSmtpSandbox(options: SmtpSandboxOptions = {}): Promise<SmtpSandbox> {
  const username = options.username ?? 'firstpass';
  const password = options.password ?? randomBytes(12).toString('base64url');
  const starttls = options.starttls ?? true;
  const tls = starttls ? await loopbackCertificate() : undefined;
  const messages: ReceivedMail[] = [];
  const sockets = new Map<number, Socket>();
  let connectionCount = 0;
  let armed: PlannedFault | undefined;
  let active: (PlannedFault & { readonly transaction: string }) | undefined;
  let dropAfterData = false;
  if (options.folder !== undefined) await mkdir(options.folder, { recursive: true });

  const server = new SMTPServer({
    name: 'localhost',
    banner: 'firstpass sandbox',
    authMethods: ['PLAIN', 'LOGIN'],
    // Without STARTTLS the sandbox is plain SMTP on loopback; AUTH must still work there.
    allowInsecureAuth: !starttls,
    disabledCommands: starttls ? [] : ['STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    size: 50 * 1024 * 1024,
    closeTimeout: 1_000,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === username && auth.password === password) callback(null, { user: username });
      else callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      // A planned fault belongs to the next whole transaction: every recipient of it is refused alike.
      active = armed === undefined ? undefined : { ...armed, transaction: transactionKey(session) };
      armed = undefined;
      callback();
    },
    onRcptTo(_address, session, callback) {
      if (active?.at === 'rcpt' && active.transaction === transactionKey(session)) {
        callback(smtpError(active.code, active.text));
        return;
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (dropAfterData) {
          dropAfterData = false;
          sockets.get(session.remotePort)?.destroy();
          return;
        }
        if (active?.at === 'data' && active.transaction === transactionKey(session)) {
          const planned = active;
          active = undefined;
          callback(smtpError(planned.code, planned.text));
          return;
        }
        const raw = Buffer.concat(chunks);
        const mail: ReceivedMail = {
          raw,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
          messageId: headerMessageId(raw),
        };
        messages.push(mail);
        const saved =
          options.folder === undefined
            ? Promise.resolve()
            : writeFile(join(options.folder, `${String(messages.length).padStart(6, '0')}.eml`), raw);
        saved.then(
          () => callback(null, `OK queued as ${messages.length}`),
          (error: unknown) => callback(smtpError(451, `cannot store the message (${(error as NodeJS.ErrnoException).code ?? 'error'})`)),
        );
      });
    },
  });
  server.server.on('connection', (socket: Socket) => {
    connectionCount += 1;
    const port = socket.remotePort;
    if (port !== undefined) {
      sockets.set(port, socket);
      socket.once('close', () => sockets.delete(port));
    }
  });
  server.on('error', () => {
    // A client that vanishes mid-session is the client's problem, not the sandbox's.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;

  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    certificate: tls?.cert,
    messages,
    connections: () => connectionCount,
    byMessageId(messageId) {
      const wanted = messageId.startsWith('<') ? messageId : `<${messageId}>`;
      return [...messages].reverse().find((mail) => mail.messageId === wanted);
    },
    refuseNext(refusal = {}) {
      const planned = {
        code: refusal.code ?? 550,
        text: refusal.text ?? 'mailbox unavailable: invoices are not accepted here',
        at: refusal.at ?? 'data',
      } as const;
      armed = planned;
      return { code: String(planned.code), text: planned.text };
    },
    deferNext() {
      armed = { code: 451, text: 'try again later: the mailbox is busy', at: 'rcpt' };
    },
    dropNextAfterData() {
      dropAfterData = true;
    },
    async stop() {
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

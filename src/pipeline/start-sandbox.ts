import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import { ProfileLibrary } from '../profiles/index.js';
import { type BuyerCustomerSettings, type BuyerRecord, SandboxBuyer } from '../sandbox/buyer/sandbox-buyer.js';
import { startPortalSandbox, type PortalSandbox } from '../sandbox/portal-server.js';
import { startSftpServer, type SftpSandbox } from '../sandbox/sftp-server.js';
import { startSmtpSandbox, type SmtpSandbox } from '../sandbox/smtp-server.js';

/**
 * `firstpass sandbox`: the portal, SFTP and SMTP sandbox servers on loopback, and a copy of the
 * customer profiles whose every channel points at them, so a person can run `firstpass submit`
 * end to end without reaching a customer. The secrets go to an env file only the user can read;
 * the profiles name them with `{ "env": … }`.
 */

export interface SandboxOptions {
  /** Where everything is written; default a new folder under the OS temp dir. */
  readonly directory?: string | undefined;
  /** The profiles to copy (their channels are replaced). */
  readonly profilesDirectory: string;
  /** The purchase orders the buyer issued (customerId, poNumber); none: the buyer checks no PO. */
  readonly purchaseOrders?: Iterable<{ readonly customerId: string; readonly poNumber: string }> | undefined;
  /** How long after receipt the buyer's decision is known (default 0: at once), so a demo shows `sent` first. */
  readonly decisionDelayMs?: number | undefined;
}

/** What the buyer knows of one customer, and where its answers go. */
export interface SandboxCustomer {
  readonly id: string;
  readonly channel: string;
  readonly format: string | undefined;
  readonly rejectionCodes: string | undefined;
  /** SFTP: where invoices arrive and where the buyer's 997/824 or CONTRL/APERAK files are put (client paths). */
  readonly remoteDir: string | undefined;
  readonly ackDir: string | undefined;
  /** Portal: the customer's own address, and where its decisions are polled. */
  readonly url: string | undefined;
  readonly statusUrl: string | undefined;
}

/** Where one customer's (or base's) channel now points. */
export interface PointedChannel {
  /** The profile file, relative to the copied profiles folder. */
  readonly file: string;
  readonly type: string;
  /** Where it sends now; undefined when the sandbox has no server for this channel type (left as it was). */
  readonly destination: string | undefined;
}

export interface RunningSandbox {
  readonly directory: string;
  readonly profilesDirectory: string;
  /** KEY=value lines (mode 600): the secrets the copied profiles name. */
  readonly envFile: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Files uploaded over SFTP land here (the SFTP server's `/`). */
  readonly sftpRoot: string;
  /** Files the buyer picked up from a customer's remoteDir, under that remoteDir. */
  readonly pickedUpFolder: string;
  /** Each e-mail lands here as `<n>.eml`. */
  readonly mailFolder: string;
  /** Each portal request's document and attachments land here, as `<n>-<file name>`. */
  readonly portalFolder: string;
  readonly ports: { readonly portal: number; readonly sftp: number; readonly smtp: number };
  readonly portalUrls: { readonly rest: string; readonly cxml: string; readonly restStatus: string; readonly cxmlStatus: string };
  readonly channels: readonly PointedChannel[];
  /** The customers the buyer judges for (those whose profile loads). */
  readonly customers: readonly SandboxCustomer[];
  /** Everything the buyer judged so far, with the answers it wrote. */
  readonly judged: readonly BuyerRecord[];
  /** Requests the portal took so far. */
  portalRequests(): number;
  stop(): Promise<void>;
}

const SFTP_USER = 'firstpass';
const SMTP_CERTIFICATE_FILE = 'sandbox-smtp.pem';
const ENV = {
  sftpPassword: 'FIRSTPASS_SANDBOX_SFTP_PASSWORD',
  smtpPassword: 'FIRSTPASS_SANDBOX_SMTP_PASSWORD',
  portalApiKey: 'FIRSTPASS_SANDBOX_PORTAL_API_KEY',
  portalToken: 'FIRSTPASS_SANDBOX_PORTAL_TOKEN',
  portalPassword: 'FIRSTPASS_SANDBOX_PORTAL_PASSWORD',
  portalSharedSecret: 'FIRSTPASS_SANDBOX_PORTAL_SHARED_SECRET',
} as const;

interface Servers {
  readonly sftp: SftpSandbox;
  readonly smtp: SmtpSandbox;
  readonly portal: PortalSandbox;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const directory = resolve(options.directory ?? (await mkdtemp(join(tmpdir(), 'firstpass-sandbox-'))));
  const profilesDirectory = join(directory, 'profiles');
  const sftpRoot = join(directory, 'sftp');
  const pickedUpFolder = join(directory, 'picked-up');
  const mailFolder = join(directory, 'mail');
  const portalFolder = join(directory, 'portal');
  await mkdir(portalFolder, { recursive: true });
  await cp(resolve(options.profilesDirectory), profilesDirectory, { recursive: true, errorOnExist: false, force: true });
  const files = await profileFiles(profilesDirectory);
  const documents = new Map<string, Record<string, unknown>>();
  for (const file of files) documents.set(file, await readProfile(file));
  // Every folder a channel sends to or reads answers from exists on the SFTP server from the start.
  const folders = [...documents.values()].flatMap((profile) => sftpFolders(profile.channel));

  const started: { stop(): Promise<void> }[] = [];
  // The buyer needs the customers, known once the profiles point at the servers; nothing arrives before.
  let buyer: SandboxBuyer | undefined;
  try {
    const sftpPassword = secret();
    const sftp = await startSftpServer({
      root: sftpRoot,
      username: SFTP_USER,
      password: sftpPassword,
      folders,
      onFileArrived: (path, content) => buyer?.sftpFileArrived(path, content),
    });
    started.push(sftp);
    const smtp = await startSmtpSandbox({ starttls: true, folder: mailFolder });
    started.push(smtp);
    let received = 0;
    const portal = await startPortalSandbox({
      onRequest: (request) => {
        received += 1;
        const number = received;
        // Written before the portal answers, so what a submit was told arrived is on disk when it returns.
        for (const part of request.parts)
          writeFileSync(join(portalFolder, `${number}-${safeName(part.fileName || `${request.flavor}-document`)}`), part.content);
        buyer?.portalReceived(request);
      },
      status: (flavor, reference) => buyer?.portalStatus(flavor, reference),
    });
    started.push(portal);
    const servers: Servers = { sftp, smtp, portal };
    await writeFile(join(profilesDirectory, SMTP_CERTIFICATE_FILE), smtp.certificate ?? '');

    const channels: PointedChannel[] = [];
    for (const [file, profile] of documents) {
      if (!isRecord(profile.channel)) continue;
      const pointed = pointChannel(profile.channel, servers);
      const name = relative(profilesDirectory, file);
      channels.push({ file: name, type: String(profile.channel.type), destination: pointed?.destination });
      if (pointed !== undefined) await writeFile(file, `${JSON.stringify({ ...profile, channel: pointed.channel }, null, 2)}\n`);
    }
    const customers = await customersOf(profilesDirectory, servers);
    for (const [index, channel] of channels.entries()) {
      const own_ = customers.find((customer) => `${customer.id}.json` === channel.file && customer.url !== undefined);
      if (own_ !== undefined) channels[index] = { ...channel, destination: own_.url };
    }
    const running = new SandboxBuyer({
      customers: customers.map(buyerSettings),
      purchaseOrders: options.purchaseOrders ?? [],
      sftpRoot: sftp.root,
      pickedUpFolder,
      decisionDelayMs: options.decisionDelayMs ?? 0,
    });
    buyer = running;
    started.push({ stop: async () => running.stop() });

    const environment: Record<string, string> = {
      [ENV.sftpPassword]: sftpPassword,
      [ENV.smtpPassword]: smtp.password,
      [ENV.portalApiKey]: portal.apiKey,
      [ENV.portalToken]: portal.token,
      [ENV.portalPassword]: portal.password,
      [ENV.portalSharedSecret]: portal.sharedSecret,
    };
    const envFile = join(directory, 'sandbox.env');
    const lines = Object.entries(environment).map(([key, value]) => `${key}=${value}\n`);
    await writeFile(envFile, lines.join(''), { mode: 0o600 });
    // The mode given to writeFile does not change a file that was there already.
    await chmod(envFile, 0o600);

    return {
      directory,
      profilesDirectory,
      envFile,
      environment,
      sftpRoot,
      pickedUpFolder,
      mailFolder,
      portalFolder,
      ports: { portal: portal.port, sftp: sftp.port, smtp: smtp.port },
      portalUrls: { rest: portal.restUrl, cxml: portal.cxmlUrl, restStatus: portal.restStatusUrl, cxmlStatus: portal.cxmlStatusUrl },
      channels,
      customers,
      judged: running.records,
      portalRequests: () => received,
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

function secret(): string {
  return randomBytes(12).toString('base64url');
}

async function stopAll(servers: readonly { stop(): Promise<void> }[]): Promise<void> {
  const results = await Promise.allSettled(servers.map((server) => server.stop()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Every .json file under the copied folder: customers and the bases they extend. */
async function profileFiles(directory: string): Promise<string[]> {
  const names = await readdir(directory, { recursive: true, encoding: 'utf8' });
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(directory, name))
    .sort();
}

async function readProfile(file: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InputError('INPUT_MALFORMED', 'sandbox', [{ location: { file }, message: 'is not a JSON profile' }], { cause });
  }
  if (!isRecord(value))
    throw new InputError('INPUT_MALFORMED', 'sandbox', [{ location: { file }, message: 'is not a JSON object (a profile)' }]);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function sftpFolders(channel: unknown): string[] {
  if (!isRecord(channel) || channel.type !== 'sftp') return [];
  return ['remoteDir', 'ackDir']
    .map((key) => own(channel, key))
    .filter((folder): folder is string => typeof folder === 'string' && folder !== '')
    .map((folder) => folder.replace(/^\/+/, ''))
    .filter((folder) => folder !== '' && !folder.split('/').includes('..'));
}

/** A received file's name, safe to write into the portal folder. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'document';
}

/** The channel, pointed at the sandbox server of its type; undefined when the sandbox has none for it. */
function pointChannel(
  channel: Record<string, unknown>,
  servers: Servers,
  customerId?: string,
): { channel: Record<string, unknown>; destination: string } | undefined {
  switch (channel.type) {
    case 'sftp': {
      const remoteDir = own(channel, 'remoteDir');
      const ackDir = own(channel, 'ackDir');
      return {
        channel: {
          type: 'sftp',
          host: '127.0.0.1',
          port: servers.sftp.port,
          username: SFTP_USER,
          password: { env: ENV.sftpPassword },
          hostKeySha256: servers.sftp.hostKeySha256,
          ...(typeof remoteDir === 'string' ? { remoteDir } : {}),
          ...(typeof ackDir === 'string' ? { ackDir } : {}),
        },
        destination: `sftp://127.0.0.1:${servers.sftp.port}${typeof remoteDir === 'string' ? remoteDir : '/'}`,
      };
    }
    case 'email': {
      const { smtp: _customerServer, ...message } = channel;
      return {
        channel: {
          ...message,
          smtp: {
            host: servers.smtp.host,
            port: servers.smtp.port,
            secure: false,
            username: servers.smtp.username,
            password: { env: ENV.smtpPassword },
            trustedCertificate: { file: SMTP_CERTIFICATE_FILE },
          },
        },
        destination: `smtp://${servers.smtp.host}:${servers.smtp.port}`,
      };
    }
    case 'portal': {
      const flavor = own(channel, 'flavor') === 'cxml' ? 'cxml' : 'rest';
      // Each customer has its own address, so the buyer knows whose a submission is; a base gets the general one.
      const urls =
        customerId === undefined ? { cxml: servers.portal.cxmlUrl, rest: servers.portal.restUrl } : servers.portal.customerUrls(customerId);
      const url = urls[flavor];
      const statusUrl = flavor === 'cxml' ? servers.portal.cxmlStatusUrl : servers.portal.restStatusUrl;
      const auth = isRecord(channel.auth) ? channel.auth : {};
      return {
        // Test documents (testMode) go to the sandbox too: testUrl is the same portal.
        channel: { type: 'portal', flavor, url, testUrl: url, statusUrl, auth: portalAuth(flavor, auth.type, servers.portal) },
        destination: url,
      };
    }
    default:
      return undefined;
  }
}

/** The same kind of credential the customer's portal takes, with the sandbox's values. */
function portalAuth(flavor: 'cxml' | 'rest', type: unknown, portal: PortalSandbox): Record<string, unknown> {
  if (flavor === 'cxml') return { type: 'shared-secret', sharedSecret: { env: ENV.portalSharedSecret } };
  if (type === 'bearer') return { type: 'bearer', token: { env: ENV.portalToken } };
  if (type === 'basic') return { type: 'basic', username: portal.username, password: { env: ENV.portalPassword } };
  return { type: 'api-key', header: portal.apiKeyHeader, apiKey: { env: ENV.portalApiKey } };
}

/**
 * The customers whose profiles load from the rewritten folder, as the buyer sees them; each portal
 * customer's own file is given its own portal address (over a base's channel, which it extends).
 */
async function customersOf(profilesDirectory: string, servers: Servers): Promise<SandboxCustomer[]> {
  const { profiles } = await new ProfileLibrary(profilesDirectory).loadAll();
  const customers: SandboxCustomer[] = [];
  for (const [id, resolved] of profiles) {
    const profile = resolved.profile as unknown as Record<string, unknown>;
    const channel = isRecord(profile.channel) ? profile.channel : {};
    const format = isRecord(profile.format) ? own(profile.format, 'type') : profile.format;
    const rejectionCodes = own(profile, 'rejectionCodes');
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    let url: string | undefined;
    let statusUrl: string | undefined;
    if (channel.type === 'portal') {
      const pointed = pointChannel(channel, servers, id);
      if (pointed !== undefined) {
        const own_ = await readProfile(resolved.file);
        await writeFile(resolved.file, `${JSON.stringify({ ...own_, channel: pointed.channel }, null, 2)}\n`);
        url = text(pointed.channel.url);
        statusUrl = text(pointed.channel.statusUrl);
      }
    }
    customers.push({
      id,
      channel: text(channel.type) ?? 'unknown',
      format: text(format),
      rejectionCodes: text(rejectionCodes),
      remoteDir: channel.type === 'sftp' ? text(channel.remoteDir) : undefined,
      ackDir: channel.type === 'sftp' ? text(channel.ackDir) : undefined,
      url,
      statusUrl,
    });
  }
  return customers.sort((a, b) => a.id.localeCompare(b.id));
}

function buyerSettings(customer: SandboxCustomer): BuyerCustomerSettings {
  return {
    id: customer.id,
    rejectionCodes: customer.rejectionCodes,
    format: customer.format,
    remoteDir: customer.remoteDir,
    ackDir: customer.ackDir,
  };
}

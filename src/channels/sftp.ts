import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { ChannelError, type ChannelContext, type ChannelDefinition, type Delivery, type OpenChannel, type SendResult } from './channel.js';
import { remoteNames } from './remote-file-name.js';
import { type Connection, drop, SftpSession, type SftpLogin, type SshError, sessionKey, TimedOut } from './sftp-session.js';

/**
 * SFTP: each file of a delivery is uploaded into `remoteDir` under a temporary dot name, and
 * renamed to its final name only when every file is complete, so the customer never picks up half
 * a file. The server's host key must match the profile's pin before a password or key leaves.
 * One connection per host and login (sftp-session.ts), reused across a run's sends, which run
 * one at a time on it: customers served by one server share it.
 *
 * What a failure means:
 * - nothing sent: connection refused, reset or timed out, or lost before the first rename, and a
 *   server error while writing (disk full) → transient (a temporary file may remain; it never
 *   carries a final name, and the customer's pick-up skips dot files);
 * - host key mismatch, authentication failure, a missing or unwritable remoteDir, a final name
 *   already taken → precondition (firstpass never overwrites a file the customer has not picked up);
 * - lost or refused while renaming, after a final name may have appeared → unknown.
 */

const CHANNEL = 'sftp';

/** 43 base64 characters, as `ssh-keygen -l` prints a SHA-256 fingerprint after `SHA256:` (which may be written too). */
const FINGERPRINT = /^(?:SHA256:)?([A-Za-z0-9+/]{43})$/;

/** SFTP status codes (RFC draft-ietf-secsh-filexfer-02) that say the configuration is wrong, not the moment. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/**
 * ssh2 sets an uploaded file's permissions after opening it (0666 unless told), over the server's umask: on OpenSSH's
 * sshd every invoice would be writable by anyone. Owner read-write, others read: what a customer's own tools make.
 */
const UPLOAD_MODE = { writeStreamOptions: { mode: 0o644 } };

interface SftpSettings extends SftpLogin {
  readonly remoteDir: string;
}

function settingsOf(config: Readonly<Record<string, unknown>>): SftpSettings {
  const text = (key: string): string => {
    const value = config[key];
    if (typeof value !== 'string' || value === '')
      throw new ChannelError('precondition', CHANNEL, `the sftp channel needs "${key}" (a non-empty string)`);
    return value;
  };
  const pin = FINGERPRINT.exec(text('hostKeySha256'))?.[1];
  if (pin === undefined)
    throw new ChannelError(
      'precondition',
      CHANNEL,
      `hostKeySha256 must be 43 base64 characters, as ssh-keygen -l prints after "SHA256:"; got "${String(config.hostKeySha256)}"`,
    );
  const port = config.port ?? 22;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535)
    throw new ChannelError('precondition', CHANNEL, `port must be a whole number from 1 to 65535; got ${JSON.stringify(port)}`);
  if (config.password === undefined && config.privateKey === undefined)
    throw new ChannelError('precondition', CHANNEL, 'the sftp channel needs a "password" or a "privateKey" secret');
  return {
    host: text('host'),
    port,
    username: text('username'),
    password: config.password,
    privateKey: config.privateKey,
    hostKeySha256: pin,
    remoteDir: text('remoteDir'),
  };
}

class SftpChannel implements OpenChannel {
  private closed = false;

  constructor(
    private readonly settings: SftpSettings,
    private readonly session: SftpSession,
    /** Whether closing this channel closes the session too (else the run's SharedConnections does). */
    private readonly ownsSession: boolean,
  ) {}

  send(delivery: Delivery, signal?: AbortSignal): Promise<SendResult> {
    // Operations on one connection must not interleave: each send waits for the one before.
    return this.session.turn(() => this.sendNow(delivery, signal));
  }

  async close(): Promise<void> {
    this.closed = true;
    await (this.ownsSession ? this.session.close() : this.session.idle());
  }

  /**
   * The files in `folder` (not dot files, not folders) with their size and time, and the bytes
   * of those `wanted` says to read: for reading a customer's answers from its ackDir. Nothing
   * there is moved or deleted: the folder is the customer's.
   */
  readFolder(folder: string, wanted: (file: RemoteFile) => boolean): Promise<RemoteFile[]> {
    return this.session.turn(async () => {
      if (this.closed) throw new ChannelError('precondition', CHANNEL, 'the channel is closed');
      const connection = await this.session.connect();
      try {
        const listing = await this.session.step(connection, connection.client.list(folder), undefined);
        const files: RemoteFile[] = [];
        for (const entry of listing
          .filter((item) => item.type === '-' && !item.name.startsWith('.'))
          .sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const file: RemoteFile = { path: posix.join(folder, entry.name), size: entry.size, modifiedAt: new Date(entry.modifyTime) };
          if (!wanted(file)) {
            files.push(file);
            continue;
          }
          const content = await this.session.step(connection, connection.client.get(file.path), undefined);
          files.push({ ...file, content: new Uint8Array(content as Buffer) });
        }
        return files;
      } catch (error) {
        if (error instanceof ChannelError) throw error;
        const code = (error as SshError).code;
        if (code === NO_SUCH_FILE || code === PERMISSION_DENIED)
          throw new ChannelError(
            'precondition',
            CHANNEL,
            `${this.where()} does not let firstpass read ${folder} (${(error as Error).message})`,
            { cause: error },
          );
        drop(connection);
        throw new ChannelError(
          'transient',
          CHANNEL,
          `reading ${folder} on ${this.where()} failed (${error instanceof TimedOut ? error.message : (error as Error).message})`,
          { cause: error },
        );
      }
    });
  }

  private where(): string {
    return this.session.where();
  }

  private async sendNow(delivery: Delivery, signal: AbortSignal | undefined): Promise<SendResult> {
    if (this.closed) throw new ChannelError('precondition', CHANNEL, 'the channel is closed');
    if (signal?.aborted) throw new ChannelError('transient', CHANNEL, 'the send was cancelled before it began; nothing was sent');
    const { remoteDir } = this.settings;
    const files = [delivery.document, ...delivery.attachments];
    const names = remoteNames(
      delivery.invoiceNumber,
      delivery.document.fileName,
      delivery.attachments.map((file) => file.fileName),
    );
    const finals = names.map((name) => posix.join(remoteDir, name));
    const token = randomBytes(6).toString('hex');
    const temporaries = names.map((_, index) => posix.join(remoteDir, `.firstpass-${token}-${index}.tmp`));
    const connection = await this.session.connect();
    const { client } = connection;
    const uploaded: string[] = [];
    const renamed: string[] = [];
    /** The final name being renamed to, once renaming began. */
    let renaming: string | undefined;
    try {
      if (!connection.checkedFolders.has(remoteDir)) {
        if ((await this.session.step(connection, client.exists(remoteDir), signal)) !== 'd') {
          throw new ChannelError('precondition', CHANNEL, `remoteDir ${remoteDir} is not a folder on ${this.where()}; nothing was sent`);
        }
        connection.checkedFolders.add(remoteDir);
      }
      for (const path of finals) {
        if ((await this.session.step(connection, client.exists(path), signal)) !== false) {
          throw new ChannelError(
            'precondition',
            CHANNEL,
            `${path} already exists on ${this.where()}: firstpass does not overwrite a file the customer has not picked up (an earlier send, or another file of that name); a person should look; nothing was sent`,
          );
        }
      }
      for (const [index, file] of files.entries()) {
        const temporary = at(temporaries, index);
        uploaded.push(temporary);
        await this.session.step(
          connection,
          client.put(Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength), temporary, UPLOAD_MODE),
          signal,
        );
      }
      // Attachments first, the document last: when the invoice appears, what it refers to is there.
      for (const index of [...files.keys()].slice(1).concat(0)) {
        const [from, to] = [at(temporaries, index), at(finals, index)];
        renaming = to;
        await this.session.step(connection, connection.posixRename ? client.posixRename(from, to) : client.rename(from, to), signal);
        renamed.push(to);
      }
    } catch (error) {
      const left = uploaded.filter((path) => !renamed.includes(at(finals, temporaries.indexOf(path))));
      throw await this.failure(error, connection, { uploaded: left, renamed, renaming, finals });
    }
    return { outcome: 'sent', reference: at(finals, 0) };
  }

  /** The ChannelError for a send that failed part way, after removing its temporary files where the connection still allows. */
  private async failure(
    error: unknown,
    connection: Connection,
    progress: { uploaded: string[]; renamed: string[]; renaming: string | undefined; finals: string[] },
  ): Promise<ChannelError> {
    if (error instanceof ChannelError) return error;
    const code = (error as SshError).code;
    // ssh2 gives an SFTP status as a number: the server answered. Anything else (an end, a reset, a timeout) lost the connection.
    if (typeof code !== 'number') drop(connection);
    const reason =
      error instanceof TimedOut ? error.message : connection.lost ? 'the connection was lost' : String((error as Error).message);
    if (!connection.lost) {
      for (const path of progress.uploaded) await connection.client.delete(path, true).catch(() => undefined);
    }
    const leftovers =
      connection.lost && progress.uploaded.length > 0
        ? ` (temporary files ${progress.uploaded.join(', ')} may remain; they never carry a final name)`
        : '';
    if (progress.renaming !== undefined) {
      const missing = progress.finals.filter((path) => !progress.renamed.includes(path)).join(', ');
      if (!connection.lost && progress.renamed.length === 0) {
        // The server said no to the first rename, so no final name appeared; a name taken meanwhile is someone else's file.
        const taken = (await connection.client.exists(progress.renaming).catch(() => false)) !== false;
        const kind = code === PERMISSION_DENIED || taken ? 'precondition' : 'transient';
        return new ChannelError(
          kind,
          CHANNEL,
          `${this.where()} refused to rename the upload to ${progress.renaming} (${reason}${taken ? ': that name exists now' : ''}); nothing was delivered`,
          { cause: error },
        );
      }
      const arrived = progress.renamed.length > 0 ? `${progress.renamed.join(', ')} arrived; ` : '';
      if (!connection.lost) {
        return new ChannelError(
          'unknown',
          CHANNEL,
          `only part of the send reached ${this.where()}: ${arrived}the server refused to rename the upload to ${progress.renaming} (${reason}), so ${missing} did not arrive; a person should look before sending again`,
          { cause: error },
        );
      }
      const temporaries = progress.uploaded.length > 0 ? ` (temporary files ${progress.uploaded.join(', ')} may remain)` : '';
      return new ChannelError(
        'unknown',
        CHANNEL,
        `the send to ${this.where()} failed while files were renamed to their final names (${reason}): ${arrived}whether ${missing} arrived is unknown${temporaries}; check the server before sending again`,
        { cause: error },
      );
    }
    if (!connection.lost && (code === NO_SUCH_FILE || code === PERMISSION_DENIED)) {
      return new ChannelError(
        'precondition',
        CHANNEL,
        `${this.where()} does not let firstpass write in ${this.settings.remoteDir} (${reason}); nothing was sent`,
        { cause: error },
      );
    }
    return new ChannelError(
      'transient',
      CHANNEL,
      `the upload to ${this.where()} failed before any file got its final name (${reason}); nothing was delivered${leftovers}`,
      { cause: error },
    );
  }
}

/** A file in a remote folder; `content` when it was read. */
export interface RemoteFile {
  readonly path: string;
  readonly size: number;
  readonly modifiedAt: Date;
  readonly content?: Uint8Array;
}

/**
 * The files of the profile channel's `ackDir`, over the same pinned, authenticated connection a
 * send uses; the bytes of those `wanted` says to read. Throws ChannelError like a send.
 */
export async function readAckFolder(
  config: Readonly<Record<string, unknown>>,
  context: ChannelContext,
  wanted: (file: RemoteFile) => boolean,
): Promise<RemoteFile[]> {
  const ackDir = config.ackDir;
  if (typeof ackDir !== 'string' || ackDir === '')
    throw new ChannelError('precondition', CHANNEL, 'the sftp channel has no "ackDir" to read answers from');
  const settings = settingsOf(config);
  const channel = new SftpChannel(settings, new SftpSession(settings, context), true);
  try {
    return await channel.readFolder(ackDir, wanted);
  } finally {
    await channel.close();
  }
}

export const sftpChannel: ChannelDefinition = {
  type: CHANNEL,
  // One connection per host and login, its operations one at a time: a customer's sends cannot overlap; different servers' can.
  limits: { perCustomer: 1, maxPerCustomer: 1, perType: 8 },
  open: (config, context) => openSftpChannel(settingsOf(config), context),
};

/** A channel on the run's session for its login when the run shares connections, else on a session of its own. */
function openSftpChannel(settings: SftpSettings, context: ChannelContext): SftpChannel {
  if (context.shared === undefined) return new SftpChannel(settings, new SftpSession(settings, context), true);
  return new SftpChannel(
    settings,
    context.shared.get(sessionKey(settings), () => new SftpSession(settings, context)),
    false,
  );
}

/** The name at `index` of a list made with one name per file. */
function at(names: readonly string[], index: number): string {
  const name = names[index];
  if (name === undefined) throw new Error(`no remote name for file ${index}`);
  return name;
}

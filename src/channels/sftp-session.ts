import { createHash } from 'node:crypto';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { ChannelError, type ChannelContext } from './channel.js';
import { OneAtATime } from './one-at-a-time.js';

/**
 * One SSH login on one SFTP server, and the connection it keeps open: profiles that name the same
 * host, port, user, host key pin and secrets share one session in a run (ChannelContext.shared),
 * whatever folders they write to. Its work runs one turn at a time, because one connection
 * carries one conversation; a connection lost under it is opened again on the next turn.
 */

const CHANNEL = 'sftp';

/** Who logs in where, and the host key that server must show. */
export interface SftpLogin {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: unknown;
  readonly privateKey: unknown;
  /** The pin without its `SHA256:` prefix. */
  readonly hostKeySha256: string;
}

/** An error ssh2 (or ssh2-sftp-client, which keeps the code) gives: a socket code, an SFTP status number, a level. */
export interface SshError {
  readonly code?: unknown;
  readonly level?: unknown;
}

/** One live SSH connection with its SFTP session. */
export interface Connection {
  readonly client: SftpClient;
  readonly posixRename: boolean;
  /** Set when the connection closed under us: the next turn opens a new one. */
  lost: boolean;
  /** Folders found to be folders on this connection. */
  readonly checkedFolders: Set<string>;
}

export class TimedOut extends Error {}

/** The key under which runs share a session: the whole login (the secrets' references, never their values). */
export function sessionKey(login: SftpLogin): string {
  return JSON.stringify([
    'sftp',
    login.host,
    login.port,
    login.username,
    login.hostKeySha256,
    login.password ?? null,
    login.privateKey ?? null,
  ]);
}

export class SftpSession {
  private connection: Connection | undefined;
  private readonly turns = new OneAtATime();
  private closed = false;
  /** Host key algorithms to offer, the type of the key that last matched the pin first. */
  private hostKeyAlgorithms: readonly ServerHostKeyAlgorithm[] = HOST_KEY_ALGORITHMS;

  constructor(
    readonly login: SftpLogin,
    private readonly context: ChannelContext,
  ) {}

  /** `work` once the turns asked for before it have ended. */
  turn<T>(work: () => Promise<T>): Promise<T> {
    return this.turns.run(work);
  }

  /** Resolves once every turn asked for so far has ended. */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.turns.idle();
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.lost) await connection.client.end().catch(() => undefined);
  }

  /** `user@host:port`, for messages. */
  where(): string {
    return `${this.login.username}@${this.login.host}:${this.login.port}`;
  }

  /**
   * The open connection, or a new one when there is none or it was lost: the host key checked before any secret leaves.
   *
   * A server has one key per type (OpenSSH: ed25519, ECDSA and RSA) and shows one of them, the first type in the client's
   * list it has; a pin is the SHA-256 of one key and does not say its type. So when the key shown is not the pinned one,
   * the handshake is begun again without that key type, until the pinned key shows or no type is left: a user may pin
   * whichever key `ssh-keygen -l` showed them. Each try ends before authentication, so no secret leaves for a wrong key.
   */
  async connect(): Promise<Connection> {
    if (this.closed) throw new ChannelError('precondition', CHANNEL, 'the channel is closed');
    if (this.connection && !this.connection.lost) return this.connection;
    this.connection = undefined;
    const { login, context } = this;
    // Secrets are read only now, when a send needs them; they go to ssh2 and nowhere else.
    const password = login.password === undefined ? undefined : await context.secret(login.password, `sftp password for ${this.where()}`);
    const privateKey =
      login.privateKey === undefined ? undefined : await context.secret(login.privateKey, `sftp private key for ${this.where()}`);
    const credentials = { ...(password === undefined ? {} : { password }), ...(privateKey === undefined ? {} : { privateKey }) };
    const shown: HostKey[] = [];
    let offered = this.hostKeyAlgorithms;
    for (;;) {
      const attempt = await this.attempt(offered, credentials);
      if ('connection' in attempt) {
        // A connection lost later is opened again with the key type that matched asked for first.
        const matched = attempt.hostKey.type;
        this.hostKeyAlgorithms = [
          ...HOST_KEY_ALGORITHMS.filter((name) => keyTypeOf(name) === matched),
          ...HOST_KEY_ALGORITHMS.filter((name) => keyTypeOf(name) !== matched),
        ];
        this.connection = attempt.connection;
        return attempt.connection;
      }
      if (attempt.hostKey !== undefined && attempt.hostKey.fingerprint !== login.hostKeySha256) {
        shown.push(attempt.hostKey);
        const seenType = attempt.hostKey.type;
        offered = offered.filter((name) => keyTypeOf(name) !== seenType);
        if (offered.length > 0) continue;
        throw this.hostKeyMismatch(shown);
      }
      // A server with no key of the types left ends the handshake before showing one: the keys it showed are all it has.
      const level = (attempt.socketError ?? (attempt.error as SshError)).level;
      if (shown.length > 0 && attempt.hostKey === undefined && level === 'handshake') throw this.hostKeyMismatch(shown);
      throw this.connectFailure(attempt.error, attempt.socketError, privateKey !== undefined);
    }
  }

  /** One handshake offering `algorithms` for the host key; authentication follows only when the key shown is the pinned one. */
  private async attempt(
    algorithms: readonly ServerHostKeyAlgorithm[],
    credentials: { password?: string; privateKey?: string },
  ): Promise<
    { connection: Connection; hostKey: HostKey } | { error: unknown; socketError: SshError | undefined; hostKey: HostKey | undefined }
  > {
    const { login, context } = this;
    let hostKey: HostKey | undefined;
    let socketError: SshError | undefined;
    const client = new SftpClient('firstpass', { error: () => {}, end: () => {}, close: () => {} });
    client.on('error', (error: SshError) => {
      socketError ??= error;
    });
    let lostEarly = false;
    let connection: Connection | undefined;
    const lost = () => {
      lostEarly = true;
      if (connection) connection.lost = true;
    };
    client.on('end', lost);
    client.on('close', lost);
    const { password } = credentials;
    if (password !== undefined) client.on('keyboard-interactive', answerPasswordPrompts(password));
    try {
      const sftp = await client.connect({
        host: login.host,
        port: login.port,
        username: login.username,
        ...credentials,
        // Servers that leave passwords to PAM ask for them by keyboard-interactive, not by the password method.
        tryKeyboard: password !== undefined,
        readyTimeout: context.timeoutMs,
        algorithms: { serverHostKey: [...algorithms] },
        hostVerifier: (key: Buffer) => {
          hostKey = hostKeyOf(key);
          return hostKey.fingerprint === login.hostKeySha256;
        },
      });
      // Each SFTP operation is a small request waiting for its answer: Nagle's algorithm would hold requests back for ACKs.
      (client as unknown as { client: { setNoDelay(noDelay: boolean): void } }).client.setNoDelay(true);
      // ssh2 keeps the server's advertised extensions here and nowhere public; OpenSSH's sshd offers posix-rename.
      const extensions = (sftp as unknown as { _extensions?: Record<string, string> })._extensions;
      const opened: Connection = {
        client,
        posixRename: extensions?.['posix-rename@openssh.com'] === '1',
        lost: lostEarly,
        checkedFolders: new Set(),
      };
      connection = opened;
      // OpenSSH's sshd may close an idle SFTP channel (ChannelTimeout) and keep the connection: a request on it would
      // never be answered, so the connection goes with it and the next turn opens a new one.
      sftp.on('close', () => drop(opened));
      if (hostKey === undefined) throw new Error('ssh2 connected without showing the host key');
      return { connection, hostKey };
    } catch (error) {
      await client.end().catch(() => undefined);
      return { error, socketError, hostKey };
    }
  }

  /** One remote operation, bounded by the timeout and the caller's signal; a hung one drops the connection. */
  async step<T>(connection: Connection, operation: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut(`no answer within ${this.context.timeoutMs} ms`)), this.context.timeoutMs);
      onAbort = () => reject(new TimedOut('the send was cancelled'));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([operation, stop]);
    } catch (error) {
      // The library has no way to abandon one request; the socket goes, and the request with it.
      if (error instanceof TimedOut) drop(connection);
      operation.catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The keys the server showed, none of them the pinned one. */
  private hostKeyMismatch(shown: readonly HostKey[]): ChannelError {
    const { login } = this;
    const keys = shown.map((key) => `SHA256:${key.fingerprint} (${key.type})`).join(', ');
    return new ChannelError(
      'precondition',
      CHANNEL,
      `the host ${shown.length === 1 ? 'key' : 'keys'} of ${login.host}:${login.port} ${shown.length === 1 ? 'is' : 'are'} ${keys}, but the profile pins SHA256:${login.hostKeySha256}; nothing was sent (if the server's key really changed, check the new one with its owner and update hostKeySha256)`,
    );
  }

  private connectFailure(error: unknown, socketError: SshError | undefined, withKey: boolean): ChannelError {
    const { login, context } = this;
    const raw = socketError ?? (error as SshError);
    if (raw.level === 'client-authentication') {
      return new ChannelError(
        'precondition',
        CHANNEL,
        `${this.where()} refused the ${withKey ? 'private key' : 'password'} (authentication failed); nothing was sent`,
      );
    }
    if (/privateKey/.test(String((error as Error).message))) {
      return new ChannelError(
        'precondition',
        CHANNEL,
        `the private key for ${this.where()} cannot be read (an unencrypted OpenSSH or PEM key is expected); nothing was sent`,
      );
    }
    if (raw.level === 'handshake') {
      return new ChannelError(
        'precondition',
        CHANNEL,
        `the SSH handshake with ${login.host}:${login.port} failed (${(error as Error).message}); nothing was sent`,
      );
    }
    const why =
      raw.level === 'client-timeout'
        ? `no answer within ${context.timeoutMs} ms`
        : typeof raw.code === 'string'
          ? raw.code
          : (error as Error).message;
    return new ChannelError('transient', CHANNEL, `cannot connect to ${login.host}:${login.port} (${why}); nothing was sent`);
  }
}

/** A prompt of a keyboard-interactive login, as ssh2 hands it. */
interface KeyboardPrompt {
  readonly prompt: string;
  readonly echo?: boolean;
}

/**
 * Answers a keyboard-interactive login: the password to each hidden prompt that asks for a
 * password, nothing to any other (a one-time code firstpass does not have), so such a login fails
 * as a refused one. The host key was checked before any prompt comes.
 */
function answerPasswordPrompts(
  password: string,
): (name: string, instructions: string, language: string, prompts: readonly KeyboardPrompt[], finish: (answers: string[]) => void) => void {
  return (_name, _instructions, _language, prompts, finish) =>
    finish(prompts.map((prompt) => (prompt.echo !== true && /password/i.test(prompt.prompt) ? password : '')));
}

/** Marks the connection lost and closes its socket at once: what was in flight on it is abandoned. */
export function drop(connection: Connection): void {
  if (connection.lost) return;
  connection.lost = true;
  (connection.client as unknown as { client: { destroy(): void } }).client.destroy();
}

/** A host key as people compare it: its type and the unpadded base64 SHA-256 `ssh-keygen -l` prints. */
export interface HostKey {
  readonly type: string;
  readonly fingerprint: string;
}

/** The key in SSH wire form: its type is the first string (a 4-byte length, then the name). */
function hostKeyOf(blob: Buffer): HostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return {
    type: blob.subarray(4, 4 + length).toString('latin1'),
    fingerprint: createHash('sha256').update(blob).digest('base64').replace(/=+$/, ''),
  };
}

/**
 * The host key algorithms offered, in ssh2's own order (ssh-dss, which OpenSSH dropped, left out).
 * The rsa-sha2 names are signatures made with one RSA key, of type ssh-rsa.
 */
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** The key type an algorithm signs with. */
function keyTypeOf(algorithm: ServerHostKeyAlgorithm): string {
  return algorithm.startsWith('rsa-sha2-') ? 'ssh-rsa' : algorithm;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, posix, sep } from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, Connection, SFTPWrapper } from 'ssh2';
import { ed25519KeyPair } from './ssh-keys.js';

const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE, flagsToString } = utils.sftp;

/**
 * The sandbox's SFTP server: ssh2's Server with an SFTP subsystem on loopback, one user (password
 * and/or public key), serving one folder on disk (an inbound folder and an ack folder), so tests
 * and people have a real SFTP peer to send to. Every request path is confined to that folder.
 */
export interface SftpServerOptions {
  /** The folder on disk that is `/` for the client. */
  readonly root: string;
  readonly username: string;
  readonly password?: string;
  /**
   * How the password is asked for: the `password` method (the default), or only as the answer to
   * a `keyboard-interactive` prompt, as servers that leave passwords to PAM do.
   */
  readonly passwordMethod?: 'password' | 'keyboard-interactive';
  /** An OpenSSH public key line (`ssh-ed25519 AAAA…`) the user may log in with. */
  readonly publicKey?: string;
  /** Folders created under the root at start. */
  readonly folders?: readonly string[];
  /** 0 (the default) takes a free port. */
  readonly port?: number;
  /**
   * Told of each file that arrives under its final name (renamed to a name, or written and closed
   * under a name that does not start with a dot), with the path the client sees, before the
   * client's request is answered: the customer's pick-up. What it throws is kept, never sent.
   */
  readonly onFileArrived?: (path: string, content: Buffer) => Promise<void> | void;
}

export interface SftpSandbox {
  readonly port: number;
  /** The host key's SHA-256 fingerprint as `ssh-keygen -l` prints it after `SHA256:` (43 base64 characters). */
  readonly hostKeySha256: string;
  readonly root: string;
  /** The next file opened for writing drops the connection before any byte is written. */
  failNextUpload(): void;
  /** The next RENAME drops the connection without renaming: a connection lost while a send renames its files. */
  failNextRename(): void;
  /** Resolves at the next WRITE request (before it is carried out): for killing a client mid-upload. */
  nextWrite(): Promise<void>;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections still open. */
  openConnections(): number;
  /** What onFileArrived threw, oldest first. */
  readonly pickUpFaults: readonly unknown[];
  stop(): Promise<void>;
}

type Handle =
  | { readonly kind: 'file'; readonly file: FileHandle; readonly path: string; readonly clientPath: string; written: boolean }
  | { readonly kind: 'dir'; readonly path: string; listed: boolean };

/** An error that says its SFTP status. */
class StatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The unpadded base64 SHA-256 of a public key blob, as ssh-keygen prints it. */
export function sshFingerprint(publicKeyBlob: Uint8Array): string {
  return createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '');
}

function sameSecret(given: Buffer, expected: Buffer): boolean {
  // Compared in constant time; a length difference compares the input with itself and fails.
  const equalLength = given.length === expected.length;
  return timingSafeEqual(given, equalLength ? expected : given) && equalLength;
}

function attributesOf(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

function longName(name: string, stats: Stats): string {
  const type = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((letter, index) => (stats.mode & (0o400 >> index) ? letter : '-'))
    .join('');
  return `${type}${bits} 1 ${stats.uid} ${stats.gid} ${stats.size} ${new Date(stats.mtimeMs).toUTCString().slice(5, 22)} ${name}`;
}

function statusOf(error: unknown): { status: number; message: string } {
  if (error instanceof StatusError) return { status: error.status, message: error.message };
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { status: STATUS_CODE.NO_SUCH_FILE, message: 'No such file or directory' };
  if (code === 'EACCES' || code === 'EPERM') return { status: STATUS_CODE.PERMISSION_DENIED, message: 'Permission denied' };
  return { status: STATUS_CODE.FAILURE, message: code === 'ENOSPC' ? 'No space left on device' : (code ?? 'Failure') };
}

export async function startSftpServer(options: SftpServerOptions): Promise<SftpSandbox> {
  await mkdir(options.root, { recursive: true });
  const root = await realpath(options.root);
  for (const folder of options.folders ?? ['inbound', 'ack']) await mkdir(join(root, folder), { recursive: true });

  const hostKey = ed25519KeyPair();
  const parsedHostKey = utils.parseKey(hostKey.public);
  if (parsedHostKey instanceof Error) throw parsedHostKey;
  const hostKeySha256 = sshFingerprint(parsedHostKey.getPublicSSH());
  const allowedKey = options.publicKey === undefined ? undefined : utils.parseKey(options.publicKey);
  if (allowedKey instanceof Error) throw allowedKey;
  const username = Buffer.from(options.username);
  const password = options.password === undefined ? undefined : Buffer.from(options.password);
  const passwordMethod = options.passwordMethod ?? 'password';

  let failUpload = false;
  let failRename = false;
  let writeWaiters: (() => void)[] = [];
  let accepted = 0;
  const open_ = new Set<Connection>();
  const pickUpFaults: unknown[] = [];

  /** Hands a file that now has its final name to the pick-up, if any. */
  async function arrived(clientPath: string, disk: string): Promise<void> {
    if (options.onFileArrived === undefined || posix.basename(clientPath).startsWith('.')) return;
    try {
      await options.onFileArrived(clientPath, await readFile(disk));
    } catch (error) {
      pickUpFaults.push(error);
    }
  }

  /**
   * The disk path of a client's path, or a permission error for one that leaves the root: `..`
   * above `/` is refused rather than clamped, and a link is followed only to a place inside.
   */
  async function diskPath(path: string): Promise<string> {
    const segments: string[] = [];
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (segments.length === 0) throw new StatusError(STATUS_CODE.PERMISSION_DENIED, `${path} is outside the served folder`);
        segments.pop();
      } else segments.push(segment);
    }
    const full = join(root, ...segments);
    // The deepest existing ancestor, links resolved, must still be inside the root.
    let probe = full;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== root && !real.startsWith(root + sep))
          throw new StatusError(STATUS_CODE.PERMISSION_DENIED, `${path} is outside the served folder`);
        break;
      } catch (error) {
        if (error instanceof StatusError) throw error;
        if (probe === root) break;
        probe = join(probe, '..');
      }
    }
    return full;
  }

  function virtualPath(path: string): string {
    const segments: string[] = [];
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') segments.pop();
      else segments.push(segment);
    }
    return `/${segments.join('/')}`;
  }

  function serve(sftp: SFTPWrapper, connection: Connection): void {
    const handles = new Map<string, Handle>();
    let nextHandle = 0;
    const newHandle = (handle: Handle): Buffer => {
      const id = Buffer.alloc(4);
      id.writeUInt32BE(nextHandle++);
      handles.set(id.toString('hex'), handle);
      return id;
    };
    // A client gone mid-upload leaves its files open: closed with the connection, as sshd does.
    connection.on('close', () => {
      for (const handle of handles.values()) if (handle.kind === 'file') handle.file.close().catch(() => undefined);
      handles.clear();
    });
    const handleOf = (id: Buffer): Handle => {
      const handle = handles.get(id.toString('hex'));
      if (!handle) throw new StatusError(STATUS_CODE.FAILURE, 'Invalid handle');
      return handle;
    };
    /** Runs a request; its error becomes the SFTP status the client reads. */
    const answer = (requestId: number, work: () => Promise<void>): void => {
      work().catch((error: unknown) => {
        const { status, message } = statusOf(error);
        sftp.status(requestId, status, message);
      });
    };

    sftp.on('OPEN', (requestId, filename, flags) =>
      answer(requestId, async () => {
        const path = await diskPath(filename);
        if (flags & OPEN_MODE.WRITE && failUpload) {
          failUpload = false;
          connection.end();
          return;
        }
        const mode = flagsToString(flags);
        if (mode === null) throw new StatusError(STATUS_CODE.OP_UNSUPPORTED, 'Unsupported open flags');
        const file = await open(path, mode, 0o644);
        sftp.handle(requestId, newHandle({ kind: 'file', file, path, clientPath: virtualPath(filename), written: false }));
      }),
    );
    sftp.on('WRITE', (requestId, id, offset, data) =>
      answer(requestId, async () => {
        const waiters = writeWaiters;
        writeWaiters = [];
        for (const wake of waiters) wake();
        const handle = handleOf(id);
        if (handle.kind !== 'file') throw new StatusError(STATUS_CODE.FAILURE, 'Not a file');
        handle.written = true;
        await handle.file.write(data, 0, data.length, offset);
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('READ', (requestId, id, offset, length) =>
      answer(requestId, async () => {
        const handle = handleOf(id);
        if (handle.kind !== 'file') throw new StatusError(STATUS_CODE.FAILURE, 'Not a file');
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.file.read(buffer, 0, length, offset);
        if (bytesRead === 0) sftp.status(requestId, STATUS_CODE.EOF);
        else sftp.data(requestId, buffer.subarray(0, bytesRead));
      }),
    );
    sftp.on('FSTAT', (requestId, id) =>
      answer(requestId, async () => {
        const handle = handleOf(id);
        sftp.attrs(requestId, attributesOf(handle.kind === 'file' ? await handle.file.stat() : await stat(handle.path)));
      }),
    );
    sftp.on('FSETSTAT', (requestId, id) =>
      answer(requestId, async () => {
        handleOf(id);
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('SETSTAT', (requestId, path) =>
      answer(requestId, async () => {
        await stat(await diskPath(path));
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('CLOSE', (requestId, id) =>
      answer(requestId, async () => {
        const handle = handleOf(id);
        handles.delete(id.toString('hex'));
        if (handle.kind === 'file') {
          await handle.file.close();
          if (handle.written) await arrived(handle.clientPath, handle.path);
        }
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('OPENDIR', (requestId, path) =>
      answer(requestId, async () => {
        const full = await diskPath(path);
        if (!(await stat(full)).isDirectory()) throw new StatusError(STATUS_CODE.NO_SUCH_FILE, 'Not a directory');
        sftp.handle(requestId, newHandle({ kind: 'dir', path: full, listed: false }));
      }),
    );
    sftp.on('READDIR', (requestId, id) =>
      answer(requestId, async () => {
        const handle = handleOf(id);
        if (handle.kind !== 'dir') throw new StatusError(STATUS_CODE.FAILURE, 'Not a directory');
        if (handle.listed) {
          sftp.status(requestId, STATUS_CODE.EOF);
          return;
        }
        handle.listed = true;
        const names = [];
        for (const name of await readdir(handle.path)) {
          const stats = await lstat(join(handle.path, name));
          names.push({ filename: name, longname: longName(name, stats), attrs: attributesOf(stats) });
        }
        sftp.name(requestId, names);
      }),
    );
    for (const event of ['STAT', 'LSTAT'] as const) {
      sftp.on(event, (requestId: number, path: string) =>
        answer(requestId, async () => {
          const full = await diskPath(path);
          sftp.attrs(requestId, attributesOf(event === 'STAT' ? await stat(full) : await lstat(full)));
        }),
      );
    }
    sftp.on('REALPATH', (requestId, path) =>
      answer(requestId, async () => {
        await diskPath(path);
        const resolved = virtualPath(path);
        sftp.name(requestId, [{ filename: resolved, longname: resolved, attrs: {} as Attributes }]);
      }),
    );
    sftp.on('MKDIR', (requestId, path) =>
      answer(requestId, async () => {
        await mkdir(await diskPath(path));
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('RMDIR', (requestId, path) =>
      answer(requestId, async () => {
        await rmdir(await diskPath(path));
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('REMOVE', (requestId, path) =>
      answer(requestId, async () => {
        await unlink(await diskPath(path));
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
    sftp.on('RENAME', (requestId, from, to) =>
      answer(requestId, async () => {
        if (failRename) {
          failRename = false;
          connection.end();
          return;
        }
        const source = await diskPath(from);
        const target = await diskPath(to);
        // SFTP version 3: renaming onto an existing name is an error, never an overwrite.
        const taken = await lstat(target).then(
          () => true,
          () => false,
        );
        if (taken) throw new StatusError(STATUS_CODE.FAILURE, `${to} already exists`);
        await rename(source, target);
        await arrived(virtualPath(to), target);
        sftp.status(requestId, STATUS_CODE.OK);
      }),
    );
  }

  const server = new Server({ hostKeys: [hostKey.private] }, (connection) => {
    accepted += 1;
    open_.add(connection);
    // Answers go out at once, not held by Nagle's algorithm for the client's delayed ACK (~40 ms a round trip on loopback).
    (connection as unknown as { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    connection.on('error', () => {
      // A client that vanishes is that client's problem; the server goes on.
    });
    connection.on('close', () => open_.delete(connection));
    connection.on('authentication', (context) => {
      if (!sameSecret(Buffer.from(context.username), username)) return context.reject();
      if (
        context.method === 'password' &&
        passwordMethod === 'password' &&
        password !== undefined &&
        sameSecret(Buffer.from(context.password), password)
      )
        return context.accept();
      if (context.method === 'keyboard-interactive' && passwordMethod === 'keyboard-interactive' && password !== undefined) {
        context.prompt([{ prompt: 'Password: ', echo: false }], 'Password authentication', '', (answers) => {
          if (answers.length === 1 && sameSecret(Buffer.from(answers[0] ?? ''), password)) context.accept();
          else context.reject(['keyboard-interactive']);
        });
        return;
      }
      if (
        context.method === 'publickey' &&
        allowedKey !== undefined &&
        context.key.algo === allowedKey.type &&
        sameSecret(context.key.data, allowedKey.getPublicSSH())
      ) {
        if (context.signature === undefined) return context.accept();
        if (context.blob !== undefined && allowedKey.verify(context.blob, context.signature, context.hashAlgo) === true)
          return context.accept();
      }
      const methods: ('password' | 'keyboard-interactive' | 'publickey')[] = [];
      if (password !== undefined) methods.push(passwordMethod);
      if (allowedKey !== undefined) methods.push('publickey');
      return context.reject(methods);
    });
    connection.on('ready', () => {
      connection.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serve(acceptSftp(), connection));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    hostKeySha256,
    root,
    failNextUpload: () => {
      failUpload = true;
    },
    failNextRename: () => {
      failRename = true;
    },
    nextWrite: () => new Promise<void>((resolve) => writeWaiters.push(resolve)),
    connections: () => accepted,
    openConnections: () => open_.size,
    pickUpFaults,
    stop: async () => {
      for (const connection of open_) connection.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

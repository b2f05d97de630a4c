import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForServer } from './server-process.js';
import { tempFolder } from './temp.js';

/**
 * OpenSSH's own sshd on loopback, started by a test with a configuration of its own (no system
 * file read, nothing on port 22 used): host keys of three types, one authorized user key, SFTP
 * by OpenSSH's sftp-server logging each request to a file, so a test can see what the server did.
 */

export const SSHD = '/usr/sbin/sshd';

/** Where distributions put OpenSSH's sftp-server (Debian first). */
const SFTP_SERVERS = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server'];

export type HostKeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface OpenSshServer {
  readonly port: number;
  /** Whom the server lets in: the user running the test. */
  readonly username: string;
  /** A folder of the test's own, for remoteDir and ackDir (sshd serves the real file system). */
  readonly root: string;
  /** The private key the server accepts, in a file (OpenSSH format, no passphrase). */
  readonly userKeyFile: string;
  /** Each host key's fingerprint as `ssh-keygen -lf <key>.pub` prints it, after `SHA256:`. */
  readonly hostKeySha256: Readonly<Record<HostKeyType, string>>;
  /** What sftp-server logged: one line per request (`open`, `rename`, `posix-rename`, …). */
  sftpLog(): string;
  /** What sshd wrote to stderr (connections, authentication). */
  sshdLog(): string;
  stop(): Promise<void>;
}

/** A new key pair made by ssh-keygen; returns the private key's file. */
export function sshKeygen(folder: string, name: string, type: HostKeyType): string {
  const file = join(folder, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file], { stdio: 'ignore' });
  return file;
}

/** The `SHA256:` fingerprint ssh-keygen prints for a public key file, without the prefix. */
export function keygenFingerprint(publicKeyFile: string): string {
  const printed = execFileSync('ssh-keygen', ['-lf', publicKeyFile], { encoding: 'utf8' });
  const fingerprint = /SHA256:([A-Za-z0-9+/]{43})/.exec(printed)?.[1];
  if (fingerprint === undefined) throw new Error(`ssh-keygen -lf printed no SHA-256 fingerprint: ${printed}`);
  return fingerprint;
}

/** `settings`: more sshd_config lines, e.g. a timeout. */
export async function startOpenSshServer(settings: readonly string[] = []): Promise<OpenSshServer> {
  const home = tempFolder();
  const keys = join(home, 'keys');
  mkdirSync(keys, { mode: 0o700 });
  const types: HostKeyType[] = ['ed25519', 'ecdsa', 'rsa'];
  const hostKeys = types.map((type) => sshKeygen(keys, `host_${type}`, type));
  const userKeyFile = sshKeygen(keys, 'user_ed25519', 'ed25519');
  const authorizedKeys = join(keys, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${userKeyFile}.pub`));
  const sftpServer = SFTP_SERVERS.find((path) => existsSync(path));
  if (sftpServer === undefined) throw new Error(`OpenSSH's sftp-server is in none of ${SFTP_SERVERS.join(', ')}`);
  const sftpLog = join(home, 'sftp-server.log');
  const root = join(home, 'served');
  mkdirSync(root);
  const port = await freePort();
  const config = join(home, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      ...hostKeys.map((key) => `HostKey ${key}`),
      `PidFile ${join(home, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // Tests run as root in CI containers; a key is still required.
      'PermitRootLogin prohibit-password',
      `AllowUsers ${userInfo().username}`,
      // The subsystem runs through the user's shell, so its log (-e: to stderr) can go to a file.
      `Subsystem sftp ${sftpServer} -e -l INFO 2>>${sftpLog}`,
      ...settings,
    ].join('\n'),
  );
  // sshd started as root wants its privilege separation folder, which Debian's service creates at boot.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exited = once(child, 'exit');
  await waitForServer(
    'sshd',
    () => stderr.includes(`Server listening on 127.0.0.1 port ${port}`),
    exited,
    () => stderr,
  );
  return {
    port,
    username: userInfo().username,
    root,
    userKeyFile,
    hostKeySha256: {
      ed25519: keygenFingerprint(`${keys}/host_ed25519.pub`),
      ecdsa: keygenFingerprint(`${keys}/host_ecdsa.pub`),
      rsa: keygenFingerprint(`${keys}/host_rsa.pub`),
    },
    sftpLog: () => (existsSync(sftpLog) ? readFileSync(sftpLog, 'utf8') : ''),
    sshdLog: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

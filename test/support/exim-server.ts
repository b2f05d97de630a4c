import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForServer } from './server-process.js';
import { tempFolder } from './temp.js';

/**
 * Exim, Debian's own MTA, on loopback, started by a test with a configuration of its own (`-C`: no
 * system file read, nothing on port 25 used): STARTTLS with a self-signed certificate made by
 * openssl, SMTP AUTH (PLAIN, LOGIN) offered only once the session is encrypted and checked against
 * a file of crypt(3) hashes, and every accepted message delivered into one maildir.
 */

export const EXIM = '/usr/sbin/exim4';

/** An address Exim refuses for good at RCPT TO (550), and one it defers (451), as ACLs say. */
export const REFUSED_ADDRESS = 'refused@acme.example';
export const DEFERRED_ADDRESS = 'later@acme.example';
/** Exim's message_size_limit here: a message over it is refused after DATA (552). */
export const MESSAGE_SIZE_LIMIT = 2 * 1024 * 1024;
/** A sender Exim refuses at MAIL FROM (550), as a submission server does for an address the login may not use. */
export const FORBIDDEN_SENDER = 'impostor@supplier.example';
/** How long Exim waits for the client's next command before it says 421 and hangs up (its default is 5 minutes). */
export const IDLE_TIMEOUT_SECONDS = 3;
/** How many messages Exim takes over one connection before it answers 421 (its default is 1000; Exchange's is 20). */
export const MESSAGES_PER_CONNECTION = 4;

export interface EximServer {
  readonly host: '127.0.0.1';
  /** Plain SMTP upgraded by STARTTLS. */
  readonly port: number;
  /** TLS from the first byte (SMTPS, RFC 8314), as on port 465. */
  readonly implicitTlsPort: number;
  readonly username: string;
  readonly password: string;
  /** The server's certificate (PEM), to be trusted by the profile. */
  readonly certificate: string;
  /** The raw messages delivered so far, in the maildir's `new` folder. */
  delivered(): Buffer[];
  /** The delivered message whose Message-ID header is `messageId`, waiting up to 10 s for Exim's delivery. */
  deliveredWithId(messageId: string): Promise<Buffer>;
  /** Exim's main log: one line per message received (`<=`), delivered (`=>`) or refused. */
  mainLog(): string;
  stop(): Promise<void>;
}

/** Why Exim cannot be started here, or undefined. With `-C`, Exim keeps root only to become its own user. */
export function eximMissing(): string | undefined {
  if (!existsSync(EXIM)) return `${EXIM} is missing (apt-get install exim4-daemon-light)`;
  if (process.getuid?.() !== 0) return 'Exim with a configuration of its own runs as its own user, which needs the test to run as root';
  return undefined;
}

/** A self-signed certificate for 127.0.0.1 and localhost made by openssl; returns [certificate, key] files. */
export function selfSignedCertificate(folder: string, name: string): [string, string] {
  const certificate = join(folder, `${name}.pem`);
  const key = join(folder, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  return [certificate, key];
}

export async function startEximServer(): Promise<EximServer> {
  const home = tempFolder();
  // Exim gives up root for its own user (Debian-exim) before it reads or writes anything here.
  const eximUser = execFileSync(EXIM, ['-bP', 'exim_user'], { encoding: 'utf8' })
    .replace(/^exim_user = /, '')
    .trim();
  const uid = Number(execFileSync('id', ['-u', eximUser], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', eximUser], { encoding: 'utf8' }));
  chmodSync(home, 0o755);
  const [certificate, key] = selfSignedCertificate(home, 'exim');
  const username = 'billing';
  const password = `exim-pass-${Math.random().toString(36).slice(2, 10)}`;
  const credentials = join(home, 'credentials');
  const hash = execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: password, encoding: 'utf8' }).trim();
  writeFileSync(credentials, `${username}: {crypt}${hash}\n`);
  const maildir = join(home, 'Maildir');
  for (const folder of ['spool', 'log', 'Maildir']) mkdirSync(join(home, folder));
  for (const path of [key, credentials, join(home, 'spool'), join(home, 'log'), maildir]) chownSync(path, uid, gid);
  chmodSync(key, 0o600);
  chmodSync(credentials, 0o600);
  const port = await freePort();
  const implicitTlsPort = await freePort();
  const config = join(home, 'exim.conf');
  writeFileSync(config, eximConfig({ home, certificate, key, credentials, maildir, eximUser, ports: [port, implicitTlsPort] }));
  // -bdf: the daemon stays in the foreground (its child), so stopping it is killing it.
  const child = spawn(EXIM, ['-C', config, '-bdf', '-q10s'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exited = once(child, 'exit');
  const mainLogFile = join(home, 'log', 'mainlog');
  const mainLog = () => (existsSync(mainLogFile) ? readFileSync(mainLogFile, 'utf8') : '');
  // Exim's delivery and queue-runner processes are in the daemon's process group: all go at the end.
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killGroup);
  try {
    await waitForServer(
      'exim',
      () => mainLog().includes(`listening for SMTP on [127.0.0.1]:${port} and for SMTPS on [127.0.0.1]:${implicitTlsPort}`),
      exited,
      () => `${stderr}\n${mainLog()}`,
    );
  } catch (error) {
    killGroup();
    process.removeListener('exit', killGroup);
    throw error;
  }
  const delivered = () => {
    const folder = join(maildir, 'new');
    return existsSync(folder) ? readdirSync(folder).map((name) => readFileSync(join(folder, name))) : [];
  };
  return {
    host: '127.0.0.1',
    port,
    implicitTlsPort,
    username,
    password,
    certificate: readFileSync(certificate, 'utf8'),
    delivered,
    async deliveredWithId(messageId) {
      const header = new RegExp(`^Message-ID:\\s*${messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'im');
      for (let waited = 0; waited <= 10_000; waited += 50) {
        const found = delivered().find((raw) => header.test(raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? ''));
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no message with Message-ID ${messageId} was delivered within 10 s; Exim's log:\n${mainLog()}`);
    },
    mainLog,
    stop: async () => {
      process.removeListener('exit', killGroup);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup();
        await exited;
      }
    },
  };
}

function eximConfig(paths: {
  home: string;
  certificate: string;
  key: string;
  credentials: string;
  maildir: string;
  eximUser: string;
  ports: readonly [number, number];
}): string {
  const { home, certificate, key, credentials, maildir, eximUser, ports } = paths;
  // The password's check: crypt(3) of what the client sent against the user's line in the file.
  const checked = (user: string, pass: string) => `\${if crypteq{${pass}}{\${lookup{${user}}lsearch{${credentials}}}}}`;
  return `keep_environment =
primary_hostname = localhost
spool_directory = ${home}/spool
log_file_path = ${home}/log/%slog
local_interfaces = 127.0.0.1
daemon_smtp_ports = ${ports[0]} : ${ports[1]}
tls_on_connect_ports = ${ports[1]}
tls_certificate = ${certificate}
tls_privatekey = ${key}
tls_advertise_hosts = *
# As submission servers do: AUTH is offered only on an encrypted session.
auth_advertise_hosts = \${if eq{$tls_in_cipher}{}{}{*}}
message_size_limit = ${MESSAGE_SIZE_LIMIT}
acl_smtp_mail = check_sender
acl_smtp_rcpt = check_recipient
smtp_receive_timeout = ${IDLE_TIMEOUT_SECONDS}s
smtp_accept_max_per_connection = ${MESSAGES_PER_CONNECTION}
log_selector = +incoming_port +incoming_interface

begin acl
check_sender:
  deny message = sender not permitted for this login
       senders = ${FORBIDDEN_SENDER}
  accept

check_recipient:
  deny message = mailbox refused
       recipients = ${REFUSED_ADDRESS}
  defer message = greylisted, try again later
       recipients = ${DEFERRED_ADDRESS}
  accept authenticated = *
  deny message = relay not permitted

begin routers
everyone:
  driver = accept
  transport = into_maildir

begin transports
into_maildir:
  driver = appendfile
  directory = ${maildir}
  maildir_format
  user = ${eximUser}
  create_directory

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${checked('$auth2', '$auth3')}
  server_set_id = $auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${checked('$auth1', '$auth2')}
  server_set_id = $auth1
`;
}

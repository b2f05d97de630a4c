import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { CHANNELS, readAckFolder, secretReader, type OpenChannel } from '../../src/channels/index.js';
import { keygenFingerprint, SSHD, sshKeygen, startOpenSshServer, type OpenSshServer } from '../support/openssh-server.js';
import { tempFolder } from '../support/temp.js';
import { channelFailure, delivery, HOSTILE_NAMES, sendHostileNames } from './channel-suite.js';

/**
 * The SFTP channel against OpenSSH's sshd and sftp-server, which firstpass's customers run and
 * nobody here wrote (the rest of the channel's tests use the ssh2 sandbox). One sshd for the
 * file, each test in a folder of its own.
 */

const IN_CI = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());
const HAVE_SSHD = existsSync(SSHD);

let server: OpenSshServer | undefined;
let noticeGiven = false;

before(async () => {
  if (HAVE_SSHD) server = await startOpenSshServer();
});

after(async () => {
  await server?.stop();
});

/** The running sshd, or undefined after a notice (a failure under CI) when it is not installed. */
function sshd(t: TestContext): OpenSshServer | undefined {
  if (server !== undefined) return server;
  if (IN_CI) assert.fail(`${SSHD} is missing: .ci/run installs openssh-server (apt-get install openssh-server)`);
  if (!noticeGiven)
    process.stderr.write(`\n*** NOTICE: ${SSHD} is missing, so SFTP was not tried against OpenSSH (apt-get install openssh-server)\n\n`);
  noticeGiven = true;
  t.skip('no OpenSSH sshd');
  return undefined;
}

/** A new empty folder on the server (sshd serves the real file system, so a remote path is a local one). */
function remoteFolder(openssh: OpenSshServer, name: string): string {
  const folder = join(openssh.root, name);
  mkdirSync(folder, { recursive: true });
  return folder;
}

function configFor(openssh: OpenSshServer, remoteDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'sftp',
    host: '127.0.0.1',
    port: openssh.port,
    username: openssh.username,
    // Relative to the profiles folder the secret reader is given: the folder of the key.
    privateKey: { file: posix.basename(openssh.userKeyFile) },
    hostKeySha256: openssh.hostKeySha256.ed25519,
    remoteDir,
    ...overrides,
  };
}

function openChannel(openssh: OpenSshServer, config: Record<string, unknown>, environment: Record<string, string> = {}): OpenChannel {
  return CHANNELS.get('sftp')!.open(config, { secret: secretReader(dirname(openssh.userKeyFile), environment), timeoutMs: 10_000 });
}

async function withChannel<T>(channel: OpenChannel, body: (channel: OpenChannel) => Promise<T>): Promise<T> {
  try {
    return await body(channel);
  } finally {
    await channel.close();
  }
}

/** The ports of connections sshd closed before anyone logged in, in its log from `since` on. */
function unauthenticatedConnections(openssh: OpenSshServer, since: number): number {
  const ports = new Set<string>();
  for (const line of openssh.sshdLog().slice(since).split('\n')) {
    const port = /port (\d+).*\[preauth\]/.exec(line)?.[1];
    if (port !== undefined) ports.add(port);
  }
  return ports.size;
}

test('openssh: a send with an attachment arrives under its final names by posix-rename, readable, no temporary file left', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const remoteDir = remoteFolder(openssh, 'send');
  const sent = delivery();
  const result = await withChannel(openChannel(openssh, configFor(openssh, remoteDir)), (channel) => channel.send(sent));
  assert.deepEqual(result, { outcome: 'sent', reference: `${remoteDir}/INV-1001.ubl.xml` });
  assert.deepEqual(readdirSync(remoteDir).sort(), ['INV-1001.timesheet.pdf', 'INV-1001.ubl.xml']);
  assert.deepEqual(new Uint8Array(readFileSync(join(remoteDir, 'INV-1001.ubl.xml'))), sent.document.content);
  assert.deepEqual(new Uint8Array(readFileSync(join(remoteDir, 'INV-1001.timesheet.pdf'))), sent.attachments[0]?.content);
  // ssh2 sets the mode it is given after opening, over sshd's umask: an invoice must not be writable by everyone.
  for (const name of readdirSync(remoteDir)) assert.equal(statSync(join(remoteDir, name)).mode & 0o777, 0o644, name);
  const log = openssh.sftpLog();
  const renames = log.split('\n').filter((line) => /\brename old/.test(line));
  assert.equal(renames.length, 2, log);
  for (const line of renames) assert.match(line, /posix-rename old "[^"]*\/\.firstpass-[0-9a-f]+-\d\.tmp" new "[^"]*\/INV-1001\./);
});

test('openssh: the ed25519 key is the one shown first, and its pin as ssh-keygen -lf prints it connects on the first try', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const remoteDir = remoteFolder(openssh, 'pin-ed25519');
  const since = openssh.sshdLog().length;
  const config = configFor(openssh, remoteDir, { hostKeySha256: `SHA256:${openssh.hostKeySha256.ed25519}` });
  const result = await withChannel(openChannel(openssh, config), (channel) => channel.send(delivery()));
  assert.equal(result.outcome, 'sent');
  assert.equal(unauthenticatedConnections(openssh, since), 0, openssh.sshdLog().slice(since));
});

for (const [type, triedBefore] of [
  ['ecdsa', 1],
  ['rsa', 2],
] as const) {
  test(`openssh: a pin of the server's ${type} key connects too, after the handshakes that showed other key types`, async (t) => {
    const openssh = sshd(t);
    if (!openssh) return;
    const remoteDir = remoteFolder(openssh, `pin-${type}`);
    const since = openssh.sshdLog().length;
    const channel = openChannel(openssh, configFor(openssh, remoteDir, { hostKeySha256: openssh.hostKeySha256[type] }));
    await withChannel(channel, async () => {
      assert.equal((await channel.send(delivery())).outcome, 'sent');
      assert.equal((await channel.send(delivery({ invoiceNumber: 'INV-1002', idempotencyKey: 'k-INV-1002' }))).outcome, 'sent');
    });
    assert.deepEqual(readdirSync(remoteDir).sort(), [
      'INV-1001.timesheet.pdf',
      'INV-1001.ubl.xml',
      'INV-1002.timesheet.pdf',
      'INV-1002.ubl.xml',
    ]);
    // Each key type the server preferred was shown once, then left out; no secret went with those handshakes.
    assert.equal(unauthenticatedConnections(openssh, since), triedBefore, openssh.sshdLog().slice(since));
    assert.equal(
      openssh
        .sshdLog()
        .slice(since)
        .match(/Accepted publickey/g)?.length,
      1,
      'one login carried both sends',
    );
  });
}

test('openssh: a pin of no key the server has sends nothing, and the message shows every key it showed and the pin', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const remoteDir = remoteFolder(openssh, 'pin-wrong');
  const other = keygenFingerprint(`${sshKeygen(tempFolder(), 'elsewhere', 'ed25519')}.pub`);
  const since = openssh.sshdLog().length;
  const error = await withChannel(openChannel(openssh, configFor(openssh, remoteDir, { hostKeySha256: other })), (channel) =>
    channelFailure(channel.send(delivery())),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.ok(error.message.includes(`pins SHA256:${other}`), error.message);
  for (const [type, name] of [
    ['ed25519', 'ssh-ed25519'],
    ['ecdsa', 'ecdsa-sha2-nistp256'],
    ['rsa', 'ssh-rsa'],
  ] as const)
    assert.ok(error.message.includes(`SHA256:${openssh.hostKeySha256[type]} (${name})`), error.message);
  assert.match(error.message, /nothing was sent/);
  assert.deepEqual(readdirSync(remoteDir), []);
  assert.doesNotMatch(openssh.sshdLog().slice(since), /Accepted|Failed publickey/, 'no key was offered to a server not pinned');
});

test('openssh: a file already there under the final name is not overwritten', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const remoteDir = remoteFolder(openssh, 'taken');
  writeFileSync(join(remoteDir, 'INV-1001.ubl.xml'), 'the customer has not picked this up\n');
  const error = await withChannel(openChannel(openssh, configFor(openssh, remoteDir)), (channel) =>
    channelFailure(channel.send(delivery())),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(error.message, /INV-1001\.ubl\.xml already exists/);
  assert.equal(readFileSync(join(remoteDir, 'INV-1001.ubl.xml'), 'utf8'), 'the customer has not picked this up\n');
  assert.deepEqual(readdirSync(remoteDir), ['INV-1001.ubl.xml']);
});

test('openssh: a private key the server does not know is refused: authentication failed, nothing sent, no key in the message', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const remoteDir = remoteFolder(openssh, 'wrong-key');
  const stranger = readFileSync(sshKeygen(tempFolder(), 'stranger', 'ed25519'), 'utf8');
  const config = configFor(openssh, remoteDir, { privateKey: { env: 'SFTP_KEY' } });
  const error = await withChannel(openChannel(openssh, config, { SFTP_KEY: stranger }), (channel) =>
    channelFailure(channel.send(delivery())),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(error.message, /refused the private key \(authentication failed\); nothing was sent/);
  assert.ok(!`${error.message}${String(error.stack)}`.includes('PRIVATE KEY'));
  assert.deepEqual(readdirSync(remoteDir), []);
});

test('openssh: path-traversing invoice numbers and file names stay in remoteDir', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const parent = remoteFolder(openssh, 'hostile');
  const remoteDir = remoteFolder(openssh, 'hostile/inbound');
  const references = await withChannel(openChannel(openssh, configFor(openssh, remoteDir)), (channel) => sendHostileNames(channel));
  for (const reference of references) assert.equal(posix.dirname(reference), remoteDir, reference);
  assert.deepEqual(readdirSync(parent), ['inbound']);
  const names = readdirSync(remoteDir);
  assert.equal(names.length, HOSTILE_NAMES.length * 2);
  for (const name of names) assert.match(name, /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
});

test('openssh: readAckFolder lists the files of an ackDir and reads those asked for, dot files and folders left out', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const ackDir = remoteFolder(openssh, 'acks');
  writeFileSync(join(ackDir, 'a-997.x12'), 'ISA*00*...~\n');
  writeFileSync(join(ackDir, 'b-contrl.edi'), "UNA:+.? 'UNB+UNOC:3'\n");
  writeFileSync(join(ackDir, '.partial'), 'being written');
  mkdirSync(join(ackDir, 'archive'));
  const config = configFor(openssh, remoteFolder(openssh, 'acks-inbound'), { ackDir });
  const files = await readAckFolder(config, { secret: secretReader(dirname(openssh.userKeyFile), {}), timeoutMs: 10_000 }, (file) =>
    file.path.endsWith('.x12'),
  );
  assert.deepEqual(
    files.map((file) => [file.path, file.size, file.content === undefined ? undefined : new TextDecoder().decode(file.content)]),
    [
      [`${ackDir}/a-997.x12`, 12, 'ISA*00*...~\n'],
      [`${ackDir}/b-contrl.edi`, 21, undefined],
    ],
  );
  const modified = statSync(join(ackDir, 'a-997.x12')).mtime;
  assert.equal(files[0]?.modifiedAt.getTime(), Math.floor(modified.getTime() / 1000) * 1000);
});

test('openssh: an SFTP channel sshd closed for idleness (ChannelTimeout) is opened again for the next send, which arrives', async (t) => {
  if (!sshd(t)) return;
  // sshd keeps the connection when it closes an idle channel: requests on that channel would never be answered.
  const idle = await startOpenSshServer(['ChannelTimeout session:*=2']);
  try {
    const remoteDir = remoteFolder(idle, 'idle');
    await withChannel(openChannel(idle, configFor(idle, remoteDir)), async (channel) => {
      assert.equal((await channel.send(delivery())).outcome, 'sent');
      for (let waited = 0; !/session closed/.test(idle.sftpLog()); waited += 50) {
        assert.ok(waited < 10_000, `sshd did not close the idle channel: ${idle.sshdLog()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = Date.now();
      const result = await channel.send(delivery({ invoiceNumber: 'INV-1002', idempotencyKey: 'k-INV-1002' }));
      assert.equal(result.outcome, 'sent');
      assert.ok(Date.now() - started < 5_000, 'the send did not wait for a timeout on the closed channel');
    });
    assert.deepEqual(readdirSync(remoteDir).sort(), [
      'INV-1001.timesheet.pdf',
      'INV-1001.ubl.xml',
      'INV-1002.timesheet.pdf',
      'INV-1002.ubl.xml',
    ]);
  } finally {
    await idle.stop();
  }
});

test('openssh: a remoteDir that does not exist is a precondition failure, nothing created', async (t) => {
  const openssh = sshd(t);
  if (!openssh) return;
  const remoteDir = join(openssh.root, 'nowhere');
  const error = await withChannel(openChannel(openssh, configFor(openssh, remoteDir)), (channel) =>
    channelFailure(channel.send(delivery())),
  );
  assert.equal(error.kind, 'precondition', error.message);
  assert.match(error.message, /remoteDir \S*\/nowhere is not a folder/);
  assert.equal(existsSync(remoteDir), false);
});

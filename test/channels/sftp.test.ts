import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { CHANNELS, SharedConnections, secretReader, type OpenChannel } from '../../src/channels/index.js';
import { startSftpServer, sshFingerprint, type SftpSandbox } from '../../src/sandbox/sftp-server.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';
import { channelFailure, channelSuite, delivery, sendHostileNames, type ChannelHarness } from './channel-suite.js';
import { ed25519KeyPair } from '../../src/sandbox/ssh-keys.js';

const USER = 'calder';
const PASSWORD = 'sandbox-pass-7f3a';
const ENVIRONMENT = { SFTP_PASSWORD: PASSWORD, SFTP_WRONG_PASSWORD: 'not-the-password-91c2' };

function configFor(server: SftpSandbox, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'sftp',
    host: '127.0.0.1',
    port: server.port,
    username: USER,
    password: { env: 'SFTP_PASSWORD' },
    hostKeySha256: server.hostKeySha256,
    remoteDir: '/inbound',
    ...overrides,
  };
}

/** Every file under a folder, as paths relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(folder, path)).isFile())
    .sort();
}

const harness: ChannelHarness = {
  type: 'sftp',
  async start() {
    const server = await startSftpServer({ root: join(tempFolder(), 'served'), username: USER, password: PASSWORD });
    return {
      config: configFor(server),
      environment: ENVIRONMENT,
      badCredentials: configFor(server, { password: { env: 'SFTP_WRONG_PASSWORD' } }),
      // The document under the reference, and the attachments named after the same invoice.
      received: async (reference) => {
        const folder = join(server.root, posix.dirname(reference));
        const stem = `${posix.basename(reference).split('.')[0]}.`;
        return readdirSync(folder)
          .filter((name) => name.startsWith(stem))
          .map((fileName) => ({ fileName, content: readFileSync(join(folder, fileName)) }));
      },
      failNextTransiently: () => server.failNextUpload(),
      stop: () => server.stop(),
    };
  },
};

channelSuite(harness);

function openChannel(config: Record<string, unknown>, environment: Record<string, string> = ENVIRONMENT, timeoutMs = 5_000): OpenChannel {
  return CHANNELS.get('sftp')!.open(config, { secret: secretReader('/nonexistent', environment), timeoutMs });
}

const failure = channelFailure;

async function withServer(body: (server: SftpSandbox) => Promise<void>, options: { publicKey?: string } = {}): Promise<void> {
  const server = await startSftpServer({ root: join(tempFolder(), 'served'), username: USER, password: PASSWORD, ...options });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

test('sftp: a host key that is not the pinned one sends nothing, and the message shows both fingerprints', () =>
  withServer(async (server) => {
    const other = ssh2.utils.parseKey(ed25519KeyPair().public);
    assert.ok(!(other instanceof Error));
    const pin = sshFingerprint(other.getPublicSSH());
    const channel = openChannel(configFor(server, { hostKeySha256: pin }));
    try {
      const error = await failure(channel.send(delivery()));
      assert.equal(error.kind, 'precondition', error.message);
      assert.ok(error.message.includes(`SHA256:${server.hostKeySha256}`), error.message);
      assert.ok(error.message.includes(`SHA256:${pin}`), error.message);
      assert.deepEqual(filesUnder(server.root), []);
    } finally {
      await channel.close();
    }
  }));

test('sftp: the pin may be written with the SHA256: prefix ssh-keygen prints', () =>
  withServer(async (server) => {
    const channel = openChannel(configFor(server, { hostKeySha256: `SHA256:${server.hostKeySha256}` }));
    try {
      assert.equal((await channel.send(delivery())).outcome, 'sent');
    } finally {
      await channel.close();
    }
  }));

test('sftp: a server that asks for the password by keyboard-interactive (PAM) gets it; a wrong one is a precondition failure', async () => {
  const server = await startSftpServer({
    root: join(tempFolder(), 'served'),
    username: USER,
    password: PASSWORD,
    passwordMethod: 'keyboard-interactive',
  });
  try {
    const channel = openChannel(configFor(server));
    try {
      const result = await channel.send(delivery());
      assert.deepEqual(result, { outcome: 'sent', reference: '/inbound/INV-1001.ubl.xml' });
    } finally {
      await channel.close();
    }
    const wrong = openChannel(configFor(server, { password: { env: 'SFTP_WRONG_PASSWORD' } }));
    try {
      const error = await failure(wrong.send(delivery({ invoiceNumber: 'INV-1002', idempotencyKey: 'k-INV-1002' })));
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /refused the password \(authentication failed\); nothing was sent/);
      assert.ok(!error.message.includes(ENVIRONMENT.SFTP_WRONG_PASSWORD));
    } finally {
      await wrong.close();
    }
    assert.deepEqual(readdirSync(join(server.root, 'inbound')).sort(), ['INV-1001.timesheet.pdf', 'INV-1001.ubl.xml']);
  } finally {
    await server.stop();
  }
});

test('sftp: a private key logs in, and a wrong one is a precondition failure', async () => {
  const user = ed25519KeyPair();
  const stranger = ed25519KeyPair();
  await withServer(
    async (server) => {
      const environment = { SFTP_KEY: user.private, SFTP_OTHER_KEY: stranger.private };
      const good = openChannel(configFor(server, { password: undefined, privateKey: { env: 'SFTP_KEY' } }), environment);
      try {
        const result = await good.send(delivery());
        assert.deepEqual(result, { outcome: 'sent', reference: '/inbound/INV-1001.ubl.xml' });
      } finally {
        await good.close();
      }
      const bad = openChannel(configFor(server, { password: undefined, privateKey: { env: 'SFTP_OTHER_KEY' } }), environment);
      try {
        const error = await failure(bad.send(delivery({ invoiceNumber: 'INV-1002' })));
        assert.equal(error.kind, 'precondition', error.message);
        assert.ok(!error.message.includes('PRIVATE KEY') && !String(error.stack).includes('PRIVATE KEY'));
      } finally {
        await bad.close();
      }
    },
    { publicKey: user.public },
  );
});

test('sftp: path-traversing invoice numbers and file names stay inside remoteDir', () =>
  withServer(async (server) => {
    const channel = openChannel(configFor(server));
    let references: string[];
    try {
      references = await sendHostileNames(channel);
    } finally {
      await channel.close();
    }
    for (const reference of references) {
      assert.equal(posix.dirname(reference), '/inbound', reference);
      assert.doesNotMatch(posix.basename(reference), /^\.|[/\\\u0000-\u001f]/, reference);
    }
    // Nothing anywhere but in the inbound folder, and every name there is plain.
    const files = filesUnder(join(server.root, '..'));
    const inbound = relative(join(server.root, '..'), join(server.root, 'inbound'));
    assert.equal(files.length, 14);
    for (const file of files) {
      assert.equal(posix.dirname(file.split('\\').join('/')), inbound, file);
      assert.match(posix.basename(file), /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, file);
    }
  }));

test('sftp: a successful send leaves no temporary file, and a name already there is not overwritten', () =>
  withServer(async (server) => {
    const channel = openChannel(configFor(server));
    try {
      await channel.send(delivery());
      assert.deepEqual(readdirSync(join(server.root, 'inbound')).sort(), ['INV-1001.timesheet.pdf', 'INV-1001.ubl.xml']);
      const error = await failure(
        channel.send(
          delivery({
            idempotencyKey: 'k-INV-1001-v2',
            document: {
              fileName: 'INV-1001.ubl.xml',
              mediaType: 'application/xml',
              content: new TextEncoder().encode('<Invoice>v2</Invoice>'),
            },
          }),
        ),
      );
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /\/inbound\/INV-1001\.ubl\.xml already exists/);
      assert.equal(readFileSync(join(server.root, 'inbound', 'INV-1001.ubl.xml'), 'utf8'), '<Invoice>INV-1001 é</Invoice>\n');
      assert.deepEqual(readdirSync(join(server.root, 'inbound')).sort(), ['INV-1001.timesheet.pdf', 'INV-1001.ubl.xml']);
      assert.equal(server.connections(), 1, 'one connection carried both sends');
    } finally {
      await channel.close();
    }
  }));

test('sftp: customers on one server with one login share one connection in a run; another login gets its own', async () => {
  const server = await startSftpServer({
    root: join(tempFolder(), 'served'),
    username: USER,
    password: PASSWORD,
    folders: ['inbound/brightwater', 'inbound/kessler', 'inbound/third'],
  });
  const shared = new SharedConnections();
  const environment = { ...ENVIRONMENT, THIRD_SFTP_PASSWORD: PASSWORD };
  const open = (config: Record<string, unknown>) =>
    CHANNELS.get('sftp')!.open(config, { secret: secretReader('/nonexistent', environment), timeoutMs: 5_000, shared });
  try {
    const brightwater = open(configFor(server, { remoteDir: '/inbound/brightwater' }));
    const kessler = open(configFor(server, { remoteDir: '/inbound/kessler' }));
    const sends = await Promise.all([
      brightwater.send(delivery()),
      kessler.send(delivery({ invoiceNumber: 'KA-77', idempotencyKey: 'k-KA-77' })),
      brightwater.send(delivery({ invoiceNumber: 'INV-1002', idempotencyKey: 'k-INV-1002' })),
    ]);
    assert.deepEqual(
      sends.map((result) => (result.outcome === 'sent' ? result.reference : result.outcome)),
      ['/inbound/brightwater/INV-1001.ubl.xml', '/inbound/kessler/KA-77.ubl.xml', '/inbound/brightwater/INV-1002.ubl.xml'],
    );
    assert.equal(server.connections(), 1, 'one connection carried the sends of both customers');
    await brightwater.close();
    await kessler.send(delivery({ invoiceNumber: 'KA-78', idempotencyKey: 'k-KA-78' }));
    assert.equal(server.connections(), 1, "closing one customer's channel leaves the run's connection open for the other");

    // The same user with its password read from another place is another login: firstpass cannot know the two are one.
    const third = open(configFor(server, { remoteDir: '/inbound/third', password: { env: 'THIRD_SFTP_PASSWORD' } }));
    await third.send(delivery());
    assert.equal(server.connections(), 2);
    await Promise.all([kessler.close(), third.close()]);
    assert.deepEqual(filesUnder(join(server.root, 'inbound')), [
      'brightwater/INV-1001.timesheet.pdf',
      'brightwater/INV-1001.ubl.xml',
      'brightwater/INV-1002.timesheet.pdf',
      'brightwater/INV-1002.ubl.xml',
      'kessler/KA-77.timesheet.pdf',
      'kessler/KA-77.ubl.xml',
      'kessler/KA-78.timesheet.pdf',
      'kessler/KA-78.ubl.xml',
      'third/INV-1001.timesheet.pdf',
      'third/INV-1001.ubl.xml',
    ]);
  } finally {
    await shared.close();
    await server.stop();
  }
});

test("sftp: on a shared connection, one customer's missing remoteDir or lost connection does not stop the other's sends", async () => {
  const server = await startSftpServer({
    root: join(tempFolder(), 'served'),
    username: USER,
    password: PASSWORD,
    folders: ['inbound/kessler'],
  });
  const shared = new SharedConnections();
  const open = (config: Record<string, unknown>) =>
    CHANNELS.get('sftp')!.open(config, { secret: secretReader('/nonexistent', ENVIRONMENT), timeoutMs: 5_000, shared });
  try {
    const misconfigured = open(configFor(server, { remoteDir: '/inbound/gone' }));
    const kessler = open(configFor(server, { remoteDir: '/inbound/kessler' }));
    const [refused, sent] = await Promise.allSettled([
      misconfigured.send(delivery()),
      kessler.send(delivery({ invoiceNumber: 'KA-77', idempotencyKey: 'k-KA-77' })),
    ]);
    assert.equal(refused.status === 'rejected' && refused.reason.kind, 'precondition');
    assert.deepEqual(sent.status === 'fulfilled' && sent.value, { outcome: 'sent', reference: '/inbound/kessler/KA-77.ubl.xml' });
    // The connection drops under one customer's send: the other's next send opens a new one.
    server.failNextRename();
    const lost = await failure(kessler.send(delivery({ invoiceNumber: 'KA-78', idempotencyKey: 'k-KA-78' })));
    assert.equal(lost.kind, 'unknown', lost.message);
    const again = open(configFor(server, { remoteDir: '/inbound/kessler' }));
    assert.deepEqual(await again.send(delivery({ invoiceNumber: 'KA-79', idempotencyKey: 'k-KA-79' })), {
      outcome: 'sent',
      reference: '/inbound/kessler/KA-79.ubl.xml',
    });
    assert.equal(server.connections(), 2);
  } finally {
    await shared.close();
    await server.stop();
  }
});

test('sftp: a connection lost while the files are renamed is unknown, and says a temporary file may remain', () =>
  withServer(async (server) => {
    const channel = openChannel(configFor(server));
    try {
      server.failNextRename();
      const error = await failure(channel.send(delivery()));
      assert.equal(error.kind, 'unknown', error.message);
      assert.match(error.message, /temporary files? .*may remain/);
    } finally {
      await channel.close();
    }
  }));

test('sftp: a missing remoteDir is a precondition failure', () =>
  withServer(async (server) => {
    const channel = openChannel(configFor(server, { remoteDir: '/nowhere' }));
    try {
      const error = await failure(channel.send(delivery()));
      assert.equal(error.kind, 'precondition', error.message);
      assert.match(error.message, /remoteDir \/nowhere is not a folder/);
    } finally {
      await channel.close();
    }
  }));

test('sftp sandbox: a request path that climbs above the served folder is refused', () =>
  withServer(async (server) => {
    const channel = openChannel(configFor(server, { remoteDir: '/../..' }));
    try {
      const error = await failure(channel.send(delivery()));
      assert.equal(error.kind, 'precondition', error.message);
    } finally {
      await channel.close();
    }
    assert.deepEqual(
      filesUnder(join(server.root, '..')).filter((file) => !file.startsWith(relative(join(server.root, '..'), server.root))),
      [],
    );
  }));

test('sftp: a client killed with SIGKILL in the middle of an upload leaves no file under its final name', () =>
  withServer(async (server) => {
    const script = fileURLToPath(new URL('./sftp-send-process.ts', import.meta.url));
    const writing = server.nextWrite();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(configFor(server)), JSON.stringify(ENVIRONMENT), String(64 * 1024 * 1024)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = once(child, 'exit');
    await Promise.race([writing, exited.then(() => assert.fail(`the sender ended before it wrote: ${output}`))]);
    child.kill('SIGKILL');
    await exited;
    for (let waited = 0; server.openConnections() > 0 && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const names = readdirSync(join(server.root, 'inbound'));
    assert.ok(!names.includes('BIG-1.ubl.xml'), `the half-sent document has its final name: ${names.join(', ')}`);
    assert.ok(
      names.some((name) => /^\.firstpass-.*\.tmp$/.test(name)),
      `the upload had begun under a temporary name: ${names.join(', ')}`,
    );
    assert.doesNotMatch(output, /sent/);
  }));

test('profiles lint refuses a host key pin of 42 characters, at its place', () => {
  const profile = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../customer-profiles/kessler-automotive.json', import.meta.url)), 'utf8'),
  ) as { channel: Record<string, unknown> };
  delete (profile as Record<string, unknown>).$schema;
  const good = tempFolder({ 'kessler-automotive.json': profile });
  assert.equal(firstpass(['profiles', 'lint', good]).status, 0);
  const root = tempFolder();
  writeFileSync(
    join(root, 'kessler-automotive.json'),
    JSON.stringify({ ...profile, channel: { ...profile.channel, hostKeySha256: 'q/b3wck5wwAJ966RNk8HtSIqqq3usn2KsDvdYDSIvS' } }, null, 2),
  );
  const result = firstpass(['profiles', 'lint', root]);
  assert.equal(result.status, 2, result.stdout + result.stderr);
  assert.match(
    result.stdout + result.stderr,
    /kessler-automotive\.json:\d+:\d+: \/channel\/hostKeySha256 must be the server's SHA-256 host key fingerprint: 43 base64 characters/,
  );
});

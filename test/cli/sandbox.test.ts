import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, runFirstpass as run, startFirstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

/**
 * `firstpass sandbox` as a person runs it: started in one process, `firstpass submit` run
 * against its profiles in another, then stopped with SIGTERM.
 */

const EXAMPLES = join(PROJECT_ROOT, 'examples', 'invoices');

/** The env file's KEY=value lines. */
function readEnvFile(file: string): Record<string, string> {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(folder, path)).isFile())
    .sort();
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function portIn(output: string, pattern: RegExp): number {
  const port = pattern.exec(output)?.[1];
  assert.ok(port, `no port for ${pattern} in:\n${output}`);
  return Number(port);
}

test('firstpass sandbox serves portal, SFTP and SMTP for submit, and stops cleanly on SIGTERM', async () => {
  const folder = join(tempFolder(), 'sandbox');
  const sandbox = startFirstpass(['sandbox', '--dir', folder, '--pos', join(PROJECT_ROOT, 'examples', 'purchase-orders')]);
  let output = '';
  let errors = '';
  sandbox.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => sandbox.on('close', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      sandbox.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/^ready/m.test(output)) resolve();
      });
      void exited.then((code) => reject(new Error(`the sandbox ended (${code}) before it was ready:\n${output}\n${errors}`)));
    });
    const ports = {
      portal: portIn(output, /^portal +http:\/\/127\.0\.0\.1:(\d+)/m),
      sftp: portIn(output, /^sftp +127\.0\.0\.1:(\d+)/m),
      smtp: portIn(output, /^smtp +127\.0\.0\.1:(\d+)/m),
    };
    const envFile = join(folder, 'sandbox.env');
    assert.equal(statSync(envFile).mode & 0o777, 0o600);
    const env = readEnvFile(envFile);
    assert.ok(Object.keys(env).length > 0);
    for (const value of Object.values(env)) assert.ok(!output.includes(value), 'no secret is printed');
    assert.match(output, new RegExp(`firstpass submit .*--profiles ${join(folder, 'profiles')}`));
    const brightwater = JSON.parse(readFileSync(join(folder, 'profiles', 'brightwater-home.json'), 'utf8')) as {
      channel: { host: string; port: number; password: unknown };
    };
    assert.deepEqual([brightwater.channel.host, brightwater.channel.port], ['127.0.0.1', ports.sftp]);
    assert.deepEqual(brightwater.channel.password, { env: 'FIRSTPASS_SANDBOX_SFTP_PASSWORD' });

    const submit = await run(
      [
        'submit',
        join(EXAMPLES, 'brightwater-home', 'CP-2611-0409.json'),
        join(EXAMPLES, 'pinecrest-brewing', 'CP-2611-0414.json'),
        join(EXAMPLES, 'stadt-lindenau', 'CG-2026-10121.json'),
        '--profiles',
        join(folder, 'profiles'),
        '--pos',
        join(PROJECT_ROOT, 'examples', 'purchase-orders'),
        '--today',
        '2026-11-20',
        '--db',
        `sqlite:${join(folder, 'firstpass.db')}`,
      ],
      env,
    );
    assert.equal(submit.status, 0, `${submit.stdout}\n${submit.stderr}`);
    assert.match(submit.stdout, /sent {5}CP-2611-0409 \(brightwater-home\) via sftp/);
    assert.match(submit.stdout, /sent {5}CP-2611-0414 \(pinecrest-brewing\) via email/);
    assert.match(submit.stdout, /sent {5}CG-2026-10121 \(stadt-lindenau\) via portal/);
    assert.match(output, /^ {2}brightwater-home \(x12-810 by sftp\)$/m);
    assert.match(output, /invoices arrive in \/inbound\/810; the buyer answers in \/outbound\/997/);
    assert.match(output, /a PO among its \d+/);
    // The buyer picked the 810 up: gone from the served folder, so the same name may come again.
    assert.deepEqual(
      filesUnder(join(folder, 'sftp')).filter((name) => name.startsWith('inbound/')),
      [],
    );
    assert.deepEqual(filesUnder(join(folder, 'picked-up')), ['inbound/810/CP-2611-0409.x12']);
    // The buyer answered the 810 in brightwater's ackDir: a 997 on receipt and an 824 with its decision.
    assert.deepEqual(
      filesUnder(join(folder, 'sftp', 'outbound', '997')).map((name) => name.split('_')[0]),
      ['824', '997'],
    );
    assert.match(readFileSync(join(folder, 'picked-up', 'inbound/810/CP-2611-0409.x12'), 'utf8'), /BIG\*\d+\*CP-2611-0409/);
    const mail = filesUnder(join(folder, 'mail'));
    assert.equal(mail.length, 1, mail.join(', '));
    assert.match(readFileSync(join(folder, 'mail', mail[0] ?? ''), 'latin1'), /Subject: Invoice CP-2611-0414/);
    const portal = filesUnder(join(folder, 'portal'));
    assert.ok(portal.length >= 1, 'the portal wrote what it received');
    assert.match(readFileSync(join(folder, 'portal', portal[0] ?? ''), 'utf8'), /<cbc:ID>CG-2026-10121<\/cbc:ID>/);
  } finally {
    sandbox.kill('SIGTERM');
  }
  assert.equal(await exited, 0, `${output}\n${errors}`);
  assert.match(output, /SIGTERM: sandbox stopped \(1 portal request received, 2 documents judged by the buyer\)/);
  for (const [name, port] of Object.entries({
    portal: portIn(output, /^portal +http:\/\/127\.0\.0\.1:(\d+)/m),
    sftp: portIn(output, /^sftp +127\.0\.0\.1:(\d+)/m),
    smtp: portIn(output, /^smtp +127\.0\.0\.1:(\d+)/m),
  }))
    assert.equal(await portOpen(port), false, `the ${name} port ${port} is closed`);
});

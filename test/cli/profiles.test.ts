import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const BASE = {
  format: { type: 'cxml' },
  channel: {
    type: 'portal',
    flavor: 'cxml',
    url: 'https://network.example/invoices',
    auth: { type: 'shared-secret', token: { env: 'NETWORK_SECRET' } },
  },
  rules: { 'po-required': true, 'duplicate-invoice-number': true },
};
const CUSTOMER = {
  extends: '_networks/network.json',
  id: 'globex',
  name: 'Globex Corporation',
  currencies: ['USD'],
  rules: { 'duplicate-invoice-number': false },
  submission: {
    procedure: '1. Flip the PO in the network.\n2. Attach the signed acceptance form.',
    contacts: [{ name: 'Pat Payables', role: 'AP lead', email: 'pat@globex.example' }],
    checklist: ['PO is open', 'Acceptance form signed'],
  },
};

test('profiles show prints the procedure, checklist, contacts and where each setting came from', () => {
  const root = tempFolder({ 'p/_networks/network.json': BASE, 'p/globex.json': CUSTOMER });
  const result = firstpass(['profiles', 'show', 'globex', '--profiles', join(root, 'p')]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Globex Corporation \(globex\)/);
  assert.match(result.stdout, /Profile: globex\.json extends _networks\/network\.json/);
  assert.match(result.stdout, /1\. Flip the PO in the network\./);
  assert.match(result.stdout, /\[ \] Acceptance form signed/);
  assert.match(result.stdout, /Pat Payables {2}\(AP lead\) {2}pat@globex\.example/);
  assert.match(result.stdout, /\/rules\/po-required\s+true\s+_networks\/network\.json/);
  assert.match(result.stdout, /\/rules\/duplicate-invoice-number\s+false\s+globex\.json/);
  assert.match(result.stdout, /\/channel\/auth\/token\/env\s+"NETWORK_SECRET"\s+_networks\/network\.json/);
});

test('profiles lint: exit 0 on good profiles, 2 with positions on bad ones', () => {
  const good = tempFolder({ '_networks/network.json': BASE, 'globex.json': CUSTOMER });
  const ok = firstpass(['profiles', 'lint', good]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1 customer profile checked in .*: no problems/);
  const bad = tempFolder({ '_networks/network.json': BASE, 'globex.json': { ...CUSTOMER, currencies: 'USD' } });
  const failed = firstpass(['profiles', 'lint', bad]);
  assert.equal(failed.status, 2);
  assert.match(failed.stdout, /globex\.json:\d+:\d+: \/currencies must be an array \[ \.\.\. \]/);
});

test('profiles show for an unknown customer is exit 2 and names the file it looked for', () => {
  const root = tempFolder({ 'p/_networks/network.json': BASE });
  const result = firstpass(['profiles', 'show', 'initech', '--profiles', join(root, 'p')]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /no profile for customer "initech": create .*initech\.json/);
});

// Issue 8 item 12: lint says what fails open, apart from what is wrong.
test('profiles lint warns about a profile that checks nothing, marks it a warning, and exits 0', () => {
  const { rules: _none, ...bare } = { ...CUSTOMER, extends: undefined, ...BASE };
  const root = tempFolder({ 'globex.json': { ...bare, extends: undefined } });
  const result = firstpass(['profiles', 'lint', root]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^! warning: .*globex\.json:1:1: has no rules section: every invoice for globex passes unchecked/m);
  assert.match(result.stdout, /1 customer profile checked in .*: no problems, 1 warning\n/);
  const json = firstpass(['profiles', 'lint', root, '--json']);
  assert.equal(json.status, 0);
  const report = JSON.parse(json.stdout) as { problems: unknown[]; warnings: { message: string }[] };
  assert.deepEqual(report.problems, []);
  assert.match(report.warnings[0]?.message ?? '', /has no rules section/);
});

test('profiles lint marks errors apart from warnings, and exits 2 for an error', () => {
  const root = tempFolder({ 'globex.json': { ...CUSTOMER, extends: undefined, ...BASE, rules: {}, currencies: ['UDS'] } });
  const result = firstpass(['profiles', 'lint', root]);
  assert.equal(result.status, 2, result.stdout + result.stderr);
  assert.match(result.stdout, /^✗ error: .*globex\.json:\d+:\d+: \/currencies\/0 "UDS" is not an active ISO 4217 currency code/m);
});

test('a profile that is not UTF-8 is exit 2 at the bad byte, not a name read with U+FFFD', () => {
  const root = tempFolder({ '_networks/network.json': BASE });
  const text = `${JSON.stringify({ ...CUSTOMER, name: 'Globex GmbH' }, null, 2)}\n`;
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.indexOf('GmbH');
  bytes[at] = 0xe9; // a Latin-1 "é" where UTF-8 needs two bytes
  writeFileSync(join(root, 'globex.json'), bytes);
  const line = text.slice(0, at).split('\n').length;
  const column = at - text.lastIndexOf('\n', at - 1);
  for (const args of [
    ['profiles', 'lint', root],
    ['profiles', 'show', 'globex', '--profiles', root],
  ]) {
    const result = firstpass(args);
    assert.equal(result.status, 2, result.stderr + result.stdout);
    assert.match(result.stderr + result.stdout, new RegExp(`globex\\.json:${line}:${column}.*not valid UTF-8: byte 0xE9`));
  }
});

test('a profile with a UTF-8 byte-order mark is read like any other', () => {
  const root = tempFolder({ '_networks/network.json': BASE });
  writeFileSync(join(root, 'globex.json'), `\uFEFF${JSON.stringify(CUSTOMER, null, 2)}\n`);
  const result = firstpass(['profiles', 'lint', root]);
  assert.equal(result.status, 0, result.stderr + result.stdout);
});

test('a profile nested 100,000 deep is exit 2 naming the file, with no stack trace', () => {
  const root = tempFolder({ '_networks/network.json': BASE });
  writeFileSync(join(root, 'globex.json'), `{"id": "globex", "submission": ${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`);
  const result = firstpass(['profiles', 'lint', root]);
  assert.equal(result.status, 2, result.stderr + result.stdout);
  assert.match(result.stderr + result.stdout, /globex\.json:1:\d+.*nested more than \d+ levels deep/);
  assert.doesNotMatch(result.stderr, /RangeError|at .*\.js:\d+/);
});

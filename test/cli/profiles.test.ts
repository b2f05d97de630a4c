import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const BASE = {
  format: { type: 'cxml' },
  channel: { type: 'portal', flavor: 'cxml', url: 'https://network.example/invoices', auth: { type: 'shared-secret', token: { env: 'NETWORK_SECRET' } } },
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

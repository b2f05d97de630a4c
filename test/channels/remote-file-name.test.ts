import assert from 'node:assert/strict';
import { test } from 'node:test';
import { remoteNames, safeRemoteName } from '../../src/channels/remote-file-name.js';

test('a safe name is its own remote name; an unsafe one is made plain and told apart by a hash', () => {
  assert.equal(safeRemoteName('INV-1001.ubl.xml'), 'INV-1001.ubl.xml');
  for (const unsafe of ['../../etc/passwd', 'a/b', '..', '.hidden', 'a\\b', 'x\u0000y\n', 'Ärger 7', '']) {
    assert.match(safeRemoteName(unsafe), /^[A-Za-z0-9_-][A-Za-z0-9._-]*-[0-9a-f]{10}(\.[A-Za-z0-9]+)?$/, JSON.stringify(unsafe));
  }
  assert.notEqual(safeRemoteName('CP/7'), safeRemoteName('CP:7'));
  assert.ok(safeRemoteName('x'.repeat(500)).length <= 120);
});

test('the document is named by the invoice number with its extension; attachments by the number and their own name', () => {
  assert.deepEqual(remoteNames('INV-1001', 'INV-1001.ubl.xml', ['timesheet.pdf']), ['INV-1001.ubl.xml', 'INV-1001.timesheet.pdf']);
  assert.deepEqual(remoteNames('INV.2026', 'INV.2026.x12', []), ['INV.2026.x12']);
  assert.deepEqual(remoteNames('INV-3001', 'INV-1001.cxml.xml', []), ['INV-3001.cxml.xml']);
  assert.match(remoteNames('a/b', 'a_b-0123456789.ubl.xml', [])[0]!, /^a_b-[0-9a-f]{10}\.ubl\.xml$/);
});

test('two files of one delivery never share a name, whatever case they are in', () => {
  const names = remoteNames('INV-1', 'INV-1.pdf', ['pdf', 'PDF', 'pdf']);
  assert.equal(new Set(names.map((name) => name.toLowerCase())).size, names.length, names.join(', '));
});

test('a Windows device name is hashed on the server as in the output folder: CON.x12 never reaches a Windows SFTP server', () => {
  const [document] = remoteNames('CON', 'CON.x12', []);
  assert.match(document ?? '', /^CON-[0-9a-f]{10}\.x12$/);
  assert.match(safeRemoteName('nul.txt'), /^nul-[0-9a-f]{10}\.txt$/);
  assert.equal(safeRemoteName('CONTRACT-1.pdf'), 'CONTRACT-1.pdf');
});

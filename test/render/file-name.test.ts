import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileStem, MAX_STEM_BYTES, uniqueFileNames } from '../../src/render/index.js';

test('a safe invoice number is its own file name; one that had to change gets a hash of the whole number', () => {
  assert.equal(fileStem('CP-2611-0409'), 'CP-2611-0409');
  assert.match(fileStem('CP/7'), /^CP_7-[0-9a-f]{10}$/);
  assert.notEqual(fileStem('CP/7'), fileStem('CP:7'));
  assert.equal(fileStem('CP/7'), fileStem('CP/7'), 'the same number, the same name, run after run');
  // Hidden names are firstpass's temporary files; device names cannot be created on Windows.
  assert.match(fileStem('.hidden'), /^_hidden-[0-9a-f]{10}$/);
  assert.match(fileStem('..'), /^__-[0-9a-f]{10}$/);
  assert.match(fileStem('CON'), /^CON-[0-9a-f]{10}$/);
  assert.match(fileStem('Rechnung-Ä1'), /^Rechnung-_1-[0-9a-f]{10}$/);
});

test('file names are bounded in bytes, also for numbers of multi-byte characters, and long numbers sharing a prefix stay apart', () => {
  for (const number of ['9'.repeat(1000), '請求書'.repeat(200), '😀'.repeat(300)]) {
    const stem = fileStem(number);
    assert.ok(Buffer.byteLength(stem) <= MAX_STEM_BYTES, `${stem}: ${Buffer.byteLength(stem)} bytes`);
    assert.match(stem, /^[A-Za-z0-9._-]+$/);
  }
  assert.equal(fileStem('9'.repeat(MAX_STEM_BYTES)), '9'.repeat(MAX_STEM_BYTES));
  assert.notEqual(fileStem(`${'9'.repeat(300)}1`), fileStem(`${'9'.repeat(300)}2`));
});

test('names of one batch never collide, even ignoring case, nor ignoring case with a file already in the folder', () => {
  const outputs = [
    { invoiceNumber: 'ab-9', extension: 'x12' },
    { invoiceNumber: 'AB-9', extension: 'x12' },
    { invoiceNumber: 'AB-9', extension: 'pdf' },
    { invoiceNumber: 'CP_7', extension: 'x12' },
    { invoiceNumber: 'CP/7', extension: 'x12' },
    { invoiceNumber: 'solo', extension: 'x12' },
  ];
  const names = uniqueFileNames(outputs);
  assert.ok(names);
  assert.equal(new Set(names.map((name) => name.toLowerCase())).size, outputs.length);
  assert.equal(names[2], 'AB-9.pdf', 'another extension is another file');
  assert.equal(names[5], 'solo.x12');
  // A file "SOLO.x12" from an earlier run of another invoice: "solo" must not replace it on a case-insensitive disk.
  assert.match(uniqueFileNames([{ invoiceNumber: 'solo', extension: 'x12' }], ['SOLO.x12'])?.[0] ?? '', /^solo-[0-9a-f]{10}\.x12$/);
  // The same invoice rendered again replaces its own file.
  assert.deepEqual(uniqueFileNames([{ invoiceNumber: 'solo', extension: 'x12' }], ['solo.x12']), ['solo.x12']);
  // Only equal numbers cannot be told apart (the pipeline refuses them before).
  assert.equal(
    uniqueFileNames([
      { invoiceNumber: 'x/1', extension: 'x12' },
      { invoiceNumber: 'x/1', extension: 'x12' },
    ]),
    undefined,
  );
});

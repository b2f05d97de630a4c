import assert from 'node:assert/strict';
import { chmodSync, createReadStream, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { invoiceWith } from '../support/check.js';
import { tempFolder } from '../support/temp.js';

async function readInvoices(path: string | string[]) {
  return readAllDocuments(Array.isArray(path) ? path : [path], 'invoice');
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the read to fail');
}

test('reads one object, an array and JSON Lines, in file order, from a folder recursively', async () => {
  const a = invoiceWith({ invoiceNumber: 'A-1' });
  const root = tempFolder({
    'one.json': a,
    'nested/many.json': [invoiceWith({ invoiceNumber: 'B-1' }), invoiceWith({ invoiceNumber: 'B-2' })],
    'stream.jsonl': `${JSON.stringify(invoiceWith({ invoiceNumber: 'C-1' }))}\n\n${JSON.stringify(invoiceWith({ invoiceNumber: 'C-2' }))}\n`,
    'notes.txt': 'ignored',
  });
  const documents = await readInvoices(root);
  assert.deepEqual(
    documents.map((entry) => entry.document.invoiceNumber),
    ['B-1', 'B-2', 'A-1', 'C-1', 'C-2'],
  );
  const jsonLines = documents.filter((entry) => entry.source.file.endsWith('stream.jsonl'));
  assert.deepEqual(
    jsonLines.map((entry) => entry.source.line),
    [1, 3],
  );
});

test('JSON Lines are split as readline splits them: LF, CR LF and a lone CR end a line, also across read chunks', async () => {
  const endings = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\n  \n', '\r\r\n'];
  const records = Array.from({ length: 400 }, (_, index) =>
    JSON.stringify(invoiceWith({ invoiceNumber: `INV-${index}`, note: 'x'.repeat(index * 7) })),
  );
  let text = '';
  records.forEach((record, index) => {
    text += record + endings[index % endings.length];
  });
  // A "\r\n" across the 1 MiB boundary where the reader's chunks end, and a last record with no line end.
  const padding = 2 ** 20 - 1 - Buffer.byteLength(text) - 1;
  assert.ok(padding > 0, 'the records should fill less than a chunk');
  text += `${' '.repeat(padding)}\n\r\n${records[0]?.replace('INV-0', 'INV-LAST')}`;
  const root = tempFolder({ 'mixed.jsonl': text });
  const file = join(root, 'mixed.jsonl');

  const expected: [number, string][] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() !== '') expected.push([lineNumber, (JSON.parse(line) as Invoice).invoiceNumber]);
  }
  const documents = await readInvoices(file);
  assert.deepEqual(
    documents.map((entry) => [entry.source.line, entry.document.invoiceNumber]),
    expected,
  );
  assert.equal(expected.length, 401);
  assert.deepEqual(
    documents.map((entry) => entry.source.index),
    expected.map((_, index) => index),
  );
});

test('JSON numbers are read through their text, never as binary floats', async () => {
  const text = JSON.stringify(invoiceWith())
    .replace('"unitPrice":"10.00"', '"unitPrice":10.10')
    .replace('"totalAmount":"48.71"', '"totalAmount":12345678901234567.89');
  const root = tempFolder({ 'numbers.json': text });
  const [entry] = await readInvoices(join(root, 'numbers.json'));
  const invoice = entry?.document as Invoice;
  assert.equal(invoice.lines[0]?.unitPrice, '10.10');
  assert.equal(invoice.totalAmount, '12345678901234567.89');
});

test('malformed JSON names the file, line and column', async () => {
  const root = tempFolder({ 'broken.json': '{\n  "invoiceNumber": "X-1",\n  "customerId": "acme"\n  "currency": "USD"\n}\n' });
  const error = await inputError(readInvoices(join(root, 'broken.json')));
  assert.equal(error.code, 'INPUT_MALFORMED');
  assert.equal(error.problems.length, 1);
  assert.deepEqual(error.problems[0]?.location, { file: join(root, 'broken.json'), line: 4, column: 3 });
  assert.match(error.message, /broken\.json:4:3: malformed JSON: expected ',' between items/);
});

test('a malformed JSON Lines record gives the line of the file it is on', async () => {
  const root = tempFolder({
    'batch.jsonl': `${JSON.stringify(invoiceWith())}\n${JSON.stringify(invoiceWith({ invoiceNumber: 'INV-2' }))}\n{"invoiceNumber": "INV-3",}\n`,
  });
  const error = await inputError(readInvoices(join(root, 'batch.jsonl')));
  assert.equal(error.problems[0]?.location.line, 3);
  // The trailing comma itself, which is what to remove (not the '}' after it).
  assert.equal(error.problems[0]?.location.column, 26);
});

test('an invoice that breaks the schema gives the field, its position and what was expected', async () => {
  const text = JSON.stringify({ ...invoiceWith(), issueDate: '10/11/2026' }, null, 2);
  const root = tempFolder({ 'bad-date.json': text });
  const error = await inputError(readInvoices(join(root, 'bad-date.json')));
  assert.equal(error.code, 'INPUT_INVALID');
  const problem = error.problems.find((entry) => entry.field === '/issueDate');
  assert.ok(problem, error.message);
  assert.match(problem.message, /YYYY-MM-DD/);
  assert.equal(problem.location.line, text.split('\n').findIndex((line) => line.includes('"issueDate"')) + 1);
  assert.equal(problem.location.column, 3);
});

test('a missing required field and an unknown field are both named', async () => {
  const { currency: _currency, ...withoutCurrency } = invoiceWith();
  const root = tempFolder({ 'x.json': { ...withoutCurrency, purchaseOrder: 'PO-1' } });
  const error = await inputError(readInvoices(join(root, 'x.json')));
  const fields = error.problems.map((problem) => problem.field);
  assert.ok(fields.includes('/currency'), error.message);
  assert.ok(fields.includes('/purchaseOrder'), error.message);
  assert.match(error.message, /\/purchaseOrder is not a known field here; expected one of: documentType, invoiceNumber/);
});

test('a decimal with a thousands separator is refused with the expected form', async () => {
  const invoice = invoiceWith();
  const root = tempFolder({ 'x.json': { ...invoice, totalAmount: '1,048.71' } });
  const error = await inputError(readInvoices(join(root, 'x.json')));
  assert.equal(error.problems[0]?.field, '/totalAmount');
  assert.match(error.problems[0]?.message ?? '', /decimal such as "12\.50"/);
});

test('a path that does not exist is bad input', async () => {
  const error = await inputError(readInvoices('/nonexistent/firstpass/invoices'));
  assert.equal(error.code, 'INPUT_UNREADABLE');
  assert.match(error.message, /\/nonexistent\/firstpass\/invoices: no such file or directory/);
});

test('a file that cannot be read is bad input', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async () => {
  const root = tempFolder({ 'locked.json': invoiceWith() });
  chmodSync(join(root, 'locked.json'), 0o000);
  const error = await inputError(readInvoices(join(root, 'locked.json')));
  assert.equal(error.code, 'INPUT_UNREADABLE');
});

const CSV_HEADER =
  'invoiceNumber,customerId,issueDate,currency,poNumber,buyer.name,buyer.address.city,taxTotal,totalAmount,testMode,line.lineNumber,line.sku,line.description,line.quantity,line.unitPrice,line.lineAmount,line.taxCode,line.taxRate';

test('CSV: rows with the same invoiceNumber form one invoice, with nesting by dots', async () => {
  const root = tempFolder({
    'export.csv': [
      CSV_HEADER,
      'INV-1,acme,2026-11-10,USD,PO-10001,Acme Corp,Springfield,3.71,48.71,false,1,W-1,Widget,3,10.00,30.00,S,8.25',
      'INV-2,acme,2026-11-11,USD,PO-10001,Acme Corp,Springfield,0.83,10.83,true,1,G-2,Gadget,1,10.00,10.00,S,8.25',
      'INV-1,acme,2026-11-10,USD,PO-10001,Acme Corp,Springfield,3.71,48.71,false,2,G-2,"Gadget, large",2,7.50,15.00,S,8.25',
    ].join('\n'),
  });
  const documents = await readInvoices(root);
  assert.deepEqual(
    documents.map((entry) => entry.document.invoiceNumber),
    ['INV-1', 'INV-2'],
  );
  const first = documents[0]?.document as Invoice;
  assert.equal(first.buyer.address?.city, 'Springfield');
  assert.equal(first.testMode, false);
  assert.equal(documents[1]?.document.testMode, true);
  assert.deepEqual(
    first.lines.map((line) => [line.lineNumber, line.description, line.lineAmount]),
    [
      ['1', 'Widget', '30.00'],
      ['2', 'Gadget, large', '15.00'],
    ],
  );
  assert.equal(documents[0]?.source.line, 2);
});

test('CSV: rows of one invoice that disagree on an invoice-level column are refused with line and column', async () => {
  const root = tempFolder({
    'export.csv': [
      CSV_HEADER,
      'INV-1,acme,2026-11-10,USD,PO-10001,Acme Corp,Springfield,3.71,48.71,false,1,W-1,Widget,3,10.00,30.00,S,8.25',
      'INV-1,acme,2026-11-10,EUR,PO-10001,Acme Corp,Springfield,3.71,48.71,false,2,G-2,Gadget,2,7.50,15.00,S,8.25',
    ].join('\n'),
  });
  const error = await inputError(readInvoices(root));
  assert.deepEqual(error.problems[0]?.location, { file: join(root, 'export.csv'), line: 3, column: 4 });
  assert.equal(error.problems[0]?.field, 'currency');
  assert.match(error.message, /is "EUR" but line 2 of invoiceNumber INV-1 says "USD"/);
});

test('CSV: a row without an invoiceNumber is refused with its line', async () => {
  const root = tempFolder({ 'export.csv': `${CSV_HEADER}\n,acme,2026-11-10,USD,PO-1,Acme,X,0,0,false,1,W,W,1,1,1,S,0\n` });
  const error = await inputError(readInvoices(root));
  assert.equal(error.problems[0]?.location.line, 2);
  assert.equal(error.problems[0]?.field, 'invoiceNumber');
});

test('CSV: a malformed CSV file is bad input with its line', async () => {
  const root = tempFolder({ 'export.csv': `${CSV_HEADER}\nINV-1,"acme,2026-11-10\n` });
  const error = await inputError(readInvoices(root));
  assert.equal(error.code, 'INPUT_MALFORMED');
  assert.match(error.message, /malformed CSV/);
});

/** Bytes of a file: text with raw bytes spliced in where `marker` stands. */
function withBytes(text: string, marker: string, bytes: number[]): Buffer {
  const [before, after] = text.split(marker) as [string, string];
  return Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bytes), Buffer.from(after, 'utf8')]);
}

function writeBytes(name: string, bytes: Buffer): { root: string; file: string } {
  const root = tempFolder();
  const file = join(root, name);
  writeFileSync(file, bytes);
  return { root, file };
}

test('invalid UTF-8 in a JSON file is bad input at the line and column of the bad byte, not a U+FFFD that passes', async () => {
  const text = JSON.stringify({ ...invoiceWith(), note: 'café @@' }, null, 2);
  const { file } = writeBytes('latin1.json', withBytes(text, '@@', [0xe9, 0x21]));
  const error = await inputError(readInvoices(file));
  assert.equal(error.code, 'INPUT_MALFORMED');
  const line = text.split('\n').findIndex((entry) => entry.includes('@@'));
  const column = (text.split('\n')[line] ?? '').indexOf('@@') + 1;
  assert.deepEqual(error.problems[0]?.location, { file, line: line + 1, column });
  assert.match(error.message, /is not valid UTF-8: byte 0xE9/);
});

test('invalid UTF-8 in JSON Lines: the line and column of the bad byte, after the invoices before it', async () => {
  const lines = [JSON.stringify(invoiceWith()), JSON.stringify({ ...invoiceWith({ invoiceNumber: 'INV-2' }), note: 'ab@@' })];
  const { file } = writeBytes('batch.jsonl', withBytes(`${lines.join('\n')}\n`, '@@', [0xc3, 0x28]));
  const error = await inputError(readInvoices(file));
  assert.deepEqual(error.problems[0]?.location, { file, line: 2, column: (lines[1] ?? '').indexOf('@@') + 1 });
});

test('JSON Lines: a character split across the 1 MiB read chunks is read whole; a bad byte just after the boundary is found', async () => {
  const record = JSON.stringify({ ...invoiceWith(), note: 'x' });
  // "€" is 3 bytes: the filler puts its first byte last in the first 1 MiB chunk.
  const filler = ' '.repeat(2 ** 20 - Buffer.byteLength(record) - 1 - Buffer.byteLength('{"invoiceNumber":"INV-') - 2);
  const shifted = `${record}\n${filler}\n${JSON.stringify(invoiceWith({ invoiceNumber: 'INV-€' }))}\n`;
  const bytes = Buffer.from(shifted, 'utf8');
  const euro = bytes.indexOf(Buffer.from('€'));
  assert.ok(euro < 2 ** 20 && euro + 3 > 2 ** 20, `the euro sign at ${euro} should straddle the chunk boundary`);
  const good = writeBytes('straddle.jsonl', bytes);
  const documents = await readInvoices(good.file);
  assert.deepEqual(
    documents.map((entry) => [entry.source.line, entry.document.invoiceNumber]),
    [
      [1, 'INV-1001'],
      [3, 'INV-€'],
    ],
  );

  const broken = Buffer.from(bytes);
  broken[2 ** 20] = 0x41; // the euro's second byte becomes "A": its lead byte is left dangling at the end of the chunk
  const bad = writeBytes('broken.jsonl', broken);
  const error = await inputError(readInvoices(bad.file));
  assert.deepEqual(error.problems[0]?.location, { file: bad.file, line: 3, column: '{"invoiceNumber":"INV-'.length + 1 });
});

test('invalid UTF-8 in a CSV file and in a purchase-order file is bad input with its line', async () => {
  const csv = writeBytes(
    'export.csv',
    withBytes(`${CSV_HEADER}\nINV-1,acme,2026-11-10,USD,PO-1,Acme @@,X,0,0,false,1,W,W,1,1,1,S,0\n`, '@@', [0xff]),
  );
  const csvError = await inputError(readInvoices(csv.file));
  assert.equal(csvError.code, 'INPUT_MALFORMED');
  assert.deepEqual(csvError.problems[0]?.location, { file: csv.file, line: 2, column: 'INV-1,acme,2026-11-10,USD,PO-1,Acme '.length + 1 });
  const po = writeBytes('po.json', withBytes('{"poNumber": "PO-@@"}', '@@', [0x80]));
  const poError = await inputError(readAllDocuments([po.file], 'purchase-order'));
  assert.deepEqual(poError.problems[0]?.location, { file: po.file, line: 1, column: 18 });
});

test('a UTF-8 byte-order mark at the start of a JSON or JSON Lines file is accepted, as for CSV', async () => {
  const root = tempFolder();
  writeFileSync(join(root, 'one.json'), `\uFEFF${JSON.stringify(invoiceWith({ invoiceNumber: 'A-1' }), null, 2)}`);
  writeFileSync(
    join(root, 'many.jsonl'),
    `\uFEFF${JSON.stringify(invoiceWith({ invoiceNumber: 'B-1' }))}\n${JSON.stringify(invoiceWith({ invoiceNumber: 'B-2' }))}\n`,
  );
  writeFileSync(
    join(root, 'po.json'),
    `\uFEFF${JSON.stringify({ poNumber: 'PO-1', customerId: 'acme', issueDate: '2026-11-01', currency: 'USD', lines: [] })}`,
  );
  const documents = await readInvoices([join(root, 'one.json'), join(root, 'many.jsonl')]);
  assert.deepEqual(
    documents.map((entry) => entry.document.invoiceNumber),
    ['A-1', 'B-1', 'B-2'],
  );
  const error = await readAllDocuments([join(root, 'po.json')], 'purchase-order').then(
    () => undefined,
    (caught: unknown) => caught as InputError,
  );
  assert.doesNotMatch(error?.message ?? '', /malformed JSON/);
});

test('JSON nested 100,000 deep is bad input naming the file, not a crash', async () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const deepObject = `{"invoiceNumber": "INV-1", "buyer": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
  const root = tempFolder({
    'deep.json': deep,
    'deep-object.json': deepObject,
    'deep.jsonl': `${JSON.stringify(invoiceWith())}\n${deepObject}\n`,
  });
  for (const [name, line] of [
    ['deep.json', 1],
    ['deep-object.json', 1],
    ['deep.jsonl', 2],
  ] as const) {
    const error = await inputError(readInvoices(join(root, name)));
    assert.equal(error.code, 'INPUT_MALFORMED', name);
    assert.equal(error.problems[0]?.location.file, join(root, name));
    assert.equal(error.problems[0]?.location.line, line, name);
    assert.match(error.message, /nested more than 256 levels deep/);
  }
  const unclosed = await inputError(readInvoices(join(tempFolder({ 'x.json': '['.repeat(100_000) }), 'x.json')));
  assert.equal(unclosed.code, 'INPUT_MALFORMED');
});

test('a trailing comma is reported where the comma is, saying to remove it', async () => {
  const root = tempFolder({
    'object.json': '{\n  "invoiceNumber": "X-1",\n  "customerId": "acme",\n}\n',
    'array.json': '[\n  {"invoiceNumber": "X-1"},\n  {"invoiceNumber": "X-2"}  ,\n\n]\n',
  });
  const objectError = await inputError(readInvoices(join(root, 'object.json')));
  assert.deepEqual(objectError.problems[0]?.location, { file: join(root, 'object.json'), line: 3, column: 23 });
  assert.match(objectError.message, /malformed JSON: a comma after the last property, before '}': remove it/);
  const arrayError = await inputError(readInvoices(join(root, 'array.json')));
  assert.deepEqual(arrayError.problems[0]?.location, { file: join(root, 'array.json'), line: 3, column: 29 });
  assert.match(arrayError.message, /a comma after the last item, before '\]': remove it/);
});

test('a named file or folder that holds no invoice is bad input naming it', async () => {
  const root = tempFolder({
    'empty.jsonl': '',
    'blank.jsonl': '\n\n',
    'none.json': '[]',
    'notes/readme.txt': 'no invoices',
    'full/a.json': invoiceWith(),
    'full/empty.jsonl': '',
  });
  mkdirSync(join(root, 'nothing'));
  for (const name of ['empty.jsonl', 'blank.jsonl', 'none.json', 'notes', 'nothing']) {
    const error = await inputError(readInvoices(join(root, name)));
    assert.equal(error.code, 'INPUT_INVALID', name);
    assert.equal(error.problems[0]?.location.file, join(root, name));
    assert.match(error.message, /holds no invoice/, name);
  }
  // A folder with invoices in it may hold an empty export beside them.
  assert.equal((await readInvoices(join(root, 'full'))).length, 1);
  const poError = await inputError(readAllDocuments([join(root, 'nothing')], 'purchase-order'));
  assert.match(poError.message, /holds no purchase order/);
});

test('CSV: a header that names an object prototype property is refused with its column, nothing is polluted', async () => {
  for (const header of ['__proto__.remitTo', 'constructor.x', 'buyer.__proto__.x', 'line.prototype.y']) {
    const root = tempFolder({ 'export.csv': `invoiceNumber,customerId,${header}\nINV-1,acme,evil\n` });
    const error = await inputError(readInvoices(join(root, 'export.csv')));
    assert.equal(error.code, 'INPUT_INVALID', header);
    assert.deepEqual(error.problems[0]?.location, { file: join(root, 'export.csv'), line: 1, column: 3 });
    assert.equal(error.problems[0]?.field, header);
    assert.equal(({} as Record<string, unknown>).remitTo, undefined);
  }
});

test('a lone surrogate written as an escape ("\\ud800") is bad input at its place, as an invalid UTF-8 byte is; a pair is text', async () => {
  const root = tempFolder();
  const text = JSON.stringify({ ...invoiceWith(), note: 'Markt @@' }, null, 2);
  const file = join(root, 'lone.json');
  writeFileSync(file, text.replace('@@', '\\ud800'));
  const error = await inputError(readInvoices(file));
  assert.equal(error.code, 'INPUT_MALFORMED');
  const line = text.split('\n').findIndex((entry) => entry.includes('@@'));
  assert.equal(error.problems[0]?.location.line, line + 1);
  assert.equal(error.problems[0]?.field, '/note');
  assert.match(error.message, /half of a UTF-16 surrogate pair/);
  // In JSON Lines, a key, and a low half alone: the same.
  const lines = [
    JSON.stringify(invoiceWith()),
    JSON.stringify({ ...invoiceWith({ invoiceNumber: 'INV-2' }), buyer: { name: 'X' } }).replace('"X"', '"\\uDC00x"'),
  ];
  writeFileSync(join(root, 'lone.jsonl'), `${lines.join('\n')}\n`);
  const jsonl = await inputError(readInvoices(join(root, 'lone.jsonl')));
  assert.equal(jsonl.problems[0]?.location.line, 2);
  assert.equal(jsonl.problems[0]?.field, '/buyer/name');
  // An escaped pair is one character; an escaped backslash before "ud800" is no escape at all.
  writeFileSync(join(root, 'pair.json'), text.replace('@@', '\\ud83d\\ude00 \\\\ud800'));
  const [read] = await readInvoices(join(root, 'pair.json'));
  assert.equal((read?.document as Invoice | undefined)?.note, 'Markt \u{1f600} \\ud800');
});

test('a UTF-16 file (JSON, JSON Lines or CSV) is said to be UTF-16, not just a bad byte', async () => {
  const root = tempFolder();
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  writeFileSync(join(root, 'a.json'), utf16(JSON.stringify(invoiceWith())));
  writeFileSync(join(root, 'b.jsonl'), utf16(`${JSON.stringify(invoiceWith())}\n`));
  writeFileSync(join(root, 'c.csv'), utf16('invoiceNumber,customerId\nINV-1,acme\n'));
  for (const name of ['a.json', 'b.jsonl', 'c.csv']) {
    const error = await inputError(readInvoices(join(root, name)));
    assert.deepEqual({ line: error.problems[0]?.location.line, column: error.problems[0]?.location.column }, { line: 1, column: 1 }, name);
    assert.match(error.message, /is UTF-16 .*save the file as UTF-8/, name);
  }
});

test('CSV: testMode is true or false; "yes" or a typo is refused at its cell, never read as false (a live send)', async () => {
  const row = (testMode: string) =>
    `INV-1,acme,2026-11-10,USD,PO-10001,Acme Corp,Springfield,3.71,48.71,${testMode},1,W-1,Widget,3,10.00,30.00,S,8.25`;
  const root = tempFolder({ 'yes.csv': [CSV_HEADER, row('yes')].join('\n'), 'upper.csv': [CSV_HEADER, row('TRUE')].join('\n') });
  const error = await inputError(readInvoices(join(root, 'yes.csv')));
  assert.deepEqual(error.problems[0]?.location, { file: join(root, 'yes.csv'), line: 2, column: 10 });
  assert.match(error.message, /testMode.*"yes": write true or false/);
  const [read] = await readInvoices(join(root, 'upper.csv'));
  assert.equal((read?.document as Invoice | undefined)?.testMode, true);
});

test('CSV: a file refused at a row mid-way is closed, not left open (no descriptor kept per refused file)', async () => {
  const rows = [CSV_HEADER];
  for (let index = 0; index < 2_000; index += 1)
    rows.push(`INV-${index},acme,2026-11-10,USD,PO-1,Acme,Springfield,3.71,48.71,false,1,W-1,Widget,3,10.00,30.00,S,8.25`);
  rows.splice(2, 0, ',acme,2026-11-10,USD,PO-1,Acme,Springfield,3.71,48.71,false,1,W-1,Widget,3,10.00,30.00,S,8.25');
  const root = tempFolder({ 'bad.csv': rows.join('\n') });
  const open = () => readdirSync('/proc/self/fd').length;
  await inputError(readInvoices(join(root, 'bad.csv')));
  const before = open();
  for (let round = 0; round < 20; round += 1) await inputError(readInvoices(join(root, 'bad.csv')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(open() - before < 5, `${open() - before} descriptors more after 20 refused reads`);
});

import assert from 'node:assert/strict';
import { chmodSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, readAllDocuments, type Invoice } from '../../src/model/index.js';
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
  assert.deepEqual(documents.map((entry) => entry.document.invoiceNumber), ['B-1', 'B-2', 'A-1', 'C-1', 'C-2']);
  const jsonLines = documents.filter((entry) => entry.source.file.endsWith('stream.jsonl'));
  assert.deepEqual(jsonLines.map((entry) => entry.source.line), [1, 3]);
});

test('JSON Lines are split as readline splits them: LF, CR LF and a lone CR end a line, also across read chunks', async () => {
  const endings = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\n  \n', '\r\r\n'];
  const records = Array.from({ length: 400 }, (_, index) => JSON.stringify(invoiceWith({ invoiceNumber: `INV-${index}`, note: 'x'.repeat(index * 7) })));
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
  assert.deepEqual(documents.map((entry) => [entry.source.line, entry.document.invoiceNumber]), expected);
  assert.equal(expected.length, 401);
  assert.deepEqual(documents.map((entry) => entry.source.index), expected.map((_, index) => index));
});

test('JSON numbers are read through their text, never as binary floats', async () => {
  const text = JSON.stringify(invoiceWith()).replace('"unitPrice":"10.00"', '"unitPrice":10.10').replace('"totalAmount":"48.71"', '"totalAmount":12345678901234567.89');
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
  const root = tempFolder({ 'batch.jsonl': `${JSON.stringify(invoiceWith())}\n${JSON.stringify(invoiceWith({ invoiceNumber: 'INV-2' }))}\n{"invoiceNumber": "INV-3",}\n` });
  const error = await inputError(readInvoices(join(root, 'batch.jsonl')));
  assert.equal(error.problems[0]?.location.line, 3);
  assert.equal(error.problems[0]?.location.column, 27);
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

const CSV_HEADER = 'invoiceNumber,customerId,issueDate,currency,poNumber,buyer.name,buyer.address.city,taxTotal,totalAmount,testMode,line.lineNumber,line.sku,line.description,line.quantity,line.unitPrice,line.lineAmount,line.taxCode,line.taxRate';

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
  assert.deepEqual(documents.map((entry) => entry.document.invoiceNumber), ['INV-1', 'INV-2']);
  const first = documents[0]?.document as Invoice;
  assert.equal(first.buyer.address?.city, 'Springfield');
  assert.equal(first.testMode, false);
  assert.equal(documents[1]?.document.testMode, true);
  assert.deepEqual(first.lines.map((line) => [line.lineNumber, line.description, line.lineAmount]), [['1', 'Widget', '30.00'], ['2', 'Gadget, large', '15.00']]);
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

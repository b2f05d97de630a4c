import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { invoiceWith, profileWith, purchaseOrder } from '../support/check.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const ARITHMETIC = { 'po-required': true, 'line-amount-arithmetic': true, 'tax-total-arithmetic': true, 'invoice-total-arithmetic': true };

function workspace(files: Record<string, string | object> = {}, rules: Record<string, unknown> = ARITHMETIC) {
  return tempFolder({ 'profiles/acme.json': profileWith(rules), ...files });
}

function validate(root: string, ...args: string[]) {
  return firstpass(['validate', ...args, '--profiles', join(root, 'profiles'), '--today', '2026-11-20'], { cwd: root });
}

test('a clean invoice: exit 0 and a summary that says so', () => {
  const root = workspace({ 'in/inv.json': invoiceWith() });
  const result = validate(root, 'in');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /✓ INV-1001 \(acme\) in\/inv\.json:1/);
  assert.match(result.stdout, /1 invoice: 1 passed, 0 failed, 0 warnings/);
});

test('a failing invoice: exit 1, the finding grouped under its invoice with rule, path and expectation', () => {
  const root = workspace({ 'in/inv.json': invoiceWith({ totalAmount: '50.00' }) });
  const result = validate(root, 'in');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /✗ INV-1001 \(acme\)/);
  assert.match(
    result.stdout,
    /error\s+invoice-total-arithmetic \/totalAmount\n\s+Total 50\.00 is not lines \+ charges − allowances \+ tax: expected 48\.71 USD/,
  );
  assert.match(result.stdout, /1 invoice: 0 passed, 1 failed, 0 warnings/);
});

test('warnings alone do not hold an invoice back: exit 0', () => {
  const root = workspace({ 'in/inv.json': invoiceWith({ totalAmount: '50.00' }) }, { 'invoice-total-arithmetic': { severity: 'warning' } });
  const result = validate(root, 'in');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /! INV-1001/);
  assert.match(result.stdout, /1 invoice: 1 passed, 0 failed, 1 warning\n/);
});

test('--json prints one JSON document with every invoice and the summary, nothing else', () => {
  const root = workspace({ 'in/a.json': invoiceWith(), 'in/b.json': invoiceWith({ invoiceNumber: 'INV-1002', poNumber: ' ' }) });
  const result = validate(root, 'in', '--json');
  assert.equal(result.status, 1, result.stderr);
  const report = JSON.parse(result.stdout) as {
    invoices: {
      file: string;
      invoiceNumber: string;
      customerId: string;
      ok: boolean;
      findings: { rule: string; severity: string; message: string; path: string }[];
    }[];
    summary: unknown;
  };
  assert.deepEqual(report.summary, { total: 2, passed: 1, failed: 1, warnings: 0 });
  assert.deepEqual(
    report.invoices.map((invoice) => [invoice.file, invoice.invoiceNumber, invoice.customerId, invoice.ok]),
    [
      ['in/a.json', 'INV-1001', 'acme', true],
      ['in/b.json', 'INV-1002', 'acme', false],
    ],
  );
  assert.deepEqual(
    report.invoices[1]?.findings.map((finding) => [finding.rule, finding.severity, finding.path]),
    [['po-required', 'error', '/poNumber']],
  );
});

test('the same invoice number twice in one batch: the second is a duplicate, naming where the first was', () => {
  const root = workspace(
    { 'in/batch.jsonl': `${JSON.stringify(invoiceWith())}\n${JSON.stringify(invoiceWith())}\n` },
    { 'duplicate-invoice-number': true },
  );
  const result = validate(root, 'in', '--json');
  const report = JSON.parse(result.stdout) as { invoices: { ok: boolean; findings: { rule: string; message: string }[] }[] };
  assert.deepEqual(
    report.invoices.map((invoice) => invoice.ok),
    [true, false],
  );
  assert.match(report.invoices[1]?.findings[0]?.message ?? '', /already used for acme \(earlier in this batch, at in\/batch\.jsonl:1\)/);
});

test('a duplicate across files names the file and line, or the position in a JSON array, of the first', () => {
  const root = workspace(
    {
      'in/a-array.json': [invoiceWith({ invoiceNumber: 'INV-7' }), invoiceWith({ invoiceNumber: 'INV-8' })],
      'in/b.jsonl': `${JSON.stringify(invoiceWith({ invoiceNumber: 'INV-9' }))}\n\n${JSON.stringify(invoiceWith({ invoiceNumber: 'INV-8' }))}\n`,
      'in/c.json': invoiceWith({ invoiceNumber: 'INV-9' }),
    },
    { 'duplicate-invoice-number': true },
  );
  const result = validate(root, 'in', '--json');
  const report = JSON.parse(result.stdout) as { invoices: { invoiceNumber: string; ok: boolean; findings: { message: string }[] }[] };
  assert.deepEqual(
    report.invoices.map((invoice) => [invoice.invoiceNumber, invoice.ok]),
    [
      ['INV-7', true],
      ['INV-8', true],
      ['INV-9', true],
      ['INV-8', false],
      ['INV-9', false],
    ],
  );
  assert.match(report.invoices[3]?.findings[0]?.message ?? '', /\(earlier in this batch, at in\/a-array\.json #2\)/);
  assert.match(report.invoices[4]?.findings[0]?.message ?? '', /\(earlier in this batch, at in\/b\.jsonl:1\)/);
});

test('invoices earlier in a batch use up their PO: the next one exceeds the PO line quantity', () => {
  const root = workspace(
    {
      'in/batch.jsonl': `${JSON.stringify(invoiceWith())}\n${JSON.stringify(invoiceWith({ invoiceNumber: 'INV-1002' }))}\n`,
      'pos/po.json': purchaseOrder({
        total: '1000.00',
        lines: [
          {
            poLineNumber: '1',
            sku: 'W-1',
            description: 'Widget',
            quantity: '5',
            unitOfMeasure: 'EA',
            unitPrice: '10.00',
            quantityInvoiced: '0',
          },
          {
            poLineNumber: '2',
            sku: 'G-2',
            description: 'Gadget',
            quantity: '4',
            unitOfMeasure: 'EA',
            unitPrice: '7.50',
            quantityInvoiced: '0',
          },
        ],
      }),
    },
    { 'po-line-match': true, 'po-exists': true },
  );
  const result = validate(root, 'in', '--pos', 'pos', '--json');
  const report = JSON.parse(result.stdout) as { invoices: { ok: boolean; findings: { rule: string; message: string; path: string }[] }[] };
  assert.deepEqual(
    report.invoices.map((invoice) => invoice.ok),
    [true, false],
  );
  assert.deepEqual(
    report.invoices[1]?.findings.map((finding) => finding.path),
    ['/lines/0'],
  );
  assert.match(report.invoices[1]?.findings[0]?.message ?? '', /quantity 3 exceeds the 2 EA still open on PO line 1/);
});

test('bad input: malformed JSON stops the run with exit 2, file, line and column, and no JSON on stdout', () => {
  const root = workspace({ 'in/a.json': invoiceWith(), 'in/b.json': '{\n  "invoiceNumber": "X"\n  "customerId": "acme"\n}\n' });
  const result = validate(root, 'in', '--json');
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /in\/b\.json:3:3: malformed JSON: expected ',' between items/);
});

test('bad input: an invoice for a customer without a profile is exit 2, naming invoice, customer and expected file', () => {
  const root = workspace({ 'in/a.json': invoiceWith({ customerId: 'hooli' }) });
  const result = validate(root, 'in');
  assert.equal(result.status, 2);
  assert.match(
    result.stderr,
    /in\/a\.json:1: \/customerId names customer "hooli" \(invoice INV-1001\), which has no profile: expected .*profiles\/hooli\.json/,
  );
});

test('bad input within one batch of JSON Lines: the first problem in the file is the one reported, and --json prints nothing', () => {
  const lines = [
    invoiceWith(),
    invoiceWith({ invoiceNumber: 'INV-2', customerId: 'hooli' }),
    '{"invoiceNumber": "INV-3",}',
    invoiceWith({ invoiceNumber: 'INV-4' }),
  ];
  const root = workspace({
    'in/batch.jsonl': `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`,
  });
  const result = validate(root, 'in', '--json');
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /in\/batch\.jsonl:2: \/customerId names customer "hooli" \(invoice INV-2\)/);
  assert.doesNotMatch(result.stderr, /malformed JSON/);
});

test('bad input: an invalid profile is exit 2 with its file, line and column', () => {
  const root = tempFolder({ 'profiles/acme.json': { ...profileWith({ 'po-required': 'yes' }) }, 'in/a.json': invoiceWith() });
  const result = validate(root, 'in');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /profiles\/acme\.json:\d+:\d+: \/rules\/po-required must be true or false or an object/);
});

test('an attachment that is missing, a folder or outside the invoice folder is a finding of attachments-required; the rest of the batch is checked', () => {
  const timesheet = (invoiceNumber: string, file: string) => invoiceWith({ invoiceNumber, attachments: [{ type: 'timesheet', file }] });
  const root = workspace(
    {
      'in/a.json': timesheet('INV-1', 'timesheets/week-45.pdf'),
      'in/b.json': timesheet('INV-2', 'timesheets'),
      'in/c.json': timesheet('INV-3', '../../etc/passwd'),
      'in/d.json': timesheet('INV-4', '/etc/passwd'),
      'in/e.json': timesheet('INV-5', 'timesheets/week-46.pdf'),
      'in/timesheets/week-46.pdf': '%PDF-1.4 hours',
      'in/timesheets/readme.txt': 'makes the folder exist',
      'outside.pdf': 'not to be read',
    },
    { 'attachments-required': { types: ['timesheet'], extensions: ['.pdf'] } },
  );
  const result = validate(root, 'in', '--json');
  assert.equal(result.status, 1, result.stderr);
  const report = JSON.parse(result.stdout) as {
    invoices: { invoiceNumber: string; ok: boolean; findings: { rule: string; message: string; path: string }[] }[];
  };
  assert.deepEqual(
    report.invoices.map((invoice) => [invoice.invoiceNumber, invoice.ok]),
    [
      ['INV-1', false],
      ['INV-2', false],
      ['INV-3', false],
      ['INV-4', false],
      ['INV-5', true],
    ],
  );
  const messages = report.invoices.map((invoice) =>
    invoice.findings.map((finding) => `${finding.rule} ${finding.path} ${finding.message}`).join('\n'),
  );
  assert.match(messages[0] ?? '', /^attachments-required \/attachments\/0\/file .*timesheet timesheets\/week-45\.pdf does not exist/);
  assert.match(messages[1] ?? '', /timesheet timesheets is a folder, not a file/);
  assert.match(messages[2] ?? '', /timesheet \.\.\/\.\.\/etc\/passwd is outside the invoice's folder/);
  assert.match(messages[3] ?? '', /timesheet \/etc\/passwd is outside the invoice's folder/);
});

test('an attachment that cannot be read is a finding naming the file and why', {
  skip: process.getuid?.() === 0 ? 'root reads every file' : false,
}, () => {
  const root = workspace(
    { 'in/a.json': invoiceWith({ attachments: [{ type: 'timesheet', file: 'hours.pdf' }] }), 'in/hours.pdf': '%PDF' },
    { 'attachments-required': { types: ['timesheet'] } },
  );
  chmodSync(join(root, 'in/hours.pdf'), 0o000);
  const result = validate(root, 'in');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /timesheet hours\.pdf cannot be read \(EACCES\)/);
});

test('bad usage: an unknown option, an unknown command and a malformed --today are exit 2', () => {
  const root = workspace({ 'in/a.json': invoiceWith() });
  assert.equal(validate(root, 'in', '--bogus').status, 2);
  assert.equal(firstpass(['frobnicate']).status, 2);
  const badDate = firstpass(['validate', 'in', '--today', '20/11/2026'], { cwd: root });
  assert.equal(badDate.status, 2);
  assert.match(badDate.stderr, /--today must be a date written YYYY-MM-DD, not "20\/11\/2026"/);
});

test('--version prints the package version', () => {
  const result = firstpass(['--version']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('bad input: a custom rule with a mistyped operator is exit 2 naming the profile, not a crash', () => {
  const rule = {
    id: 'acme-terms',
    scope: 'invoice',
    severity: 'error',
    message: 'NET30 only',
    path: '/paymentTerms',
    conditions: { all: [{ fact: 'invoice', path: '$.paymentTerms', operator: 'equalz', value: 'NET30' }] },
  };
  const root = tempFolder({ 'profiles/acme.json': profileWith({}, { customRules: [rule] } as never), 'in/a.json': invoiceWith() });
  const result = validate(root, 'in');
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /profiles\/acme\.json:\d+:\d+: \/customRules\/0\/conditions\/all\/0\/operator must be one of "equal"/);
});

test('bad usage: --today must be a real calendar date', () => {
  const root = workspace({ 'in/a.json': invoiceWith() });
  const result = firstpass(['validate', 'in', '--today', '2026-02-31'], { cwd: root });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--today must be a date written YYYY-MM-DD, not "2026-02-31"/);
});

test('bad input: JSON nested 100,000 deep is exit 2 naming the file, not a stack trace', () => {
  const root = workspace({ 'in/deep.json': `{"invoiceNumber": "INV-1", "buyer": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}` });
  const result = validate(root, 'in');
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /in\/deep\.json:1:\d+: malformed JSON: nested more than 256 levels deep/);
  assert.doesNotMatch(result.stderr, /RangeError|internal error/);
});

test('bad input: a CSV header __proto__.remitTo is exit 2 naming the file, column and header', () => {
  const root = workspace({ 'in/export.csv': 'invoiceNumber,customerId,__proto__.remitTo\nINV-1,acme,evil\n' });
  const result = validate(root, 'in/export.csv');
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /in\/export\.csv:1:3: __proto__\.remitTo names __proto__, constructor or prototype/);
});

test('bad input: a named folder with no invoice in it is exit 2 naming it, not "0 invoices"', () => {
  const root = workspace({ 'in/readme.txt': 'nothing here' });
  const result = validate(root, 'in');
  assert.equal(result.status, 2, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^in: holds no invoice/m);
});

test('control characters and terminal escapes from invoice data are shown escaped; --json gives them back exactly', () => {
  const hostile = 'INV-\u001b[2J\u001b]0;owned\u0007\u009b31m\u202e';
  const root = workspace({
    'in/\u001b[31mred.json': invoiceWith({ invoiceNumber: hostile, poNumber: ' ' }),
    'other/a.json': invoiceWith({ customerId: 'x\u001b[8m' }),
  });
  const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
  const text = validate(root, 'in');
  assert.equal(text.status, 1, text.stderr);
  assert.doesNotMatch(text.stdout, raw);
  assert.match(text.stdout, /✗ INV-\\x1b\[2J\\x1b\]0;owned\\x07\\x9b31m\\u202e \(acme\) in\/\\x1b\[31mred\.json:1/);

  const json = validate(root, 'in', '--json');
  assert.doesNotMatch(json.stdout, raw);
  const report = JSON.parse(json.stdout) as { invoices: { file: string; invoiceNumber: string }[] };
  assert.equal(report.invoices[0]?.invoiceNumber, hostile);
  assert.equal(report.invoices[0]?.file, 'in/\u001b[31mred.json');

  const bad = validate(root, 'other');
  assert.equal(bad.status, 2);
  assert.doesNotMatch(bad.stderr, raw);
  assert.match(bad.stderr, /names customer "x\\x1b\[8m"/);
});

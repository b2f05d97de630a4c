import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const BRIGHTWATER = 'examples/invoices/brightwater-home/CP-2611-0409.json';

function isa13(x12: string): string {
  return x12.split('~')[0]?.split('*')[13] ?? '';
}

test('render writes the customer\'s document, and X12 control numbers never repeat for the partner', () => {
  const root = tempFolder();
  const db = `sqlite:${join(root, 'fp.sqlite')}`;
  const first = firstpass(['render', BRIGHTWATER, '--out', join(root, 'a'), '--db', db]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /CP-2611-0409 \(brightwater-home\) → .*CP-2611-0409\.x12/);
  const second = firstpass(['render', BRIGHTWATER, '--out', join(root, 'b'), '--db', db, '--json']);
  assert.equal(second.status, 0, second.stderr);
  const report = JSON.parse(second.stdout) as { documents: { file: string; controlNumbers: { interchange: number } }[] };
  const one = readFileSync(join(root, 'a', 'CP-2611-0409.x12'), 'utf8');
  const two = readFileSync(join(root, 'b', 'CP-2611-0409.x12'), 'utf8');
  assert.match(one, /^ISA\*/);
  assert.equal(isa13(one), '000000001');
  assert.equal(isa13(two), '000000002');
  assert.equal(report.documents[0]?.controlNumbers.interchange, 2);
});

test('render --format writes another format (a PDF copy) without touching the database', () => {
  const root = tempFolder();
  const result = firstpass(['render', BRIGHTWATER, '--format', 'pdf', '--out', join(root, 'out'), '--db', `sqlite:${join(root, 'fp.sqlite')}`]);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(readFileSync(join(root, 'out', 'CP-2611-0409.pdf')).subarray(0, 5).equals(Buffer.from('%PDF-')));
  assert.equal(existsSync(join(root, 'fp.sqlite')), false);
});

test('an invoice X12 cannot carry stops the run with exit 2 before any number is taken or file written', () => {
  const invoice = JSON.parse(readFileSync(BRIGHTWATER, 'utf8')) as { lines: { description: string }[] };
  const first = invoice.lines[0];
  assert.ok(first);
  first.description = 'Hose clamp 5/8"~3/4"';
  const root = tempFolder({ 'in/bad.json': invoice });
  const result = firstpass(['render', join(root, 'in'), BRIGHTWATER, '--out', join(root, 'out'), '--db', `sqlite:${join(root, 'fp.sqlite')}`]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /invoice CP-2611-0409: PID05: "Hose clamp 5\/8"~3\/4"" contains "~"/);
  assert.equal(existsSync(join(root, 'out')) && readdirSync(join(root, 'out')).length > 0, false);
  assert.equal(existsSync(join(root, 'fp.sqlite')), false);
});

test('a malformed --db is bad usage (exit 2) and the password is not repeated', () => {
  const root = tempFolder();
  const result = firstpass(['render', BRIGHTWATER, '--out', join(root, 'out'), '--db', 'mysql://billing:s3cr3t@db.example/fp']);
  assert.equal(result.status, 2, result.stderr);
  assert.doesNotMatch(result.stderr, /s3cr3t/);
  assert.match(result.stderr, /sqlite:|postgres:/);
});

test('EDIFACT declared UNOC is written in ISO 8859-1: "ß" is one byte, not UTF-8', () => {
  const root = tempFolder();
  const result = firstpass(['render', 'examples/invoices/kessler-automotive/CG-2026-10117.json', '--out', join(root, 'out'), '--db', `sqlite:${join(root, 'fp.sqlite')}`]);
  assert.equal(result.status, 0, result.stderr);
  const bytes = readFileSync(join(root, 'out', 'CG-2026-10117.edi'));
  assert.match(bytes.toString('latin1'), /^UNA:\+\.\? 'UNB\+UNOC:3\+/);
  assert.ok(bytes.includes(0xdf), 'ß as the single byte 0xDF');
  assert.equal(bytes.includes(Buffer.from('ß', 'utf8')), false);
});

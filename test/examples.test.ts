import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { firstpass } from './support/cli.js';

/**
 * The bundled examples are a specification: each broken invoice is held by exactly the rules
 * that a real buyer would reject it for (examples/invoices/README.md says why), and each clean
 * one passes without a finding.
 */
interface Expected {
  summary: { total: number; passed: number; failed: number; warnings: number };
  invoices: { file: string; invoiceNumber: string; ok: boolean; errors: string[]; warnings: string[]; what: string }[];
}

interface Reported {
  summary: Expected['summary'];
  invoices: { file: string; invoiceNumber: string; ok: boolean; findings: { rule: string; severity: string; message: string }[] }[];
}

const expected = JSON.parse(readFileSync('examples/expected-results.json', 'utf8')) as Expected;

test('every bundled example invoice gets exactly the findings its README promises', () => {
  const result = firstpass(['validate', 'examples/invoices', '--pos', 'examples/purchase-orders', '--today', '2026-11-20', '--json']);
  assert.equal(result.status, 1, result.stderr);
  const reported = JSON.parse(result.stdout) as Reported;
  assert.deepEqual(reported.summary, expected.summary);
  assert.equal(reported.invoices.length, expected.invoices.length);
  // Matched by file, number and occurrence: a batch may hold the same number twice on purpose.
  const key = (file: string, invoiceNumber: string, seen: Map<string, number>) => {
    const base = `${file}\u0000${invoiceNumber}`;
    const nth = (seen.get(base) ?? 0) + 1;
    seen.set(base, nth);
    return `${base}\u0000${nth}`;
  };
  const expectedSeen = new Map<string, number>();
  const promises = new Map(expected.invoices.map((promise) => [key(promise.file, promise.invoiceNumber, expectedSeen), promise]));
  const reportedSeen = new Map<string, number>();
  reported.invoices.forEach((invoice) => {
    const promise = promises.get(key(invoice.file, invoice.invoiceNumber, reportedSeen));
    assert.ok(promise, `no expectation for ${invoice.file} ${invoice.invoiceNumber}`);
    const label = `${invoice.file} ${invoice.invoiceNumber} (${promise.what})`;
    assert.equal(invoice.ok, promise.ok, label);
    assert.deepEqual(
      invoice.findings
        .filter((finding) => finding.severity === 'error')
        .map((finding) => finding.rule)
        .sort(),
      [...promise.errors].sort(),
      label,
    );
    assert.deepEqual(
      invoice.findings
        .filter((finding) => finding.severity === 'warning')
        .map((finding) => finding.rule)
        .sort(),
      [...promise.warnings].sort(),
      label,
    );
    for (const finding of invoice.findings)
      assert.doesNotMatch(finding.message, /\{\{|undefined|\[object Object\]/, `${label}: ${finding.message}`);
  });
});

test('the bundled profiles lint clean', () => {
  const result = firstpass(['profiles', 'lint', 'customer-profiles']);
  assert.equal(result.status, 0, result.stdout);
  assert.match(result.stdout, /6 customer profiles checked in customer-profiles: no problems/);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Invoice } from '../../src/model/invoice.js';
import { readAllDocuments } from '../../src/io/read-documents.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One entry of examples/expected-results.json. */
export interface ExpectedResult {
  readonly file: string;
  /** 1-based position in an array, JSON Lines or CSV file. */
  readonly position?: number;
  readonly invoiceNumber: string;
  readonly ok: boolean;
}

/**
 * The bundled example invoices that pass our rules, found by file and position (a batch may
 * also hold a failing duplicate with the same number).
 */
export async function passingExamples(): Promise<{ label: string; invoice: Invoice }[]> {
  const expected = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'expected-results.json'), 'utf8')) as { invoices: ExpectedResult[] }
  ).invoices.filter((result) => result.ok);
  const files = [...new Set(expected.map((result) => join(PROJECT_ROOT, result.file)))];
  const documents = await readAllDocuments(files, 'invoice');
  return expected.map((result) => {
    const found = documents.find(
      (document) => document.source.file === join(PROJECT_ROOT, result.file) && document.source.index === (result.position ?? 1) - 1,
    );
    assert.ok(found, `${result.file} #${result.position ?? 1} not read`);
    assert.equal(found.document.invoiceNumber, result.invoiceNumber);
    return { label: `${result.file}${result.position ? ` #${result.position}` : ''} (${result.invoiceNumber})`, invoice: found.document };
  });
}

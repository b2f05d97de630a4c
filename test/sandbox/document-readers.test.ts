import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOCUMENT_READERS, readerFor } from '../../src/sandbox/buyer/readers/index.js';
import { PROJECT_ROOT } from '../support/cli.js';

/**
 * One suite for every reader of the sandbox's buyer, over the golden files the renderers are held
 * to: each reads the number, PO, currency and control numbers the document carries, and its total
 * equals lines + charges − allowances + tax; a broken document is unreadable, not a crash.
 */

const GOLDEN = join(PROJECT_ROOT, 'test', 'golden');

/** What each golden document says, read off the files by eye. */
const EXPECTED: Readonly<Record<string, { po: string | undefined; currency: string; total: string; control?: string[] }>> = {
  'x12-810/CP-2610-0391.x12': { po: '30418876', currency: 'USD', total: '4374.72', control: ['000001001', '2001', '3001'] },
  'x12-810/CP-2611-0409.x12': { po: '30419240', currency: 'USD', total: '3600.9', control: ['000001001', '2001', '3001'] },
  'x12-810/CP-2611-0449.x12': { po: '30418876', currency: 'USD', total: '2120.4', control: ['000001001', '2001', '3001'] },
  'edifact-invoic/CG-2026-10117.edi': { po: '4700093311', currency: 'EUR', total: '19075.7', control: ['1001', '3001'] },
  'edifact-invoic/CG-2026-10129.edi': { po: '4700094120', currency: 'EUR', total: '5131.7', control: ['1001', '3001'] },
  'edifact-invoic/CG-2026-10129.d01b.edi': { po: '4700094120', currency: 'EUR', total: '5131.7', control: ['1001', '3001'] },
  'edifact-invoic/CPBV-26-00341.edi': { po: '4700094388', currency: 'EUR', total: '1052.5', control: ['1001', '3001'] },
  'ubl/CG-2026-10121.ubl.xml': { po: undefined, currency: 'EUR', total: '5300.26' },
  'ubl/CG-2026-90007.ubl.xml': { po: undefined, currency: 'EUR', total: '343.91' },
  'cxml/CM-2611-0031.cxml.xml': { po: '4500018834', currency: 'USD', total: '-416.76' },
  'cxml/CP-2611-0412.cxml.xml': { po: '4500018834', currency: 'USD', total: '18234.71' },
};

/** The bytes as the renderer sends them: EDIFACT UNOC is ISO 8859-1, the rest UTF-8 (the golden files are stored as UTF-8 text). */
function asSent(path: string): Buffer {
  const text = readFileSync(join(GOLDEN, path), 'utf8');
  return Buffer.from(text, path.startsWith('edifact-invoic/') ? 'latin1' : 'utf8');
}

test('every golden document of a format the buyer judges has an expectation here', () => {
  const formats = [...DOCUMENT_READERS.keys()];
  const files = formats.flatMap((format) => readdirSync(join(GOLDEN, format)).map((name) => `${format}/${name}`));
  assert.deepEqual(files.sort(), Object.keys(EXPECTED).sort());
});

for (const [path, expected] of Object.entries(EXPECTED)) {
  test(`the buyer reads ${path}`, () => {
    const format = path.split('/')[0] ?? '';
    const content = asSent(path);
    const reader = readerFor(content, format);
    assert.equal(reader?.format, format, 'the profile format names the reader and the content fits it');
    assert.equal(readerFor(content)?.format, format, 'the content alone names the reader');
    const result = reader.read(content);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const { invoice } = result;
    assert.equal(invoice.invoiceNumber, path.split('/')[1]?.split('.')[0]);
    assert.equal(invoice.poNumber, expected.po);
    assert.equal(invoice.currency, expected.currency);
    assert.equal(invoice.total.toString(), expected.total);
    assert.equal(invoice.computedTotal.toString(), invoice.total.toString(), 'lines + charges − allowances + tax = total');
    if (expected.control) {
      const envelope = invoice.envelope;
      const numbers = [envelope?.interchangeControl, envelope?.groupControl, envelope?.messageControl].filter(
        (number) => number !== undefined,
      );
      assert.deepEqual(numbers, expected.control);
    }
    if (format === 'cxml') assert.match(invoice.payloadId ?? '', new RegExp(`\\.${invoice.invoiceNumber}@`));
  });
}

test('each reader calls a broken document of its format unreadable, keeping what it could read of the envelope', () => {
  for (const reader of DOCUMENT_READERS.values()) {
    const sample = Object.keys(EXPECTED).find((path) => path.startsWith(`${reader.format}/`)) ?? '';
    const content = asSent(sample);
    const broken = content.subarray(0, Math.floor(content.length * 0.6));
    const result = reader.read(broken);
    assert.equal(result.ok, false, `${reader.format}: a document cut short is unreadable`);
    if (!result.ok && (reader.format === 'x12-810' || reader.format === 'edifact-invoic'))
      assert.ok(result.envelope?.interchangeControl, `${reader.format}: the interchange control number is still known`);
  }
});

test('an attachment (a PDF) is no document for any reader', () => {
  assert.equal(readerFor(Buffer.from('%PDF-1.7\n…')), undefined);
  assert.equal(readerFor(Buffer.from('%PDF-1.7\n…'), 'x12-810'), undefined);
});

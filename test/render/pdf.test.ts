import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { invoiceTotals } from '../../src/model/invoice-totals.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/index.js';
import { writePdf } from '../../src/render/pdf-writer.js';
import type { Template } from '../../src/render/template.js';
import { passingExamples } from '../support/examples.js';
import { assertGolden } from '../support/golden.js';
import { loadPdfJs, readPdf, type Cell, type Line, type ReadPdf } from '../support/pdf-reader.js';

/**
 * PDF invoices, read back the way a person reads them: pdfjs-dist (Mozilla's PDF reader, which
 * we did not write) turns every page into positioned text; the tests then look for what an
 * accounts-payable clerk checks — the number, dates, PO, buyer, each line's description,
 * quantity, unit price and amount under their column headers, each tax subtotal and the
 * total — as the exact decimal strings of the invoice and its totals.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GOLDEN = join(ROOT, 'test', 'golden', 'pdf');
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };

const profiles = new ProfileLibrary(join(ROOT, 'customer-profiles'));

// --- reading a PDF back ------------------------------------------------------------------

const texts = (line: Line) => line.cells.map((cell) => cell.text);

function findLine(pdf: ReadPdf, predicate: (cells: readonly string[]) => boolean): Line | undefined {
  return pdf.lines.find((line) => predicate(texts(line)));
}

/** A label and its value on one line, e.g. "Issue date" … "2026-11-06". */
function assertField(pdf: ReadPdf, label: string, value: string, what: string): void {
  const line = findLine(pdf, (cells) => cells.includes(label));
  assert.ok(line, `${what}: no "${label}" line`);
  const cells = texts(line);
  assert.equal(cells[cells.indexOf(label) + 1], value, `${what}: ${label} (line "${cells.join(' | ')}")`);
}

/** The text of a party block: its heading, then what stands under it in the same column. */
function blockUnder(pdf: ReadPdf, heading: string): string {
  const head = pdf.lines.flatMap((line) => line.cells.filter((cell) => cell.text === heading).map((cell) => ({ line, cell })))[0];
  assert.ok(head, `no "${heading}" block`);
  const parts: string[] = [];
  let y = head.cell.y;
  for (const line of pdf.lines) {
    if (line.page !== head.line.page || line.y >= head.cell.y) continue;
    const cell = line.cells.find((candidate) => Math.abs(candidate.x - head.cell.x) < 1);
    if (!cell) continue;
    if (y - cell.y > 20) break; // the block ends at the first gap
    parts.push(cell.text);
    y = cell.y;
  }
  return joinWrapped(parts);
}

/** Pieces of one wrapped text joined again: by a space, except after a hyphen that broke a word. */
function joinWrapped(parts: readonly string[]): string {
  return parts.reduce((text, part) => (text === '' ? part : /[-/]$/.test(text) ? text + part : `${text} ${part}`), '');
}

interface TableHeader {
  readonly page: number;
  readonly y: number;
  /** Header text → the header cell (left edge for left-aligned columns, right edge for right-aligned ones). */
  readonly columns: ReadonlyMap<string, Cell>;
}

function tableHeaders(pdf: ReadPdf): TableHeader[] {
  return pdf.lines
    .filter((line) => texts(line)[0] === '#' && texts(line).includes('Description') && texts(line).includes('Qty'))
    .map((line) => ({ page: line.page, y: line.y, columns: new Map(line.cells.map((cell) => [cell.text, cell])) }));
}

interface TableRow {
  readonly page: number;
  readonly number: string;
  readonly description: string;
  /** The text standing under a right-aligned column header (right edges equal). */
  readonly under: (header: string) => string | undefined;
}

/** The table's rows as a reader sees them: a row starts where the "#" column has a number. */
function tableRows(pdf: ReadPdf): TableRow[] {
  const rows: TableRow[] = [];
  for (const header of tableHeaders(pdf)) {
    const hash = header.columns.get('#');
    const description = header.columns.get('Description');
    assert.ok(hash && description);
    const body = pdf.lines.filter((line) => line.page === header.page && line.y < header.y);
    let current: { page: number; number: string; parts: string[]; size: number; cells: readonly Cell[] } | undefined;
    const finish = () => {
      if (!current) return;
      const { cells } = current;
      rows.push({
        page: current.page,
        number: current.number,
        description: joinWrapped(current.parts),
        under: (name) => {
          const column = header.columns.get(name) ?? [...header.columns.entries()].find(([text]) => text.startsWith(name))?.[1];
          return column ? cells.find((cell) => Math.abs(cell.right - column.right) < 1)?.text : undefined;
        },
      });
      current = undefined;
    };
    // A line belongs to the table while each of its cells stands in a column: flush with the
    // header's left edge, or with its right edge (numbers are right-aligned).
    const inColumns = (line: Line) =>
      line.cells.every((cell) =>
        [...header.columns.values()].some((column) => Math.abs(cell.x - column.x) < 1 || Math.abs(cell.right - column.right) < 1),
      );
    for (const line of body) {
      if (!inColumns(line)) break;
      const first = line.cells[0];
      const inDescription = line.cells.find((cell) => Math.abs(cell.x - description.x) < 1);
      if (first && Math.abs(first.x - hash.x) < 1) {
        finish();
        current = {
          page: line.page,
          number: first.text,
          parts: inDescription ? [inDescription.text] : [],
          size: inDescription?.size ?? 0,
          cells: line.cells,
        };
      } else if (current && inDescription && Math.abs(inDescription.size - current.size) < 0.01) {
        current.parts.push(inDescription.text); // a wrapped description (details are set smaller)
      }
    }
    finish();
  }
  return rows;
}

function lineNumberOf(invoice: Invoice, index: number): string {
  return invoice.lines[index]?.lineNumber ?? String(index + 1);
}

/** What a clerk checks on any invoice or credit note. */
function assertReadsAsInvoice(pdf: ReadPdf, invoice: Invoice, what: string): void {
  const totals = invoiceTotals(invoice);
  const creditNote = invoice.documentType === 'credit-note';
  assert.ok(
    findLine(pdf, (cells) => cells.includes(creditNote ? 'Credit note' : 'Invoice')),
    `${what}: title`,
  );
  assertField(pdf, creditNote ? 'Credit note number' : 'Invoice number', invoice.invoiceNumber, what);
  assertField(pdf, 'Issue date', invoice.issueDate, what);
  if (invoice.dueDate) assertField(pdf, 'Due date', invoice.dueDate, what);
  if (invoice.poNumber) assertField(pdf, 'PO number', invoice.poNumber, what);
  if (invoice.buyerReference) assertField(pdf, 'Buyer reference', invoice.buyerReference, what);
  if (invoice.billingReference) assertField(pdf, 'Credits invoice', invoice.billingReference, what);
  assertField(pdf, 'Currency', invoice.currency, what);
  assert.ok(
    blockUnder(pdf, 'BILL TO').startsWith(invoice.buyer.name ?? '(no buyer name)'),
    `${what}: buyer ${invoice.buyer.name} under BILL TO; read "${blockUnder(pdf, 'BILL TO')}"`,
  );
  if (invoice.shipTo?.name) assert.ok(blockUnder(pdf, 'SHIP TO').startsWith(invoice.shipTo.name), `${what}: ship-to`);

  const rows = tableRows(pdf);
  assert.deepEqual(
    rows.map((row) => row.number),
    invoice.lines.map((_, index) => lineNumberOf(invoice, index)),
    `${what}: the table has every line, in order`,
  );
  invoice.lines.forEach((line, index) => {
    const row = rows[index];
    assert.ok(row);
    const label = `${what} line ${row.number}`;
    assert.equal(row.description, (line.description ?? '').replace(/\s+/g, ' ').trim(), `${label}: description`);
    assert.equal(row.under('Qty'), line.quantity, `${label}: quantity`);
    assert.equal(row.under('Unit price'), line.unitPrice, `${label}: unit price`);
    assert.equal(row.under(`Amount ${invoice.currency}`), totals.lineNets[index], `${label}: amount`);
  });

  assert.ok(
    findLine(pdf, (cells) => cells.length === 2 && cells[0] === 'Lines total' && cells[1] === totals.linesTotal),
    `${what}: lines total ${totals.linesTotal}`,
  );
  for (const subtotal of totals.taxSubtotals) {
    const line = findLine(pdf, (cells) => cells.length === 2 && (cells[0] ?? '').endsWith(`${subtotal.rate}% on ${subtotal.taxable}`));
    assert.ok(line, `${what}: a tax line "… ${subtotal.rate}% on ${subtotal.taxable}"`);
    assert.equal(texts(line)[1], subtotal.tax, `${what}: tax at ${subtotal.rate}%`);
  }
  assert.ok(
    findLine(pdf, (cells) => cells.length === 2 && cells[0] === 'Total tax' && cells[1] === totals.taxTotal),
    `${what}: total tax ${totals.taxTotal}`,
  );
  const totalLabel = `${creditNote ? 'Total credited' : 'Total payable'} (${invoice.currency})`;
  const total = findLine(pdf, (cells) => cells[0] === totalLabel);
  assert.ok(total, `${what}: "${totalLabel}"`);
  assert.deepEqual(texts(total), [totalLabel, totals.payable], `${what}: total`);
  for (let page = 1; page <= pdf.pages; page += 1) {
    assert.ok(
      pdf.lines.some((line) => line.page === page && texts(line).at(-1) === `Page ${page} of ${pdf.pages}`),
      `${what}: "Page ${page} of ${pdf.pages}"`,
    );
  }
}

// --- the examples --------------------------------------------------------------------------

async function profileOf(invoice: Invoice): Promise<CustomerProfile> {
  return (await profiles.profile(invoice.customerId)).profile;
}

async function renderPdf(invoice: Invoice, profile?: CustomerProfile): Promise<Uint8Array> {
  const document = await renderDocument({
    invoice,
    profile: profile ?? (await profileOf(invoice)),
    format: 'pdf',
    controlNumbers: CONTROL,
    now: NOW,
  });
  assert.equal(document.format, 'pdf');
  assert.equal(document.mediaType, 'application/pdf');
  assert.match(document.fileName, /\.pdf$/);
  assert.ok(document.content instanceof Uint8Array);
  assert.equal(Buffer.from(document.content.subarray(0, 5)).toString('latin1'), '%PDF-');
  return document.content;
}

test('every example invoice that passes our rules reads back, as a PDF, with its numbers, dates, parties, lines and totals', async () => {
  const examples = await passingExamples();
  assert.ok(examples.length >= 20, `only ${examples.length} passing examples`);
  for (const { label, invoice } of examples) assertReadsAsInvoice(await readPdf(await renderPdf(invoice)), invoice, label);
});

test('a credit note is titled and totalled as one, names the invoice it credits and asks for no payment', async () => {
  const [credit] = (await readAllDocuments([join(ROOT, 'examples/invoices/meridian-aerospace/CM-2611-0031.json')], 'invoice')).map(
    (item) => item.document,
  );
  assert.ok(credit && credit.documentType === 'credit-note' && credit.billingReference);
  const pdf = await readPdf(await renderPdf(credit));
  assertReadsAsInvoice(pdf, credit, 'CM-2611-0031');
  assert.ok(!findLine(pdf, (cells) => cells.includes('Invoice')), 'not titled Invoice');
  assert.ok(!findLine(pdf, (cells) => cells.includes('PAYMENT')), 'no payment request');
  assert.ok(findLine(pdf, (cells) => cells.some((cell) => cell.includes(`against invoice ${credit.billingReference}`))));
});

async function longInvoice(count: number): Promise<Invoice> {
  const [base] = (await readAllDocuments([join(ROOT, 'examples/invoices/pinecrest-brewing/CP-2611-0414.json')], 'invoice')).map(
    (item) => item.document,
  );
  assert.ok(base);
  const { taxTotal: _tax, totalAmount: _total, ...rest } = base;
  const lines = Array.from({ length: count }, (_, index) => {
    const line = base.lines[index % base.lines.length];
    assert.ok(line);
    const { lineAmount: _amount, ...withoutAmount } = line;
    const description =
      index % 9 === 4
        ? `${line.description}, with a longer explanation of the work that has to wrap onto a second line in the description column`
        : line.description;
    return { ...withoutAmount, lineNumber: String(index + 1), description, quantity: String((index % 5) + 1) };
  });
  return { ...rest, lines } as Invoice;
}

test('a 120-line invoice spans several pages, with the table header on each and "Page n of N"', async () => {
  const invoice = await longInvoice(120);
  const pdf = await readPdf(await renderPdf(invoice));
  assert.ok(pdf.pages >= 3, `${pdf.pages} pages`);
  assertReadsAsInvoice(pdf, invoice, '120 lines');
  const rows = tableRows(pdf);
  const tablePages = Math.max(...rows.map((row) => row.page));
  assert.ok(tablePages >= 3 && tablePages >= pdf.pages - 1, `lines on ${tablePages} of ${pdf.pages} pages`);
  assert.deepEqual(
    [...new Set(rows.map((row) => row.page))],
    Array.from({ length: tablePages }, (_, index) => index + 1),
    'lines on every page the table spans',
  );
  const headers = tableHeaders(pdf);
  assert.deepEqual(
    headers.map((header) => header.page),
    Array.from({ length: tablePages }, (_, index) => index + 1),
    'the table header on every page the table spans',
  );
  for (const header of headers)
    assert.deepEqual([...header.columns.keys()], ['#', 'Item', 'Description', 'Qty', 'Unit', 'Unit price', 'Amount USD']);
  for (let page = 2; page <= pdf.pages; page += 1) {
    assert.deepEqual(
      texts(pdf.lines.find((line) => line.page === page) ?? { page, y: 0, cells: [] }),
      [`Invoice ${invoice.invoiceNumber} (continued)`],
      `page ${page} starts by saying whose it is`,
    );
  }
  // The totals come after the last line, on the last page; nothing is written over the footer.
  const total = findLine(pdf, (cells) => cells[0] === 'Total payable (USD)');
  assert.equal(total?.page, pdf.pages);
  const margin = 54;
  for (const line of pdf.lines) {
    if (texts(line).at(-1)?.startsWith('Page ')) continue;
    assert.ok(line.y > margin - 1, `page ${line.page}: "${texts(line).join(' | ')}" runs into the footer (y ${line.y})`);
  }
});

test('the same invoice gives the same bytes, dated from the render time, not the clock', async () => {
  const [invoice] = (await readAllDocuments([join(ROOT, 'examples/invoices/kessler-automotive/CG-2026-10117.json')], 'invoice')).map(
    (item) => item.document,
  );
  assert.ok(invoice);
  const first = await renderPdf(invoice);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = await renderPdf(invoice);
  assert.ok(Buffer.from(first).equals(Buffer.from(second)), 'identical bytes');
  const pdf = await readPdf(first);
  assert.equal(pdf.info.CreationDate, 'D:20261120100000Z');
  assert.equal(pdf.info.Title, `Invoice ${invoice.invoiceNumber}`);
  assert.equal(pdf.info.Author, invoice.seller?.name);
});

test('text the standard fonts cannot show is written in its closest Latin spelling, never as garbage', async () => {
  const [base] = (await readAllDocuments([join(ROOT, 'examples/invoices/kessler-automotive/CG-2026-10117.json')], 'invoice')).map(
    (item) => item.document,
  );
  assert.ok(base);
  const invoice = {
    ...base,
    buyer: { ...base.buyer, name: 'Zakłady Łódź Spółka' },
    lines: base.lines.map((line, index) =>
      index === 0 ? { ...line, description: 'Welle Ø 42 mm − 0,02 → Ť-Stück, 5 € (Größe ≥ 3)' } : line,
    ),
  } as Invoice;
  const pdf = await readPdf(await renderPdf(invoice));
  assert.ok(blockUnder(pdf, 'BILL TO').startsWith('Zaklady Lódz Spólka'), blockUnder(pdf, 'BILL TO'));
  assert.equal(tableRows(pdf)[0]?.description, 'Welle Ø 42 mm - 0,02 -> T-Stück, 5 € (Größe >= 3)');
});

test("the profile's options: LETTER paper, payment instructions, and a part left out", async () => {
  const [invoice] = (await readAllDocuments([join(ROOT, 'examples/invoices/pinecrest-brewing/CP-2611-0414.json')], 'invoice')).map(
    (item) => item.document,
  );
  assert.ok(invoice?.attachments?.length);
  const profile = await profileOf(invoice);
  const options = {
    pageSize: 'LETTER',
    paymentInstructions: [
      'Checks payable to Calder Precision Systems, Inc.',
      'ACH: First Dayton Bank, routing 041000124, account 77120045',
    ],
    omit: ['attachments'],
  };
  const bytes = await renderPdf(invoice, { ...profile, format: { type: 'pdf', options } } as CustomerProfile);
  const pdf = await readPdf(bytes);
  const payment = pdf.lines.findIndex((line) => texts(line)[0] === 'PAYMENT');
  assert.ok(payment > 0, 'a payment section');
  assert.deepEqual(
    pdf.lines.slice(payment + 2, payment + 4).map(texts),
    options.paymentInstructions.map((line) => [line]),
  );
  assert.ok(!findLine(pdf, (cells) => cells.includes('ATTACHED')), 'the attachments section left out');
  assert.ok(
    findLine(await readPdf(await renderPdf(invoice)), (cells) => cells.includes('ATTACHED')),
    'which is there by default',
  );
  const document = await (await loadPdfJs()).getDocument({ data: bytes.slice(), verbosity: 0 }).promise;
  const viewport = (await document.getPage(1)).getViewport({ scale: 1 });
  assert.deepEqual([viewport.width, viewport.height], [612, 792]);
  await document.destroy();
});

test('a layout the writer cannot follow is refused with the field at fault', async () => {
  const template = JSON.parse(readFileSync(join(ROOT, 'edi-templates', 'pdf', 'invoice.json'), 'utf8')) as Template & {
    pdf: { table: { columns: { width: unknown }[] }; fonts: Record<string, string> };
  };
  const column = template.pdf.table.columns[0];
  assert.ok(column);
  column.width = 'wide';
  const scope = { invoice: { lines: [] }, now: { iso: NOW } };
  const context = { codes: {}, omit: new Set<string>(), options: {}, invoiceNumber: 'X' };
  await assert.rejects(
    writePdf(template, scope, context),
    (error: unknown) =>
      error instanceof InputError && error.code === 'TEMPLATE_INVALID' && /\/pdf\/table\/columns\/0\/width/.test(error.message),
  );
  column.width = 20;
  template.pdf.fonts.regular = '/etc/passwd';
  await assert.rejects(writePdf(template, scope, context), /\/pdf\/fonts\/regular is "\/etc\/passwd"; only the PDF standard fonts/);
});

// --- goldens: the text of the page, not its bytes ------------------------------------------

function goldenText(pdf: ReadPdf): string {
  const out: string[] = [];
  for (let page = 1; page <= pdf.pages; page += 1) {
    out.push(`--- page ${page} of ${pdf.pages} ---`);
    for (const line of pdf.lines.filter((candidate) => candidate.page === page)) out.push(texts(line).join(' | '));
  }
  return `${out.join('\n')}\n`;
}

for (const example of [
  'pinecrest-brewing/CP-2611-0414.json',
  'meridian-aerospace/CM-2611-0031.json',
  'kessler-automotive/CG-2026-10117.json',
]) {
  test(`golden text: ${example}`, async () => {
    const [invoice] = (await readAllDocuments([join(ROOT, 'examples/invoices', example)], 'invoice')).map((item) => item.document);
    assert.ok(invoice);
    const text = goldenText(await readPdf(await renderPdf(invoice)));
    assertGolden(join(GOLDEN, `${invoice.invoiceNumber}.txt`), text);
  });
}

/** A word of `length` letters from `alphabet`, in an order that a lost or repeated piece would show. */
function longWord(length: number, alphabet: string): string {
  return Array.from({ length }, (_, index) => alphabet[(index * 7 + Math.floor(index / alphabet.length)) % alphabet.length]).join('');
}

test('a 20,000-character word (no spaces) in a table cell and in the notes is broken across lines and pages, every character there in order', async () => {
  const [base] = (await readAllDocuments([join(ROOT, 'examples/invoices/kessler-automotive/CG-2026-10117.json')], 'invoice')).map(
    (item) => item.document,
  );
  assert.ok(base);
  const description = longWord(20_000, 'abcdefghijklm');
  const note = longWord(20_000, 'nopqrstuvwxyz');
  const invoice = { ...base, note, lines: base.lines.map((line, index) => (index === 0 ? { ...line, description } : line)) } as Invoice;
  const pdf = await readPdf(await renderPdf(invoice));
  const cells = pdf.lines.flatMap((line) => line.cells.map((cell) => cell.text));
  assert.equal(cells.filter((text) => /^[a-m]{3,}$/.test(text)).join(''), description);
  assert.equal(cells.filter((text) => /^[n-z]{3,}$/.test(text)).join(''), note);
  const margin = 54;
  for (const line of pdf.lines)
    assert.ok(
      line.y > margin - 1 || texts(line).at(-1)?.startsWith('Page '),
      `page ${line.page}: "${texts(line).join(' | ').slice(0, 80)}" runs into the footer`,
    );
});

#!/usr/bin/env node
/**
 * Benchmark of rendering: documents per second per format, in one process on one core, for
 * N invoices of 10 lines (default 10,000). Measures the render stage alone (the invoice is
 * already read; control numbers are given), which is what a submission run repeats per invoice.
 *
 *   node bench/render.mjs            # N = 10,000, every format with a template
 *   node bench/render.mjs 2000 ubl   # N and formats of your choice
 *   node bench/render.mjs 10000 x12-810 --repeat 5   # the median of 5 timings
 *
 * Targets (issue 3): ≥ 20,000 X12 or EDIFACT documents/s, ≥ 5,000 UBL or cXML documents/s.
 */
import { existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The ids a customer of each format must name (firstpass writes no placeholder ids). */
const BENCH_OPTIONS = {
  'x12-810': { senderId: 'SELLER', receiverId: 'BUYER' },
  ubl: { endpointId: '4000001000005', endpointScheme: '0088' },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGETS = { 'x12-810': 20_000, 'edifact-invoic': 20_000, ubl: 5_000, cxml: 5_000, pdf: undefined };

function ensureBuilt() {
  const built = join(root, 'dist/render/index.js');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(root, 'src/render/render-document.ts')).mtimeMs) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
}

/** A plausible 10-line invoice; amounts worked out in integer cents so they are exact. */
function invoice(index) {
  const lines = Array.from({ length: 10 }, (_, position) => {
    const quantity = 1 + ((index + position) % 7);
    const priceCents = 1000 + ((index * 31 + position * 17) % 9000);
    const amountCents = quantity * priceCents;
    return {
      lineNumber: String(position + 1),
      sku: `SKU-${1000 + position}`,
      description: `Industrial part ${position + 1}, grade ${index % 5}`,
      quantity: String(quantity),
      unitOfMeasure: 'EA',
      unitPrice: (priceCents / 100).toFixed(2),
      lineAmount: (amountCents / 100).toFixed(2),
      taxCode: 'S',
      taxRate: '19',
      poLineNumber: String(position + 1),
      _cents: amountCents,
    };
  });
  const netCents = lines.reduce((sum, line) => sum + line._cents, 0);
  for (const line of lines) delete line._cents;
  const taxCents = Math.round((netCents * 19) / 100);
  return {
    invoiceNumber: `BENCH-${index}`,
    customerId: 'bench',
    issueDate: '2026-11-10',
    dueDate: '2026-12-10',
    currency: 'EUR',
    poNumber: 'PO-4711',
    paymentTerms: 'NET30',
    seller: {
      name: 'Seller GmbH',
      taxId: 'DE123456789',
      gln: '4012345000009',
      address: { lines: ['Hauptstr. 1'], city: 'Berlin', postalCode: '10115', country: 'DE' },
    },
    buyer: {
      name: 'Buyer AG',
      taxId: 'DE987654321',
      gln: '4098765000001',
      address: { lines: ['Ringweg 5'], city: 'Köln', postalCode: '50667', country: 'DE' },
    },
    lines,
    taxTotal: (taxCents / 100).toFixed(2),
    totalAmount: ((netCents + taxCents) / 100).toFixed(2),
  };
}

async function main() {
  ensureBuilt();
  const argv = process.argv.slice(2);
  const repeatAt = argv.indexOf('--repeat');
  // --repeat K: each format is timed K times and the median kept (the machine is shared and noisy).
  const repeat = repeatAt === -1 ? 1 : Number(argv.splice(repeatAt, 2)[1]);
  const [countArgument, ...formatArguments] = argv;
  const count = Number(countArgument ?? 10_000);
  const { renderDocument } = await import(join(root, 'dist/render/index.js'));
  const formats =
    formatArguments.length > 0
      ? formatArguments
      : Object.keys(TARGETS).filter((format) => existsSync(join(root, 'edi-templates', format, 'invoice.json')));
  const invoices = Array.from({ length: count }, (_, index) => invoice(index));
  console.log(`node ${process.version}; ${count.toLocaleString('en')} invoices of 10 lines, one process, one core`);
  // A yardstick for the machine: the same invoices through JSON.stringify, so that figures from
  // machines of different speed (or one machine on a busy day) can be compared.
  for (let index = 0; index < Math.min(200, count); index += 1) JSON.stringify(invoices[index]);
  const yardstickStart = process.hrtime.bigint();
  for (const each of invoices) JSON.stringify(each);
  const yardstick = count / (Number(process.hrtime.bigint() - yardstickStart) / 1e9);
  console.log(`yardstick: JSON.stringify of the same invoices, ${Math.round(yardstick).toLocaleString('en')}/s`);
  console.log('format            seconds   documents/s   target');
  for (const format of formats) {
    // X12 has no placeholder interchange ids: a profile names them.
    const profile = {
      id: 'bench',
      name: 'Bench Buyer',
      currencies: ['EUR'],
      format: { type: format, ...(BENCH_OPTIONS[format] ? { options: BENCH_OPTIONS[format] } : {}) },
      channel: { type: 'email', to: 'ap@bench.example', from: 'billing@seller.example', smtp: { host: 'localhost' } },
    };
    const request = (inv, index) => ({
      invoice: inv,
      profile,
      now: '2026-11-20T10:00:00Z',
      controlNumbers: { interchange: index + 1, group: index + 1, transaction: index + 1 },
    });
    for (let index = 0; index < Math.min(200, count); index += 1) await renderDocument(request(invoices[index], index)); // warm up
    const timings = [];
    let bytes = 0;
    for (let round = 0; round < repeat; round += 1) {
      const started = process.hrtime.bigint();
      bytes = 0;
      for (let index = 0; index < count; index += 1) {
        const document = await renderDocument(request(invoices[index], index));
        bytes += document.content.length;
      }
      timings.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const seconds = timings.sort((a, b) => a - b)[Math.floor(timings.length / 2)];
    const rate = count / seconds;
    const target = TARGETS[format];
    const verdict = target === undefined ? '–' : `${target.toLocaleString('en')} ${rate >= target ? 'met' : 'MISSED'}`;
    console.log(
      `${format.padEnd(16)} ${seconds.toFixed(2).padStart(8)} ${Math.round(rate).toLocaleString('en').padStart(13)}   ${verdict}   (${Math.round(bytes / count)} bytes/document)`,
    );
  }
}

await main();

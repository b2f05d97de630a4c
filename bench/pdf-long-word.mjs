#!/usr/bin/env node
/**
 * How the PDF writer's time grows with the length of one word that has no space to break at
 * (a pasted hash, a URL, a reference run together): a 10-line invoice whose first line
 * description and whose note are each one word of N letters, rendered as PDF. Linear line
 * breaking doubles the time when N doubles; quadratic breaking quadruples it.
 *
 *   node bench/pdf-long-word.mjs                      # N = 5,000, 10,000, 20,000, 40,000
 *   node bench/pdf-long-word.mjs 20000 80000 --repeat 3   # N of your choice; median of 3
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function ensureBuilt() {
  const built = join(root, 'dist/render/pdf-writer.js');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(root, 'src/render/pdf-writer.ts')).mtimeMs) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
}

function word(length) {
  return Array.from({ length }, (_, index) => 'abcdefghijklmnopqrstuvwxyz'[(index * 7 + Math.floor(index / 26)) % 26]).join('');
}

function invoice(length) {
  const lines = Array.from({ length: 10 }, (_, position) => ({
    lineNumber: String(position + 1),
    sku: `SKU-${1000 + position}`,
    description: position === 0 ? word(length) : `Industrial part ${position + 1}`,
    quantity: '1',
    unitOfMeasure: 'EA',
    unitPrice: '10.00',
    lineAmount: '10.00',
    taxCode: 'S',
    taxRate: '19',
  }));
  return {
    invoiceNumber: `LONG-${length}`,
    customerId: 'bench',
    issueDate: '2026-11-10',
    dueDate: '2026-12-10',
    currency: 'EUR',
    note: word(length),
    seller: {
      name: 'Seller GmbH',
      taxId: 'DE123456789',
      address: { lines: ['Hauptstr. 1'], city: 'Berlin', postalCode: '10115', country: 'DE' },
    },
    buyer: { name: 'Buyer AG', taxId: 'DE987654321', address: { lines: ['Ringweg 5'], city: 'Köln', postalCode: '50667', country: 'DE' } },
    lines,
    taxTotal: '19.00',
    totalAmount: '119.00',
  };
}

async function main() {
  ensureBuilt();
  const argv = process.argv.slice(2);
  const repeatAt = argv.indexOf('--repeat');
  const repeat = repeatAt === -1 ? 1 : Number(argv.splice(repeatAt, 2)[1]);
  const lengths = argv.length > 0 ? argv.map(Number) : [5_000, 10_000, 20_000, 40_000];
  const { renderDocument } = await import(join(root, 'dist/render/index.js'));
  const profile = {
    id: 'bench',
    name: 'Bench Buyer',
    currencies: ['EUR'],
    format: { type: 'pdf' },
    channel: { type: 'email', to: 'ap@bench.example', from: 'billing@seller.example', smtp: { host: 'localhost' } },
  };
  const request = (inv) => ({
    invoice: inv,
    profile,
    now: '2026-11-20T10:00:00Z',
    controlNumbers: { interchange: 1, group: 1, transaction: 1 },
  });
  await renderDocument(request(invoice(100))); // loads pdfkit and the template
  console.log(`node ${process.version}; one PDF whose first line description and note are each one word of N letters`);
  console.log('N (letters)   seconds   pages   ratio to the previous N');
  let previous;
  for (const length of lengths) {
    const timings = [];
    let bytes;
    for (let round = 0; round < repeat; round += 1) {
      const started = process.hrtime.bigint();
      bytes = (await renderDocument(request(invoice(length)))).content;
      timings.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const seconds = timings.sort((a, b) => a - b)[Math.floor(timings.length / 2)];
    const pages = (
      Buffer.from(bytes)
        .toString('latin1')
        .match(/\/Type \/Page\b/g) ?? []
    ).length;
    console.log(
      `${length.toLocaleString('en').padStart(11)} ${seconds.toFixed(3).padStart(9)} ${String(pages).padStart(7)}   ${previous === undefined ? '' : `× ${(seconds / previous).toFixed(1)}`}`,
    );
    previous = seconds;
  }
}

await main();

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RenderError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument, type FormatName } from '../../src/render/index.js';
import { firstpass } from '../support/cli.js';
import { conformanceTool, conformanceToolAvailable } from '../support/conformance.js';
import { tempFolder } from '../support/temp.js';

/**
 * Documents the receiver's validator would reject are never written (issue 8, items 1 to 3):
 * every party with every identifier it can have stays within each XML format's cardinalities;
 * a code outside a format's closed code list is refused with exit 2, unless the customer's
 * profile maps it (format.codeMaps); a JPY line whose amount was rounded from a fractional
 * price is refused, since Peppol's line arithmetic cannot hold for it. Proved with the real
 * outside validators (validate-ubl: UBL XSD, EN 16931 and Peppol BIS 3; validate-cxml: the DTD).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1, group: 1, transaction: 1 };
const profiles = new ProfileLibrary(join(ROOT, 'customer-profiles'));

/** A Peppol invoice whose every party has every identifier the invoice schema allows: id, GLN and tax id. */
const EVERY_IDENTIFIER: Invoice = {
  invoiceNumber: 'CG-2026-10160',
  customerId: 'stadt-lindenau',
  issueDate: '2026-11-18',
  dueDate: '2026-12-18',
  currency: 'EUR',
  paymentTerms: 'NET30',
  buyerReference: '064390014011-66001-81',
  poNumber: 'PO-LIN-2026-0042',
  seller: {
    name: 'Calder Precision GmbH',
    id: '70012345',
    taxId: 'DE298765431',
    gln: '4068194000004',
    address: { lines: ['Industriestraße 12'], city: 'Stuttgart', postalCode: '70565', country: 'DE' },
    contact: { name: 'Sabine Kraus', email: 'rechnung@calder-precision.example.com', phone: '+49 711 555 4400' },
  },
  buyer: {
    name: 'Stadt Lindenau',
    id: '064390014011-31001-30',
    gln: '4012345000016',
    taxId: 'DE811234567',
    address: { lines: ['Markt 1'], city: 'Lindenau', postalCode: '07743', country: 'DE' },
    contact: { name: 'Tobias Reinhardt', email: 'tobias.reinhardt@stadt-lindenau.test', phone: '+49 3641 555 166' },
  },
  shipTo: {
    name: 'Bauhof Lindenau',
    id: 'BAUHOF-4',
    gln: '4012345000009',
    address: { lines: ['Am Bauhof 4'], city: 'Lindenau', postalCode: '07743', country: 'DE' },
  },
  remitTo: {
    name: 'Calder Precision GmbH Buchhaltung',
    id: 'REMIT-1',
    gln: '4068194000011',
    address: { lines: ['Postfach 1234'], city: 'Stuttgart', postalCode: '70501', country: 'DE' },
  },
  lines: [
    {
      lineNumber: '1',
      sku: 'CPG-POL-FX90',
      description: 'Poller, feststehend, 90 cm',
      quantity: '2',
      unitOfMeasure: 'PCE',
      unitPrice: '164.50',
      lineAmount: '329.00',
      taxCode: 'S',
      taxRate: '19',
    },
  ],
  taxTotal: '62.51',
  totalAmount: '391.51',
} as Invoice;

const EVERY_IDENTIFIER_CREDIT: Invoice = {
  ...EVERY_IDENTIFIER,
  invoiceNumber: 'CG-2026-90160',
  documentType: 'credit-note',
  billingReference: 'CG-2026-10160',
} as Invoice;

async function profileOf(id: string): Promise<CustomerProfile> {
  return (await profiles.profile(id)).profile;
}

async function render(invoice: Invoice, profile: CustomerProfile, format: FormatName): Promise<string> {
  const document = await renderDocument({ invoice, profile, format, controlNumbers: CONTROL, now: NOW });
  return document.content as string;
}

/** Runs an outside validator on the files, in one call; its verdict per file (status, whole output). */
function validate(
  t: TestContext,
  tool: 'validate-ubl' | 'validate-cxml',
  files: readonly string[],
): { status: number | null; output: string } | undefined {
  const path = conformanceTool(tool);
  if (!conformanceToolAvailable(t, path, `${tool} on documents with every identifier`)) return undefined;
  const run = spawnSync(path, [...files], { encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function count(xml: string, pattern: RegExp): number {
  return [...xml.matchAll(pattern)].length;
}

test('every party with an id, a GLN and a tax id: UBL invoice and credit note carry one buyer identifier (UBL-SR-16) and validate-ubl accepts both', {
  timeout: 900_000,
}, async (t) => {
  const lindenau = await profileOf('stadt-lindenau');
  const folder = tempFolder();
  const files: string[] = [];
  for (const invoice of [EVERY_IDENTIFIER, EVERY_IDENTIFIER_CREDIT]) {
    const xml = await render(invoice, lindenau, 'ubl');
    const buyer = /<cac:AccountingCustomerParty>[\s\S]*<\/cac:AccountingCustomerParty>/.exec(xml)?.[0] ?? '';
    assert.equal(count(buyer, /<cac:PartyIdentification>/g), 1, `${invoice.invoiceNumber}: one buyer identifier`);
    assert.match(buyer, /<cbc:ID schemeID="0088">4012345000016<\/cbc:ID>/, 'the GLN, which has a scheme, is the one');
    const delivery = /<cac:DeliveryLocation>[\s\S]*<\/cac:DeliveryLocation>/.exec(xml)?.[0] ?? '';
    assert.equal(count(delivery, /<cbc:ID\b/g), 1, 'one delivery location identifier');
    const file = join(folder, `${invoice.invoiceNumber}.ubl.xml`);
    writeFileSync(file, xml);
    files.push(file);
  }
  const verdict = validate(t, 'validate-ubl', files);
  if (!verdict) return;
  assert.doesNotMatch(verdict.output, /UBL-SR-16/);
  assert.equal(verdict.status, 0, verdict.output);
  assert.equal(count(verdict.output, /RESULT\s+VALID\s+fatal=0/g), 2, verdict.output);
});

test('every party with every identifier, remit-to and ship-to included: cXML invoice and credit memo are valid under the InvoiceDetail DTD', {
  timeout: 600_000,
}, async (t) => {
  const larkspur = await profileOf('larkspur-health');
  const folder = tempFolder();
  const files: string[] = [];
  for (const invoice of [EVERY_IDENTIFIER, EVERY_IDENTIFIER_CREDIT]) {
    const xml = await render({ ...invoice, customerId: 'larkspur-health', currency: 'USD' } as Invoice, larkspur, 'cxml');
    assert.match(xml, /role="remitTo"/);
    assert.match(xml, /role="shipTo"/);
    const file = join(folder, `${invoice.invoiceNumber}.cxml.xml`);
    writeFileSync(file, xml);
    files.push(file);
  }
  const verdict = validate(t, 'validate-cxml', files);
  if (!verdict) return;
  assert.equal(verdict.status, 0, verdict.output);
});

/** Rendering refused, with the RenderError's text. */
async function refusal(invoice: Invoice, profile: CustomerProfile, format: FormatName): Promise<string> {
  try {
    await render(invoice, profile, format);
  } catch (error) {
    assert.ok(error instanceof RenderError, String(error));
    return error.message;
  }
  assert.fail(`${invoice.invoiceNumber} was written as ${format}`);
}

test('codes outside the closed lists of UBL, cXML and X12 are refused, naming the code and the element: tax category, unit, currency, country', async () => {
  const lindenau = await profileOf('stadt-lindenau');
  const line = EVERY_IDENTIFIER.lines[0];
  assert.ok(line);
  const withLine = (changes: object) => ({ ...EVERY_IDENTIFIER, lines: [{ ...line, ...changes }] }) as Invoice;
  assert.match(
    await refusal(withLine({ taxCode: 'TX' }), lindenau, 'ubl'),
    /cac:TaxCategory\/cbc:ID \(subtotal 1\): "TX" is not a code of UNCL5305/,
  );
  assert.match(
    await refusal(withLine({ unitOfMeasure: 'BOTTLE' }), lindenau, 'ubl'),
    /cac:InvoiceLine\/cbc:InvoicedQuantity\/@unitCode \(line 1\): "BOTTLE" is not a code of UNECERec20/,
  );
  assert.match(
    await refusal({ ...EVERY_IDENTIFIER, currency: 'EUX' } as Invoice, lindenau, 'ubl'),
    /cbc:DocumentCurrencyCode: "EUX" is not a code of ISO4217/,
  );
  assert.match(
    await refusal(
      {
        ...EVERY_IDENTIFIER,
        buyer: { ...EVERY_IDENTIFIER.buyer, address: { lines: ['Markt 1'], city: 'Lindenau', country: 'XX' } },
      } as Invoice,
      lindenau,
      'ubl',
    ),
    /cac:AccountingCustomerParty\/cac:Party\/cac:PostalAddress\/cac:Country\/cbc:IdentificationCode: "XX" is not a code of ISO3166-1/,
  );
  assert.match(
    await refusal({ ...EVERY_IDENTIFIER_CREDIT, currency: 'EUX' } as Invoice, lindenau, 'ubl'),
    /"EUX" is not a code of ISO4217/,
  );
  const larkspur = await profileOf('larkspur-health');
  assert.match(
    await refusal(
      { ...withLine({ unitOfMeasure: 'BOTTLE' }), customerId: 'larkspur-health', currency: 'USD' } as Invoice,
      larkspur,
      'cxml',
    ),
    /UnitOfMeasure \(line 1\): "BOTTLE" is not a code of UNECERec20/,
  );
  assert.match(
    await refusal({ ...EVERY_IDENTIFIER, customerId: 'larkspur-health', currency: 'USX' } as Invoice, larkspur, 'cxml'),
    /Money\/@currency.*"USX" is not a code of ISO4217/,
  );
  const brightwater = await profileOf('brightwater-home');
  assert.match(
    await refusal(
      {
        ...EVERY_IDENTIFIER,
        customerId: 'brightwater-home',
        buyer: { ...EVERY_IDENTIFIER.buyer, address: { lines: ['1 Main St'], city: 'Springfield', postalCode: '12345', country: 'XX' } },
      } as Invoice,
      brightwater,
      'x12-810',
    ),
    /N404 \(bill-to\): "XX" is not a code this standard allows here/,
  );
});

/** The project's profiles in a temporary folder, stadt-lindenau's format changed as given. */
function profilesWith(format: object): string {
  const root = tempFolder();
  const directory = join(root, 'profiles');
  cpSync(join(ROOT, 'customer-profiles'), directory, { recursive: true });
  const file = join(directory, 'stadt-lindenau.json');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { format: object };
  profile.format = { ...profile.format, ...format };
  writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`);
  return directory;
}

/** A Lindenau invoice from the examples whose tax code is the US sales tax code TX. */
function texanInvoice(root: string): string {
  const invoice = JSON.parse(readFileSync(join(ROOT, 'examples', 'invoices', 'stadt-lindenau', 'CG-2026-10121.json'), 'utf8')) as {
    lines: { taxCode?: string }[];
  };
  for (const line of invoice.lines) if (line.taxCode === 'S') line.taxCode = 'TX';
  const file = join(root, 'in', 'CG-2026-10121.json');
  cpSync(join(ROOT, 'examples', 'invoices', 'stadt-lindenau', 'CG-2026-10121.json'), file);
  writeFileSync(file, `${JSON.stringify(invoice, null, 2)}\n`);
  return file;
}

test('render: a tax code TX outside UNCL5305 stops the run with exit 2 naming TX and the element; mapped to S in the profile (format.codeMaps), the document is one validate-ubl accepts', {
  timeout: 900_000,
}, async (t) => {
  const root = tempFolder();
  const invoice = texanInvoice(root);
  const refused = firstpass([
    'render',
    invoice,
    '--profiles',
    join(ROOT, 'customer-profiles'),
    '--out',
    join(root, 'refused'),
    '--db',
    `sqlite:${join(root, 'fp.sqlite')}`,
  ]);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /CG-2026-10121: \/Invoice\/cac:TaxTotal\/cac:TaxSubtotal\/cac:TaxCategory\/cbc:ID \(subtotal 1\): "TX" is not a code of UNCL5305/,
  );
  assert.match(refused.stderr, /format\.codeMaps/);

  const mapped = profilesWith({ codeMaps: { taxCategory: { TX: 'S' } } });
  const out = join(root, 'mapped');
  const written = firstpass(['render', invoice, '--profiles', mapped, '--out', out, '--db', `sqlite:${join(root, 'fp.sqlite')}`]);
  assert.equal(written.status, 0, written.stderr);
  const [file] = readdirSync(out);
  assert.ok(file);
  const xml = readFileSync(join(out, file), 'utf8');
  assert.doesNotMatch(xml, />TX</);
  assert.match(xml, /<cac:ClassifiedTaxCategory>\s*<cbc:ID>S<\/cbc:ID>/);
  const verdict = validate(t, 'validate-ubl', [join(out, file)]);
  if (!verdict) return;
  assert.equal(verdict.status, 0, verdict.output);
  assert.match(verdict.output, /RESULT\s+VALID\s+fatal=0/);
});

test("profiles lint refuses a code map whose target is outside the format's code list, or whose table the template does not have", () => {
  const outside = firstpass(['profiles', 'lint', profilesWith({ codeMaps: { taxCategory: { TX: 'SALES' } } })]);
  assert.equal(outside.status, 2, outside.stdout + outside.stderr);
  assert.match(
    outside.stdout + outside.stderr,
    /\/format\/codeMaps\/taxCategory\/TX.*maps "TX" to "SALES", which is not a code of UNCL5305/,
  );
  const unknown = firstpass(['profiles', 'lint', profilesWith({ codeMaps: { taxCode: { TX: 'S' } } })]);
  assert.equal(unknown.status, 2, unknown.stdout + unknown.stderr);
  assert.match(unknown.stdout + unknown.stderr, /\/format\/codeMaps\/taxCode.*no code table "taxCode".*taxCategory/);
  const good = firstpass(['profiles', 'lint', profilesWith({ codeMaps: { taxCategory: { TX: 'S' }, unitCode: { BOTTLE: 'XBO' } } })]);
  assert.equal(good.status, 0, good.stdout + good.stderr);
});

/** A JPY invoice for a Peppol customer: 7 × 10.5 = 73.5, which JPY writes as 74. */
const FRACTIONAL_YEN: Invoice = {
  ...EVERY_IDENTIFIER,
  invoiceNumber: 'CG-2026-10170',
  currency: 'JPY',
  lines: [
    {
      lineNumber: '1',
      sku: 'CPG-POL-FX90',
      description: 'Poller',
      quantity: '2',
      unitOfMeasure: 'H87',
      unitPrice: '16450',
      lineAmount: '32900',
      taxCode: 'S',
      taxRate: '19',
    },
    {
      lineNumber: '2',
      sku: 'CPG-CLIP',
      description: 'Clip',
      quantity: '7',
      unitOfMeasure: 'H87',
      unitPrice: '10.5',
      lineAmount: '74',
      taxCode: 'S',
      taxRate: '19',
    },
  ],
  taxTotal: '6265',
  totalAmount: '39239',
} as Invoice;

test('JPY: a line amount rounded from a fractional unit price (7 × 10.5 = 73.5, written 74) is refused naming the line and PEPPOL-EN16931-R120, which validate-ubl would fire', {
  timeout: 900_000,
}, async (t) => {
  const lindenau = await profileOf('stadt-lindenau');
  const message = await refusal(FRACTIONAL_YEN, lindenau, 'ubl');
  assert.match(
    message,
    /invoice CG-2026-10170: line 2 LineExtensionAmount: the net amount 74 JPY is not quantity 7 × unit price 10.5 = 73.5 within 0.02.*PEPPOL-EN16931-R120.*JPY amounts have 0 decimals/,
  );
  // Without the fractional line the same invoice is written, and Peppol accepts it.
  const whole = { ...FRACTIONAL_YEN, lines: FRACTIONAL_YEN.lines.slice(0, 1), taxTotal: '6251', totalAmount: '39151' } as Invoice;
  const file = join(tempFolder(), 'whole.ubl.xml');
  writeFileSync(file, await render(whole, lindenau, 'ubl'));
  const verdict = validate(t, 'validate-ubl', [file]);
  if (!verdict) return;
  assert.equal(verdict.status, 0, verdict.output);
});

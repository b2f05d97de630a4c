import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { create } from 'xmlbuilder2';
import { minorUnits } from '../../src/model/currency.js';
import type { Invoice } from '../../src/model/invoice.js';
import { invoiceTotals } from '../../src/model/invoice-totals.js';
import { Money, type DecimalValue } from '../../src/model/money.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/index.js';
import { passingExamples } from '../support/examples.js';
import { conformanceTool, conformanceToolAvailable } from '../support/conformance.js';
import { assertGolden } from '../support/golden.js';

/**
 * UBL 2.1 Invoice / CreditNote after Peppol BIS Billing 3.0. Every example invoice that passes
 * our rules is rendered as UBL with its customer's profile (also where the customer takes
 * another format) and checked by the official artefacts (UBL XSD, EN 16931 and Peppol
 * Schematron, through ../shared/conformance/validate-ubl) in one run; read back with
 * xmlbuilder2's parser, it must say what the invoice says.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VALIDATOR = conformanceTool('validate-ubl');
const GOLDEN = join(ROOT, 'test', 'golden', 'ubl');
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };

/** What the template must make of the examples' codes (UNCL 5305 tax categories, UN/ECE rec 20 units). */
const TAX_CATEGORY: Readonly<Record<string, string>> = { S: 'S', sales: 'S', Z: 'Z', E: 'E', EXEMPT: 'E', AE: 'AE', '': 'O' };
const UNIT: Readonly<Record<string, string>> = { EA: 'EA', H87: 'H87', HUR: 'HUR', HR: 'HUR', PCE: 'H87', CA: 'XCS' };

interface RenderedExample {
  readonly label: string;
  readonly invoice: Invoice;
  readonly profile: CustomerProfile;
  readonly xml: string;
  readonly path: string;
}

const profiles = new ProfileLibrary(join(ROOT, 'customer-profiles'));

async function renderUbl(
  invoice: Invoice,
  profile: CustomerProfile,
  format: 'ubl' | undefined = 'ubl',
): Promise<{ fileName: string; xml: string }> {
  const document = await renderDocument({ invoice, profile, format, controlNumbers: CONTROL, now: NOW });
  assert.equal(document.format, 'ubl');
  assert.equal(document.mediaType, 'application/xml');
  assert.equal(typeof document.content, 'string');
  return { fileName: document.fileName, xml: document.content as string };
}

/**
 * An invoice that takes every path of the template the examples do not: a line discount, zero
 * rated and exempt lines next to standard rated ones, a charge and an allowance with reason
 * codes, three address lines, a delivery location with a GLN, an attachment, a superseded
 * invoice, and (with its profile) a bank account for the payment.
 */
const EVERY_PATH: Invoice = {
  invoiceNumber: 'CG-2026-10150',
  customerId: 'stadt-lindenau',
  issueDate: '2026-11-18',
  dueDate: '2026-12-18',
  currency: 'EUR',
  paymentTerms: 'NET30',
  buyerReference: '064390014011-66001-81',
  supersedes: 'CG-2026-10149',
  seller: {
    name: 'Calder Precision GmbH',
    id: '70012345',
    taxId: 'DE298765431',
    gln: '4068194000004',
    address: { lines: ['Industriestraße 12', 'Halle 3', 'Tor Süd'], city: 'Stuttgart', postalCode: '70565', country: 'DE' },
    contact: { name: 'Sabine Kraus', email: 'rechnung@calder-precision.example.com', phone: '+49 711 555 4400' },
  },
  buyer: {
    name: 'Stadt Lindenau',
    id: '064390014011-31001-30',
    taxId: 'DE811234567',
    address: { lines: ['Markt 1'], city: 'Lindenau', postalCode: '07743', country: 'DE' },
    contact: { name: 'Tobias Reinhardt', email: 'tobias.reinhardt@stadt-lindenau.test', phone: '+49 3641 555 166' },
  },
  shipTo: {
    name: 'Bauhof Lindenau',
    gln: '4012345000009',
    address: { lines: ['Am Bauhof 4'], city: 'Lindenau', postalCode: '07743', country: 'DE' },
  },
  lines: [
    {
      lineNumber: '10',
      sku: 'CPG-POL-FX90',
      description: 'Poller, feststehend, 90 cm',
      quantity: '10',
      unitOfMeasure: 'PCE',
      unitPrice: '12.50',
      discount: '5.00',
      lineAmount: '120.00',
      taxCode: 'S',
      taxRate: '19',
    },
    {
      lineNumber: '20',
      sku: 'DOC-MANUAL',
      description: 'Montageanleitung, gedruckt',
      quantity: '2',
      unitOfMeasure: 'EA',
      unitPrice: '40.00',
      lineAmount: '80.00',
      taxCode: 'Z',
      taxRate: '0',
    },
    {
      lineNumber: '30',
      sku: 'SVC-TRAINING',
      description: 'Schulung Bauhofpersonal',
      quantity: '1',
      unitOfMeasure: 'HUR',
      unitPrice: '100.00',
      lineAmount: '100.00',
      taxCode: 'E',
      taxRate: '0',
      serviceStart: '2026-11-16',
    },
  ],
  charges: [{ code: 'FREIGHT', description: 'Fracht Stuttgart–Lindenau', amount: '25.00', taxCode: 'S', taxRate: '19' }],
  allowances: [{ code: 'DISCOUNT', amount: '10.00', taxCode: 'S', taxRate: '19' }],
  attachments: [{ type: 'delivery-note', file: 'attachments/LS-2026-10150.pdf' }],
  taxTotal: '25.65',
  totalAmount: '340.65',
  note: 'Ersetzt Rechnung CG-2026-10149.',
};

async function bankAccountProfile(): Promise<CustomerProfile> {
  const lindenau = (await profiles.profile('stadt-lindenau')).profile;
  const options = {
    ...(lindenau.format.options as Record<string, unknown>),
    paymentMeansCode: '58',
    payeeAccountId: 'DE02120300000000202051',
    payeeAccountName: 'Calder Precision GmbH',
    payeeBic: 'BYLADEM1001',
  };
  return { ...lindenau, format: { ...lindenau.format, options } } as CustomerProfile;
}

/** A customer that takes UBL (its Peppol endpoint: its US EIN, scheme 9959) and wants Note and Delivery left out. */
async function omittingProfile(): Promise<CustomerProfile> {
  const meridian = (await profiles.profile('meridian-aerospace')).profile;
  return {
    ...meridian,
    format: { type: 'ubl', options: { endpointId: '75-2214689', endpointScheme: '9959', omit: ['note', 'delivery'] } },
  } as CustomerProfile;
}

let corpus: Promise<{ directory: string; examples: RenderedExample[]; everyPath: RenderedExample; omitted: RenderedExample[] }> | undefined;

after(async () => {
  if (corpus) rmSync((await corpus).directory, { recursive: true, force: true });
});

/** Everything this file validates, rendered once into one temporary folder. */
function renderCorpus() {
  corpus ??= (async () => {
    const directory = realpathSync(mkdtempSync(join(tmpdir(), 'firstpass-ubl-')));
    mkdirSync(join(directory, 'omitted'));
    const examples: RenderedExample[] = [];
    for (const { label, invoice } of await passingExamples()) {
      const profile = (await profiles.profile(invoice.customerId)).profile;
      const { fileName, xml } = await renderUbl(invoice, profile);
      const path = join(directory, fileName);
      assert.ok(!existsSync(path), `two examples render to ${fileName}`);
      writeFileSync(path, xml);
      examples.push({ label, invoice, profile, xml, path });
    }
    const bankProfile = await bankAccountProfile();
    const rendered = await renderUbl(EVERY_PATH, bankProfile);
    const everyPath: RenderedExample = {
      label: `${EVERY_PATH.invoiceNumber} (every path of the template)`,
      invoice: EVERY_PATH,
      profile: bankProfile,
      xml: rendered.xml,
      path: join(directory, rendered.fileName),
    };
    writeFileSync(everyPath.path, everyPath.xml);
    const profile = await omittingProfile();
    const omitted: RenderedExample[] = [];
    for (const number of ['CP-2611-0447', 'CM-2611-0031']) {
      const example = examples.find((candidate) => candidate.invoice.invoiceNumber === number);
      assert.ok(example, number);
      const { fileName, xml } = await renderUbl(example.invoice, profile);
      const path = join(directory, 'omitted', fileName);
      writeFileSync(path, xml);
      omitted.push({ label: `${example.label} without note and delivery`, invoice: example.invoice, profile, xml, path });
    }
    return { directory, examples, everyPath, omitted };
  })();
  return corpus;
}

interface FileVerdict {
  valid: boolean;
  readonly fatal: string[];
  readonly warnings: string[];
}

let validation: Promise<{ status: number | null; output: string; verdicts: Map<string, FileVerdict> }> | undefined;

/** validate-ubl on every rendered file in ONE call (one JVM); its report split per file. */
function validateCorpus() {
  validation ??= (async () => {
    const { examples, everyPath, omitted } = await renderCorpus();
    const files = [...examples, everyPath, ...omitted].map((example) => example.path);
    const run = spawnSync(VALIDATOR, files, { encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw run.error;
    const output = `${run.stdout}${run.stderr}`;
    const verdicts = new Map<string, FileVerdict>();
    let current: FileVerdict | undefined;
    for (const line of run.stdout.split('\n')) {
      if (line.startsWith('== ')) {
        current = { valid: false, fatal: [], warnings: [] };
        verdicts.set(line.slice(3), current);
      } else if (!current || line.trim() === '' || /^(ok |rules:|\s+at )/.test(line)) {
      } else if (line.startsWith('RESULT ')) {
        current.valid = /^RESULT\s+VALID\s+fatal=0\b/.test(line);
      } else if (line.startsWith('FATAL ')) {
        current.fatal.push(line);
      } else {
        current.warnings.push(line);
      }
    }
    return { status: run.status, output, verdicts };
  })();
  return validation;
}

function validatorAvailable(t: TestContext): boolean {
  return conformanceToolAvailable(t, VALIDATOR, 'UBL output against the UBL XSD, EN 16931 and Peppol BIS 3 rules');
}

test('every passing example renders as UBL that validate-ubl accepts: UBL 2.1 XSD, EN 16931 and Peppol BIS 3, one run', {
  timeout: 900_000,
}, async (t) => {
  const { examples } = await renderCorpus();
  const { summary } = JSON.parse(readFileSync(join(ROOT, 'examples', 'expected-results.json'), 'utf8')) as { summary: { passed: number } };
  assert.equal(examples.length, summary.passed, 'every invoice that examples/expected-results.json says passes');
  assert.ok(examples.some((example) => example.invoice.documentType === 'credit-note'));
  assert.ok(examples.some((example) => example.profile.format.type !== 'ubl'));
  if (!validatorAvailable(t)) return;
  const { status, output, verdicts } = await validateCorpus();
  for (const example of examples) {
    const verdict = verdicts.get(example.path);
    assert.ok(verdict, `validate-ubl said nothing about ${example.label}:\n${output}`);
    assert.deepEqual(verdict.fatal, [], `${example.label}: fatal findings`);
    assert.ok(verdict.valid, `${example.label} is not VALID:\n${output}`);
    for (const warning of verdict.warnings) t.diagnostic(`${example.invoice.invoiceNumber}: ${warning}`);
    // The Peppol rules ran, not only the EN 16931 ones: the CustomizationID names Peppol BIS 3.
    assert.match(
      example.xml,
      /<cbc:CustomizationID>urn:cen\.eu:en16931:2017#compliant#urn:fdc:peppol\.eu:2017:poacc:billing:3\.0<\/cbc:CustomizationID>/,
    );
  }
  assert.equal(status, 0, output);
  assert.match(output, /rules:\s+EN16931\(\d+ rules fired\), PEPPOL\(\d+ rules fired\)/);
  t.diagnostic(
    `validate-ubl accepted ${[...verdicts.values()].filter((verdict) => verdict.valid).length} of ${verdicts.size} documents in one run (${examples.length} examples, 1 invoice for the template's other paths, 2 with elements left out)`,
  );
});

// ------------------------------------------------------------------------------------------ reading UBL back

type XmlObject = { readonly [name: string]: unknown };

/** The little of the W3C DOM that xmlbuilder2's parser gives and this test reads. */
interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly namespaceURI?: string | null;
  readonly textContent: string | null;
  readonly childNodes: { readonly length: number; item(index: number): DomNode | null };
  readonly attributes?: { readonly length: number; item(index: number): { readonly name: string; readonly value: string } | null };
}

/**
 * A UBL document as nested objects, parsed by xmlbuilder2 into a DOM (entities decoded):
 * { 'cbc:ID': 'text' }, { '@currencyID': 'EUR', '#': '12.50' }, repeated elements as arrays.
 */
function parseUbl(xml: string): { rootName: string; namespace: string | null | undefined; root: XmlObject } {
  const element = create(xml).root().node as unknown as DomNode;
  return { rootName: element.nodeName, namespace: element.namespaceURI, root: toObject(element) as XmlObject };
}

function toObject(element: DomNode): unknown {
  const children: DomNode[] = [];
  for (let index = 0; index < element.childNodes.length; index += 1) {
    const child = element.childNodes.item(index);
    if (child?.nodeType === 1) children.push(child);
  }
  const attributes: { name: string; value: string }[] = [];
  for (let index = 0; index < (element.attributes?.length ?? 0); index += 1) {
    const attribute = element.attributes?.item(index);
    if (attribute && !attribute.name.startsWith('xmlns')) attributes.push(attribute);
  }
  if (children.length === 0 && attributes.length === 0) return element.textContent ?? '';
  const object: Record<string, unknown> = {};
  for (const attribute of attributes) object[`@${attribute.name}`] = attribute.value;
  if (children.length === 0) object['#'] = element.textContent ?? '';
  for (const child of children) {
    const value = toObject(child);
    const existing = object[child.nodeName];
    object[child.nodeName] =
      existing === undefined ? value : Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
  }
  return object;
}

function all(node: unknown, name: string): unknown[] {
  const value = (node as XmlObject)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function one(node: unknown, name: string): unknown {
  const items = all(node, name);
  assert.equal(items.length, 1, `exactly one ${name}`);
  return items[0];
}

function at(node: unknown, ...names: string[]): unknown {
  return names.reduce((current, name) => one(current, name), node);
}

function maybeText(node: unknown, ...names: string[]): string | undefined {
  let current = node;
  for (const name of names) {
    const items = all(current, name);
    if (items.length === 0) return undefined;
    assert.equal(items.length, 1, `at most one ${name}`);
    current = items[0];
  }
  return textOf(current);
}

function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  const value = (node as XmlObject)['#'];
  assert.equal(typeof value, 'string', `text of ${JSON.stringify(node)}`);
  return value as string;
}

/** An amount's text, after checking that it is in the invoice's currency. */
function amount(node: unknown, currency: string, ...names: string[]): string {
  const element = at(node, ...names);
  assert.equal((element as XmlObject)['@currencyID'], currency, `${names.join('/')} currencyID`);
  return textOf(element);
}

function sum(values: readonly (string | undefined)[]): DecimalValue {
  return values.reduce((total, value) => total.plus(value ?? '0'), new Money(0));
}

test('rendered UBL read back with a real XML parser says what the invoice says, as exact decimal strings', async () => {
  const { examples, everyPath } = await renderCorpus();
  for (const { label, invoice, xml } of [...examples, everyPath]) {
    const credit = invoice.documentType === 'credit-note';
    const rootName = credit ? 'CreditNote' : 'Invoice';
    const parsed = parseUbl(xml);
    assert.equal(parsed.rootName, rootName, `${label}: root element`);
    assert.equal(parsed.namespace, `urn:oasis:names:specification:ubl:schema:xsd:${rootName}-2`, `${label}: root namespace`);
    const root = parsed.root;
    const currency = invoice.currency;
    const money = (value: DecimalValue) => value.toFixed(minorUnits(currency), Money.ROUND_HALF_UP);
    const where = (what: string) => `${label}: ${what}`;

    assert.equal(maybeText(root, 'cbc:ProfileID'), 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0', where('ProfileID'));
    assert.equal(maybeText(root, 'cbc:ID'), invoice.invoiceNumber, where('number'));
    assert.equal(maybeText(root, 'cbc:IssueDate'), invoice.issueDate, where('issue date'));
    assert.equal(
      credit ? maybeText(root, 'cac:PaymentMeans', 'cbc:PaymentDueDate') : maybeText(root, 'cbc:DueDate'),
      invoice.dueDate,
      where('due date'),
    );
    assert.equal(maybeText(root, credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode'), credit ? '381' : '380', where('type code'));
    assert.equal(maybeText(root, 'cbc:DocumentCurrencyCode'), currency, where('currency'));
    assert.equal(maybeText(root, 'cac:OrderReference', 'cbc:ID'), invoice.poNumber, where('PO number'));
    assert.equal(maybeText(root, 'cbc:Note'), invoice.note, where('note'));
    if (invoice.buyerReference) assert.equal(maybeText(root, 'cbc:BuyerReference'), invoice.buyerReference, where('buyer reference'));
    if (credit)
      assert.equal(
        maybeText(root, 'cac:BillingReference', 'cac:InvoiceDocumentReference', 'cbc:ID'),
        invoice.billingReference,
        where('credited invoice'),
      );
    assert.equal(
      maybeText(root, 'cac:AccountingSupplierParty', 'cac:Party', 'cac:PartyLegalEntity', 'cbc:RegistrationName'),
      invoice.seller?.name,
      where('seller'),
    );
    assert.equal(
      maybeText(root, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyLegalEntity', 'cbc:RegistrationName'),
      invoice.buyer.name,
      where('buyer'),
    );

    // Lines: quantity, unit, unit price, net amount, description, item, PO line, tax category.
    const lines = all(root, credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
    assert.equal(lines.length, invoice.lines.length, where('line count'));
    invoice.lines.forEach((line, index) => {
      const rendered = lines[index];
      const here = (what: string) => where(`line ${index + 1} ${what}`);
      assert.ok(
        line.lineAmount !== undefined && line.quantity !== undefined && line.unitPrice !== undefined,
        here('states quantity, price and amount'),
      );
      assert.equal(maybeText(rendered, 'cbc:ID'), line.lineNumber ?? String(index + 1), here('number'));
      const quantity = at(rendered, credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity');
      assert.equal(textOf(quantity), line.quantity, here('quantity'));
      assert.equal((quantity as XmlObject)['@unitCode'], UNIT[line.unitOfMeasure ?? ''], here(`unit for ${line.unitOfMeasure}`));
      assert.equal(amount(rendered, currency, 'cac:Price', 'cbc:PriceAmount'), line.unitPrice, here('unit price'));
      assert.equal(amount(rendered, currency, 'cbc:LineExtensionAmount'), line.lineAmount, here('amount'));
      assert.equal(maybeText(rendered, 'cac:Item', 'cbc:Description'), line.description, here('description'));
      assert.equal(maybeText(rendered, 'cac:Item', 'cbc:Name'), line.description, here('item name'));
      assert.equal(maybeText(rendered, 'cac:Item', 'cac:SellersItemIdentification', 'cbc:ID'), line.sku, here('sku'));
      assert.equal(maybeText(rendered, 'cac:OrderLineReference', 'cbc:LineID'), line.poLineNumber, here('PO line'));
      assert.equal(maybeText(rendered, 'cac:InvoicePeriod', 'cbc:StartDate'), line.serviceStart, here('service start'));
      assert.equal(maybeText(rendered, 'cac:InvoicePeriod', 'cbc:EndDate'), line.serviceEnd, here('service end'));
      const category = TAX_CATEGORY[line.taxCode ?? ''];
      assert.ok(category, here(`an expectation for tax code ${line.taxCode}`));
      assert.equal(
        maybeText(rendered, 'cac:Item', 'cac:ClassifiedTaxCategory', 'cbc:ID'),
        category,
        here(`tax category for ${line.taxCode}`),
      );
      const percent = maybeText(rendered, 'cac:Item', 'cac:ClassifiedTaxCategory', 'cbc:Percent');
      if (category === 'O') assert.equal(percent, undefined, here('no rate outside the scope of VAT'));
      else assert.equal(percent, new Money(line.taxRate ?? 'NaN').toFixed(), here('tax rate'));
    });

    // Document-level charges and allowances.
    const allowanceCharges = all(root, 'cac:AllowanceCharge');
    const expectedAllowanceCharges = [
      ...(invoice.charges ?? []).map((item) => ({ item, charge: 'true' })),
      ...(invoice.allowances ?? []).map((item) => ({ item, charge: 'false' })),
    ];
    assert.equal(allowanceCharges.length, expectedAllowanceCharges.length, where('allowances and charges'));
    expectedAllowanceCharges.forEach(({ item, charge }, index) => {
      const rendered = allowanceCharges[index];
      assert.equal(
        maybeText(rendered, 'cbc:ChargeIndicator'),
        charge,
        where(`${item.code} is a ${charge === 'true' ? 'charge' : 'allowance'}`),
      );
      assert.equal(amount(rendered, currency, 'cbc:Amount'), item.amount, where(`${item.code} amount`));
      assert.equal(maybeText(rendered, 'cbc:AllowanceChargeReason'), item.description ?? item.code, where(`${item.code} reason`));
      assert.equal(maybeText(rendered, 'cac:TaxCategory', 'cbc:ID'), TAX_CATEGORY[item.taxCode ?? ''], where(`${item.code} tax category`));
    });

    // Totals: as the invoice states them, and as its lines, charges and allowances add up.
    const totals = at(root, 'cac:LegalMonetaryTotal');
    const linesTotal = sum(invoice.lines.map((line) => line.lineAmount));
    const charges = sum((invoice.charges ?? []).map((item) => item.amount));
    const allowances = sum((invoice.allowances ?? []).map((item) => item.amount));
    assert.equal(amount(totals, currency, 'cbc:LineExtensionAmount'), money(linesTotal), where('sum of lines'));
    assert.equal(
      amount(totals, currency, 'cbc:TaxExclusiveAmount'),
      money(linesTotal.plus(charges).minus(allowances)),
      where('tax exclusive amount'),
    );
    assert.equal(amount(totals, currency, 'cbc:TaxInclusiveAmount'), invoice.totalAmount, where('tax inclusive amount'));
    assert.equal(amount(totals, currency, 'cbc:PayableAmount'), invoice.totalAmount, where('payable amount'));
    assert.equal(maybeText(totals, 'cbc:ChargeTotalAmount'), invoice.charges?.length ? money(charges) : undefined, where('charge total'));
    assert.equal(
      maybeText(totals, 'cbc:AllowanceTotalAmount'),
      invoice.allowances?.length ? money(allowances) : undefined,
      where('allowance total'),
    );

    // Tax: the stated total, and one subtotal per tax code and rate that adds up to it.
    const taxTotal = at(root, 'cac:TaxTotal');
    assert.equal(amount(taxTotal, currency, 'cbc:TaxAmount'), invoice.taxTotal, where('tax total'));
    const subtotals = all(taxTotal, 'cac:TaxSubtotal');
    const expectedSubtotals = invoiceTotals(invoice).taxSubtotals;
    assert.equal(subtotals.length, expectedSubtotals.length, where('tax subtotals'));
    expectedSubtotals.forEach((expected, index) => {
      const rendered = subtotals[index];
      const category = TAX_CATEGORY[expected.code];
      assert.equal(amount(rendered, currency, 'cbc:TaxableAmount'), expected.taxable, where(`${expected.code} taxable amount`));
      assert.equal(amount(rendered, currency, 'cbc:TaxAmount'), expected.tax, where(`${expected.code} tax`));
      assert.equal(maybeText(rendered, 'cac:TaxCategory', 'cbc:ID'), category, where(`${expected.code} category`));
      assert.equal(
        maybeText(rendered, 'cac:TaxCategory', 'cbc:Percent'),
        category === 'O' ? undefined : expected.rate,
        where(`${expected.code} rate`),
      );
    });
    assert.equal(
      money(sum(subtotals.map((subtotal) => amount(subtotal, currency, 'cbc:TaxAmount')))),
      invoice.taxTotal,
      where('subtotals add up to the tax total'),
    );
    assert.equal(
      money(sum(subtotals.map((subtotal) => amount(subtotal, currency, 'cbc:TaxableAmount')))),
      money(linesTotal.plus(charges).minus(allowances)),
      where('taxable amounts add up'),
    );
  }
});

test('UBL golden files: an XRechnung/Peppol invoice and credit note for Stadt Lindenau, in its own profile format', async () => {
  const examples = await passingExamples();
  const profile = (await profiles.profile('stadt-lindenau')).profile;
  assert.equal(profile.format.type, 'ubl');
  for (const number of ['CG-2026-10121', 'CG-2026-90007']) {
    const example = examples.find((candidate) => candidate.invoice.invoiceNumber === number);
    assert.ok(example, number);
    const { fileName, xml } = await renderUbl(example.invoice, profile, undefined);
    assertGolden(join(GOLDEN, fileName), xml);
  }
  // The profile's Peppol ids are the endpoints (Leitweg-ID 0204 for the city, the VAT id 9930 for us).
  const invoice = readFileSync(join(GOLDEN, 'CG-2026-10121.ubl.xml'), 'utf8');
  assert.match(
    invoice,
    /<cac:AccountingCustomerParty>\s*<cac:Party>\s*<cbc:EndpointID schemeID="0204">064390014011-31001-30<\/cbc:EndpointID>/,
  );
  assert.match(invoice, /<cac:AccountingSupplierParty>\s*<cac:Party>\s*<cbc:EndpointID schemeID="9930">DE298765431<\/cbc:EndpointID>/);
  assert.match(
    readFileSync(join(GOLDEN, 'CG-2026-90007.ubl.xml'), 'utf8'),
    /^<\?xml[^>]*>\s*<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/,
  );
});

test('a profile leaves out optional UBL elements by their template id (Note, Delivery), and the result still validates', {
  timeout: 900_000,
}, async (t) => {
  const { examples, omitted } = await renderCorpus();
  for (const variant of omitted) {
    const full = examples.find((example) => example.invoice === variant.invoice);
    assert.ok(full);
    const before = parseUbl(full.xml).root;
    const after = parseUbl(variant.xml).root;
    assert.equal(all(before, 'cbc:Note').length, 1, `${full.label} has a Note to leave out`);
    assert.equal(all(before, 'cac:Delivery').length, 1, `${full.label} has a Delivery to leave out`);
    assert.deepEqual(all(after, 'cbc:Note'), [], variant.label);
    assert.deepEqual(all(after, 'cac:Delivery'), [], variant.label);
    // Nothing else changed: the documents differ by exactly those two elements.
    const { 'cbc:Note': _note, 'cac:Delivery': _delivery, ...rest } = before;
    assert.deepEqual(after, rest, variant.label);
  }
  if (!validatorAvailable(t)) return;
  const { output, verdicts } = await validateCorpus();
  for (const variant of omitted) {
    const verdict = verdicts.get(variant.path);
    assert.ok(verdict, `validate-ubl said nothing about ${variant.label}:\n${output}`);
    assert.deepEqual(verdict.fatal, [], variant.label);
    assert.ok(verdict.valid, `${variant.label} is not VALID:\n${output}`);
  }
});

test('the parts of the template no example uses: line discount, Z and E next to S, reason codes, bank account, attachment, delivery GLN; validated in the same run', {
  timeout: 900_000,
}, async (t) => {
  const { everyPath } = await renderCorpus();
  const root = parseUbl(everyPath.xml).root;
  assert.equal(
    maybeText(root, 'cac:BillingReference', 'cac:InvoiceDocumentReference', 'cbc:ID'),
    'CG-2026-10149',
    'the superseded invoice is the preceding invoice reference (BT-25)',
  );
  assert.equal(maybeText(root, 'cac:AdditionalDocumentReference', 'cbc:ID'), 'attachments/LS-2026-10150.pdf');
  assert.equal(maybeText(root, 'cac:AdditionalDocumentReference', 'cbc:DocumentDescription'), 'delivery-note');
  assert.deepEqual(at(root, 'cac:Delivery', 'cac:DeliveryLocation', 'cbc:ID'), { '@schemeID': '0088', '#': '4012345000009' });
  assert.deepEqual(at(root, 'cac:AccountingSupplierParty', 'cac:Party', 'cac:PostalAddress', 'cac:AddressLine'), { 'cbc:Line': 'Tor Süd' });
  assert.equal(
    maybeText(root, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyTaxScheme', 'cbc:CompanyID'),
    'DE811234567',
    'buyer VAT id (BT-48)',
  );
  assert.equal(maybeText(root, 'cac:PaymentMeans', 'cbc:PaymentMeansCode'), '58');
  assert.equal(maybeText(root, 'cac:PaymentMeans', 'cac:PayeeFinancialAccount', 'cbc:ID'), 'DE02120300000000202051');
  assert.equal(maybeText(root, 'cac:PaymentMeans', 'cac:PayeeFinancialAccount', 'cac:FinancialInstitutionBranch', 'cbc:ID'), 'BYLADEM1001');
  const [charge, allowance] = all(root, 'cac:AllowanceCharge');
  assert.equal(maybeText(charge, 'cbc:AllowanceChargeReasonCode'), 'FC', 'freight is UNCL 7161 FC');
  assert.equal(maybeText(allowance, 'cbc:AllowanceChargeReasonCode'), '95', 'a discount is UNCL 5189 95');
  const [discounted] = all(root, 'cac:InvoiceLine');
  assert.equal(maybeText(discounted, 'cac:AllowanceCharge', 'cbc:ChargeIndicator'), 'false');
  assert.equal(amount(discounted, 'EUR', 'cac:AllowanceCharge', 'cbc:Amount'), '5.00', 'the line discount (BT-136)');
  const exempt = all(at(root, 'cac:TaxTotal'), 'cac:TaxSubtotal').find(
    (subtotal) => maybeText(subtotal, 'cac:TaxCategory', 'cbc:ID') === 'E',
  );
  assert.equal(maybeText(exempt, 'cac:TaxCategory', 'cbc:TaxExemptionReason'), 'Exempt from tax', 'BR-E-10');
  if (!validatorAvailable(t)) return;
  const { output, verdicts } = await validateCorpus();
  const verdict = verdicts.get(everyPath.path);
  assert.ok(verdict, `validate-ubl said nothing about ${everyPath.label}:\n${output}`);
  assert.deepEqual(verdict.fatal, [], everyPath.label);
  assert.ok(verdict.valid, `${everyPath.label} is not VALID:\n${output}`);
  for (const warning of verdict.warnings) t.diagnostic(`${EVERY_PATH.invoiceNumber}: ${warning}`);
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { convert } from 'xmlbuilder2';
import { minorUnits } from '../../src/model/currency.js';
import type { Invoice, PurchaseOrder } from '../../src/model/invoice.js';
import { Money } from '../../src/model/money.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/index.js';
import { conformanceTool, conformanceToolAvailable } from '../support/conformance.js';
import { assertGolden } from '../support/golden.js';

/** What the template makes of the examples' units that are not UN/CEFACT Recommendation 20 codes. */
const REC20_UNIT: ReadonlyMap<string, string> = new Map([
  ['HR', 'HUR'],
  ['CA', 'XCS'],
  ['PCE', 'H87'],
  ['EACH', 'EA'],
]);

/**
 * cXML InvoiceDetailRequest. Every example invoice that passes our rules is rendered as cXML
 * with its customer's profile (also where the customer takes another format), checked against
 * the published InvoiceDetail DTD by ../shared/conformance/validate-cxml in one run, and read
 * back with xmlbuilder2's parser: it must say what the invoice says, to the last digit.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VALIDATOR = conformanceTool('validate-cxml');
const GOLDEN = join(ROOT, 'test', 'golden', 'cxml');
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };
/** Charge codes that are freight (ShippingAmount); other charges are special handling. */
const FREIGHT = new Set(['FREIGHT']);

interface ExpectedResult {
  readonly file: string;
  readonly position?: number;
  readonly invoiceNumber: string;
  readonly ok: boolean;
}

interface Example {
  readonly label: string;
  readonly invoice: Invoice;
  readonly profile: CustomerProfile;
  readonly purchaseOrder: PurchaseOrder | undefined;
}

interface Rendered extends Example {
  readonly xml: string;
  readonly path: string;
}

const profiles = new ProfileLibrary(join(ROOT, 'customer-profiles'));

async function renderCxml(example: Example, profile: CustomerProfile = example.profile): Promise<{ fileName: string; xml: string }> {
  const document = await renderDocument({
    invoice: example.invoice,
    profile,
    format: 'cxml',
    controlNumbers: CONTROL,
    now: NOW,
    purchaseOrder: example.purchaseOrder,
  });
  assert.equal(document.format, 'cxml');
  assert.equal(document.mediaType, 'application/xml');
  assert.equal(typeof document.content, 'string');
  return { fileName: document.fileName, xml: document.content as string };
}

let examples: Promise<Example[]> | undefined;

/** The passing examples (a batch may also hold a failing duplicate, which is not taken), with profile and PO. */
function passingExamples(): Promise<Example[]> {
  examples ??= (async () => {
    const expected = (
      JSON.parse(readFileSync(join(ROOT, 'examples', 'expected-results.json'), 'utf8')) as { invoices: ExpectedResult[] }
    ).invoices.filter((result) => result.ok);
    const documents = await readAllDocuments([...new Set(expected.map((result) => join(ROOT, result.file)))], 'invoice');
    const orders = await readAllDocuments([join(ROOT, 'examples', 'purchase-orders')], 'purchase-order');
    return Promise.all(
      expected.map(async (result) => {
        const found = documents.find(
          (document) => document.source.file === join(ROOT, result.file) && document.source.index === (result.position ?? 1) - 1,
        );
        assert.ok(found, `${result.file} #${result.position ?? 1} not read`);
        const invoice = found.document;
        assert.equal(invoice.invoiceNumber, result.invoiceNumber);
        const purchaseOrder = orders.find(
          ({ document }) => document.customerId === invoice.customerId && document.poNumber === invoice.poNumber,
        )?.document;
        return {
          label: `${result.file}${result.position ? ` #${result.position}` : ''} (${result.invoiceNumber})`,
          invoice,
          profile: (await profiles.profile(invoice.customerId)).profile,
          purchaseOrder,
        };
      }),
    );
  })();
  return examples;
}

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Render each example into a fresh folder (one file each, for one validator run). */
async function renderAll(
  folderPrefix: string,
  profileFor: (example: Example) => CustomerProfile = (example) => example.profile,
): Promise<{ directory: string; rendered: Rendered[] }> {
  const directory = realpathSync(mkdtempSync(join(tmpdir(), folderPrefix)));
  folders.push(directory);
  const rendered: Rendered[] = [];
  for (const example of await passingExamples()) {
    const { fileName, xml } = await renderCxml(example, profileFor(example));
    const path = join(directory, fileName);
    assert.ok(!rendered.some((other) => other.path === path), `two examples render to ${fileName}`);
    writeFileSync(path, xml);
    rendered.push({ ...example, xml, path });
  }
  return { directory, rendered };
}

let corpus: ReturnType<typeof renderAll> | undefined;
const renderCorpus = () => (corpus ??= renderAll('firstpass-cxml-'));

function validatorAvailable(t: TestContext): boolean {
  return conformanceToolAvailable(t, VALIDATOR, 'cXML output against the InvoiceDetail DTD');
}

/** validate-cxml over all files in one call: its exit status and, per file, the DTD it accepted the file against. */
function validate(paths: readonly string[]): { status: number | null; output: string; validAgainst: Map<string, string> } {
  const run = spawnSync(VALIDATOR, ['--invoice', ...paths], { encoding: 'utf8', timeout: 600_000 });
  const output = `${run.stdout}${run.stderr}`;
  const validAgainst = new Map<string, string>();
  for (const line of run.stdout.split('\n')) {
    const match = /^(.*): valid against (\S+)$/.exec(line);
    if (match?.[1] && match[2]) validAgainst.set(match[1], match[2]);
  }
  return { status: run.status, output, validAgainst };
}

test('every passing example renders as a cXML InvoiceDetailRequest that the InvoiceDetail DTD accepts, in one validate-cxml run', {
  timeout: 600_000,
}, async (t) => {
  const { rendered } = await renderCorpus();
  assert.equal(rendered.length, 21, 'examples/expected-results.json lists 21 passing invoices');
  assert.ok(rendered.some((example) => example.invoice.documentType === 'credit-note'));
  assert.ok(rendered.some((example) => example.profile.format.type !== 'cxml'));
  assert.ok(rendered.some((example) => example.invoice.poNumber === undefined));
  if (!validatorAvailable(t)) return;
  const { status, output, validAgainst } = validate(rendered.map((example) => example.path));
  for (const example of rendered) {
    assert.match(
      validAgainst.get(example.path) ?? '',
      /^cxml\/1\.2\.\d{3}\/InvoiceDetail\.dtd$/,
      `${example.label} is not valid cXML:\n${output}`,
    );
  }
  assert.equal(status, 0, output);
  t.diagnostic(`validate-cxml: ${validAgainst.size} of ${rendered.length} documents valid`);
});

test('the cXML version is an option: with 1.2.020 every document names that DTD and the validator holds it to exactly that one', {
  timeout: 600_000,
}, async (t) => {
  const { rendered } = await renderAll('firstpass-cxml-1.2.020-', (example) => {
    const format = example.profile.format.type === 'cxml' ? example.profile.format : { type: 'cxml' as const };
    return {
      ...example.profile,
      format: {
        ...format,
        version: '1.2.020',
        options: { ...((format.options as Record<string, unknown> | undefined) ?? {}), exemptDetail: false },
      },
    } as CustomerProfile;
  });
  for (const example of rendered) {
    assert.match(
      example.xml,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE cXML SYSTEM "http:\/\/xml\.cxml\.org\/schemas\/cXML\/1\.2\.020\/InvoiceDetail\.dtd">\n<cXML [^>]*version="1\.2\.020"/,
      example.label,
    );
  }
  if (!validatorAvailable(t)) return;
  const { status, output, validAgainst } = validate(rendered.map((example) => example.path));
  for (const example of rendered)
    assert.equal(validAgainst.get(example.path), 'cxml/1.2.020/InvoiceDetail.dtd', `${example.label}:\n${output}`);
  assert.equal(status, 0, output);
});

// ---------------------------------------------------------------- reading the documents back

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject {
  [name: string]: XmlValue;
}

function isObject(value: XmlValue | undefined): value is XmlObject {
  return typeof value === 'object' && !Array.isArray(value);
}

/** The elements of this name under a node ([] when none). */
function all(node: XmlObject, name: string): XmlValue[] {
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The one element of this name under a node. */
function one(node: XmlObject, name: string): XmlObject {
  const [value, ...more] = all(node, name);
  assert.equal(more.length, 0, `more than one <${name}>`);
  if (typeof value === 'string') return { '#': value };
  assert.ok(isObject(value), `no <${name}> in ${JSON.stringify(node).slice(0, 300)}`);
  return value;
}

function optional(node: XmlObject, name: string): XmlObject | undefined {
  return node[name] === undefined ? undefined : one(node, name);
}

function text(node: XmlObject): string {
  const value = node['#'];
  assert.equal(typeof value, 'string', `no text in ${JSON.stringify(node).slice(0, 200)}`);
  return value as string;
}

function attribute(node: XmlObject, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** The amount of an element that holds one Money. */
function moneyOf(node: XmlObject, name: string): string {
  return text(one(one(node, name), 'Money'));
}

/** Every Money anywhere in the tree. */
function allMoney(value: XmlValue, found: XmlObject[] = []): XmlObject[] {
  if (Array.isArray(value)) for (const item of value) allMoney(item, found);
  else if (isObject(value)) {
    for (const [name, child] of Object.entries(value)) {
      if (name === 'Money')
        found.push(...all(value, 'Money').map((money) => (typeof money === 'string' ? { '#': money } : (money as XmlObject))));
      else allMoney(child, found);
    }
  }
  return found;
}

function parse(xml: string): XmlObject {
  const parsed = convert(xml, { format: 'object' }) as unknown as XmlObject;
  return one(parsed, 'cXML');
}

// Expected values, worked out here with decimal arithmetic from what the invoice states.
const fixed = (amount: InstanceType<typeof Money>, currency: string) => amount.toFixed(minorUnits(currency), Money.ROUND_HALF_UP);
const sum = (amounts: readonly string[]) => amounts.reduce((total, amount) => total.plus(amount), new Money(0));

test('read back, each document says what its invoice says: ids, dates, PO, every line, tax and total, as exact decimal strings', async () => {
  const { rendered } = await renderCorpus();
  for (const { label, invoice, purchaseOrder, xml } of rendered) {
    const currency = invoice.currency;
    const credit = invoice.documentType === 'credit-note';
    /** A credit memo carries its quantities and amounts negative. */
    const signed = (amount: InstanceType<typeof Money>) => fixed(credit ? amount.negated() : amount, currency);
    const cxml = parse(xml);
    const request = one(one(cxml, 'Request'), 'InvoiceDetailRequest');
    const header = one(request, 'InvoiceDetailRequestHeader');
    assert.equal(attribute(header, 'invoiceID'), invoice.invoiceNumber, label);
    assert.equal(attribute(header, 'invoiceDate')?.slice(0, 10), invoice.issueDate, label);
    assert.equal(attribute(header, 'purpose'), credit ? 'lineLevelCreditMemo' : 'standard', label);
    assert.equal(attribute(header, 'operation'), 'new', label);
    if (credit) assert.equal(attribute(one(header, 'InvoiceIDInfo'), 'invoiceID'), invoice.billingReference, label);
    const terms = /^NET\s*(\d+)$/i.exec(invoice.paymentTerms ?? '')?.[1];
    if (!credit) assert.equal(attribute(one(header, 'PaymentTerm'), 'payInNumberOfDays'), terms, label);

    const order = one(request, 'InvoiceDetailOrder');
    const orderInfo = one(order, 'InvoiceDetailOrderInfo');
    if (invoice.poNumber !== undefined) {
      const orderId = one(orderInfo, 'OrderIDInfo');
      assert.equal(attribute(orderId, 'orderID'), invoice.poNumber, label);
      assert.equal(attribute(orderId, 'orderDate')?.slice(0, 10), purchaseOrder?.issueDate, label);
    } else {
      assert.equal(orderInfo.OrderIDInfo, undefined, label);
    }

    const items = all(order, 'InvoiceDetailItem') as XmlObject[];
    assert.equal(items.length, invoice.lines.length, label);
    const nets: string[] = [];
    invoice.lines.forEach((line, index) => {
      const item = items[index] as XmlObject;
      const at = `${label} line ${line.lineNumber ?? index + 1}`;
      const quantity = new Money(line.quantity ?? '0');
      const net = quantity.times(line.unitPrice ?? '0').minus(line.discount ?? '0');
      if (line.lineAmount !== undefined)
        assert.equal(fixed(net, currency), fixed(new Money(line.lineAmount), currency), `${at}: the example's own arithmetic`);
      nets.push(fixed(net, currency));
      assert.equal(attribute(item, 'invoiceLineNumber'), line.lineNumber ?? String(index + 1), at);
      assert.equal(attribute(item, 'quantity'), (credit ? quantity.negated() : quantity).toFixed(), at);
      // cXML's UnitOfMeasure is a UN/CEFACT Recommendation 20 code: the ERP's HR is written as HUR, CA as XCS.
      assert.equal(text(one(item, 'UnitOfMeasure')), REC20_UNIT.get(line.unitOfMeasure ?? '') ?? line.unitOfMeasure, at);
      assert.equal(moneyOf(item, 'UnitPrice'), line.unitPrice, at);
      const reference = one(item, 'InvoiceDetailItemReference');
      assert.equal(attribute(reference, 'lineNumber'), line.poLineNumber ?? line.lineNumber ?? String(index + 1), at);
      assert.equal(text(one(one(reference, 'ItemID'), 'SupplierPartID')), line.sku, at);
      assert.equal(text(one(reference, 'Description')), line.description, at);
      assert.equal(moneyOf(item, 'SubtotalAmount'), signed(net), at);
      const rate = line.taxRate ?? '0';
      const tax = one(item, 'Tax');
      const lineTax = net.times(rate).dividedBy(100);
      assert.equal(text(one(tax, 'Money')), signed(lineTax), at);
      const detail = one(tax, 'TaxDetail');
      assert.equal(attribute(detail, 'percentageRate'), rate, at);
      assert.equal(moneyOf(detail, 'TaxableAmount'), signed(net), at);
      assert.equal(moneyOf(detail, 'TaxAmount'), signed(lineTax), at);
    });

    const summary = one(request, 'InvoiceDetailSummary');
    const charges = invoice.charges ?? [];
    const allowances = sum((invoice.allowances ?? []).map((allowance) => allowance.amount ?? '0'));
    const freight = sum(charges.filter((charge) => FREIGHT.has(charge.code ?? '')).map((charge) => charge.amount ?? '0'));
    const otherCharges = sum(charges.filter((charge) => !FREIGHT.has(charge.code ?? '')).map((charge) => charge.amount ?? '0'));
    assert.equal(moneyOf(summary, 'SubtotalAmount'), signed(sum(nets)), label);
    const tax = one(summary, 'Tax');
    assert.equal(text(one(tax, 'Money')), signed(new Money(invoice.taxTotal ?? '0')), label);
    const details = all(tax, 'TaxDetail') as XmlObject[];
    assert.ok(details.length > 0, label);
    for (const detail of details) {
      const taxable = new Money(moneyOf(detail, 'TaxableAmount'));
      assert.equal(
        moneyOf(detail, 'TaxAmount'),
        fixed(taxable.times(attribute(detail, 'percentageRate') ?? 'NaN').dividedBy(100), currency),
        `${label}: tax per rate`,
      );
    }
    assert.equal(
      fixed(sum(details.map((detail) => moneyOf(detail, 'TaxAmount'))), currency),
      signed(new Money(invoice.taxTotal ?? '0')),
      `${label}: tax details add up to the tax total`,
    );
    assert.equal(
      fixed(sum(details.map((detail) => moneyOf(detail, 'TaxableAmount'))), currency),
      signed(
        sum(nets)
          .plus(sum(charges.map((charge) => charge.amount ?? '0')))
          .minus(allowances),
      ),
      `${label}: taxable amounts`,
    );
    assert.equal(
      optional(summary, 'ShippingAmount') && moneyOf(summary, 'ShippingAmount'),
      freight.isZero() ? undefined : signed(freight),
      label,
    );
    assert.equal(
      optional(summary, 'SpecialHandlingAmount') && moneyOf(summary, 'SpecialHandlingAmount'),
      otherCharges.isZero() ? undefined : signed(otherCharges),
      label,
    );
    assert.equal(
      optional(summary, 'InvoiceDetailDiscount') && moneyOf(summary, 'InvoiceDetailDiscount'),
      allowances.isZero() ? undefined : signed(allowances),
      label,
    );
    const total = new Money(invoice.totalAmount ?? 'NaN');
    assert.equal(moneyOf(summary, 'GrossAmount'), signed(total.plus(allowances)), label);
    assert.equal(moneyOf(summary, 'NetAmount'), signed(total), label);
    assert.equal(moneyOf(summary, 'DueAmount'), signed(total), label);
    // cXML's own arithmetic: gross = subtotal + tax + special handling + shipping; net = gross - discount.
    assert.equal(
      signed(
        sum(nets)
          .plus(invoice.taxTotal ?? '0')
          .plus(otherCharges)
          .plus(freight),
      ),
      moneyOf(summary, 'GrossAmount'),
      `${label}: GrossAmount`,
    );

    const money = allMoney(cxml);
    assert.ok(money.length >= 6 + invoice.lines.length * 5, label);
    for (const amount of money) {
      assert.equal(attribute(amount, 'currency'), currency, `${label}: Money without the invoice's currency`);
      assert.match(text(amount), /^-?\d+(\.\d+)?$/, `${label}: Money is a plain decimal`);
    }
  }
});

test('the shared secret is never written: no SharedSecret element, and not the secret itself even when its variable is set', async () => {
  const meridian = (await profiles.profile('meridian-aerospace')).profile;
  const reference = (meridian.format.options as Record<string, unknown> | undefined)?.sharedSecret as { env?: string } | undefined;
  const name = reference?.env;
  assert.ok(name, 'the Ariba profiles name their shared secret by environment variable');
  const secret = 'Sesame-7f3a9c-do-not-print';
  const before = process.env[name];
  process.env[name] = secret;
  try {
    for (const example of await passingExamples()) {
      const { xml } = await renderCxml(example);
      assert.doesNotMatch(xml, /SharedSecret/, example.label);
      assert.ok(!xml.includes(secret), `${example.label} contains the secret`);
      const sender = one(one(one(parse(xml), 'Header'), 'Sender'), 'Credential');
      assert.deepEqual(Object.keys(sender).sort(), ['@domain', 'Identity'], example.label);
    }
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
});

test('the Ariba header: network ids from the profile, a deterministic payloadID, and test documents marked as such', async () => {
  const example = (await passingExamples()).find((candidate) => candidate.invoice.invoiceNumber === 'CP-2611-0412');
  assert.ok(example);
  const cxml = parse((await renderCxml(example)).xml);
  assert.equal(attribute(cxml, 'payloadID'), '20261120100000.CP-2611-0412@AN01000098765.NetworkID');
  assert.equal(attribute(cxml, 'timestamp'), '2026-11-20T10:00:00+00:00');
  const header = one(cxml, 'Header');
  const identity = (party: string) => [
    attribute(one(one(header, party), 'Credential'), 'domain'),
    text(one(one(one(header, party), 'Credential'), 'Identity')),
  ];
  assert.deepEqual(identity('From'), ['NetworkID', 'AN01000098765']);
  assert.deepEqual(identity('To'), ['NetworkID', 'AN01000012345']);
  assert.deepEqual(identity('Sender'), ['NetworkID', 'AN01000098765']);
  assert.equal(attribute(one(cxml, 'Request'), 'deploymentMode'), undefined);
  const testDocument = parse((await renderCxml({ ...example, invoice: { ...example.invoice, testMode: true } })).xml);
  assert.equal(attribute(one(testDocument, 'Request'), 'deploymentMode'), 'test');
});

test('golden files: one invoice and one credit memo, byte for byte (UPDATE_GOLDEN=1 rewrites them)', async () => {
  const all = await passingExamples();
  for (const invoiceNumber of ['CP-2611-0412', 'CM-2611-0031']) {
    const example = all.find((candidate) => candidate.invoice.invoiceNumber === invoiceNumber);
    assert.ok(example, invoiceNumber);
    const { fileName, xml } = await renderCxml(example);
    assertGolden(join(GOLDEN, fileName), xml);
  }
});

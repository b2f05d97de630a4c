import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { minorUnits } from '../../src/model/currency.js';
import { RenderError } from '../../src/model/errors.js';
import type { Invoice, PurchaseOrder } from '../../src/model/invoice.js';
import { invoiceTotals } from '../../src/model/invoice-totals.js';
import { Money } from '../../src/model/money.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/index.js';
import { passingExamples } from '../support/examples.js';
import { readInterchange, type Interchange, type Segment } from '../support/edifact-reader.js';
import { assertGolden } from '../support/golden.js';

/**
 * UN/EDIFACT INVOIC, D.96A (and D.01B as an option). Every rendered interchange is read by
 * ts-edifact 0.0.14: its parser (UNA separators, release character, the UNB character set) with
 * a strict validator fed the segment and element tables ts-edifact carries for the message's
 * directory (D96A_INVOIC.*; for D.01B the undated INVOIC.* tables, which are D.01B), so an
 * unknown segment, a missing mandatory element, a component too long or letters in a numeric
 * component fail; its Tracker then walks UNH..UNT through the message's segment table (order,
 * groups, repetitions, mandatory segments). What it reads back must say what the invoice says.
 * (../shared/conformance holds no EDIFACT validator; ts-edifact is the outside reader here.)
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GOLDEN = join(ROOT, 'test', 'golden', 'edifact-invoic');
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };

/** What the template must make of the examples' codes (UNCL 5153/5305, UN/ECE rec. 20). */
/** US sales tax, taxable or exempt, is STT; every other code here is VAT. */
const TAX_TYPE: Readonly<Record<string, string>> = { S: 'VAT', Z: 'VAT', E: 'VAT', AE: 'VAT', sales: 'STT', EXEMPT: 'STT' };
/** Our tax codes in UNCL 5305 as D96A (and D01B) list it: A B C E G H O S Z. Reverse charge (AE) and intra-community supply (K) came later; for these directories they are exempt (E). */
const TAX_CATEGORY: Readonly<Record<string, string>> = { S: 'S', Z: 'Z', E: 'E', AE: 'E', K: 'E', sales: 'S', EXEMPT: 'E' };
const D96A_TAX_CATEGORIES = ['A', 'B', 'C', 'E', 'G', 'H', 'O', 'S', 'Z'];
const UNIT: Readonly<Record<string, string>> = { EA: 'PCE', PCE: 'PCE', H87: 'PCE', HUR: 'HUR', HR: 'HUR', CA: 'CS' };

const value = (segment: Segment | undefined, element: number, component = 0): string | undefined => segment?.elements[element]?.[component];
const qualified = (segments: readonly Segment[], tag: string, qualifier: string): Segment[] =>
  segments.filter((segment) => segment.tag === tag && value(segment, 0) === qualifier);
const only = (segments: readonly Segment[], tag: string, qualifier?: string): Segment => {
  const found = qualifier === undefined ? segments.filter((segment) => segment.tag === tag) : qualified(segments, tag, qualifier);
  assert.equal(found.length, 1, `${tag}${qualifier ? `+${qualifier}` : ''}: ${found.length} segments`);
  return found[0] as Segment;
};
/** The text of some components (a description cut into 35-character pieces) as one string. */
const joined = (components: readonly (string | undefined)[]): string =>
  components.filter((piece) => piece !== undefined && piece !== '').join(' ');
const words = (text: string): string =>
  text
    .split(/\s+/)
    .filter((word) => word !== '')
    .join(' ');
const sameDecimal = (actual: string | undefined, expected: string | undefined, what: string): void => {
  assert.ok(actual !== undefined && expected !== undefined, `${what}: ${actual} / ${expected}`);
  assert.ok(new Money(actual).eq(new Money(expected)), `${what}: ${actual}, expected ${expected}`);
};
/** An amount as written: exactly the invoice's text when that has the currency's decimals, else the same decimal. */
const sameAmount = (actual: string | undefined, expected: string | undefined, currency: string, what: string): void => {
  sameDecimal(actual, expected, what);
  if (expected !== undefined && (expected.split('.')[1] ?? '').length === minorUnits(currency)) assert.equal(actual, expected, what);
};
/** The segments of each line item: from its LIN to the next LIN or UNS. */
function lineGroups(message: readonly Segment[]): Segment[][] {
  const groups: Segment[][] = [];
  for (const segment of message) {
    if (segment.tag === 'UNS') break;
    if (segment.tag === 'LIN') groups.push([]);
    groups.at(-1)?.push(segment);
  }
  return groups;
}

const profiles = new ProfileLibrary(join(ROOT, 'customer-profiles'));

async function purchaseOrders(): Promise<PurchaseOrder[]> {
  return (await readAllDocuments([join(ROOT, 'examples', 'purchase-orders')], 'purchase-order')).map((sourced) => sourced.document);
}

async function renderEdifact(invoice: Invoice, profile: CustomerProfile, purchaseOrder?: PurchaseOrder): Promise<string> {
  const document = await renderDocument({ invoice, profile, format: 'edifact-invoic', controlNumbers: CONTROL, now: NOW, purchaseOrder });
  assert.equal(document.format, 'edifact-invoic');
  assert.equal(document.mediaType, 'application/EDIFACT');
  assert.match(document.fileName, /\.edi$/);
  // UNOA, UNOB and UNOC are ISO 8859-1: the document comes as bytes in that character set.
  const declared = /^UNA.{6}UNB\+(UNO[A-Z])/.exec(Buffer.from(document.content).toString('latin1'))?.[1];
  if (declared === 'UNOA' || declared === 'UNOB' || declared === 'UNOC') {
    assert.ok(document.content instanceof Uint8Array, `${declared} content must be bytes`);
    return Buffer.from(document.content).toString('latin1');
  }
  assert.equal(typeof document.content, 'string');
  return document.content as string;
}

/** Everything a reader of the interchange can check against the invoice it came from. */
/** The seller's NAD qualifier: SU unless the profile names another (Kessler asks for SE). */
function sellerQualifierOf(profile: CustomerProfile): string {
  const options =
    profile.format.type === 'edifact-invoic' ? (profile.format.options as { sellerPartyQualifier?: string } | undefined) : undefined;
  return options?.sellerPartyQualifier ?? 'SU';
}

function assertSays(
  interchange: Interchange,
  invoice: Invoice,
  profile: CustomerProfile,
  purchaseOrder: PurchaseOrder | undefined,
  label: string,
): void {
  const { segments } = interchange;
  const totals = invoiceTotals(invoice);
  const currency = invoice.currency;
  const tags = segments.map((segment) => segment.tag);
  const ownOptions = profile.format.type === 'edifact-invoic' ? ((profile.format.options ?? {}) as Record<string, string>) : {};

  // Envelope: UNB ids, date and time, references; UNH..UNT counted; UNZ closes with one message.
  assert.deepEqual(tags.slice(0, 3), ['UNB', 'UNH', 'BGM'], label);
  assert.deepEqual(tags.slice(-2), ['UNT', 'UNZ'], label);
  const unb = only(segments, 'UNB');
  assert.deepEqual(unb.elements[0], ['UNOC', '3'], label);
  const sender = ownOptions.senderId
    ? [ownOptions.senderId, ownOptions.senderQualifier]
    : invoice.seller?.gln
      ? [invoice.seller.gln, '14']
      : undefined;
  if (sender) assert.deepEqual(unb.elements[1], sender, `${label}: UNB sender`);
  else assert.ok(value(unb, 1) && value(unb, 1, 1) === 'ZZZ', `${label}: UNB sender ${unb.elements[1]?.join(':')}`);
  const recipient = ownOptions.recipientId
    ? [ownOptions.recipientId, ownOptions.recipientQualifier]
    : invoice.buyer.gln
      ? [invoice.buyer.gln, '14']
      : undefined;
  if (recipient) assert.deepEqual(unb.elements[2], recipient, `${label}: UNB recipient`);
  else assert.ok(value(unb, 2) && value(unb, 2, 1) === 'ZZZ', `${label}: UNB recipient ${unb.elements[2]?.join(':')}`);
  assert.deepEqual(unb.elements[3], ['261120', '1000'], label);
  assert.equal(value(unb, 4), String(CONTROL.interchange), label);
  assert.equal(value(unb, 10), invoice.testMode ? '1' : undefined, `${label}: test indicator`);
  const unh = only(segments, 'UNH');
  assert.equal(value(unh, 0), String(CONTROL.transaction), label);
  assert.deepEqual(
    unh.elements[1]?.slice(0, 4),
    ['INVOIC', interchange.directory.slice(0, 1), interchange.directory.slice(1), 'UN'],
    label,
  );
  const unt = only(segments, 'UNT');
  assert.equal(value(unt, 0), String(tags.indexOf('UNT') - tags.indexOf('UNH') + 1), `${label}: UNT segment count`);
  assert.equal(value(unt, 1), String(CONTROL.transaction), label);
  assert.deepEqual(only(segments, 'UNZ').elements, [['1'], [String(CONTROL.interchange)]], label);

  // Heading (up to the first LIN): document type and number, date, references, parties, currency, terms.
  const heading = segments.slice(0, tags.includes('LIN') ? tags.indexOf('LIN') : tags.indexOf('UNS'));
  const bgm = only(segments, 'BGM');
  assert.equal(value(bgm, 0), invoice.documentType === 'credit-note' ? '381' : '380', label);
  assert.equal(value(bgm, 1), invoice.invoiceNumber, label);
  assert.equal(value(bgm, 2), '9', label);
  assert.deepEqual(only(segments, 'DTM', '137').elements[0], ['137', invoice.issueDate.replaceAll('-', ''), '102'], label);
  if (invoice.poNumber) {
    const rff = only(heading, 'RFF', 'ON');
    assert.equal(value(rff, 0, 1), invoice.poNumber, label);
    const next = segments[segments.indexOf(rff) + 1];
    if (purchaseOrder)
      assert.deepEqual(next?.elements[0], ['171', purchaseOrder.issueDate.replaceAll('-', ''), '102'], `${label}: PO date`);
  }
  if (invoice.billingReference) assert.equal(value(only(segments, 'RFF', 'IV'), 0, 1), invoice.billingReference, label);
  else assert.equal(qualified(segments, 'RFF', 'IV').length, 0, label);
  const parties: [string, Invoice['buyer'] | undefined][] = [
    ['BY', invoice.buyer],
    [sellerQualifierOf(profile), invoice.seller],
    ['DP', invoice.shipTo],
    ['PE', invoice.remitTo],
  ];
  for (const [qualifier, party] of parties) {
    if (!party) {
      assert.equal(qualified(segments, 'NAD', qualifier).length, 0, `${label}: NAD+${qualifier}`);
      continue;
    }
    const nad = only(segments, 'NAD', qualifier);
    if (party.gln) assert.deepEqual(nad.elements[1], [party.gln, '', '9'], `${label}: NAD+${qualifier} GLN`);
    if (party.name) assert.equal(joined(nad.elements[3] ?? []), words(party.name.replaceAll('–', '-')), `${label}: NAD+${qualifier} name`);
    assert.deepEqual(
      (nad.elements[4] ?? []).filter((line) => line !== ''),
      party.address?.lines ?? [],
      `${label}: NAD+${qualifier} street`,
    );
    assert.equal(value(nad, 5), party.address?.city, `${label}: NAD+${qualifier} city`);
    assert.equal(value(nad, 7), party.address?.postalCode, `${label}: NAD+${qualifier} postcode`);
    assert.equal(value(nad, 8), party.address?.country, `${label}: NAD+${qualifier} country`);
    const following = segments[segments.indexOf(nad) + 1];
    if (party.taxId) {
      assert.equal(following?.tag, 'RFF', `${label}: NAD+${qualifier} tax id`);
      assert.deepEqual(
        following?.elements[0],
        [/^[A-Z]{2}/.test(party.taxId) ? 'VA' : 'FC', party.taxId],
        `${label}: NAD+${qualifier} tax id`,
      );
    }
  }
  assert.deepEqual(only(segments, 'CUX').elements[0], ['2', currency, '4'], label);
  const terms = /^NET(\d+)$/.exec(invoice.paymentTerms ?? '');
  if (terms) assert.deepEqual(only(segments, 'PAT').elements, [['1'], [''], ['5', '3', 'D', terms[1] as string]], label);
  if (invoice.dueDate) assert.deepEqual(only(segments, 'DTM', '13').elements[0], ['13', invoice.dueDate.replaceAll('-', ''), '102'], label);

  // Invoice level charges and allowances: ALC, MOA+8, TAX.
  const alcs = segments.filter((segment) => segment.tag === 'ALC');
  const headerAlcs = alcs.filter((alc) => tags.indexOf('LIN') === -1 || segments.indexOf(alc) < tags.indexOf('LIN'));
  const expectedAlcs = [
    ...(invoice.charges ?? []).map((item) => ['C', item] as const),
    ...(invoice.allowances ?? []).map((item) => ['A', item] as const),
  ];
  assert.equal(headerAlcs.length, expectedAlcs.length, `${label}: ALC count`);
  expectedAlcs.forEach(([kind, item], index) => {
    const alc = headerAlcs[index] as Segment;
    assert.equal(value(alc, 0), kind, label);
    if (item.description)
      assert.equal(joined((alc.elements[4] ?? []).slice(3)), words(item.description.replaceAll('–', '-')), `${label}: ALC description`);
    const moa = segments[segments.indexOf(alc) + 1];
    assert.equal(value(moa, 0), '8', label);
    sameAmount(value(moa, 0, 1), item.amount, currency, `${label}: ALC amount`);
  });

  // Lines: LIN, IMD, QTY, MOA+203, PRI, RFF+ON with the PO line, TAX.
  const groups = lineGroups(segments);
  assert.equal(groups.length, invoice.lines.length, `${label}: LIN count`);
  invoice.lines.forEach((line, index) => {
    const group = groups[index] as Segment[];
    const where = `${label} line ${index + 1}`;
    const lin = only(group, 'LIN');
    assert.equal(value(lin, 0), String(index + 1), where);
    if (line.sku) assert.deepEqual(lin.elements[2], [line.sku, 'SA'], where);
    if (line.description)
      assert.equal(
        joined(group.filter((segment) => segment.tag === 'IMD').flatMap((imd) => (imd.elements[2] ?? []).slice(3))),
        words(line.description.replaceAll('–', '-')),
        `${where}: description`,
      );
    const qty = only(group, 'QTY', '47');
    sameDecimal(value(qty, 0, 1), line.quantity, `${where}: quantity`);
    if (/^-?\d+(\.\d+)?$/.test(line.quantity ?? ''))
      assert.equal(value(qty, 0, 1), line.quantity, `${where}: quantity as the invoice writes it`);
    assert.equal(value(qty, 0, 2), UNIT[line.unitOfMeasure ?? ''] ?? line.unitOfMeasure, `${where}: unit`);
    sameAmount(value(only(group, 'MOA', '203'), 0, 1), line.lineAmount, currency, `${where}: line amount`);
    assert.equal(value(only(group, 'MOA', '203'), 0, 1), totals.lineNets[index], where);
    const pri = only(group, 'PRI');
    assert.equal(value(pri, 0), line.discount ? 'AAB' : 'AAA', where);
    sameDecimal(value(pri, 0, 1), line.unitPrice, `${where}: price`);
    if (/^-?\d+(\.\d+)?$/.test(line.unitPrice ?? ''))
      assert.equal(value(pri, 0, 1), line.unitPrice, `${where}: price as the invoice writes it`);
    // A PO line is referenced only with the PO it belongs to (C506 1154 with 1156).
    if (line.poLineNumber && invoice.poNumber)
      assert.deepEqual(only(group, 'RFF', 'ON').elements[0], ['ON', invoice.poNumber, line.poLineNumber], `${where}: PO line`);
    else assert.equal(qualified(group, 'RFF', 'ON').length, 0, `${where}: no PO, no PO line reference`);
    if (line.taxCode) {
      const tax = only(group, 'TAX', '7');
      assert.equal(value(tax, 1), TAX_TYPE[line.taxCode], where);
      sameDecimal(value(tax, 4, 3), line.taxRate ?? '0', `${where}: tax rate`);
      assert.equal(value(tax, 5), TAX_CATEGORY[line.taxCode], where);
    } else assert.equal(qualified(group, 'TAX', '7').length, 0, where);
  });

  // Summary: UNS, CNT, totals, one TAX with MOA+124 and MOA+125 per tax category and rate.
  const summary = segments.slice(tags.indexOf('UNS'));
  assert.deepEqual(only(summary, 'CNT').elements[0], ['2', String(invoice.lines.length)], label);
  const firstTax = summary.findIndex((segment) => segment.tag === 'TAX');
  const moneyTotals = summary.slice(0, firstTax === -1 ? summary.length : firstTax);
  const amount = (qualifier: string): string | undefined => value(only(moneyTotals, 'MOA', qualifier), 0, 1);
  assert.equal(amount('79'), totals.linesTotal, label);
  assert.equal(amount('125'), totals.taxExclusive, label);
  sameAmount(amount('176'), invoice.taxTotal ?? totals.taxTotal, currency, `${label}: tax total`);
  sameAmount(amount('77'), invoice.totalAmount ?? totals.payable, currency, `${label}: invoice amount`);
  if (invoice.charges?.length || invoice.allowances?.length)
    sameDecimal(amount('131'), new Money(totals.chargesTotal).minus(totals.allowancesTotal).toFixed(), `${label}: charges − allowances`);
  const taxes = qualified(summary, 'TAX', '7');
  for (const tax of qualified(segments, 'TAX', '7'))
    assert.ok(D96A_TAX_CATEGORIES.includes(value(tax, 5) ?? ''), `${label}: TAX category ${value(tax, 5)} is not in the D96A list of 5305`);
  const subtotals = totals.taxSubtotals.filter((subtotal) => subtotal.code !== '');
  assert.equal(taxes.length, subtotals.length, `${label}: tax subtotals`);
  subtotals.forEach((subtotal, index) => {
    const tax = taxes[index] as Segment;
    assert.equal(value(tax, 1), TAX_TYPE[subtotal.code], label);
    sameDecimal(value(tax, 4, 3), subtotal.rate, label);
    assert.equal(value(tax, 5), TAX_CATEGORY[subtotal.code], label);
    const [taxAmount, taxable] = [summary[summary.indexOf(tax) + 1], summary[summary.indexOf(tax) + 2]];
    assert.deepEqual(taxAmount?.elements[0], ['124', subtotal.tax], `${label}: tax of ${subtotal.code} ${subtotal.rate}`);
    assert.deepEqual(taxable?.elements[0], ['125', subtotal.taxable], `${label}: taxable of ${subtotal.code} ${subtotal.rate}`);
  });
  const subtotalTax = subtotals.reduce((sum, subtotal) => sum.plus(subtotal.tax), new Money(0));
  if (subtotals.length === totals.taxSubtotals.length) sameDecimal(amount('176'), subtotalTax.toFixed(), `${label}: Σ MOA+124 = MOA+176`);
}

test("every passing example, as EDIFACT INVOIC D96A with its customer's profile, is read back by ts-edifact as the invoice says", async () => {
  const orders = await purchaseOrders();
  const examples = await passingExamples();
  assert.equal(examples.length, 21);
  const customers = new Set<string>();
  for (const { label, invoice } of examples) {
    const profile = (await profiles.profile(invoice.customerId)).profile;
    const purchaseOrder = orders.find((order) => order.poNumber === invoice.poNumber && order.customerId === invoice.customerId);
    const text = await renderEdifact(invoice, profile, purchaseOrder);
    assert.ok(
      [...text].every((character) => character.charCodeAt(0) <= 0xff),
      `${label}: a character outside UNOC`,
    );
    assert.ok(text.startsWith("UNA:+.? 'UNB+UNOC:3+"), label);
    let interchange: Interchange;
    try {
      interchange = readInterchange(text);
    } catch (error) {
      assert.fail(`${label}: ts-edifact: ${(error as Error).message}\n${text.replaceAll("'", "'\n")}`);
    }
    assert.equal(interchange.directory, 'D96A', label);
    assertSays(interchange, invoice, profile, purchaseOrder, label);
    customers.add(`${invoice.customerId}:${profile.format.type}`);
  }
  // Customers on every format were rendered, not only the one that takes EDIFACT.
  assert.deepEqual([...new Set([...customers].map((entry) => entry.split(':')[1]))].sort(), [
    'cxml',
    'edifact-invoic',
    'pdf',
    'ubl',
    'x12-810',
  ]);
});

test("D.01B as an option (the profile's format.version): UNH names it and the D.01B tables of ts-edifact accept the message", async () => {
  const kessler = (await profiles.profile('kessler-automotive')).profile;
  const profile = { ...kessler, format: { ...kessler.format, version: 'D01B' } } as CustomerProfile;
  const [{ document: invoice }] = (await readAllDocuments(
    [join(ROOT, 'examples', 'invoices', 'kessler-automotive', 'CG-2026-10117.json')],
    'invoice',
  )) as [{ document: Invoice }];
  const purchaseOrder = (await purchaseOrders()).find((order) => order.poNumber === invoice.poNumber);
  const text = await renderEdifact(invoice, profile, purchaseOrder);
  assert.match(text, /UNH\+3001\+INVOIC:D:01B:UN'/);
  const interchange = readInterchange(text);
  assert.equal(interchange.directory, 'D01B');
  assertSays(interchange, invoice, profile, purchaseOrder, 'CG-2026-10117 D01B');
});

/** An invoice whose texts hold every EDIFACT separator and the release character. */
const SEPARATORS: Invoice = {
  invoiceNumber: "CG-2026+10'9?:1",
  customerId: 'kessler-automotive',
  issueDate: '2026-11-18',
  dueDate: '2027-01-17',
  currency: 'EUR',
  paymentTerms: 'NET60',
  poNumber: '4700094120',
  testMode: true,
  seller: {
    name: "O'Brien + Partner: Präzision? GmbH",
    gln: '4068194000004',
    taxId: 'DE298765431',
    address: { lines: ["Hof 2 + 3 'Nord'"], city: 'Stuttgart', postalCode: '70565', country: 'DE' },
    contact: { name: 'Sabine Kraus', phone: '+49 711 555 4400', email: 'a+b@calder.example.com' },
  },
  buyer: {
    name: 'Kessler Automotive Komponenten GmbH',
    gln: '4051234000003',
    taxId: 'DE812345674',
    address: { lines: ['Austraße 40'], city: 'Heilbronn', postalCode: '74076', country: 'DE' },
  },
  lines: [
    {
      lineNumber: '1',
      poLineNumber: '10',
      sku: 'CPS:FLN+0880',
      description:
        "Flansch 80 mm 'EN-GJS' 400+15: Größe? M8 – gedreht, mit sehr langer Beschreibung über drei Segmente hinaus: Teil 1 + Teil 2 + Teil 3 + Teil 4 + Teil 5 + Teil 6 + Teil 7",
      quantity: '2.5',
      unitOfMeasure: 'PCE',
      unitPrice: '0.842',
      lineAmount: '2.11',
      taxCode: 'S',
      taxRate: '19',
    },
  ],
  note: "Hinweis: 10 + 20 = 30? Ja, 'so' ist es.",
  taxTotal: '0.40',
  totalAmount: '2.51',
};

test('data holding + : \' ? is released with "?" and reads back from ts-edifact exactly', async () => {
  const profile = (await profiles.profile('kessler-automotive')).profile;
  const text = await renderEdifact(SEPARATORS, profile);
  assert.ok(text.includes("BGM+380+CG-2026?+10?'9???:1+9'"), text);
  assert.ok(text.includes("LIN+1++CPS?:FLN?+0880:SA'"), text);
  assert.ok(text.includes("COM+?+49 711 555 4400:TE'"), text);
  const interchange = readInterchange(text);
  const { segments } = interchange;
  assert.equal(value(only(segments, 'BGM'), 1), SEPARATORS.invoiceNumber);
  assert.deepEqual(only(segments, 'LIN').elements[2], ['CPS:FLN+0880', 'SA']);
  const seller = only(segments, 'NAD', sellerQualifierOf(profile));
  assert.equal(joined(seller.elements[3] ?? []), SEPARATORS.seller?.name);
  assert.deepEqual(seller.elements[4], ["Hof 2 + 3 'Nord'"]);
  assert.equal(value(only(segments, 'COM', '+49 711 555 4400'), 0, 1), 'TE');
  assert.equal(value(qualified(segments, 'COM', 'a+b@calder.example.com')[0], 0, 1), 'EM');
  assert.equal(joined(only(segments, 'FTX').elements[3] ?? []), SEPARATORS.note);
  // The description spans three IMD segments of two 35-character components; the en dash, which UNOC lacks, is a hyphen.
  const imds = segments.filter((segment) => segment.tag === 'IMD');
  assert.equal(imds.length, 3);
  for (const imd of imds) for (const piece of (imd.elements[2] ?? []).slice(3)) assert.ok(piece.length <= 35, piece);
  assert.equal(
    joined(imds.flatMap((imd) => (imd.elements[2] ?? []).slice(3))),
    words((SEPARATORS.lines[0]?.description ?? '').replace('–', '-')),
  );
  assert.equal(value(only(segments, 'UNB'), 10), '1', 'test indicator');
  assertSays(interchange, SEPARATORS, profile, undefined, 'separators');
});

test('another character repertoire as an option: UNOB (ISO 646, no accents, no "@") is what ts-edifact\'s UNOB accepts', async () => {
  const kessler = (await profiles.profile('kessler-automotive')).profile;
  const profile = {
    ...kessler,
    format: { ...kessler.format, options: { ...(kessler.format.options as Record<string, unknown>), syntaxIdentifier: 'UNOB' } },
  } as CustomerProfile;
  const [{ document: invoice }] = (await readAllDocuments(
    [join(ROOT, 'examples', 'invoices', 'kessler-automotive', 'CG-2026-10117.json')],
    'invoice',
  )) as [{ document: Invoice }];
  const { segments } = readInterchange(await renderEdifact(invoice, profile));
  assert.deepEqual(only(segments, 'UNB').elements[0], ['UNOB', '3']);
  assert.deepEqual(only(segments, 'NAD', 'BY').elements[4], ['Austrasse 40']);
  assert.equal(joined((only(segments, 'ALC', 'C').elements[4] ?? []).slice(3)), 'Frachtkosten Stuttgart-Zwickau');
  assert.deepEqual(
    segments.filter((segment) => segment.tag === 'COM').map((segment) => value(segment, 0, 1)),
    ['TE'],
    'the e-mail address, which UNOB cannot carry, is left out',
  );
});

test('the checks can fail: ts-edifact refuses a message out of order, a component too long, a letter in a number, an unreleased separator', async () => {
  const profile = (await profiles.profile('kessler-automotive')).profile;
  const [{ document: invoice }] = (await readAllDocuments(
    [join(ROOT, 'examples', 'invoices', 'kessler-automotive', 'CG-2026-10129.json')],
    'invoice',
  )) as [{ document: Invoice }];
  const text = await renderEdifact(invoice, profile);
  readInterchange(text);
  const swap = text.replace(/(CUX\+[^']*')(.*)(PAT\+[^']*'DTM\+13:[^']*')/, '$3$2$1');
  assert.notEqual(swap, text);
  assert.throws(() => readInterchange(swap), /A mandatory segment UNS is missing/, 'CUX after PAT');
  assert.throws(() => readInterchange(text.replace(/(NAD\+BY[^']*')/, "LIN+9'$1")), /A mandatory segment UNS is missing/, 'LIN before NAD');
  assert.throws(() => readInterchange(text.replace(/BGM\+[^']*'/, '')), /A mandatory segment BGM is missing/, 'no BGM');
  assert.throws(() => readInterchange(text.replace("UNS+S'", "UNS+S'XYZ+1'")), /No segment definition found for segment name XYZ/);
  assert.throws(() => readInterchange(text.replace('BGM+380+', `BGM+380+${'X'.repeat(30)}`)), /XCG-2026-10129 exceeds maximum length 35/);
  assert.throws(() => readInterchange(text.replace('MOA+79:', 'MOA+79:EUR')), /Invalid character E/);
  assert.throws(
    () => readInterchange(text.replace('Flansch 80 mm', 'Flansch 80+mm')),
    /'mm EN-GJS-400-15 exceeds maximum length 3/,
    'unreleased + in IMD',
  );
  assert.throws(() => readInterchange(text.replace('Austraße', 'Austra–e')), /Invalid character –/, 'outside UNOC');
});

test("amounts are the invoice's decimals, never floats: 3 decimal prices, many digits, KWD and JPY", async () => {
  const profile = (await profiles.profile('kessler-automotive')).profile;
  const base = {
    ...SEPARATORS,
    invoiceNumber: 'CG-2026-10199',
    testMode: false,
    note: undefined,
    seller: {
      ...SEPARATORS.seller,
      name: 'Calder Precision GmbH',
      address: { lines: ['Industriestraße 12'], city: 'Stuttgart', postalCode: '70565', country: 'DE' },
    },
  } as Invoice;
  const cases: Invoice[] = [
    {
      ...base,
      lines: [
        {
          lineNumber: '1',
          sku: 'A',
          description: 'Big',
          quantity: '3',
          unitOfMeasure: 'PCE',
          unitPrice: '3333333333.33',
          lineAmount: '9999999999.99',
          taxCode: 'S',
          taxRate: '19',
        },
        {
          lineNumber: '2',
          sku: 'B',
          description: 'Small',
          quantity: '0.1',
          unitOfMeasure: 'KGM',
          unitPrice: '0.1',
          lineAmount: '0.01',
          taxCode: 'S',
          taxRate: '19',
        },
      ],
      taxTotal: '1900000000.00',
      totalAmount: '11900000000.00',
    },
    {
      ...base,
      currency: 'KWD',
      lines: [
        {
          lineNumber: '1',
          sku: 'A',
          description: 'Kuwaiti',
          quantity: '7',
          unitOfMeasure: 'PCE',
          unitPrice: '0.105',
          lineAmount: '0.735',
          taxCode: 'Z',
          taxRate: '0',
        },
      ],
      taxTotal: '0.000',
      totalAmount: '0.735',
    },
    // The schema's decimals that EDIFACT numbers cannot be ("+2", ".5", "3."): written in canonical form.
    {
      ...base,
      lines: [
        {
          lineNumber: '1',
          sku: 'A',
          description: 'Odd',
          quantity: '+2',
          unitOfMeasure: 'PCE',
          unitPrice: '.5',
          lineAmount: '1.',
          taxCode: 'Z',
          taxRate: '0',
        },
      ],
      taxTotal: '0.00',
      totalAmount: '1.00',
    },
    {
      ...base,
      currency: 'JPY',
      lines: [
        {
          lineNumber: '1',
          sku: 'A',
          description: 'Yen',
          quantity: '3',
          unitOfMeasure: 'PCE',
          unitPrice: '1000',
          lineAmount: '3000',
          taxCode: 'S',
          taxRate: '10',
        },
      ],
      taxTotal: '300',
      totalAmount: '3300',
    },
  ];
  for (const invoice of cases) {
    const interchange = readInterchange(await renderEdifact(invoice, profile));
    assertSays(interchange, invoice, profile, undefined, `${invoice.currency} ${invoice.totalAmount}`);
  }
  // 0.1 + 0.2 in binary floating point is 0.30000000000000004; the line amounts here add up exactly.
  const tenths = {
    ...base,
    lines: [
      {
        lineNumber: '1',
        sku: 'A',
        description: 'a',
        quantity: '1',
        unitOfMeasure: 'PCE',
        unitPrice: '0.10',
        lineAmount: '0.10',
        taxCode: 'Z',
        taxRate: '0',
      },
      {
        lineNumber: '2',
        sku: 'B',
        description: 'b',
        quantity: '1',
        unitOfMeasure: 'PCE',
        unitPrice: '0.20',
        lineAmount: '0.20',
        taxCode: 'Z',
        taxRate: '0',
      },
    ],
    taxTotal: '0.00',
    totalAmount: '0.30',
  } as Invoice;
  const summary = readInterchange(await renderEdifact(tenths, profile)).segments;
  assert.equal(value(only(summary, 'MOA', '79'), 0, 1), '0.30');
});

test('a too long city is refused with the element named, not cut', async () => {
  const profile = (await profiles.profile('kessler-automotive')).profile;
  const invoice = {
    ...SEPARATORS,
    buyer: { ...SEPARATORS.buyer, address: { lines: ['Austraße 40'], city: 'X'.repeat(36), postalCode: '74076', country: 'DE' } },
  } as Invoice;
  await assert.rejects(
    renderEdifact(invoice, profile),
    (error: unknown) => error instanceof RenderError && /NAD\+BY city/.test(error.message),
  );
});

test('what D96A cannot carry is refused naming the element: a long party name piece, a character outside UNOC, syntax version 4', async () => {
  const profile = (await profiles.profile('kessler-automotive')).profile;
  const refused = async (invoice: Invoice, element: RegExp, usingProfile: CustomerProfile = profile) =>
    assert.rejects(renderEdifact(invoice, usingProfile), (error: unknown) => error instanceof RenderError && element.test(error.message));
  await refused(
    { ...SEPARATORS, buyer: { ...SEPARATORS.buyer, name: `${'Abcdefghij '.repeat(16)}${'X'.repeat(40)}` } } as Invoice,
    /NAD C080 3036 party name: .* more than the 35/,
  );
  await refused({ ...SEPARATORS, poNumber: 'PO\u20131' } as Invoice, /RFF.*"PO–1" contains "–" \(U\+2013\), which the UNOC character set/);
  const withOptions = (options: Record<string, unknown>) =>
    ({
      ...profile,
      format: { ...profile.format, options: { ...((profile.format as { options?: object }).options ?? {}), ...options } },
    }) as CustomerProfile;
  await refused(
    SEPARATORS as Invoice,
    /UNB S001 0002 syntax version .*: "4" is not a code this standard allows here/,
    withOptions({ syntaxVersion: '4' }),
  );
});

const GOLDEN_CASES: { file: string; golden: string; version?: string }[] = [
  { file: 'CG-2026-10117.json', golden: 'CG-2026-10117.edi' },
  { file: 'CG-2026-10129.json', golden: 'CG-2026-10129.edi' },
  { file: 'CPBV-26-00341.json', golden: 'CPBV-26-00341.edi' },
  { file: 'CG-2026-10129.json', golden: 'CG-2026-10129.d01b.edi', version: 'D01B' },
];

test('golden files: Kessler Automotive invoices as EDIFACT INVOIC D96A, and one in D01B', async () => {
  const kessler = (await profiles.profile('kessler-automotive')).profile;
  const orders = await purchaseOrders();
  for (const { file, golden, version } of GOLDEN_CASES) {
    const [{ document: invoice }] = (await readAllDocuments(
      [join(ROOT, 'examples', 'invoices', 'kessler-automotive', file)],
      'invoice',
    )) as [{ document: Invoice }];
    const profile = version ? ({ ...kessler, format: { ...kessler.format, version } } as CustomerProfile) : kessler;
    const text = await renderEdifact(
      invoice,
      profile,
      orders.find((order) => order.poNumber === invoice.poNumber),
    );
    readInterchange(text);
    assertGolden(join(GOLDEN, golden), text);
  }
});

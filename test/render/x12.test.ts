import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { X12Segment } from 'node-x12';
import { InputError, RenderError } from '../../src/model/errors.js';
import type { Invoice, PurchaseOrder } from '../../src/model/invoice.js';
import { Money } from '../../src/model/money.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { validateInvoices } from '../../src/pipeline/validate-invoices.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/index.js';
import { check } from '../support/check.js';
import { passingExamples } from '../support/examples.js';
import { assertGolden } from '../support/golden.js';
import { parse } from '../support/x12-reader.js';

/**
 * ANSI X12 810 version 004010. Every example invoice that passes our rules is rendered as an 810
 * with its customer's profile (customers on other formats get the template's placeholder ids)
 * and read back with node-x12's parser in strict mode, which checks the envelope itself (ISA
 * fixed length, IEA01/IEA02, GE01/GE02, SE01/SE02). Its reading must say what the invoice says,
 * field by field; the segment order is checked against the 004010 810 table, and the elements
 * against the data dictionary's requirement and lengths.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GOLDEN = join(ROOT, 'test', 'golden', 'x12-810');
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };

const profiles = new ProfileLibrary(join(ROOT, 'customer-profiles'));
/**
 * The customer's profile; for one of another format, its X12 interchange ids as a partner would
 * agree them (the template has no placeholders: a profile without them is refused).
 */
const profileOf = async (id: string): Promise<CustomerProfile> => asX12((await profiles.profile(id)).profile);
const asX12 = (profile: CustomerProfile): CustomerProfile =>
  profile.format.type === 'x12-810'
    ? profile
    : ({ ...profile, format: { type: 'x12-810', options: { senderId: 'SENDER', receiverId: 'RECEIVER' } } } as CustomerProfile);

let purchaseOrders: PurchaseOrder[] | undefined;
async function purchaseOrderFor(invoice: Invoice): Promise<PurchaseOrder | undefined> {
  purchaseOrders ??= (await readAllDocuments([join(ROOT, 'examples', 'purchase-orders')], 'purchase-order')).map(
    ({ document }) => document,
  );
  return purchaseOrders.find((po) => po.customerId === invoice.customerId && po.poNumber === invoice.poNumber);
}

async function render810(
  invoice: Invoice,
  profile: CustomerProfile,
  purchaseOrder?: PurchaseOrder,
): Promise<{ fileName: string; text: string }> {
  const document = await renderDocument({ invoice, profile, format: 'x12-810', controlNumbers: CONTROL, now: NOW, purchaseOrder });
  assert.equal(document.format, 'x12-810');
  assert.equal(document.mediaType, 'application/EDI-X12');
  assert.equal(typeof document.content, 'string');
  return { fileName: document.fileName, text: document.content as string };
}

const values = (segment: X12Segment): string[] => segment.elements.map((element) => element.value);
const element = (segment: X12Segment | undefined, position: number): string => segment?.elements[position - 1]?.value ?? '';
const compact = (date: string | undefined): string => (date ?? '').replaceAll('-', '');
/** Decimal equality of two numeric texts (never through binary floats). */
const sameAmount = (actual: string, expected: string | undefined, message: string): void =>
  assert.ok(expected !== undefined && new Money(actual).equals(new Money(expected)), `${message}: ${actual} ≠ ${expected}`);
/** An N2 element is the amount × 100. */
/** Free text as an X12 partner reads it: accents dropped, the usual German and typographic characters spelt in ASCII. */
const ASCII_SPELLING: Readonly<Record<string, string>> = {
  ß: 'ss',
  Ø: 'O',
  ø: 'o',
  Æ: 'AE',
  æ: 'ae',
  '–': '-',
  '—': '-',
  '„': '"',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '€': 'EUR',
};
const inX12Set = (text: string): string =>
  [...text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')].map((character) => ASCII_SPELLING[character] ?? character).join('');
const n2 = (text: string): string => new Money(text).dividedBy(100).toFixed();

/** The 004010 810 table (heading, IT1 detail loop, summary) with maximum uses: the order a validator checks. */
interface Node {
  readonly id: string;
  readonly max: number;
  readonly min?: number;
  readonly loop?: readonly Node[];
}
const N1_LOOP: readonly Node[] = [
  { id: 'N2', max: 2 },
  { id: 'N3', max: 2 },
  { id: 'N4', max: 1 },
  { id: 'REF', max: 12 },
  { id: 'PER', max: 3 },
  { id: 'DMG', max: 1 },
];
const TABLE_810: readonly Node[] = [
  { id: 'BIG', max: 1, min: 1 },
  { id: 'NTE', max: 100 },
  { id: 'CUR', max: 1 },
  { id: 'REF', max: 12 },
  { id: 'YNQ', max: 10 },
  { id: 'PER', max: 3 },
  { id: 'N1', max: 200, loop: N1_LOOP },
  { id: 'ITD', max: 999999 },
  { id: 'DTM', max: 10 },
  { id: 'FOB', max: 1 },
  { id: 'PID', max: 200 },
  { id: 'MEA', max: 40 },
  { id: 'PWK', max: 25 },
  { id: 'PKG', max: 25 },
  { id: 'L7', max: 1 },
  {
    id: 'IT1',
    max: 200000,
    loop: [
      { id: 'CRC', max: 1 },
      { id: 'QTY', max: 5 },
      { id: 'CUR', max: 1 },
      { id: 'IT3', max: 5 },
      { id: 'TXI', max: 10 },
      { id: 'CTP', max: 25 },
      { id: 'PAM', max: 10 },
      { id: 'MEA', max: 40 },
      { id: 'PID', max: 1000, loop: [{ id: 'MEA', max: 10 }] },
      { id: 'PWK', max: 25 },
      { id: 'PKG', max: 25 },
      { id: 'PO4', max: 1 },
      { id: 'ITD', max: 2 },
      { id: 'REF', max: 999999 },
      { id: 'YNQ', max: 10 },
      { id: 'PER', max: 5 },
      { id: 'SDQ', max: 500 },
      { id: 'DTM', max: 10 },
      { id: 'CAD', max: 999999 },
      { id: 'L7', max: 999999 },
      { id: 'SR', max: 1 },
      { id: 'SAC', max: 25, loop: [{ id: 'TXI', max: 10 }] },
      { id: 'N1', max: 200, loop: N1_LOOP },
    ],
  },
  { id: 'TDS', max: 1, min: 1 },
  { id: 'TXI', max: 10 },
  { id: 'CAD', max: 1 },
  { id: 'AMT', max: 999999 },
  { id: 'SAC', max: 25, loop: [{ id: 'TXI', max: 10 }] },
  { id: 'ISS', max: 999999, loop: [{ id: 'PID', max: 1 }] },
  { id: 'CTT', max: 1 },
];

/** Match the tags against the table; returns the position after the last matched tag. */
function matchTable(nodes: readonly Node[], tags: readonly string[], start: number): number {
  let position = start;
  for (const node of nodes) {
    let uses = 0;
    while (tags[position] === node.id) {
      uses += 1;
      assert.ok(uses <= node.max, `${node.id} used more than ${node.max} times at segment ${position + 1}`);
      position = node.loop ? matchTable(node.loop, tags, position + 1) : position + 1;
    }
    assert.ok(uses >= (node.min ?? 0), `${node.id} is mandatory (before segment ${position + 1}: ${tags[position]})`);
  }
  return position;
}

/**
 * The elements of each segment the template writes, from the 004010 data dictionary:
 * [requirement, min, max] with M mandatory, O optional or conditional. R and N2 lengths count
 * digits only (a sign and a decimal point are not counted).
 */
type Rule = readonly ['M' | 'O', number, number, ('AN' | 'ID' | 'DT' | 'TM' | 'R' | 'N0' | 'N2')?];
const DICTIONARY: Readonly<Record<string, readonly Rule[]>> = {
  ST: [
    ['M', 3, 3, 'ID'],
    ['M', 4, 9],
  ],
  BIG: [
    ['M', 8, 8, 'DT'],
    ['M', 1, 22],
    ['O', 8, 8, 'DT'],
    ['O', 1, 22],
    ['O', 1, 30],
    ['O', 1, 8],
    ['O', 2, 2, 'ID'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 2, 'ID'],
    ['O', 1, 22],
  ],
  NTE: [
    ['O', 3, 3, 'ID'],
    ['M', 1, 80],
  ],
  CUR: [
    ['M', 2, 3, 'ID'],
    ['M', 3, 3, 'ID'],
  ],
  REF: [
    ['M', 2, 3, 'ID'],
    ['O', 1, 30],
    ['O', 1, 80],
  ],
  N1: [
    ['M', 2, 3, 'ID'],
    ['O', 1, 60],
    ['O', 1, 2, 'ID'],
    ['O', 2, 80],
  ],
  N3: [
    ['M', 1, 55],
    ['O', 1, 55],
  ],
  N4: [
    ['O', 2, 30],
    ['O', 2, 2, 'ID'],
    ['O', 3, 15, 'ID'],
    ['O', 2, 3, 'ID'],
  ],
  PER: [
    ['M', 2, 2, 'ID'],
    ['O', 1, 60],
    ['O', 2, 2, 'ID'],
    ['O', 1, 80],
    ['O', 2, 2, 'ID'],
    ['O', 1, 80],
  ],
  ITD: [
    ['O', 2, 2, 'ID'],
    ['O', 1, 2, 'ID'],
    ['O', 1, 6, 'R'],
    ['O', 8, 8, 'DT'],
    ['O', 1, 3, 'N0'],
    ['O', 8, 8, 'DT'],
    ['O', 1, 3, 'N0'],
  ],
  IT1: [
    ['O', 1, 20],
    ['O', 1, 10, 'R'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 17, 'R'],
    ['O', 2, 2, 'ID'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 48],
  ],
  TXI: [
    ['M', 2, 2, 'ID'],
    ['O', 1, 18, 'R'],
    ['O', 1, 10, 'R'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 10],
    ['O', 1, 1, 'ID'],
    ['O', 1, 1, 'ID'],
    ['O', 1, 9, 'R'],
  ],
  PID: [
    ['M', 1, 1, 'ID'],
    ['O', 2, 3, 'ID'],
    ['O', 2, 3, 'ID'],
    ['O', 1, 12],
    ['O', 1, 80],
  ],
  DTM: [
    ['M', 3, 3, 'ID'],
    ['O', 8, 8, 'DT'],
  ],
  TDS: [
    ['M', 1, 15, 'N2'],
    ['O', 1, 15, 'N2'],
    ['O', 1, 15, 'N2'],
    ['O', 1, 15, 'N2'],
  ],
  SAC: [
    ['M', 1, 1, 'ID'],
    ['O', 4, 4, 'ID'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 10],
    ['O', 1, 15, 'N2'],
    ['O', 1, 1, 'ID'],
    ['O', 1, 6, 'R'],
    ['O', 1, 9, 'R'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 15, 'R'],
    ['O', 1, 15, 'R'],
    ['O', 2, 2, 'ID'],
    ['O', 1, 30],
    ['O', 1, 20],
    ['O', 1, 80],
  ],
  CTT: [
    ['M', 1, 6, 'N0'],
    ['O', 1, 10, 'R'],
  ],
  SE: [
    ['M', 1, 10, 'N0'],
    ['M', 4, 9],
  ],
};
const NUMERIC: Readonly<Record<string, RegExp>> = {
  R: /^-?(\d+\.?\d*|\.\d+)$/,
  N0: /^-?\d+$/,
  N2: /^-?\d+$/,
  DT: /^\d{8}$/,
  TM: /^\d{4,8}$/,
};

function assertDictionary(segment: X12Segment): void {
  const rules = DICTIONARY[segment.tag];
  assert.ok(rules, `no dictionary entry for ${segment.tag}`);
  assert.ok(segment.elements.length <= rules.length, `${segment.tag} has ${segment.elements.length} elements`);
  assert.notEqual(segment.elements.at(-1)?.value, '', `${segment.tag} ends with an empty element`);
  rules.forEach(([requirement, min, max, type], index) => {
    const name = `${segment.tag}${String(index + 1).padStart(2, '0')}`;
    const value = element(segment, index + 1);
    if (value === '') {
      assert.notEqual(requirement, 'M', `${name} is mandatory`);
      return;
    }
    const length = type === 'R' || type === 'N0' || type === 'N2' ? value.replace(/[-.]/g, '').length : value.length;
    assert.ok(length >= min && length <= max, `${name} "${value}": length ${length} outside ${min}..${max}`);
    if (type && NUMERIC[type]) assert.match(value, NUMERIC[type], `${name} "${value}" is not of type ${type}`);
    if (type === 'ID' || type === undefined) assert.match(value, /^[^\s].*$|^$/, `${name} starts with a space`);
  });
}

/** Code values the template may use, from the 004010 code lists of each element. */
const CODES: Readonly<Record<string, readonly string[]>> = {
  BIG07: ['CR'],
  CUR01: ['BY', 'SE'],
  REF01: ['IA', 'VR', 'OI'],
  N101: ['BT', 'ST', 'RI', 'SE'],
  N103: ['92', 'UL'],
  PER01: ['IC'],
  PER03: ['TE'],
  PER05: ['EM'],
  ITD01: ['01', '05'],
  ITD02: ['3'],
  IT103: ['EA', 'CA', 'PK', 'DZ', 'HR', 'PC', 'DA', 'KG', 'LB'],
  IT106: ['VP'],
  TXI01: ['VA', 'LS', 'ST', 'ZZ'],
  TXI06: ['0', '1', '2'],
  PID01: ['F'],
  DTM01: ['150', '151'],
  SAC01: ['A', 'C'],
  SAC02: ['C000', 'C310', 'D240', 'ZZZZ'],
  NTE01: ['GEN'],
};
function assertCodes(segment: X12Segment): void {
  segment.elements.forEach(({ value }, index) => {
    const name = `${segment.tag}${String(index + 1).padStart(2, '0')}`;
    if (value !== '' && CODES[name]) assert.ok(CODES[name].includes(value), `${name} "${value}" is not one of ${CODES[name].join(', ')}`);
  });
}

/** The ISA's elements at their fixed widths (ISA01 … ISA16). */
const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
const X12_UNIT: Readonly<Record<string, string>> = { EA: 'EA', CA: 'CA', HR: 'HR', HUR: 'HR', H87: 'PC', PCE: 'PC' };

/**
 * Everything a reader of the 810 can check against the invoice: the envelope, BIG, the parties,
 * the terms, each IT1 with its PID, the totals and the counts.
 */
async function assertReadsAsInvoice(
  text: string,
  invoice: Invoice,
  profile: CustomerProfile,
  purchaseOrder: PurchaseOrder | undefined,
): Promise<void> {
  const interchange = parse(text);
  const options = profile.format.type === 'x12-810' ? ((profile.format.options ?? {}) as Record<string, string>) : {};
  const terminator = options.segmentTerminator ?? '~';

  // Interchange: 16 elements at fixed widths, 106 characters with its terminator.
  const isa = text.slice(0, text.indexOf(terminator));
  assert.equal(isa.length + terminator.length, 106, 'ISA is 106 characters long');
  const isaElements = isa.split(options.elementSeparator ?? '*').slice(1);
  assert.deepEqual(
    isaElements.map((value) => value.length),
    ISA_WIDTHS,
  );
  assert.deepEqual(isaElements.slice(0, 4), ['00', ' '.repeat(10), '00', ' '.repeat(10)]);
  assert.equal(isaElements[4], options.senderQualifier ?? 'ZZ');
  assert.equal(isaElements[5], (options.senderId ?? 'SENDER').padEnd(15));
  assert.equal(isaElements[6], options.receiverQualifier ?? 'ZZ');
  assert.equal(isaElements[7], (options.receiverId ?? 'RECEIVER').padEnd(15));
  assert.deepEqual(isaElements.slice(8, 16), [
    '261120',
    '1000',
    'U',
    '00401',
    '000001001',
    '0',
    invoice.testMode ? 'T' : 'P',
    options.subElementSeparator ?? '>',
  ]);
  const iea = interchange.trailer;
  assert.deepEqual(values(iea), ['1', '1001'], 'IEA01 one group; IEA02 = ISA13 (node-x12 reads both as numbers)');
  assert.ok(
    text.endsWith(`IEA${options.elementSeparator ?? '*'}1${options.elementSeparator ?? '*'}000001001${terminator}`),
    'IEA02 written as ISA13, 9 digits',
  );

  // Group.
  assert.equal(interchange.functionalGroups.length, 1);
  const [group] = interchange.functionalGroups;
  assert.ok(group);
  assert.deepEqual(values(group.header), [
    'IN',
    options.gsSenderId ?? options.senderId ?? 'SENDER',
    options.gsReceiverId ?? options.receiverId ?? 'RECEIVER',
    '20261120',
    '1000',
    '2001',
    'X',
    '004010',
  ]);
  assert.deepEqual(values(group.trailer), ['1', '2001'], 'GE01 one transaction; GE02 = GS06');

  // Transaction set: SE01 is the real number of segments from ST to SE.
  assert.equal(group.transactions.length, 1);
  const [transaction] = group.transactions;
  assert.ok(transaction);
  assert.deepEqual(values(transaction.header), ['810', '3001']);
  assert.deepEqual(values(transaction.trailer), [String(transaction.segments.length + 2), '3001']);
  const rawSegments = text.split(terminator).filter((segment) => segment.trim() !== '');
  const st = rawSegments.findIndex((segment) => segment.trim().startsWith(`ST${options.elementSeparator ?? '*'}`));
  const se = rawSegments.findIndex((segment) => segment.trim().startsWith(`SE${options.elementSeparator ?? '*'}`));
  assert.equal(element(transaction.trailer, 1), String(se - st + 1), 'SE01 counts ST to SE inclusive');

  // X12's basic and extended character sets: printable ASCII only, whatever the invoice spells.
  assert.match(text, /^[\x20-\x7e\n]*$/, 'characters outside the X12 character sets');

  const segments = transaction.segments;
  assert.equal(
    matchTable(
      TABLE_810,
      segments.map((segment) => segment.tag),
      0,
    ),
    segments.length,
    `segments out of the 004010 810 order: ${segments.map((segment) => segment.tag).join(' ')}`,
  );
  for (const segment of [transaction.header, ...segments, transaction.trailer]) {
    assertDictionary(segment);
    assertCodes(segment);
  }
  const all = (tag: string) => segments.filter((segment) => segment.tag === tag);
  const one = (tag: string, first = (segment: X12Segment) => segment.tag === tag) => segments.find(first);

  // BIG, notes, currency, references.
  const big = one('BIG');
  assert.equal(element(big, 1), compact(invoice.issueDate));
  assert.equal(element(big, 2), invoice.invoiceNumber);
  assert.equal(element(big, 3), compact(purchaseOrder?.issueDate));
  assert.equal(element(big, 4), invoice.poNumber ?? '');
  assert.equal(element(big, 7), invoice.documentType === 'credit-note' ? 'CR' : '');
  assert.equal(
    all('NTE')
      .map((nte) => element(nte, 2))
      .join(' '),
    inX12Set(invoice.note ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  assert.deepEqual(values(one('CUR') as X12Segment), ['SE', invoice.currency]);
  const references = all('REF').map(values);
  assert.deepEqual(references, [
    ...(options.vendorNumber ? [['IA', options.vendorNumber]] : []),
    ...(invoice.billingReference ? [['OI', invoice.billingReference]] : []),
  ]);

  // Parties: N1 with its qualifier and id, N3 and N4 from the address.
  const parties: [string, Invoice['seller']][] = [
    ['BT', invoice.buyer],
    ['ST', invoice.shipTo],
    ['RI', invoice.remitTo],
    ['SE', invoice.seller],
  ];
  const present = parties.filter(([, party]) => party !== undefined);
  assert.deepEqual(
    all('N1').map((n1) => element(n1, 1)),
    present.map(([code]) => code),
  );
  for (const [code, party] of present) {
    const at = segments.findIndex((segment) => segment.tag === 'N1' && element(segment, 1) === code);
    const n1 = segments[at] as X12Segment;
    assert.equal(element(n1, 2), inX12Set(party?.name ?? ''));
    assert.deepEqual([element(n1, 3), element(n1, 4)], party?.gln ? ['UL', party.gln] : party?.id ? ['92', party.id] : ['', '']);
    const loop = segments.slice(
      at + 1,
      segments.findIndex((segment, index) => index > at && !['N2', 'N3', 'N4', 'REF', 'PER'].includes(segment.tag)),
    );
    assert.deepEqual(loop.filter((segment) => segment.tag === 'N3').flatMap(values), (party?.address?.lines ?? []).map(inX12Set));
    const n4 = loop.find((segment) => segment.tag === 'N4');
    if (party?.address?.city)
      assert.deepEqual(
        [element(n4, 1), element(n4, 3), element(n4, 4)],
        [inX12Set(party.address.city), party.address.postalCode ?? '', party.address.country ?? ''],
      );
  }

  // Terms: NETn in ITD07, the due date in ITD06.
  const itd = one('ITD');
  // 004010: with ITD01 05, ITD06 or ITD07 is required; terms with neither are not sent.
  if (invoice.paymentTerms && (/^NET ?\d{1,3}$/.test(invoice.paymentTerms) || invoice.dueDate)) {
    assert.equal(element(itd, 1), '05');
    assert.equal(element(itd, 6), compact(invoice.dueDate));
    assert.equal(element(itd, 7), /^NET ?(\d+)$/.exec(invoice.paymentTerms)?.[1] ?? '');
  } else {
    assert.equal(itd, undefined);
  }

  // Lines: one IT1 per line, quantity and price as decimals, the unit, the item; its PID.
  const it1s = all('IT1');
  assert.equal(it1s.length, invoice.lines.length);
  invoice.lines.forEach((line, index) => {
    const it1 = it1s[index] as X12Segment;
    const label = `line ${index + 1}`;
    assert.equal(element(it1, 1), line.poLineNumber ?? line.lineNumber ?? String(index + 1), `${label} IT101`);
    sameAmount(element(it1, 2), line.quantity, `${label} IT102 quantity`);
    assert.equal(element(it1, 3), X12_UNIT[line.unitOfMeasure ?? ''], `${label} IT103 unit`);
    sameAmount(element(it1, 4), line.unitPrice, `${label} IT104 unit price`);
    assert.deepEqual([element(it1, 6), element(it1, 7)], ['VP', line.sku ?? '']);
    const start = segments.indexOf(it1);
    const loop = segments.slice(
      start + 1,
      segments.findIndex((segment, at) => at > start && ['IT1', 'TDS'].includes(segment.tag)),
    );
    assert.deepEqual(
      loop.filter((segment) => segment.tag === 'PID').map(values),
      line.description ? [['F', '', '', '', inX12Set(line.description)]] : [],
    );
    const txi = loop.find((segment) => segment.tag === 'TXI');
    if (line.taxRate !== undefined && line.taxCode !== undefined) sameAmount(element(txi, 3), line.taxRate, `${label} TXI03`);
    else assert.equal(txi, undefined);
    assert.deepEqual(loop.filter((segment) => segment.tag === 'DTM').map(values), [
      ...(line.serviceStart ? [['150', compact(line.serviceStart)]] : []),
      ...(line.serviceEnd ? [['151', compact(line.serviceEnd)]] : []),
    ]);
  });
  assert.equal(element(one('CTT'), 1), String(it1s.length), 'CTT01 = number of IT1 segments');

  // Summary: the total in N2, the tax, charges and allowances.
  sameAmount(n2(element(one('TDS'), 1)), invoice.totalAmount, 'TDS01');
  const tdsAt = segments.findIndex((segment) => segment.tag === 'TDS');
  const summary = segments.slice(tdsAt + 1);
  const taxes = summary.filter((segment) => segment.tag === 'TXI');
  if (invoice.taxTotal !== undefined && invoice.lines.some((line) => line.taxCode)) {
    const taxTotal = taxes.reduce((total, txi) => total.plus(new Money(element(txi, 2))), new Money(0));
    sameAmount(taxTotal.toFixed(), invoice.taxTotal, 'TXI02 sum = tax total');
  } else {
    assert.deepEqual(taxes, []);
  }
  const sacs = summary.filter((segment) => segment.tag === 'SAC');
  const expectedSacs: [string, NonNullable<Invoice['charges']>[number]][] = [
    ...(invoice.charges ?? []).map((charge) => ['C', charge] as [string, typeof charge]),
    ...(invoice.allowances ?? []).map((allowance) => ['A', allowance] as [string, typeof allowance]),
  ];
  assert.equal(sacs.length, expectedSacs.length);
  expectedSacs.forEach(([indicator, item], index) => {
    const sac = sacs[index] as X12Segment;
    assert.equal(element(sac, 1), indicator);
    sameAmount(n2(element(sac, 5)), item.amount, `SAC05 #${index + 1}`);
    assert.equal(element(sac, 15), inX12Set(item.description ?? ''));
  });
}

async function exampleInvoice(file: string, invoiceNumber: string): Promise<Invoice> {
  const found = (await readAllDocuments([join(ROOT, 'examples', 'invoices', file)], 'invoice')).find(
    ({ document }) => document.invoiceNumber === invoiceNumber,
  );
  assert.ok(found, `${invoiceNumber} not in ${file}`);
  return found.document;
}

test('every example invoice that passes our rules renders as an 810 that node-x12 reads back as the invoice', async (t) => {
  const examples = await passingExamples();
  assert.equal(examples.length, 21);
  for (const { label, invoice } of examples) {
    await t.test(label, async () => {
      const profile = await profileOf(invoice.customerId);
      const purchaseOrder = await purchaseOrderFor(invoice);
      const { fileName, text } = await render810(invoice, profile, purchaseOrder);
      assert.ok(fileName.startsWith(invoice.invoiceNumber.replace(/[^A-Za-z0-9._-]/g, '_')) && fileName.endsWith('.x12'), fileName);
      await assertReadsAsInvoice(text, invoice, profile, purchaseOrder);
    });
  }
});

test('golden files: Brightwater invoices as their translator receives them', async (t) => {
  const profile = await profileOf('brightwater-home');
  const cases: [string, string][] = [
    ['brightwater-home/CP-2610-0391.json', 'CP-2610-0391'], // a defective-merchandise allowance
    ['brightwater-home/CP-2611-0409.json', 'CP-2611-0409'], // freight, prepay and add
    ['brightwater-home/810-export-2026-11-18.jsonl', 'CP-2611-0449'], // plain, three lines
  ];
  for (const [file, invoiceNumber] of cases) {
    await t.test(invoiceNumber, async () => {
      const invoice = await exampleInvoice(file, invoiceNumber);
      const purchaseOrder = await purchaseOrderFor(invoice);
      assert.ok(purchaseOrder, `the PO of ${invoiceNumber}`);
      const { text } = await render810(invoice, profile, purchaseOrder);
      // Compared segment by segment, so a difference shows as one line.
      assertGolden(join(GOLDEN, `${invoiceNumber}.x12`), text, '~');
    });
  }
  const withAllowance = readFileSync(join(GOLDEN, 'CP-2610-0391.x12'), 'utf8');
  assert.match(withAllowance, /~SAC\*A\*C000\*\*\*8928\*{10}Defective merchandise allowance 2%~/);
  assert.match(
    readFileSync(join(GOLDEN, 'CP-2611-0409.x12'), 'utf8'),
    /~TDS\*360090~SAC\*C\*D240\*\*\*14850\*{10}Freight, prepay and add~CTT\*2~/,
  );
});

test('a credit note is an 810 with BIG07 CR and REF*OI naming the credited invoice', async () => {
  const invoice = await exampleInvoice('meridian-aerospace/CM-2611-0031.json', 'CM-2611-0031');
  const { text } = await render810(invoice, await profileOf('meridian-aerospace'), await purchaseOrderFor(invoice));
  const [transaction] = parse(text).functionalGroups[0]?.transactions ?? [];
  assert.ok(transaction);
  assert.deepEqual(values(transaction.segments[0] as X12Segment), ['20261118', 'CM-2611-0031', '20260915', '4500018834', '', '', 'CR']);
  assert.deepEqual(transaction.segments.filter((segment) => segment.tag === 'REF').map(values), [['OI', 'CP-2611-0412']]);
});

test('data holding a separator is refused, naming the element, and the profile rule catches the invoice first', async () => {
  const profile = await profileOf('brightwater-home');
  const jsonl = join(ROOT, 'examples', 'invoices', 'brightwater-home', '810-export-2026-11-18.jsonl');
  const withTilde = await exampleInvoice('brightwater-home/810-export-2026-11-18.jsonl', 'CP-2611-0450');
  assert.match(withTilde.lines[0]?.description ?? '', /~/);

  await assert.rejects(render810(withTilde, profile), (error: unknown) => {
    assert.ok(error instanceof RenderError);
    assert.equal(error.code, 'RENDER_REFUSED');
    assert.match(error.message, /^invoice CP-2611-0450: PID05: "Hose nozzle, 8-pattern, brass 5\/8"~3\/4" thread" contains "~"/);
    return true;
  });

  // The validation pipeline holds the same invoice back with the profile's rule.
  const results = [];
  for await (const result of validateInvoices({
    paths: [jsonl],
    profilesDirectory: join(ROOT, 'customer-profiles'),
    poPaths: [join(ROOT, 'examples', 'purchase-orders')],
    today: '2026-11-20',
  }))
    results.push(result);
  const held = results.find((result) => result.invoiceNumber === 'CP-2611-0450');
  assert.ok(held);
  assert.equal(held.ok, false);
  assert.deepEqual(
    held.findings.filter((finding) => finding.rule === 'line-description-pattern').map((finding) => [finding.severity, finding.path]),
    [['error', '/lines/0/description']],
  );

  // An element separator in a description: refused when rendering, caught by the rule before.
  const [first, ...rest] = (await exampleInvoice('brightwater-home/810-export-2026-11-18.jsonl', 'CP-2611-0449')).lines;
  assert.ok(first);
  const withStar: Invoice = {
    ...(await exampleInvoice('brightwater-home/810-export-2026-11-18.jsonl', 'CP-2611-0449')),
    lines: [{ ...first, description: 'Hose nozzle *brass*' }, ...rest],
  };
  await assert.rejects(
    render810(withStar, profile),
    (error: unknown) => error instanceof RenderError && /: PID05: "Hose nozzle \*brass\*" contains "\*"/.test(error.message),
  );
  const po = await purchaseOrderFor(withStar);
  assert.ok(po);
  const findings = await check(profile, withStar, { po });
  assert.deepEqual(
    findings.map((finding) => [finding.rule, finding.path]),
    [['line-description-pattern', '/lines/0/description']],
  );
});

test('a description longer than PID05 takes is refused, as the profile rule predicts', async () => {
  const profile = await profileOf('brightwater-home');
  const tooLong = await exampleInvoice('brightwater-home/810-export-2026-11-18.jsonl', 'CP-2611-0451');
  await assert.rejects(
    render810(tooLong, profile),
    /invoice CP-2611-0451: PID05: .* is 109 characters, more than the 80 the standard allows/,
  );
});

/** A small invoice in any currency; amounts are text with that currency's decimals. */
function invoiceIn(currency: string, unitPrice: string, lineAmount: string, charge: string, total: string): Invoice {
  return {
    invoiceNumber: `INV-${currency}-1`,
    customerId: 'brightwater-home',
    issueDate: '2026-11-10',
    dueDate: '2027-01-09',
    currency,
    poNumber: '30418876',
    paymentTerms: 'NET60',
    buyer: { name: 'Buyer Co', id: 'B1' },
    lines: [{ lineNumber: '1', sku: 'SKU-1', description: 'Widget', quantity: '3', unitOfMeasure: 'EA', unitPrice, lineAmount }],
    charges: [{ code: 'FREIGHT', description: 'Freight', amount: charge }],
    taxTotal: '0',
    totalAmount: total,
  } as Invoice;
}

test('TDS01 and SAC05 carry two implied decimals whatever the currency: JPY (0 decimals), KWD (3 decimals)', async () => {
  const profile = await profileOf('brightwater-home');
  const amounts = async (invoice: Invoice) => {
    const { text } = await render810(invoice, profile);
    await assertReadsAsInvoice(text, invoice, profile, undefined);
    const segments = parse(text).functionalGroups[0]?.transactions[0]?.segments ?? [];
    return {
      tds: element(
        segments.find((segment) => segment.tag === 'TDS'),
        1,
      ),
      sac: element(
        segments.find((segment) => segment.tag === 'SAC'),
        5,
      ),
      it104: element(
        segments.find((segment) => segment.tag === 'IT1'),
        4,
      ),
    };
  };
  // JPY 12,345 is 1234500 in N2 (not 12345, which would read as 123.45).
  assert.deepEqual(await amounts(invoiceIn('JPY', '4000', '12000', '345', '12345')), { tds: '1234500', sac: '34500', it104: '4000' });
  // KWD with a zero third decimal: exact in N2.
  assert.deepEqual(await amounts(invoiceIn('KWD', '1.250', '3.750', '0.500', '4.250')), { tds: '425', sac: '50', it104: '1.25' });
  // KWD 0.505 cannot be written in N2 without rounding away 5 fils: refused, never rounded.
  await assert.rejects(
    render810(invoiceIn('KWD', '1.255', '3.765', '0.505', '4.270'), profile),
    (error: unknown) =>
      error instanceof RenderError && /^invoice INV-KWD-1: SAC05 \(charge\): 0\.505 has more decimals than the 2/.test(error.message),
  );
  await assert.rejects(
    render810(invoiceIn('KWD', '1.251', '3.753', '0.500', '4.253'), profile),
    (error: unknown) =>
      error instanceof RenderError && /^invoice INV-KWD-1: TDS01: 4\.253 has more decimals than the 2/.test(error.message),
  );
});

test('ISA15 is T for an invoice sent as a test document', async () => {
  const invoice = { ...(await exampleInvoice('brightwater-home/CP-2611-0409.json', 'CP-2611-0409')), testMode: true };
  const profile = await profileOf('brightwater-home');
  const { text } = await render810(invoice, profile);
  assert.equal(parse(text).header.elements[14]?.value, 'T');
  await assertReadsAsInvoice(text, invoice, profile, undefined);
});

test('separators come from the profile; node-x12 finds them in the ISA', async () => {
  const base = await profileOf('brightwater-home');
  const options = {
    ...(base.format.options as Record<string, unknown>),
    elementSeparator: '|',
    subElementSeparator: '^',
    segmentTerminator: '\n',
  };
  const profile = { ...base, format: { ...base.format, options } } as CustomerProfile;
  const invoice = await exampleInvoice('brightwater-home/CP-2610-0391.json', 'CP-2610-0391');
  const { text } = await render810(invoice, profile, await purchaseOrderFor(invoice));
  assert.match(text, /^ISA\|00\|/);
  assert.equal(text.split('\n')[0]?.at(-1), '^', 'ISA16');
  await assertReadsAsInvoice(text, invoice, profile, await purchaseOrderFor(invoice));
  // The same data holds no "*" now, but a "|" in it is refused.
  const [first, ...rest] = invoice.lines;
  assert.ok(first);
  await assert.rejects(
    render810({ ...invoice, lines: [{ ...first, description: 'Nozzle | brass' }, ...rest] }, profile),
    /PID05: "Nozzle \| brass" contains "\|"/,
  );
});

test('identifiers longer than the ISA takes are refused; a customer without X12 ids is refused, naming them; ids shorter than the ISA are padded to full width', async () => {
  const base = await profileOf('brightwater-home');
  const invoice = await exampleInvoice('brightwater-home/CP-2611-0409.json', 'CP-2611-0409');
  const longId = {
    ...base,
    format: { ...base.format, options: { ...(base.format.options as Record<string, unknown>), senderId: 'CALDERPRECISION1' } },
  } as CustomerProfile;
  await assert.rejects(render810(invoice, longId), /invoice CP-2611-0409: ISA06: "CALDERPRECISION1" is 16 characters, more than the 15/);

  const pdfInvoice = await exampleInvoice('pinecrest-brewing/CP-2611-0414.json', 'CP-2611-0414');
  const pdfOnly = (await profiles.profile('pinecrest-brewing')).profile;
  await assert.rejects(
    render810(pdfInvoice, pdfOnly),
    (error: unknown) =>
      error instanceof InputError &&
      /\/format\/options\/senderId is required to write x12-810/.test(error.message) &&
      /\/format\/options\/receiverId/.test(error.message) &&
      /pinecrest-brewing/.test(error.message),
  );
  const pdfCustomer = await profileOf('pinecrest-brewing');
  const { text } = await render810(pdfInvoice, pdfCustomer);
  assert.equal(
    text.slice(0, 106),
    'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1000*U*00401*000001001*0*P*>~',
  );
});

test('a long note is wrapped over NTE segments of at most 80 characters; one too long to wrap in five is refused', async () => {
  const profile = await profileOf('brightwater-home');
  const invoice = await exampleInvoice('brightwater-home/CP-2611-0409.json', 'CP-2611-0409');
  const note =
    'Delivered in two parts because the Joliet DC dock was closed on the planned day; second part with the carrier Swift, PRO 4417-2230.';
  const { text } = await render810({ ...invoice, note }, profile);
  const notes =
    parse(text)
      .functionalGroups[0]?.transactions[0]?.segments.filter((segment) => segment.tag === 'NTE')
      .map((segment) => element(segment, 2)) ?? [];
  assert.equal(notes.length, 2);
  assert.ok(notes.every((line) => line.length <= 80));
  assert.equal(notes.join(' '), note);
  await assert.rejects(
    render810({ ...invoice, note: 'word '.repeat(100) }, profile),
    /invoice CP-2611-0409: NTE02: .* more than the 80 the standard allows/,
  );
});

test('paths the examples do not take: line discount, service period, several tax rates, GLNs, three address lines, coded charges', async () => {
  const profile = await profileOf('brightwater-home');
  const address = { lines: ['Halle 4', 'Tor 2', 'Rampe 7'], city: 'Stuttgart', postalCode: '70565', country: 'DE' };
  const invoice = {
    invoiceNumber: 'INV-PATHS-1',
    customerId: 'brightwater-home',
    issueDate: '2026-11-10',
    dueDate: '2026-12-10',
    currency: 'EUR',
    poNumber: '30418876',
    paymentTerms: 'NET30',
    seller: {
      name: 'Seller GmbH',
      gln: '4068194000004',
      address: { lines: ['Werkstr. 1'], city: 'Esslingen', region: 'BW', postalCode: '73728', country: 'DE' },
    },
    buyer: { name: 'Buyer AG', id: 'K-7', gln: '4051234000003' },
    shipTo: { name: 'Buyer AG Lager', id: 'DC-9', address },
    remitTo: { name: 'Seller GmbH Zahlstelle', id: 'RT-1' },
    lines: [
      {
        lineNumber: '1',
        sku: 'A-1',
        description: 'Bracket',
        quantity: '2',
        unitOfMeasure: 'EA',
        unitPrice: '50.00',
        discount: '5.00',
        lineAmount: '95.00',
        taxCode: 'S',
        taxRate: '19',
      },
      {
        lineNumber: '2',
        sku: 'SV-2',
        description: 'Fitting, per hour',
        quantity: '3',
        unitOfMeasure: 'HUR',
        unitPrice: '20.00',
        lineAmount: '60.00',
        taxCode: 'S',
        taxRate: '7',
        serviceStart: '2026-11-02',
        serviceEnd: '2026-11-04',
      },
      {
        lineNumber: '3',
        sku: 'B-3',
        description: 'Export crate',
        quantity: '1',
        unitOfMeasure: 'H87',
        unitPrice: '10.00',
        lineAmount: '10.00',
        taxCode: 'E',
        taxRate: '0',
      },
    ],
    charges: [{ code: 'HANDLING', description: 'Handling', amount: '12.00', taxCode: 'S', taxRate: '19' }],
    allowances: [{ code: 'DISCOUNT', description: 'Loyalty discount', amount: '7.00', taxCode: 'S', taxRate: '19' }],
    taxTotal: '23.20',
    totalAmount: '193.20',
  } as Invoice;
  const { text } = await render810(invoice, profile);
  await assertReadsAsInvoice(text, invoice, profile, undefined);
  const segments = parse(text).functionalGroups[0]?.transactions[0]?.segments ?? [];
  const lineOne = segments.slice(
    segments.findIndex((segment) => segment.tag === 'IT1'),
    segments.findIndex((segment, _index) => segment.tag === 'IT1' && element(segment, 1) === '2'),
  );
  assert.deepEqual(lineOne.map(values), [
    ['1', '2', 'EA', '50', '', 'VP', 'A-1'],
    ['VA', '', '19'],
    ['F', '', '', '', 'Bracket'],
    ['A', 'C310', '', '', '500'],
  ]);
  const summary = segments.slice(segments.findIndex((segment) => segment.tag === 'TDS'));
  assert.deepEqual(summary.map(values), [
    ['19320'],
    ['VA', '19', '19', '', '', '', '', '100'],
    ['VA', '4.2', '7', '', '', '', '', '60'],
    ['VA', '0', '0', '', '', '1', '', '10'],
    ['C', 'ZZZZ', '', '', '1200', '', '', '', '', '', '', '', '', '', 'Handling'],
    ['A', 'C310', '', '', '700', '', '', '', '', '', '', '', '', '', 'Loyalty discount'],
    ['3'],
  ]);
  assert.deepEqual(segments.filter((segment) => segment.tag === 'N3').map(values), [['Halle 4', 'Tor 2'], ['Rampe 7'], ['Werkstr. 1']]);
});

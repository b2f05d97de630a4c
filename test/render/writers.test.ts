import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RenderError } from '../../src/model/errors.js';
import { EDIFACT as EDIFACT_STANDARD } from '../../src/edi-syntax/edifact.js';
import type { SegmentSyntax } from '../../src/edi-syntax/segment-syntax.js';
import { X12 as X12_STANDARD } from '../../src/edi-syntax/x12.js';
import { writeSegments } from '../../src/render/segment-writer.js';
import type { Element } from '../../src/render/template.js';
import { writeXml } from '../../src/render/xml-writer.js';

const X12: SegmentSyntax = {
  standard: X12_STANDARD,
  elementSeparator: '*',
  componentSeparator: '>',
  segmentTerminator: '~',
  repetitionSeparator: '^',
  escape: 'refuse',
  lineBreak: '\n',
};
const EDIFACT: SegmentSyntax = {
  standard: EDIFACT_STANDARD,
  elementSeparator: '+',
  componentSeparator: ':',
  segmentTerminator: "'",
  escape: 'release',
  releaseCharacter: '?',
  lineBreak: '',
};

const lines = [
  { description: 'Widget', quantity: '3' },
  { description: 'Gadget', quantity: '2' },
];

test('segments: loops, conditions, counters, and trailing empty elements left out', () => {
  const text = writeSegments({
    segments: [
      { tag: 'ST', count: 'set', elements: ['810', "{{control.transaction | padStart:4:'0'}}"] },
      { tag: 'REF', when: '{{invoice.poNumber}}', elements: ['PO', '{{invoice.poNumber}}'] },
      { each: 'invoice.lines', as: 'line', segments: [{ tag: 'IT1', elements: ['{{lineNumber}}', '{{line.quantity}}', null, ''] }] },
      { tag: 'SE', elements: ['{{counts.set}}', "{{control.transaction | padStart:4:'0'}}"] },
    ],
    syntax: X12,
    scope: { invoice: { lines }, control: { transaction: 7 } },
    codes: {},
    omit: new Set(),
    invoiceNumber: 'INV-1',
  });
  assert.equal(text, 'ST*810*0007~\nIT1*1*3~\nIT1*2*2~\nSE*4*0007~\n');
});

test('X12 refuses data that holds a separator, naming the element and the character', () => {
  assert.throws(
    () =>
      writeSegments({
        segments: [{ tag: 'PID', elements: ['F', null, null, null, '{{text}}'] }],
        syntax: X12,
        scope: { text: 'Bolt ~ 10mm' },
        codes: {},
        omit: new Set(),
        invoiceNumber: 'INV-9',
      }),
    (error: unknown) => error instanceof RenderError && /invoice INV-9: PID05: "Bolt ~ 10mm" contains "~"/.test(error.message),
  );
});

test('EDIFACT escapes separators and the release character itself with "?"', () => {
  const text = writeSegments({
    segments: [
      {
        tag: 'IMD',
        elements: [
          'F',
          null,
          [null as unknown as string, null as unknown as string, null as unknown as string, '{{text}}'].map((c) => c ?? ''),
        ],
      },
    ],
    syntax: EDIFACT,
    scope: { text: "O'Brien: 5+5? yes" },
    codes: {},
    omit: new Set(),
    invoiceNumber: 'INV-2',
  });
  assert.equal(text, "IMD+F++:::O?'Brien?: 5?+5?? yes'");
});

test('an element longer than its maximum is refused', () => {
  assert.throws(
    () =>
      writeSegments({
        segments: [{ tag: 'BIG', elements: ['20261110', { value: '{{n}}', max: 22, name: 'BIG02' }] }],
        syntax: X12,
        scope: { n: 'X'.repeat(23) },
        codes: {},
        omit: new Set(),
        invoiceNumber: 'INV-3',
      }),
    /BIG02: .* is 23 characters, more than the 22 the standard allows/,
  );
});

test('a profile may leave out an optional segment by its id', () => {
  const text = writeSegments({
    segments: [
      { tag: 'CUR', id: 'currency', elements: ['SE', 'USD'] },
      { tag: 'BIG', elements: ['1'] },
    ],
    syntax: X12,
    scope: {},
    codes: {},
    omit: new Set(['currency']),
    invoiceNumber: 'INV-4',
  });
  assert.equal(text, 'BIG*1~\n');
});

test('XML: prefixed names, escaped text, attributes, and empty elements left out; a character XML cannot carry is refused, naming the element', () => {
  const write = (note: string) =>
    writeXml({
      xml: {
        root: {
          name: 'Invoice',
          attributes: {
            xmlns: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
            'xmlns:cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
          },
          children: [
            { name: 'cbc:ID', text: '{{invoice.invoiceNumber}}' },
            { name: 'cbc:Note', text: '{{invoice.note}}' },
            { name: 'cbc:DueDate', text: '{{invoice.dueDate}}' },
            {
              each: 'invoice.lines',
              as: 'line',
              children: [{ name: 'cbc:Line', attributes: { unitCode: "{{line.unit | map:'uom'}}" }, text: '{{line.description}}' }],
            },
          ],
        },
      },
      scope: { invoice: { invoiceNumber: 'A&B<1>', note, lines: [{ description: 'Bolts "M8"', unit: 'EA' }] } },
      codes: { uom: { EA: 'C62' } },
      omit: new Set(),
      invoiceNumber: 'A&B<1>',
    });
  const xml = write('ctrl char');
  assert.match(xml, /<cbc:ID>A&amp;B&lt;1&gt;<\/cbc:ID>/);
  assert.doesNotMatch(xml, /DueDate/);
  assert.match(xml, /<cbc:Line unitCode="C62">Bolts "M8"<\/cbc:Line>/);
  assert.throws(
    () => write('ctrl\u0001char'),
    /invoice A&B<1>: \/Invoice\/cbc:Note: holds U\+0001 \(a control character\) at character 5, which XML 1\.0 cannot carry/,
  );
});

test('a mandatory element without a value is refused, naming it, rather than silently left out', () => {
  assert.throws(
    () =>
      writeSegments({
        segments: [{ tag: 'IT1', elements: ['1', '3', { value: '{{line.unit}}', required: true, name: 'IT103' }, '10.00'] }],
        syntax: X12,
        scope: { line: {} },
        codes: {},
        omit: new Set(),
        invoiceNumber: 'INV-5',
      }),
    /invoice INV-5: IT103: is mandatory in this standard, but the invoice has no value for it/,
  );
  assert.throws(
    () =>
      writeXml({
        xml: {
          root: {
            name: 'Invoice',
            children: [
              { name: 'cbc:ID', text: '{{invoice.invoiceNumber}}' },
              { name: 'cbc:IssueDate', required: true, text: '{{invoice.issueDate}}' },
            ],
          },
        },
        scope: { invoice: { invoiceNumber: 'INV-6' } },
        codes: {},
        omit: new Set(),
        invoiceNumber: 'INV-6',
      }),
    /invoice INV-6: cbc:IssueDate: is mandatory/,
  );
});

test('a template with an unknown filter or a missing code list is refused when loaded, with file, line and column', async () => {
  const { loadTemplate } = await import('../../src/render/template.js');
  const { InputError } = await import('../../src/model/errors.js');
  const { tempFolder } = await import('../support/temp.js');
  const text = JSON.stringify(
    {
      format: 'x12-810',
      kind: 'segments',
      codes: { unit: { EA: 'EA' } },
      segments: [{ tag: 'BIG', elements: ["{{ invoice.issueDate | dat:'CCYYMMDD' }}", "{{ line.unitOfMeasure | map:'units' }}"] }],
    },
    null,
    2,
  );
  const root = tempFolder({ 'x12-810/broken.json': text });
  assert.throws(
    () => loadTemplate('x12-810', 'broken', root),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'TEMPLATE_INVALID');
      assert.match(error.message, /broken\.json:\d+:\d+: \/segments\/0\/elements\/0 unknown filter "dat"/);
      assert.match(
        error.message,
        /\/segments\/0\/elements\/1 \{\{ line\.unitOfMeasure \| map:'units' \}\} maps through the code list "units", which the template's codes do not have/,
      );
      return true;
    },
  );
});

/** One segment written with these elements, data and syntax. */
const segment = (elements: Element[], scope: Record<string, unknown>, syntax: SegmentSyntax = X12) =>
  writeSegments({ segments: [{ tag: 'TST', elements }], syntax, scope, codes: {}, omit: new Set(), invoiceNumber: 'INV-7' });

test('an element that allows only certain codes refuses any other, listing the allowed ones', () => {
  const category = { value: '{{code}}', codes: ['E', 'S', 'Z'], name: 'TAX 5305' };
  assert.equal(segment(['7', category], { code: 'S' }, EDIFACT), "TST+7+S'");
  assert.throws(
    () => segment(['7', category], { code: 'AE' }, EDIFACT),
    /invoice INV-7: TAX 5305: "AE" is not a code this standard allows here; allowed: E, S, Z/,
  );
});

test('a numeric element counts digits only: the sign and decimal mark do not take up its length', () => {
  const quantity = { value: '{{q}}', max: 9, numeric: true, name: 'TXI08' };
  assert.equal(segment([quantity], { q: '-12345678.9' }), 'TST*-12345678.9~\n');
  assert.throws(() => segment([quantity], { q: '1234567890' }), /TXI08: "1234567890" is 10 digits, more than the 9 the standard allows/);
});

test('components are held to their lengths too, and named in the message', () => {
  const name = ['{{a}}', { value: '{{b}}', max: 35, name: 'NAD C080 3036' }];
  assert.equal(segment(['BY', name], { a: 'Short', b: 'Also short' }, EDIFACT), "TST+BY+Short:Also short'");
  assert.throws(
    () => segment(['BY', name], { a: 'Short', b: 'x'.repeat(36) }, EDIFACT),
    /NAD C080 3036: .* is 36 characters, more than the 35/,
  );
});

test('data outside the character set of the document is refused, naming the element and the character', () => {
  assert.equal(segment(['{{t}}'], { t: 'Plain ASCII, (c) 2026' }, { ...X12, characterSet: 'X12' }), 'TST*Plain ASCII, (c) 2026~\n');
  assert.throws(
    () => segment(['{{t}}'], { t: 'Straße' }, { ...X12, characterSet: 'X12' }),
    /TST01: "Straße" contains "ß" \(U\+00DF\), which the X12 character set/,
  );
  // UNOC is ISO 8859-1: "ß" fits, an en dash or the euro sign does not.
  assert.equal(segment(['{{t}}'], { t: 'Straße' }, { ...EDIFACT, characterSet: 'UNOC' }), "TST+Straße'");
  assert.throws(
    () => segment(['{{t}}'], { t: 'PO–1' }, { ...EDIFACT, characterSet: 'UNOC' }),
    /TST01: "PO–1" contains "–" \(U\+2013\), which the UNOC character set/,
  );
});

test('templates are compiled to code, but their text never becomes code: quotes and code-like text are written as data', () => {
  const sneaky = `"); throw new Error("escaped"); ("\`\${1}\\`;
  const text = segment(
    ['{{v}}', `${sneaky}{{v}}`, `{{ '${sneaky.replaceAll("'", '')}' }}`],
    { v: 'ok' },
    { ...EDIFACT, escape: 'release', releaseCharacter: '?' },
  );
  assert.match(text, /^TST\+ok\+.*throw new Error.*ok\+.*throw new Error/);
  const xml = writeXml({
    xml: { root: { name: 'R', attributes: { 'a-b': sneaky }, children: [{ name: 'T', text: sneaky }] } },
    scope: {},
    codes: {},
    omit: new Set(),
    invoiceNumber: 'INV-8',
  });
  assert.match(xml, /<R a-b="&quot;\); throw new Error\(&quot;escaped&quot;\); \(&quot;`\$\{1\}\\">/);
  assert.match(xml, /<T>"\); throw new Error\("escaped"\); \("`\$\{1\}\\<\/T>/);
});

test('a segment with a value after a hundred empty elements still gets every separator', () => {
  const elements: Element[] = [...Array.from({ length: 120 }, () => null), 'X'];
  assert.equal(segment(elements, {}), `TST${'*'.repeat(121)}X~\n`);
});

test('numbers and plain text are still escaped when the syntax makes one of their characters a separator', () => {
  const dotted: SegmentSyntax = { ...EDIFACT, componentSeparator: '.' };
  assert.equal(segment(['{{ v | decimal }}', 'A B'], { v: '12.50' }, dotted), "TST+12?.5+A B'");
  assert.equal(segment(['{{ v | decimal }}', 'A B'], { v: '12.50' }, { ...EDIFACT, elementSeparator: ' ' }), "TST 12.5 A? B'");
  assert.throws(
    () => segment(['{{ v | money }}'], { v: '-3.00', invoice: { currency: 'EUR' } }, { ...X12, elementSeparator: '-' }),
    /TST01: "-3.00" contains "-"/,
  );
});

test('what is the same for a whole run (options, profile, now) is worked out once, and anew when the run changes', () => {
  const segments = [
    { tag: 'ISA', elements: ['{{ options.id | padEnd:5 }}', "{{ now.iso | date:'YYMMDD' }}", '{{ invoice.number }}'] },
    { tag: 'REF', elements: [{ value: '{{ options.vendor }}', max: 3, name: 'REF02' }] },
  ];
  const write = (options: Record<string, unknown>, now: Record<string, unknown>, number: string) =>
    writeSegments({
      segments,
      syntax: X12,
      scope: { options, now, invoice: { number } },
      codes: {},
      omit: new Set(),
      invoiceNumber: number,
    });
  const [a, b] = [
    { id: 'A', vendor: 'V1' },
    { id: 'B', vendor: 'V22' },
  ];
  const [monday, tuesday] = [{ iso: '2026-11-23T10:00:00Z' }, { iso: '2026-11-24T10:00:00Z' }];
  assert.equal(write(a, monday, '1'), 'ISA*A    *261123*1~\nREF*V1~\n');
  assert.equal(write(a, monday, '2'), 'ISA*A    *261123*2~\nREF*V1~\n');
  assert.equal(write(b, monday, '3'), 'ISA*B    *261123*3~\nREF*V22~\n');
  assert.equal(write(b, tuesday, '4'), 'ISA*B    *261124*4~\nREF*V22~\n');
  assert.equal(write(a, monday, '5'), 'ISA*A    *261123*5~\nREF*V1~\n');
  // A value the standard refuses is refused for every document of the run, not only the first.
  const tooLong = { id: 'C', vendor: 'V333' };
  for (const number of ['6', '7'])
    assert.throws(() => write(tooLong, monday, number), new RegExp(`invoice ${number}: REF02: "V333" is 4 characters`));
});

test('a segment made only of values at paths is written again from its last text only when those values are the same', () => {
  const segments = [
    { tag: 'ST', count: 'transaction', elements: ['810', '{{ control.number }}'] },
    {
      tag: 'N1',
      when: '{{ party.name }}',
      elements: [
        'SE',
        { value: "{{ party.name | repertoire:'X12' }}", max: 10, name: 'N102' },
        "{{ 'UL' | if:party.gln }}",
        '{{ party.gln }}',
      ],
    },
    { tag: 'N3', elements: [{ value: '{{ party.street }}', required: true, name: 'N301' }] },
    { each: 'lines', as: 'line', segments: [{ tag: 'IT1', elements: ['{{ line }}', '{{ party.gln }}'] }] },
    { tag: 'SE', elements: ['{{ counts.transaction }}', '{{ control.number }}'] },
  ];
  // One run: the same code lists (and options, profile, moment: none here) for every document.
  const codes = {};
  const write = (party: Record<string, unknown>, number: number, lines = ['1']) =>
    writeSegments({
      segments,
      syntax: X12,
      scope: { party, control: { number }, lines },
      codes,
      omit: new Set(),
      invoiceNumber: String(number),
    });
  const seller = { name: 'Seller', gln: '4012345000009', street: 'Main St 1' };
  const expected = (party: { name: string; gln?: string; street: string }, number: number, lines = ['1']) =>
    `ST*810*${number}~\nN1*SE*${party.name}${party.gln ? `*UL*${party.gln}` : ''}~\nN3*${party.street}~\n${lines.map((line) => `IT1*${line}${party.gln ? `*${party.gln}` : ''}~\n`).join('')}SE*${4 + lines.length}*${number}~\n`;
  assert.equal(write(seller, 1), expected(seller, 1));
  assert.equal(write({ ...seller }, 2, ['1', '2']), expected(seller, 2, ['1', '2']));
  // In a loop too: a line like the one before is written from its text, the others anew.
  assert.equal(write(seller, 2, ['7', '7', '8', '7']), expected(seller, 2, ['7', '7', '8', '7']));
  const other = { name: 'Other', street: 'Side St 2' };
  assert.equal(write(other, 3), expected(other, 3));
  assert.equal(write(seller, 4), expected(seller, 4));
  // A value the standard refuses is refused, also after the segment was written from its last text.
  assert.throws(() => write({ ...seller, name: 'Much too long a name' }, 5), /invoice 5: N102: "Much too long a name" is 20 characters/);
  assert.throws(() => write({ ...seller, street: undefined }, 6), /invoice 6: N301: is mandatory/);
  // Values that change for every document: still right once the segment is no longer compared.
  for (let number = 7; number < 30; number += 1) {
    const party = { name: `P${number}`, gln: String(number), street: `No ${number}` };
    assert.equal(write(party, number), expected(party, number));
  }
  assert.equal(write(seller, 30), expected(seller, 30));
});

test('a segment with a value that is an object is never written from its last text: the object may have changed inside', () => {
  const segments = [{ tag: 'CTT', elements: ['{{ lines | count }}'] }];
  const codes = {};
  const lines = ['1'];
  const write = () => writeSegments({ segments, syntax: X12, scope: { lines }, codes, omit: new Set(), invoiceNumber: '1' });
  assert.equal(write(), 'CTT*1~\n');
  lines.push('2');
  assert.equal(write(), 'CTT*2~\n');
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { FirstpassError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { lintProfiles } from '../../src/pipeline/lint-profiles.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { fileStem, renderDocument, type FormatName } from '../../src/render/index.js';
import { firstpass, PROJECT_ROOT } from '../support/cli.js';
import { conformanceTool, conformanceToolAvailable } from '../support/conformance.js';
import { tempFolder } from '../support/temp.js';

/**
 * Hostile input on the render side (issue 8): each case here was written with exit 0 as a
 * document a strict receiver rejects, or a file a system cannot hold. Each is now refused with
 * exit 2 (or, for file names, given a name that can be created), naming what was wrong.
 */

const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
const CONTROL = { interchange: 1, group: 1, transaction: 1 };
const NOW = '2026-11-20T10:00:00Z';
const CHANNEL = { type: 'email', to: 'ap@globex.example', from: 'billing@seller.example', smtp: { host: 'localhost' } };

async function profileOf(id: string): Promise<CustomerProfile> {
  return (await profiles.profile(id)).profile;
}

function example(customer: string, file: string): Invoice {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'invoices', customer, file), 'utf8')) as Invoice;
}

/** The document's text, or the message of the error that refused it (exit 2 classes only). */
async function outcome(invoice: Invoice, profile: CustomerProfile, format?: FormatName): Promise<{ written?: string; refused?: string }> {
  try {
    const document = await renderDocument({ invoice, profile, format, controlNumbers: CONTROL, now: NOW });
    return { written: typeof document.content === 'string' ? document.content : Buffer.from(document.content).toString('latin1') };
  } catch (error) {
    assert.ok(error instanceof FirstpassError, String(error));
    // Refusals of the input or of the document (exit 2), not faults.
    assert.ok(
      ['RENDER_REFUSED', 'PROFILE_INVALID', 'TEMPLATE_INVALID', 'INPUT_INVALID'].includes(error.code),
      `${error.code}: ${error.message}`,
    );
    return { refused: error.message };
  }
}

async function refusal(invoice: Invoice, profile: CustomerProfile, format?: FormatName): Promise<string> {
  const { written, refused } = await outcome(invoice, profile, format);
  assert.equal(written, undefined, `${invoice.invoiceNumber} was written as ${format ?? profile.format.type}`);
  return refused ?? '';
}

function lindenauInvoice(): Invoice {
  return example('stadt-lindenau', 'CG-2026-10121.json');
}

function validator(
  t: TestContext,
  tool: 'validate-ubl' | 'validate-cxml',
  files: readonly string[],
): { status: number | null; output: string } | undefined {
  const path = conformanceTool(tool);
  if (!conformanceToolAvailable(t, path, tool)) return undefined;
  const run = spawnSync(path, [...files], { encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('1. UBL: a currency with 3 or 4 minor units is refused, naming it and why (Peppol amounts carry at most 2 decimals); cXML writes it and its DTD accepts it', {
  timeout: 600_000,
}, async (t) => {
  const lindenau = await profileOf('stadt-lindenau');
  for (const currency of ['BHD', 'KWD', 'OMR', 'JOD', 'TND', 'LYD', 'IQD', 'CLF']) {
    const message = await refusal({ ...lindenauInvoice(), currency } as Invoice, lindenau, 'ubl');
    assert.match(message, new RegExp(`${currency} .*[34] decimals.*at most 2 decimals`), message);
    assert.match(message, /Amount/);
  }
  const credit = example('stadt-lindenau', 'CG-2026-90007.json');
  assert.match(await refusal({ ...credit, currency: 'KWD' } as Invoice, lindenau, 'ubl'), /KWD/);
  // EUR and JPY (2 and 0 minor units) are written as before.
  assert.ok((await outcome(lindenauInvoice(), lindenau, 'ubl')).written);
  // cXML's Money is #PCDATA: 3 decimals are what a KWD amount has, and the DTD accepts them.
  const larkspur = await profileOf('larkspur-health');
  const kwd = { ...example('larkspur-health', 'CP-2610-0402.json'), currency: 'KWD' } as Invoice;
  const { written } = await outcome(kwd, larkspur, 'cxml');
  assert.ok(written);
  assert.match(written, /currency="KWD">[0-9]+\.[0-9]{3}</);
  const file = join(tempFolder(), 'kwd.cxml.xml');
  writeFileSync(file, written);
  const verdict = validator(t, 'validate-cxml', [file]);
  if (verdict) assert.equal(verdict.status, 0, verdict.output);
});

test('2. UBL for a customer with no Peppol endpoint (no option, GLN or tax id) is exit 2 naming endpointId/endpointScheme; lint requires them of UBL profiles', async () => {
  const root = tempFolder();
  const run = firstpass([
    'render',
    join(PROJECT_ROOT, 'examples', 'invoices', 'larkspur-health', 'CP-2610-0377--dated-before-po.json'),
    '--format',
    'ubl',
    '--out',
    join(root, 'out'),
    '--db',
    `sqlite:${join(root, 'fp.sqlite')}`,
  ]);
  assert.equal(run.status, 2, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /cbc:EndpointID: cac:AccountingCustomerParty has no Peppol endpoint \(PEPPOL-EN16931-R010\): set format.options.endpointId and endpointScheme/,
  );
  // The seller likewise: no sellerEndpointId, GLN or tax id.
  const lindenau = await profileOf('stadt-lindenau');
  const { sellerEndpointId: _id, sellerEndpointScheme: _scheme, ...buyerOnly } = lindenau.format.options as Record<string, string>;
  const noSeller = { ...lindenau, format: { ...lindenau.format, options: buyerOnly } } as CustomerProfile;
  const invoice = lindenauInvoice();
  const { taxId: _tax, gln: _gln, ...seller } = invoice.seller;
  assert.match(
    await refusal({ ...invoice, seller } as Invoice, noSeller, 'ubl'),
    /cbc:EndpointID: cac:AccountingSupplierParty has no Peppol endpoint \(PEPPOL-EN16931-R020\).*sellerEndpointId and sellerEndpointScheme/,
  );

  const report = await lintProfiles(
    tempFolder({ 'globex.json': { id: 'globex', name: 'Globex', currencies: ['EUR'], format: { type: 'ubl' }, channel: CHANNEL } }),
  );
  for (const option of ['endpointId', 'endpointScheme']) {
    const problem = report.problems.find((entry) => entry.field === `/format/options/${option}`);
    assert.ok(problem, JSON.stringify(report.problems));
    assert.match(problem.message, /is required to write ubl/);
  }
  const shipped = await lintProfiles(join(PROJECT_ROOT, 'customer-profiles'));
  assert.deepEqual(shipped.problems, []);
});

test('3. EDIFACT INVOIC holds unit, country and currency to closed lists: XYZ, constructor, XX and EUX are refused with the element named', async () => {
  const kessler = await profileOf('kessler-automotive');
  const invoice = example('kessler-automotive', 'CG-2026-10117.json');
  const line = invoice.lines[0];
  assert.ok(line);
  for (const unit of ['XYZ-BAD', 'constructor', 'XYZ1']) {
    assert.match(
      await refusal({ ...invoice, lines: [{ ...line, unitOfMeasure: unit }] } as Invoice, kessler),
      new RegExp(`QTY C186 6411.*"${unit}"`),
    );
  }
  assert.match(
    await refusal({ ...invoice, buyer: { ...invoice.buyer, address: { ...invoice.buyer.address, country: 'XX' } } } as Invoice, kessler),
    /NAD\+BY country.*"XX"/,
  );
  assert.match(await refusal({ ...invoice, currency: 'EUX' } as Invoice, kessler), /CUX.*6345.*"EUX"/);
  assert.ok((await outcome(invoice, kessler)).written);
});

const HOSTILE_SEPARATORS: [string, Record<string, unknown>, RegExp][] = [
  ['x12-810', { elementSeparator: '\n', lineBreak: '\n' }, /elementSeparator/],
  ['x12-810', { segmentTerminator: '\n', lineBreak: '\n' }, /segmentTerminator "\\n" is also in lineBreak/],
  ['edifact-invoic', { segmentTerminator: '\n', lineBreak: '\n' }, /segmentTerminator "\\n" is also in lineBreak/],
  ['x12-810', { elementSeparator: 'é' }, /elementSeparator "é" .*ASCII/],
  ['x12-810', { elementSeparator: '\u0000' }, /elementSeparator "\\u0000" .*control character/],
  ['edifact-invoic', { componentSeparator: '\u0007' }, /componentSeparator "\\u0007" .*control character/],
];

const X12_IDS = { senderId: 'CALDERPREC', receiverId: '078451236' };
const EDIFACT_IDS = { senderId: '4068194000004', senderQualifier: '14', recipientId: '4051234000003', recipientQualifier: '14' };

test('4. separators: newline twice, non-ASCII, NUL and other controls are refused by lint and at render; a newline terminator alone still works', async () => {
  for (const [type, separators, expected] of HOSTILE_SEPARATORS) {
    const options = { ...(type === 'x12-810' ? X12_IDS : EDIFACT_IDS), ...separators };
    const report = await lintProfiles(
      tempFolder({ 'globex.json': { id: 'globex', name: 'Globex', currencies: ['USD'], format: { type, options }, channel: CHANNEL } }),
    );
    assert.ok(
      report.problems.some((problem) => expected.test(problem.message)),
      `${type} ${JSON.stringify(separators)}: ${JSON.stringify(report.problems)}`,
    );
    const base = await profileOf(type === 'x12-810' ? 'brightwater-home' : 'kessler-automotive');
    const invoice =
      type === 'x12-810' ? example('brightwater-home', 'CP-2611-0409.json') : example('kessler-automotive', 'CG-2026-10117.json');
    const profile = {
      ...base,
      format: { ...base.format, options: { ...(base.format.options as object), ...separators } },
    } as CustomerProfile;
    assert.match(await refusal(invoice, profile), expected, JSON.stringify(separators));
  }
  const brightwater = await profileOf('brightwater-home');
  const newline = {
    ...brightwater,
    format: { ...brightwater.format, options: { ...(brightwater.format.options as object), segmentTerminator: '\n' } },
  } as CustomerProfile;
  assert.ok((await outcome(example('brightwater-home', 'CP-2611-0409.json'), newline)).written);
});

test('5. an id of only spaces is a lint error with a message an editor shows: X12, EDIFACT, UBL, cXML', async () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['x12-810', { ...X12_IDS, senderId: '   ' }, 'senderId'],
    ['x12-810', { ...X12_IDS, gsReceiverId: '   ' }, 'gsReceiverId'],
    ['x12-810', { ...X12_IDS, senderQualifier: '  ' }, 'senderQualifier'],
    ['edifact-invoic', { ...EDIFACT_IDS, recipientId: '  ' }, 'recipientId'],
    ['ubl', { endpointId: ' ', endpointScheme: '0088' }, 'endpointId'],
    ['cxml', { toIdentity: '   ' }, 'toIdentity'],
    ['cxml', { toIdentity: 'AN01', fromDomain: ' ' }, 'fromDomain'],
  ];
  for (const [type, options, option] of cases) {
    const report = await lintProfiles(
      tempFolder({ 'globex.json': { id: 'globex', name: 'Globex', currencies: ['USD'], format: { type, options }, channel: CHANNEL } }),
    );
    const problem = report.problems.find((entry) => entry.field === `/format/options/${option}`);
    assert.ok(problem, `${type} ${option}: ${JSON.stringify(report.problems)}`);
    assert.match(problem.message, /must contain a character other than a space/, problem.message);
  }
});

test('6. a template must serve the document type: a credit-note template for an invoice is refused by lint and at render; a credit note keeps its own template', async () => {
  const report = await lintProfiles(
    tempFolder({
      'globex.json': {
        id: 'globex',
        name: 'Globex',
        currencies: ['USD'],
        format: { type: 'cxml', template: 'credit-note', options: { toIdentity: 'AN01' } },
        channel: CHANNEL,
      },
    }),
  );
  const problem = report.problems.find((entry) => entry.field === '/format/template');
  assert.ok(problem, JSON.stringify(report.problems));
  assert.match(problem.message, /credit-note.*does not serve invoices/);
  const larkspur = await profileOf('larkspur-health');
  const profile = { ...larkspur, format: { ...larkspur.format, template: 'credit-note' } } as CustomerProfile;
  assert.match(await refusal(example('larkspur-health', 'CP-2610-0402.json'), profile), /credit-note.*serves credit-note.*not invoice/);
  // The profile's template is the invoice one: a credit note is written with the format's credit-note template.
  const invoiceTemplate = { ...larkspur, format: { ...larkspur.format, template: 'invoice' } } as CustomerProfile;
  const credit = {
    ...example('larkspur-health', 'CP-2610-0402.json'),
    invoiceNumber: 'CM-1',
    documentType: 'credit-note',
    billingReference: 'CP-2610-0402',
  } as Invoice;
  const { written } = await outcome(credit, invoiceTemplate);
  assert.ok(written);
  assert.match(written, /purpose="lineLevelCreditMemo"/);
});

test('7. a stem whose part before the first dot is a Windows device name is hashed, any case, any extension', () => {
  for (const number of ['CON.ubl', 'con.x', 'Prn.1', 'AUX.', 'nul.txt.x', 'COM1.a', 'lpt9.b']) {
    assert.match(fileStem(number), new RegExp(`^${number.replace(/[.]/g, '\\.')}-[0-9a-f]{10}$`), number);
  }
  assert.equal(fileStem('CONTRACT.1'), 'CONTRACT.1');
  assert.equal(fileStem('COM10'), 'COM10');
});

test('8. characters XML 1.0 and the PDF cannot carry are refused naming the element, never replaced by U+FFFD', async () => {
  const lindenau = await profileOf('stadt-lindenau');
  const larkspur = await profileOf('larkspur-health');
  const pinecrest = await profileOf('pinecrest-brewing');
  for (const bad of ['\u0000', '\u0001', '\u001F', '\uFFFE', '\uFFFF', '\uD800', 'x\uDC00']) {
    const shown = JSON.stringify(bad);
    const ubl = lindenauInvoice();
    const ublMessage = await refusal({ ...ubl, note: `Hinweis${bad}` } as Invoice, lindenau, 'ubl');
    assert.match(ublMessage, /cbc:Note.*XML 1\.0/, shown);
    const cxml = example('larkspur-health', 'CP-2610-0402.json');
    const line = cxml.lines[0];
    assert.ok(line);
    assert.match(
      await refusal({ ...cxml, lines: [{ ...line, description: `Gloves${bad}` }] } as Invoice, larkspur),
      /Description.*XML 1\.0/,
      shown,
    );
    if (bad === '\uFFFE' || bad === '\uFFFF') continue;
    const pdf = example('pinecrest-brewing', readPinecrest());
    const pdfLine = pdf.lines[0];
    assert.ok(pdfLine);
    assert.match(await refusal({ ...pdf, lines: [{ ...pdfLine, description: `Malt${bad}` }] } as Invoice, pinecrest), /PDF/, shown);
  }
  // Tab, LF and CR are XML characters: written.
  assert.ok((await outcome({ ...lindenauInvoice(), note: 'a\tb\nc' } as Invoice, lindenau, 'ubl')).written);
});

function readPinecrest(): string {
  const files = spawnSync('ls', [join(PROJECT_ROOT, 'examples', 'invoices', 'pinecrest-brewing')], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((name) => name.endsWith('.json'));
  const file = files.find((name) => !name.includes('--')) ?? files[0];
  assert.ok(file);
  return file;
}

test('EDIFACT with escape "refuse": the release character the UNA declares is refused in data too, never written bare', async () => {
  const kessler = await profileOf('kessler-automotive');
  const refusing = {
    ...kessler,
    format: { ...kessler.format, options: { ...(kessler.format.options ?? {}), escape: 'refuse' } },
  } as CustomerProfile;
  // Phone numbers written without "+", which refuse mode would refuse first.
  const invoice = JSON.parse(JSON.stringify(example('kessler-automotive', 'CG-2026-10117.json')).replaceAll('"+', '"00')) as Invoice;
  const line = invoice.lines[0];
  assert.ok(line);
  assert.ok((await outcome(invoice, refusing)).written, 'the invoice without "?" is written in refuse mode');
  // A bare "?" before the terminator would make the receiver read "?'" as a released terminator.
  const withQuestion = { ...invoice, lines: [{ ...line, description: 'Net 30?' }, ...invoice.lines.slice(1)] } as Invoice;
  assert.match(await refusal(withQuestion, refusing), /"Net 30\?" contains "\?"/);
  // Released as before by default.
  const { written } = await outcome(withQuestion, kessler);
  assert.match(written ?? '', /Net 30\?\?/);
});

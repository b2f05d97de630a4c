import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ISA_ELEMENT_WIDTHS } from '../../src/edi-syntax/x12.js';
import { FORMAT_NAMES, FORMATS, loadTemplate, type FormatName, type RenderedDocument } from '../../src/render/index.js';
import { conformanceTool, conformanceToolAvailable } from '../support/conformance.js';
import { readInterchange } from '../support/edifact-reader.js';
import { PROJECT_ROOT } from '../support/examples.js';
import { readPdf } from '../support/pdf-reader.js';
import { parse as parseX12 } from '../support/x12-reader.js';
import { formatSuite, type FormatHarness } from './format-suite.js';

/** A document's text: EDIFACT in a Latin-1 character set comes as bytes. */
const textOf = (document: RenderedDocument): string =>
  typeof document.content === 'string' ? document.content : Buffer.from(document.content).toString('latin1');

/** Each registered format's outside checker; a format added to the registry without one fails here. */
const HARNESSES: Readonly<Record<FormatName, FormatHarness>> = {
  'x12-810': {
    check(_t, files) {
      for (const { label, document } of files) assert.doesNotThrow(() => parseX12(textOf(document)), label);
    },
    controlNumbersOf(document) {
      const interchange = parseX12(textOf(document));
      const group = interchange.functionalGroups[0];
      const transaction = group?.transactions[0];
      return {
        interchange: Number(interchange.header.elements[12]?.value),
        group: Number(group?.header.elements[5]?.value),
        transaction: Number(transaction?.header.elements[1]?.value),
      };
    },
  },
  'edifact-invoic': {
    check(_t, files) {
      for (const { label, document } of files) assert.doesNotThrow(() => readInterchange(textOf(document)), label);
    },
    controlNumbersOf(document) {
      const { segments } = readInterchange(textOf(document));
      const header = (tag: string) => segments.find((segment) => segment.tag === tag);
      return { interchange: Number(header('UNB')?.elements[4]?.[0]), transaction: Number(header('UNH')?.elements[0]?.[0]) };
    },
  },
  ubl: {
    check(t, files) {
      const tool = conformanceTool('validate-ubl');
      if (!conformanceToolAvailable(t, tool, 'UBL output against the UBL XSD, EN 16931 and Peppol BIS 3 rules')) return;
      const run = spawnSync(
        tool,
        files.map((file) => file.path),
        { encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const output = `${run.stdout}${run.stderr}`;
      const verdicts = [...run.stdout.matchAll(/^RESULT\s+(\S+)\s+fatal=(\d+)/gm)].map((match) => `${match[1]} fatal=${match[2]}`);
      assert.deepEqual(
        verdicts,
        files.map(() => 'VALID fatal=0'),
        output,
      );
      assert.equal(run.status, 0, output);
    },
  },
  cxml: {
    check(t, files) {
      const tool = conformanceTool('validate-cxml');
      if (!conformanceToolAvailable(t, tool, 'cXML output against the InvoiceDetail DTD')) return;
      const run = spawnSync(tool, ['--invoice', ...files.map((file) => file.path)], { encoding: 'utf8', timeout: 600_000 });
      const output = `${run.stdout}${run.stderr}`;
      for (const { label, path } of files)
        assert.match(
          run.stdout,
          new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: valid against cxml/`, 'm'),
          `${label}:\n${output}`,
        );
      assert.equal(run.status, 0, output);
    },
  },
  pdf: {
    async check(_t, files) {
      for (const { label, invoice, document } of files) {
        assert.ok(document.content instanceof Uint8Array, `${label}: a PDF is bytes`);
        const pdf = await readPdf(document.content);
        assert.ok(pdf.pages >= 1, label);
        assert.ok(
          pdf.lines.some((line) => line.cells.some((cell) => cell.text.includes(invoice.invoiceNumber))),
          `${label}: the invoice number is on the page`,
        );
      }
    },
  },
};

for (const name of FORMAT_NAMES) formatSuite(FORMATS[name], HARNESSES[name]);

/** A schema file, read as JSON. */
const schema = <Shape>(file: string): Shape => JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', file), 'utf8')) as Shape;

test('the registry, the template schema, the profile schema and the CLI name the same formats', () => {
  const template = schema<{ properties: { format: { enum: string[] } } }>('template.schema.json');
  const profile = schema<{ $defs: { format: { properties: { type: { enum: string[] } } } } }>('profile.schema.json');
  assert.deepEqual([...FORMAT_NAMES].sort(), [...template.properties.format.enum].sort());
  assert.deepEqual([...FORMAT_NAMES].sort(), [...profile.$defs.format.properties.type.enum].sort());
  for (const name of FORMAT_NAMES) assert.equal(FORMATS[name].name, name, `the entry under ${name} names itself ${FORMATS[name].name}`);
});

test('each format declares the options the profile schema gives it, and its templates are of the kind its writer takes', () => {
  type Branch = { if: { properties: { type: { const?: string } } }; then: { properties?: { options?: { $ref?: string } } } };
  const profileSchema = schema<{ $defs: Record<string, unknown> & { format: { allOf: Branch[] } } }>('profile.schema.json');
  for (const name of FORMAT_NAMES) {
    const definition = FORMATS[name];
    assert.ok(
      Object.hasOwn(profileSchema.$defs, definition.optionsDefinition),
      `${name}: the profile schema has no $defs/${definition.optionsDefinition}`,
    );
    const references = profileSchema.$defs.format.allOf
      .filter((branch) => branch.if.properties.type.const === name)
      .map((branch) => branch.then.properties?.options?.$ref)
      .filter((ref) => ref !== undefined);
    assert.deepEqual(references, [`#/$defs/${definition.optionsDefinition}`], `${name}: the profile schema's options for it`);
    const templates = readdirSync(join(PROJECT_ROOT, 'edi-templates', name)).filter((file) => file.endsWith('.json'));
    assert.ok(templates.length > 0, `${name} has no templates`);
    for (const file of templates)
      assert.equal(loadTemplate(name, file.replace(/\.json$/, '')).kind, definition.templateKind, `${name}/${file}`);
    assert.equal(
      definition.segmentSyntax !== undefined,
      definition.templateKind === 'segments',
      `${name}: a segment format, and only one, says its syntax`,
    );
  }
});

test('the X12 template writes each ISA element at the fixed width the standard gives it', () => {
  const isa = loadTemplate('x12-810', 'invoice').segments?.find((node) => 'tag' in node && node.tag === 'ISA');
  assert.ok(isa && 'elements' in isa);
  assert.equal(isa.elements.length, ISA_ELEMENT_WIDTHS.length);
  isa.elements.forEach((element, index) => {
    const width = ISA_ELEMENT_WIDTHS[index];
    assert.ok(element !== null && typeof element === 'object' && !Array.isArray(element), `ISA${index + 1} is a data element`);
    assert.deepEqual([element.min, element.max], [width, width], `ISA${String(index + 1).padStart(2, '0')}`);
  });
});

test('the --format choices of firstpass render are the registered formats', () => {
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'render', '--help'], { encoding: 'utf8' });
  const choices = /choices: ([^)]*)\)/.exec(run.stdout.replace(/\s+/g, ' '))?.[1];
  assert.deepEqual(
    choices?.split(',').map((choice) => choice.trim().replace(/"/g, '')),
    [...FORMAT_NAMES],
  );
});

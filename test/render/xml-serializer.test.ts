import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileLibrary } from '../../src/profiles/index.js';
import { documentInputs, renderDocument } from '../../src/render/index.js';
import { writeXml, type XmlWriteInput } from '../../src/render/xml-writer.js';
import { passingExamples, PROJECT_ROOT } from '../support/examples.js';
import { writeXmlReference } from '../support/xml-reference-writer.js';
import { join } from 'node:path';

/**
 * XML is written by the template compiled to a program that writes text; the template's tree
 * built as objects and serialized by xmlbuilder2 (test/support/xml-reference-writer.ts) is the
 * reference. Both must give the same bytes, on every example in both XML formats and on text
 * that needs escaping.
 */
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };

test('the fast XML serializer writes exactly what xmlbuilder2 writes, for every example as UBL and as cXML', async () => {
  const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
  let compared = 0;
  for (const { label, invoice } of await passingExamples()) {
    const { profile } = await profiles.profile(invoice.customerId);
    for (const format of ['ubl', 'cxml'] as const) {
      const request = { invoice, profile, format, now: NOW, controlNumbers: CONTROL };
      const fast = await renderDocument(request);
      const { template, scope, context } = await documentInputs(request);
      assert.ok(template.xml, `${format} has an xml tree`);
      const reference = writeXmlReference({
        xml: template.xml,
        scope,
        codes: context.codes,
        omit: context.omit,
        invoiceNumber: context.invoiceNumber,
      });
      assert.equal(fast.content, reference, `${label} as ${format}`);
      compared += 1;
    }
  }
  assert.ok(compared >= 40, `only ${compared} documents compared`);
});

test('escaping: the same as xmlbuilder2; characters XML cannot hold are refused, naming the element, where xmlbuilder2 would write U+FFFD', () => {
  const input: XmlWriteInput = {
    xml: {
      doctype: { name: 'cXML', systemId: 'http://xml.cxml.org/schemas/cXML/1.2.037/InvoiceDetail.dtd' },
      root: {
        name: 'cXML',
        attributes: { payloadID: '{{a}}', lang: 'x' },
        children: [
          { name: 'Text', text: '{{t}}' },
          { name: 'Empty', keepEmpty: true },
          { name: 'Attr', attributes: { v: '{{a}}' } },
        ],
      },
    },
    scope: { a: 'Tom & "Jerry" <co> \'x\'\t\n', t: 'a&b <c> "d" \'e\' \u{1F600}' },
    codes: {},
    omit: new Set<string>(),
    invoiceNumber: 'INV-1',
  };
  const fast = writeXml(input);
  assert.equal(fast, writeXmlReference(input));
  assert.match(fast, /<Text>a&amp;b &lt;c&gt; "d" 'e' \u{1F600}<\/Text>/u);
  for (const [scope, where] of [
    [{ ...input.scope, t: 'a \u0002' }, '/cXML/Text'],
    [{ ...input.scope, t: 'a \uD800' }, '/cXML/Text'],
    [{ ...input.scope, a: 'x\u0001' }, '/cXML/@payloadID'],
  ] as const) {
    assert.throws(
      () => writeXml({ ...input, scope }),
      (error: unknown) =>
        error instanceof Error && error.message.includes(`INV-1: ${where}: holds U+`) && /XML 1\.0 cannot carry/.test(error.message),
      where,
    );
  }
});

test('an element with both text and children (mixed content): the same as xmlbuilder2, whether or not the children are written', () => {
  const input = (scope: Record<string, unknown>): XmlWriteInput => ({
    xml: {
      root: {
        name: 'Note',
        children: [
          {
            name: 'Para',
            text: '{{t}}',
            children: [
              { name: 'Em', text: '{{e}}' },
              { name: 'Deep', children: [{ name: 'Leaf', text: '{{e}}' }] },
            ],
          },
        ],
      },
    },
    scope,
    codes: {},
    omit: new Set<string>(),
    invoiceNumber: 'INV-2',
  });
  for (const scope of [{ t: 'Some & text', e: 'em' }, { t: 'only text' }, { e: 'only children' }]) {
    const fast = writeXml(input(scope));
    assert.equal(fast, writeXmlReference(input(scope)), JSON.stringify(scope));
  }
  assert.match(writeXml(input({ t: 'Some & text', e: 'em' })), /<Para>\n {4}Some &amp; text\n {4}<Em>em<\/Em>/);
});

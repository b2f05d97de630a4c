import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileLibrary } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/index.js';
import { writeXml } from '../../src/render/xml-writer.js';
import { passingExamples, PROJECT_ROOT } from '../support/examples.js';
import { join } from 'node:path';

/**
 * XML is written by the template compiled to a program that writes text; the template's tree
 * built as objects and serialized by xmlbuilder2 is the reference. Both must give the same
 * bytes, on every example in both XML formats and on text that needs escaping.
 */
const NOW = '2026-11-20T10:00:00Z';
const CONTROL = { interchange: 1001, group: 2001, transaction: 3001 };

test('the fast XML serializer writes exactly what xmlbuilder2 writes, for every example as UBL and as cXML', async () => {
  const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
  let compared = 0;
  for (const { label, invoice } of await passingExamples()) {
    const { profile } = await profiles.profile(invoice.customerId);
    for (const format of ['ubl', 'cxml'] as const) {
      const fast = await renderDocument({ invoice, profile, format, now: NOW, controlNumbers: CONTROL });
      const reference = await renderDocument({ invoice, profile, format, now: NOW, controlNumbers: CONTROL, xmlSerializer: 'xmlbuilder2' });
      assert.equal(fast.content, reference.content, `${label} as ${format}`);
      compared += 1;
    }
  }
  assert.ok(compared >= 40, `only ${compared} documents compared`);
});

test('escaping and characters XML cannot hold: the same as xmlbuilder2', () => {
  const input = {
    xml: {
      doctype: { name: 'cXML', systemId: 'http://xml.cxml.org/schemas/cXML/1.2.037/InvoiceDetail.dtd' },
      root: { name: 'cXML', attributes: { payloadID: '{{a}}', lang: 'x' }, children: [{ name: 'Text', text: '{{t}}' }, { name: 'Empty', keepEmpty: true }, { name: 'Attr', attributes: { v: '{{a}}' } }] },
    },
    scope: { a: 'Tom & "Jerry" <co> \'x\'\t\n\u0001', t: 'a&b <c> "d" \'e\' \u0002 \u{1F600} \uD800' },
    codes: {},
    omit: new Set<string>(),
    invoiceNumber: 'INV-1',
  };
  const fast = writeXml(input, 'fast');
  assert.equal(fast, writeXml(input, 'xmlbuilder2'));
  assert.match(fast, /<Text>a&amp;b &lt;c&gt; "d" 'e' \uFFFD \u{1F600} \uFFFD<\/Text>/u);
});

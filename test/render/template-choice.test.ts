import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { lintProfiles } from '../../src/pipeline/lint-profiles.js';
import { ProfileLibrary, type CustomerProfile } from '../../src/profiles/index.js';
import { renderDocument } from '../../src/render/render-document.js';
import { loadTemplate, templateDirectory } from '../../src/render/template.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const CXML_CUSTOMER = {
  id: 'globex',
  name: 'Globex',
  currencies: ['USD'],
  format: { type: 'cxml', options: { fromIdentity: 'AN01', toIdentity: 'AN02' } },
  channel: { type: 'email', to: 'ap@globex.example', from: 'billing@seller.example', smtp: { host: 'localhost' } },
};

test("format.template names a template of its format only: no path, no other format's folder, no absolute path (lint)", async () => {
  for (const template of ['../../../package', '../x12-810/invoice', '/etc/passwd', 'sub/invoice', '..']) {
    const text = JSON.stringify({ ...CXML_CUSTOMER, format: { ...CXML_CUSTOMER.format, template } }, null, 2);
    const report = await lintProfiles(tempFolder({ 'globex.json': text }));
    const problem = report.problems.find((entry) => entry.field === '/format/template');
    assert.ok(problem, `${template}: ${JSON.stringify(report.problems)}`);
    assert.equal(problem.location.line, text.split('\n').findIndex((line) => line.includes('"template"')) + 1, template);
    assert.match(problem.message, /pattern/, template);
  }
});

test('loadTemplate refuses names that leave edi-templates/<format>/ and files linked from outside it', () => {
  for (const name of ['../../package', '../x12-810/invoice', '/etc/hosts', `${templateDirectory}/cxml/invoice`]) {
    assert.throws(
      () => loadTemplate('cxml', name),
      (error: unknown) => error instanceof InputError && error.code === 'TEMPLATE_INVALID' && /is not a template name/.test(error.message),
      name,
    );
  }
  const root = tempFolder({ 'elsewhere/outside.json': { format: 'cxml', kind: 'xml', xml: { root: { name: 'cXML' } } } });
  mkdirSync(join(root, 'templates', 'cxml'), { recursive: true });
  symlinkSync(join(root, 'elsewhere', 'outside.json'), join(root, 'templates', 'cxml', 'linked.json'));
  assert.throws(
    () => loadTemplate('cxml', 'linked', join(root, 'templates')),
    (error: unknown) => error instanceof InputError && /linked\.json.* links to .*outside\.json, outside .*cxml/.test(error.message),
  );
  // A real file in the folder still loads.
  writeFileSync(
    join(root, 'templates', 'cxml', 'own.json'),
    JSON.stringify({ format: 'cxml', kind: 'xml', xml: { root: { name: 'cXML' } } }),
  );
  assert.equal(loadTemplate('cxml', 'own', join(root, 'templates')).format, 'cxml');
});

test('format.version has a pattern per format (lint), and the cXML DOCTYPE never carries markup from it', async () => {
  const hostile = '1.2.037/x.dtd" [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><!-- ';
  const cases: [string, string, boolean][] = [
    ['cxml', '1.2.063', true],
    ['cxml', hostile, false],
    ['x12-810', '004010', true],
    ['x12-810', '4010"', false],
    ['edifact-invoic', 'D01B', true],
    ['edifact-invoic', "D96A'", false],
    ['ubl', 'XRechnung 3.0 (Peppol BIS Billing 3.0)', true],
    ['ubl', '<x>', false],
  ];
  for (const [type, version, accepted] of cases) {
    const options =
      type === 'x12-810' ? { senderId: 'SELLER', receiverId: 'BUYER' } : type === 'cxml' ? CXML_CUSTOMER.format.options : undefined;
    const report = await lintProfiles(
      tempFolder({ 'globex.json': { ...CXML_CUSTOMER, format: { type, version, ...(options ? { options } : {}) } } }),
    );
    const problems = report.problems.filter((entry) => entry.field === '/format/version');
    assert.equal(problems.length === 0, accepted, `${type} ${version}: ${JSON.stringify(report.problems)}`);
  }
  // A profile that reaches the writer without the schema (a program's own object): the id is escaped as a URI.
  const meridian = (await new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles')).profile('meridian-aerospace')).profile;
  const profile = { ...meridian, format: { ...meridian.format, version: hostile } } as CustomerProfile;
  const [{ document: invoice }] = (await readAllDocuments(
    [join(PROJECT_ROOT, 'examples', 'invoices', 'meridian-aerospace')],
    'invoice',
  )) as [{ document: Invoice }];
  const document = await renderDocument({
    invoice,
    profile,
    controlNumbers: { interchange: 1, group: 1, transaction: 1 },
    now: '2026-11-20T10:00:00Z',
  });
  const doctype = /<!DOCTYPE[^>]*>/.exec(String(document.content))?.[0] ?? '';
  assert.match(
    doctype,
    /^<!DOCTYPE cXML SYSTEM "http:\/\/xml\.cxml\.org\/schemas\/cXML\/1\.2\.037\/x\.dtd%22%20\[%3C!ENTITY%20xxe%20SYSTEM%20%22file:\/\/\/etc\/passwd%22%3E\]%3E%3C!--%20\/InvoiceDetail\.dtd">$/,
  );
  assert.doesNotMatch(String(document.content), /<!ENTITY/);
});

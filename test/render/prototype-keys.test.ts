import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, RenderError } from '../../src/model/errors.js';
import type { Invoice } from '../../src/model/invoice.js';
import { readAllDocuments } from '../../src/io/read-documents.js';
import { ProfileLibrary } from '../../src/profiles/index.js';
import { fill } from '../../src/render/expressions.js';
import { renderDocument } from '../../src/render/render-document.js';
import { loadTemplate } from '../../src/render/template.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

/** Names every plain object inherits: data or a template naming one must never reach Object.prototype. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

test('a template naming an Object.prototype member as a filter is refused when loaded, with file, line and column', () => {
  for (const name of PROTOTYPE_NAMES) {
    const root = tempFolder({
      'x12-810/sneaky.json': JSON.stringify(
        { format: 'x12-810', kind: 'segments', segments: [{ tag: 'BIG', elements: [`{{ invoice.invoiceNumber | ${name} }}`] }] },
        null,
        2,
      ),
    });
    assert.throws(
      () => loadTemplate('x12-810', 'sneaky', root),
      (error: unknown) => {
        assert.ok(error instanceof InputError, name);
        assert.equal(error.code, 'TEMPLATE_INVALID');
        assert.match(error.message, new RegExp(`sneaky\\.json:\\d+:\\d+: /segments/0/elements/0 unknown filter "${name}"`));
        return true;
      },
    );
  }
});

test("map and where look data up in the code list's own entries only: prototype names map like any unknown code", () => {
  const codes = { unit: { EA: 'PCE', '*': 'ZZ' }, plain: { EA: 'PCE' } };
  for (const name of PROTOTYPE_NAMES) {
    assert.equal(fill("{{ u | map:'unit' }}", { scope: { u: name }, codes }), 'ZZ', `${name} through a list with a fallback`);
    assert.equal(fill("{{ u | map:'plain' }}", { scope: { u: name }, codes }), name, `${name} through a list without one`);
    const kept = fill("{{ items | where:'code':'ZZ':'unit' | count }}", { scope: { items: [{ code: name }, { code: 'EA' }] }, codes });
    assert.equal(kept, 1, `${name} in where`);
  }
  assert.equal(fill("{{ u | map:'unit' }}", { scope: { u: 'EA' }, codes }), 'PCE');
});

test('an invoice whose unit of measure is an Object.prototype name never writes function text into EDIFACT or X12', async () => {
  const profiles = new ProfileLibrary(join(PROJECT_ROOT, 'customer-profiles'));
  const [{ document: invoice }] = (await readAllDocuments(
    [join(PROJECT_ROOT, 'examples', 'invoices', 'kessler-automotive', 'CG-2026-10117.json')],
    'invoice',
  )) as [{ document: Invoice }];
  for (const customer of ['kessler-automotive', 'brightwater-home']) {
    const { profile } = await profiles.profile(customer);
    for (const unit of ['constructor', '__proto__', 'toString']) {
      const sneaky = { ...invoice, lines: invoice.lines.map((line) => ({ ...line, unitOfMeasure: unit })) } as Invoice;
      const outcome = await renderDocument({
        invoice: sneaky,
        profile,
        controlNumbers: { interchange: 1, group: 1, transaction: 1 },
        now: '2026-11-20T10:00:00Z',
      }).then(
        (document) => Buffer.from(document.content).toString('latin1'),
        (error: unknown) => error,
      );
      if (typeof outcome === 'string') {
        assert.doesNotMatch(outcome, /function|native code|\[object/, `${customer} ${unit}`);
      } else {
        // Refused (exit 2) is as good as mapped: a unit the element cannot carry.
        assert.ok(outcome instanceof RenderError || outcome instanceof InputError, `${customer} ${unit}: ${String(outcome)}`);
        assert.doesNotMatch(outcome.message, /function|native code/);
      }
    }
  }
});

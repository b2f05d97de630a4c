import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { InvoiceChecker } from '../src/pipeline/invoice-checker.js';
import { purchaseOrderKey } from '../src/pipeline/inputs.js';
import { validateInvoices } from '../src/pipeline/validate-invoices.js';
import { ProfileLibrary } from '../src/profiles/index.js';
import { buildRuleBook, builtInRules } from '../src/rules/index.js';
import { tempFolder } from './support/temp.js';
import { ALL_RULES_PROFILE, CORPUS_PURCHASE_ORDERS, generateInvoice, seededRandom } from './support/corpus.js';

/**
 * The compiled evaluator is only allowed because it gives exactly json-rules-engine's results:
 * same rules failed, same messages, same paths, in the same order.
 */

const CORPUS_SIZE = 3000;
const ATTACHMENTS = new Map([
  ['ts.pdf', { bytes: 1200 }],
  ['ts.csv', { bytes: 300 }],
  ['big.pdf', { bytes: 900_000 }],
]);

test(`compiled and json-rules-engine agree on a generated corpus of ${CORPUS_SIZE} invoices with every rule on`, async () => {
  const profiles = new ProfileLibrary(tempFolder({ 'omni.json': ALL_RULES_PROFILE }));
  const orders = new Map(CORPUS_PURCHASE_ORDERS.map((po) => [purchaseOrderKey(po.customerId, po.poNumber), po]));
  const engine = new InvoiceChecker(orders, { today: '2026-11-20', evaluator: 'engine' });
  const compiled = new InvoiceChecker(orders, { today: '2026-11-20', evaluator: 'compiled' });
  const profile = await profiles.profile('omni');
  const random = seededRandom(20261123);
  const numbers = new Set<string>();
  const rulesSeen = new Set<string>();
  let findingsCompared = 0;
  for (let index = 0; index < CORPUS_SIZE; index += 1) {
    const { invoice } = generateInvoice(random, index);
    const task = {
      invoice,
      duplicateOf: numbers.has(invoice.invoiceNumber) ? 'earlier in this batch' : undefined,
      attachments: ATTACHMENTS,
    };
    numbers.add(invoice.invoiceNumber);
    const expected = await engine.check(task, profile);
    const actual = await compiled.check(task, profile);
    assert.deepEqual(actual, expected, `invoice #${index}: ${JSON.stringify(invoice)}`);
    for (const finding of expected.findings) rulesSeen.add(finding.rule);
    findingsCompared += expected.findings.length;
  }
  // The corpus is only a proof if it makes every rule fail somewhere.
  const { book } = buildRuleBook({ profile: ALL_RULES_PROFILE, file: 'omni.json', chain: [], origins: new Map() }, builtInRules());
  const silent = book.rules.map((rule) => rule.id).filter((id) => !rulesSeen.has(id));
  assert.deepEqual(silent, [], `rules that never failed in the corpus: ${silent.join(', ')}`);
  assert.ok(findingsCompared > CORPUS_SIZE, `only ${findingsCompared} findings compared`);
});

test('compiled and json-rules-engine agree on every bundled example', {
  skip: existsSync('examples/invoices') ? false : 'no examples/invoices',
}, async () => {
  const options = {
    paths: ['examples/invoices'],
    profilesDirectory: 'customer-profiles',
    poPaths: ['examples/purchase-orders'],
    today: '2026-11-20',
  };
  const strip = (results: { file: string; invoiceNumber: string; ok: boolean; findings: readonly unknown[] }[]) =>
    results.map(({ file, invoiceNumber, ok, findings }) => ({ file, invoiceNumber, ok, findings }));
  const compiled = [];
  for await (const result of validateInvoices({ ...options, evaluator: 'compiled' })) compiled.push(result);
  const engine = [];
  for await (const result of validateInvoices({ ...options, evaluator: 'engine' })) engine.push(result);
  assert.ok(compiled.length >= 30, `only ${compiled.length} examples`);
  assert.deepEqual(strip(compiled), strip(engine));
});

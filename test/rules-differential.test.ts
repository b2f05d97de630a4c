import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { Invoice } from '../src/model/index.js';
import { validateInvoices } from '../src/pipeline/validate-invoices.js';
import type { ResolvedProfile } from '../src/profiles/index.js';
import { BatchHistory } from '../src/pipeline/batch-history.js';
import { buildRuleBook, builtInRules, CompiledEvaluator, EngineEvaluator, factRuns, findingsFrom } from '../src/rules/index.js';
import { ALL_RULES_PROFILE, CORPUS_PURCHASE_ORDERS, generateInvoice, seededRandom } from './support/corpus.js';

/**
 * The compiled evaluator is only allowed because it gives exactly json-rules-engine's results:
 * same rules failed, same messages, same paths, in the same order.
 */

const CORPUS_SIZE = 3000;

test(`compiled and json-rules-engine agree on a generated corpus of ${CORPUS_SIZE} invoices with every rule on`, async () => {
  const resolved: ResolvedProfile = { profile: ALL_RULES_PROFILE, file: 'omni.json', chain: ['omni.json'], origins: new Map() };
  const { book, problems } = buildRuleBook(resolved, builtInRules());
  assert.deepEqual(problems, []);
  const engine = new EngineEvaluator();
  const compiled = new CompiledEvaluator();
  const random = seededRandom(20261123);
  const history = new BatchHistory();
  const attachments = new Map([['ts.pdf', { bytes: 1200 }], ['ts.csv', { bytes: 300 }], ['big.pdf', { bytes: 900_000 }]]);
  const rulesSeen = new Set<string>();
  let findingsCompared = 0;
  for (let index = 0; index < CORPUS_SIZE; index += 1) {
    const { invoice } = generateInvoice(random, index);
    const po = CORPUS_PURCHASE_ORDERS.find((order) => order.poNumber === invoice.poNumber);
    const inputs = { invoice, profile: ALL_RULES_PROFILE, po, today: '2026-11-20', history, attachments, ruleParams: book.params };
    const runs = factRuns(book, inputs);
    const expected = findingsFrom(runs, await engine.evaluate(book, runs));
    const actual = findingsFrom(runs, compiled.evaluate(book, runs));
    assert.deepEqual(actual, expected, `invoice #${index}: ${JSON.stringify(invoice)}`);
    for (const finding of expected) rulesSeen.add(finding.rule);
    findingsCompared += expected.length;
    history.record(invoice as Invoice, `#${index}`, !expected.some((finding) => finding.severity === 'error'), undefined);
  }
  // The corpus is only a proof if it makes every rule fail somewhere.
  const silent = book.rules.map((rule) => rule.id).filter((id) => !rulesSeen.has(id));
  assert.deepEqual(silent, [], `rules that never failed in the corpus: ${silent.join(', ')}`);
  assert.ok(findingsCompared > CORPUS_SIZE, `only ${findingsCompared} findings compared`);
});

test('compiled and json-rules-engine agree on every bundled example', { skip: existsSync('examples/invoices') ? false : 'no examples/invoices' }, async () => {
  const options = { paths: ['examples/invoices'], profilesDirectory: 'customer-profiles', poPaths: ['examples/purchase-orders'], today: '2026-11-20' };
  const strip = (results: { file: string; invoiceNumber: string; ok: boolean; findings: readonly unknown[] }[]) => results.map(({ file, invoiceNumber, ok, findings }) => ({ file, invoiceNumber, ok, findings }));
  const compiled = [];
  for await (const result of validateInvoices({ ...options, evaluator: 'compiled' })) compiled.push(result);
  const engine = [];
  for await (const result of validateInvoices({ ...options, evaluator: 'engine' })) engine.push(result);
  assert.ok(compiled.length >= 30, `only ${compiled.length} examples`);
  assert.deepEqual(strip(compiled), strip(engine));
});

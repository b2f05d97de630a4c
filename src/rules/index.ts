/** The rules stage: a customer's rule book, and checking one invoice against it. */
export type { ActiveRule, Finding, RuleDefinition, Severity } from './rule.js';
export { builtInRules } from './load-rules.js';
export { buildRuleBook, type RuleBook } from './rule-book.js';
export { EMPTY_HISTORY, type AttachmentInfo, type FactInputs, type InvoiceHistory } from './computed-facts.js';
export { factRuns, findingsFrom, type RuleEvaluator } from './fact-runs.js';
export { CompiledEvaluator } from './compiled-evaluator.js';
// EngineEvaluator is imported from './engine-evaluator.js' where it is needed: it loads json-rules-engine.
export { ALL_OPERATORS } from './operators.js';

import type { FactInputs } from './computed-facts.js';
import { factRuns, findingsFrom, type RuleEvaluator } from './fact-runs.js';
import type { Finding } from './rule.js';
import type { RuleBook } from './rule-book.js';

/**
 * Check one invoice: every rule of the book over the invoice, its lines and its charges.
 * Synchronous when the evaluator is (the compiled one): a batch then needs no promise per invoice.
 */
export function checkInvoice(book: RuleBook, inputs: FactInputs, evaluator: RuleEvaluator): Finding[] | Promise<Finding[]> {
  const runs = factRuns(book, inputs);
  const failures = evaluator.evaluate(book, runs);
  return Array.isArray(failures) ? findingsFrom(runs, failures) : failures.then((settled) => findingsFrom(runs, settled));
}

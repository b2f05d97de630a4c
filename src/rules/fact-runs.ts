import { computeChargeFacts, computeInvoiceFacts, computeLineFacts, purchaseOrderFigures, type FactInputs } from './computed-facts.js';
import { fillTemplate } from './messages.js';
import type { ActiveRule, Finding } from './rule.js';
import type { RuleBook } from './rule-book.js';

/**
 * One pass of a set of rules over one subject: the invoice, one line, or one charge or
 * allowance, with the facts the rules read there. An invoice is checked by a list of runs.
 */
export interface RuleRun {
  readonly rules: readonly ActiveRule[];
  readonly facts: Readonly<Record<string, unknown>>;
  /** /lines/3, /charges/0, /allowances/1; empty for the invoice. */
  readonly itemPath: string;
}

/** A rule whose conditions did not hold, with the explain texts of its failed conditions. */
export interface RuleFailure {
  readonly rule: ActiveRule;
  readonly explains: readonly string[];
}

/** What both evaluators do: for each run, the rules that failed, in the book's order. */
export interface RuleEvaluator {
  readonly name: string;
  evaluate(book: RuleBook, runs: readonly RuleRun[]): Promise<RuleFailure[][]> | RuleFailure[][];
}

export function factRuns(book: RuleBook, inputs: FactInputs): RuleRun[] {
  const { invoice, profile, po } = inputs;
  const computed = computeInvoiceFacts(inputs);
  const runs: RuleRun[] = [];
  if (book.invoiceRules.length > 0) runs.push({ rules: book.invoiceRules, facts: { invoice, profile, po, computed }, itemPath: '' });
  if (book.lineRules.length > 0) {
    const poLines = po ? purchaseOrderFigures(po).lines : undefined;
    invoice.lines.forEach((line, index) => {
      const poLine = line.poLineNumber !== undefined ? poLines?.get(line.poLineNumber) : undefined;
      runs.push({
        rules: book.lineRules,
        facts: { invoice, profile, po, poLine, line, item: line, computed: computeLineFacts(inputs, computed, line, index, poLine) },
        itemPath: `/lines/${index}`,
      });
    });
  }
  if (book.chargeRules.length > 0) {
    for (const kind of ['charge', 'allowance'] as const) {
      const items = (kind === 'charge' ? invoice.charges : invoice.allowances) ?? [];
      items.forEach((charge, index) => {
        runs.push({
          rules: book.chargeRules,
          facts: { invoice, profile, po, charge, item: charge, computed: computeChargeFacts(inputs, computed, charge, kind, index) },
          itemPath: `/${kind === 'charge' ? 'charges' : 'allowances'}/${index}`,
        });
      });
    }
  }
  return runs;
}

/** Turn failed rules into findings: messages and paths filled from the run's facts. */
export function findingsFrom(runs: readonly RuleRun[], failures: readonly (readonly RuleFailure[])[]): Finding[] {
  const findings: Finding[] = [];
  runs.forEach((run, index) => {
    for (const { rule, explains } of failures[index] ?? []) {
      const context: Record<string, unknown> = { ...run.facts, params: rule.params, itemPath: run.itemPath };
      context.explain = explains.map((explain) => fillTemplate(explain, context)).join('; ');
      findings.push({
        rule: rule.id,
        severity: rule.severity,
        message: fillTemplate(rule.definition.message, context),
        path: fillTemplate(rule.definition.path, context, ''),
      });
    }
  });
  return findings;
}

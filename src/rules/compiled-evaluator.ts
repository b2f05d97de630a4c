import { generateRuleListExplain, generateRuleListTest, type RuleListExplain, type RuleListTest } from './generated-test.js';
import type { ActiveRule, ConditionNode } from './rule.js';
import type { RuleBook } from './rule-book.js';
import type { RuleEvaluator, RuleFailure, RuleRun } from './fact-runs.js';

/**
 * The production evaluator: each rule list compiled once into generated functions
 * (generated-test.ts) that follow json-rules-engine's semantics, which a differential test checks
 * on every example and on a generated corpus. A short-circuiting test finds the failed rules;
 * only a failed rule is evaluated in full, for the explain texts of its failed conditions.
 */

/** A list of rules (a book's invoice, line or charge rules) ready to run. */
interface CompiledRules {
  readonly rules: readonly ActiveRule[];
  /** Short-circuiting, one function for the list: most rules hold, and for them this is all that runs. */
  readonly firstFailure: RuleListTest;
  /** Run only for a rule that failed, for its explain texts. */
  readonly explain: RuleListExplain;
}

export class CompiledEvaluator implements RuleEvaluator {
  readonly name = 'compiled';
  /** By the rule list of a run (a book's invoice, line or charge rules), in its order. */
  private readonly compiled = new WeakMap<readonly ActiveRule[], CompiledRules>();

  evaluate(_book: RuleBook, runs: readonly RuleRun[]): RuleFailure[][] {
    const failures: RuleFailure[][] = [];
    for (const run of runs) {
      const { rules, firstFailure, explain } = this.compiledRules(run.rules);
      const failed: RuleFailure[] = [];
      for (let index = firstFailure(run.facts, 0); index < rules.length; index = firstFailure(run.facts, index + 1)) {
        const explains: string[] = [];
        explain(run.facts, index, explains);
        failed.push({ rule: rules[index] as ActiveRule, explains });
      }
      failures.push(failed);
    }
    return failures;
  }

  private compiledRules(rules: readonly ActiveRule[]): CompiledRules {
    let compiled = this.compiled.get(rules);
    if (!compiled) {
      const tested = rules.map((rule) => ({ conditions: rule.definition.conditions as ConditionNode, params: rule.params }));
      compiled = { rules, firstFailure: generateRuleListTest(tested), explain: generateRuleListExplain(tested) };
      this.compiled.set(rules, compiled);
    }
    return compiled;
  }
}

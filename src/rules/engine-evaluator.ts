import { Engine, Rule, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { CUSTOM_OPERATORS } from './operators.js';
import { resolvePath } from './path-resolver.js';
import type { ActiveRule, ConditionNode } from './rule.js';
import type { RuleBook } from './rule-book.js';
import type { RuleEvaluator, RuleFailure, RuleRun } from './fact-runs.js';

/**
 * The reference semantics: json-rules-engine itself. One Engine per rule book and rule set,
 * reused for every invoice; runs on one engine are strictly sequential (two concurrent
 * runs share the engine's status and the slower one silently skips rules).
 * A rule's `params` fact is its own: it is renamed `params:<rule id>` and added to the engine
 * as a constant fact, so every rule reads its own parameters.
 */
export class EngineEvaluator implements RuleEvaluator {
  readonly name = 'json-rules-engine';
  private readonly engines = new WeakMap<readonly ActiveRule[], { engine: Engine; byId: ReadonlyMap<string, ActiveRule> }>();

  async evaluate(_book: RuleBook, runs: readonly RuleRun[]): Promise<RuleFailure[][]> {
    const failures: RuleFailure[][] = [];
    for (const run of runs) {
      const { engine, byId } = this.engineFor(run.rules);
      const { failureResults } = await engine.run({ ...run.facts });
      const failed: RuleFailure[] = failureResults.map((result) => ({
        rule: byId.get(result.name as string) as ActiveRule,
        explains: failedExplains(result.conditions as unknown as EvaluatedCondition),
      }));
      failed.sort((a, b) => a.rule.order - b.rule.order);
      failures.push(failed);
    }
    return failures;
  }

  private engineFor(rules: readonly ActiveRule[]): { engine: Engine; byId: ReadonlyMap<string, ActiveRule> } {
    let entry = this.engines.get(rules);
    if (!entry) {
      const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: resolvePath });
      for (const [name, operator] of Object.entries(CUSTOM_OPERATORS)) {
        engine.addOperator(
          name,
          (factValue: unknown, compareTo: unknown) => operator.accepts(factValue) && operator.test(factValue, compareTo),
        );
      }
      for (const rule of rules) {
        engine.addFact(`params:${rule.id}`, rule.params as Record<string, unknown>);
        const properties: RuleProperties = {
          name: rule.id,
          conditions: withOwnParams(rule.definition.conditions as ConditionNode, rule.id) as TopLevelCondition,
          event: { type: rule.id },
        };
        engine.addRule(new Rule(properties));
      }
      entry = { engine, byId: new Map(rules.map((rule) => [rule.id, rule])) };
      this.engines.set(rules, entry);
    }
    return entry;
  }
}

function withOwnParams(node: ConditionNode, ruleId: string): ConditionNode {
  const copy: ConditionNode = { ...node };
  if (node.all) copy.all = node.all.map((child) => withOwnParams(child, ruleId));
  if (node.any) copy.any = node.any.map((child) => withOwnParams(child, ruleId));
  if (node.not) copy.not = withOwnParams(node.not, ruleId);
  if (node.fact === 'params') copy.fact = `params:${ruleId}`;
  const value = node.value as { fact?: unknown } | undefined;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && value.fact === 'params') {
    copy.value = { ...value, fact: `params:${ruleId}` };
  }
  return copy;
}

interface EvaluatedCondition extends ConditionNode {
  all?: EvaluatedCondition[];
  any?: EvaluatedCondition[];
  not?: EvaluatedCondition;
  result?: boolean;
}

/**
 * The explain texts of the leaf conditions that did not hold, in the order they are written,
 * looking only inside groups that failed: a group that holds explains nothing.
 */
function failedExplains(node: EvaluatedCondition | undefined, found: string[] = []): string[] {
  if (!node || node.result === true) return found;
  for (const child of node.all ?? node.any ?? []) failedExplains(child, found);
  if (node.not) failedExplains(node.not, found);
  if (node.operator !== undefined && node.fact !== undefined && node.result === false && node.explain) found.push(node.explain);
  return found;
}

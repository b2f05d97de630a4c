import { generateRuleListTest } from '../../src/rules/generated-test.js';
import type { ConditionNode } from '../../src/rules/rule.js';

/** One rule's generated test: whether its conditions hold for these facts (a list of one rule). */
export function generateRuleTest(
  conditions: ConditionNode,
  params: Readonly<Record<string, unknown>>,
): (facts: Readonly<Record<string, unknown>>) => boolean {
  const test = generateRuleListTest([{ conditions, params }]);
  return (facts) => test(facts, 0) === 1;
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveRule, RuleDefinition } from '../../src/rules/index.js';
import { EngineEvaluator } from '../../src/rules/engine-evaluator.js';
import { generateRuleListExplain, generateRuleListTest } from '../../src/rules/generated-test.js';
import type { RuleBook } from '../../src/rules/rule-book.js';
import type { ConditionNode } from '../../src/rules/rule.js';
import { generateRuleTest } from '../support/rule-test.js';

/**
 * The generated rule tests against json-rules-engine on the corners of its semantics that the
 * bundled rules do not all reach: paths through null, primitives and arrays, deep paths,
 * `$`, parameters, facts that are not there, `not`, and type checks of operators. (Not empty
 * groups: the rule schema asks for at least one condition in an all or any.)
 */

const PARAMS = { tolerance: '0.01', limits: { max: 3 }, codes: ['S', 'Z'] };

const FACT_SETS: Record<string, unknown>[] = [
  {
    line: { quantity: '3', unitPrice: '10.00', tags: ['a', 'b'], note: null, nested: { deep: { value: '7' } } },
    computed: { expected: '30.00', gap: '0' },
    label: 'text',
  },
  { line: { quantity: '0', nested: { deep: null } }, computed: { expected: undefined }, label: '' },
  { line: null, computed: null, label: 42 },
  { line: 'a string', computed: ['x'], label: undefined },
  { line: { nested: 'plain', tags: [] }, computed: { gap: '0.02' } },
  {},
];

const CONDITIONS: ConditionNode[] = [
  { fact: 'line', path: '$.quantity', operator: 'decimalGreaterThan', value: '0' },
  { fact: 'line', path: '$.nested.deep.value', operator: 'equal', value: '7' },
  { fact: 'line', path: '$.nested.deep.value', operator: 'present', value: false },
  { fact: 'line', path: '$.nested.deep', operator: 'present', value: true },
  { fact: 'line', path: '$.note.anything', operator: 'equal', value: undefined },
  { fact: 'line', path: '$.tags.length', operator: 'greaterThan', value: 1 },
  { fact: 'line', path: '$.tags', operator: 'contains', value: 'a' },
  { fact: 'line', path: '$.tags.0', operator: 'equal', value: 'a' },
  { fact: 'label', path: '$.length', operator: 'equal', value: 4 },
  { fact: 'label', path: '$', operator: 'present', value: true },
  { fact: 'label', operator: 'in', value: ['text', 42] },
  { fact: 'missing', path: '$.anything', operator: 'present', value: false },
  { fact: 'computed', path: '$.gap', operator: 'decimalLessThanInclusive', value: { fact: 'params', path: '$.tolerance' } },
  { fact: 'computed', path: '$.expected', operator: 'decimalEqual', value: { fact: 'line', path: '$.quantity' } },
  { fact: 'params', path: '$.limits.max', operator: 'lessThan', value: { fact: 'line', path: '$.tags.length' } },
  { fact: 'params', path: '$.codes', operator: 'doesNotContain', value: { fact: 'label' } },
  { not: { fact: 'line', path: '$.quantity', operator: 'present', value: true } },
  {
    all: [
      { fact: 'line', path: '$.quantity', operator: 'present', value: true },
      {
        any: [
          { fact: 'label', operator: 'equal', value: 'text' },
          { not: { fact: 'computed', path: '$.gap', operator: 'empty', value: true } },
        ],
      },
    ],
  },
  {
    any: [
      { fact: 'line', path: '$.quantity', operator: 'lessThanInclusive', value: 2 },
      { fact: 'line', path: '$.nested', operator: 'matches', value: '^pl' },
    ],
  },
];

function activeRule(id: string, conditions: ConditionNode, order: number): ActiveRule {
  const definition = { id, title: id, scope: 'invoice', severity: 'error', message: id, path: '', conditions } as unknown as RuleDefinition;
  return { id, definition, severity: 'error', params: PARAMS, origin: 'test', order };
}

test('generated rule tests decide every condition as json-rules-engine does', async () => {
  // json-rules-engine wants a group at the root.
  const rules = CONDITIONS.map((condition, index) =>
    activeRule(`rule-${index}`, condition.all || condition.any || condition.not ? condition : { all: [condition] }, index),
  );
  const engine = new EngineEvaluator();
  for (const [factIndex, facts] of FACT_SETS.entries()) {
    const [failures] = await engine.evaluate({} as RuleBook, [{ rules, facts, itemPath: '' }]);
    const failed = new Set((failures ?? []).map((failure) => failure.rule.id));
    for (const rule of rules) {
      const holds = generateRuleTest(rule.definition.conditions as ConditionNode, rule.params)(facts);
      assert.equal(holds, !failed.has(rule.id), `${rule.id} ${JSON.stringify(rule.definition.conditions)} on fact set ${factIndex}`);
    }
    // The whole list as one function, walked from failure to failure as the evaluator walks it.
    const firstFailure = generateRuleListTest(
      rules.map((rule) => ({ conditions: rule.definition.conditions as ConditionNode, params: rule.params })),
    );
    const listFailed: string[] = [];
    for (let index = firstFailure(facts, 0); index < rules.length; index = firstFailure(facts, index + 1))
      listFailed.push(rules[index]?.id ?? `#${index}`);
    assert.deepEqual(
      listFailed,
      rules.filter((rule) => failed.has(rule.id)).map((rule) => rule.id),
      `fact set ${factIndex}`,
    );
  }
});

/** The condition with an explain text on every leaf, named after where the leaf is. */
function explained(node: ConditionNode, at = 'e'): ConditionNode {
  if (node.all) return { all: node.all.map((child, index) => explained(child, `${at}.all${index}`)) };
  if (node.any) return { any: node.any.map((child, index) => explained(child, `${at}.any${index}`)) };
  if (node.not) return { not: explained(node.not, `${at}.not`) };
  return { ...node, explain: at };
}

test('generated explains name the failed conditions json-rules-engine names', async () => {
  const grouped = CONDITIONS.map((condition) => (condition.all || condition.any || condition.not ? condition : { all: [condition] }));
  // Groups of every kind around the corner cases, so failed and holding groups nest.
  const nested: ConditionNode[] = [
    { any: [grouped[0] as ConditionNode, { not: grouped[1] as ConditionNode }, grouped[2] as ConditionNode] },
    {
      all: [
        { any: [grouped[5] as ConditionNode, grouped[6] as ConditionNode] },
        { not: { any: [grouped[3] as ConditionNode, grouped[11] as ConditionNode] } },
        grouped[12] as ConditionNode,
      ],
    },
  ];
  const rules = [...grouped, ...nested].map((condition, index) => activeRule(`rule-${index}`, explained(condition), index));
  const tested = rules.map((rule) => ({ conditions: rule.definition.conditions as ConditionNode, params: rule.params }));
  const explain = generateRuleListExplain(tested);
  const engine = new EngineEvaluator();
  let compared = 0;
  for (const [factIndex, facts] of FACT_SETS.entries()) {
    const [failures] = await engine.evaluate({} as RuleBook, [{ rules, facts, itemPath: '' }]);
    for (const failure of failures ?? []) {
      const explains: string[] = [];
      explain(facts, failure.rule.order, explains);
      const where = `${failure.rule.id} ${JSON.stringify(failure.rule.definition.conditions)} on fact set ${factIndex}`;
      assert.deepEqual(explains, failure.explains, where);
      compared += explains.length;
    }
  }
  assert.ok(compared > 20, `only ${compared} explains compared`);
});

test("a rule list test reads each rule's own parameters", () => {
  const conditions: ConditionNode = {
    all: [{ fact: 'amount', operator: 'decimalLessThanInclusive', value: { fact: 'params', path: '$.limit' } }],
  };
  const firstFailure = generateRuleListTest([
    { conditions, params: { limit: '5' } },
    { conditions, params: { limit: '50' } },
    { conditions, params: { limit: '500' } },
  ]);
  assert.equal(firstFailure({ amount: '10' }, 0), 0);
  assert.equal(firstFailure({ amount: '10' }, 1), 3);
  assert.equal(firstFailure({ amount: '100' }, 1), 1);
  assert.equal(firstFailure({ amount: '100' }, 2), 3);
  assert.equal(firstFailure({ amount: '1' }, 0), 3);
});

test('fact names and path segments are data, never code', () => {
  const hostile = `"]; throw new Error("injected"); //`;
  // biome-ignore lint/complexity/useLiteralKeys: the key holds both quotes and a backslash on purpose
  const facts = { [hostile]: { [`a'b"c\\`]: 'x' } };
  const holds = generateRuleTest({ fact: hostile, path: `$.a'b"c\\`, operator: 'equal', value: 'x' }, {});
  assert.equal(holds(facts), true);
});

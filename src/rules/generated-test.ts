import { acceptsAnyFact, ALL_OPERATORS, type OperatorDefinition } from './operators.js';
import { pathSegments } from './path-resolver.js';
import type { ConditionNode } from './rule.js';

/**
 * A rule's conditions as one generated JavaScript function: `(facts) => boolean`, stopping at
 * the first deciding condition (conditions are pure, so skipping the rest cannot change the
 * result). Most rules hold for most items, so this test is most of what validation runs: about
 * 150 rule tests and 500 conditions per invoice of 10 lines.
 *
 * Why generate code rather than nest closures: V8 learns the shape of the objects each
 * property read meets, per function. Closures made by one factory share that knowledge, so a
 * read such as `value[key]`, shared by every condition of every rule, met every kind of fact
 * and was slow; here every condition has its own reads, written as plain property accesses.
 *
 * Only structure comes from the rule: fact names and path segments are written as string
 * literals by JSON.stringify, and every value, parameter object and operator function is
 * passed in as a constant, never written into the source. The semantics are the compiled
 * evaluator's closures' (json-rules-engine's): a path is applied to objects only, a segment
 * reached through null or undefined reads undefined, an operator first checks the fact's type,
 * and the compared value is read only when that check passes.
 */
export type RuleTest = (facts: Readonly<Record<string, unknown>>) => boolean;

/**
 * The tests of a list of rules (a book's invoice, line or charge rules) as one generated
 * function: `(facts, start) => index` of the first rule at or after `start` that fails, or the
 * list's length when all of them hold. One function per list rather than one per rule: an
 * item is then one call, not one per rule, and a run of a few thousand invoices warms up
 * (V8 optimises a function once it has run often enough) three functions instead of dozens.
 */
export type RuleListTest = (facts: Readonly<Record<string, unknown>>, start: number) => number;

export interface TestedRule {
  readonly conditions: ConditionNode;
  readonly params: Readonly<Record<string, unknown>>;
}

export function generateRuleListTest(rules: readonly TestedRule[]): RuleListTest {
  const writer = new TestWriter();
  // A switch that falls through: entering at `start` runs that rule's test and every later one.
  const cases = rules.map((rule, index) => `    case ${index}: if (!${writer.condition(rule.conditions, rule.params)}) return ${index};`);
  // The constants are the function's only free variables (c0, c1 …): nothing else is reachable from it.
  const constants = writer.constants.map((_, index) => `c${index} = constants[${index}]`);
  const source = [
    ...(constants.length > 0 ? [`const ${constants.join(', ')};`] : []),
    'return function ruleListTest(facts, start) {',
    `  let ${writer.temporaries().join(', ')};`,
    '  switch (start) {',
    ...cases,
    '  }',
    `  return ${rules.length};`,
    '};',
  ].join('\n');
  const factory = new Function('constants', source) as (constants: readonly unknown[]) => RuleListTest;
  return factory(writer.constants);
}

/** One rule's test: whether its conditions hold for these facts. */
export function generateRuleTest(conditions: ConditionNode, params: Readonly<Record<string, unknown>>): RuleTest {
  const test = generateRuleListTest([{ conditions, params }]);
  return (facts) => test(facts, 0) === 1;
}

class TestWriter {
  /** Values, parameter objects and operator functions: the generated code reads the i-th as ci. */
  readonly constants: unknown[] = [];
  private temporaryCount = 0;
  /** The parameters of the rule being written: `params` facts read them. */
  private params: Readonly<Record<string, unknown>> = {};

  /** Names of the temporaries the expression uses (at least one, so `let` has something to declare). */
  temporaries(): string[] {
    return Array.from({ length: Math.max(1, this.temporaryCount) }, (_, index) => `t${index}`);
  }

  /** A rule's conditions as one boolean expression. */
  condition(node: ConditionNode, params: Readonly<Record<string, unknown>>): string {
    this.params = params;
    return this.node(node);
  }

  private node(node: ConditionNode): string {
    // As Array.prototype.every and some: an empty all holds, an empty any does not.
    if (node.all) return node.all.length === 0 ? 'true' : `(${node.all.map((child) => this.node(child)).join(' && ')})`;
    if (node.any) return node.any.length === 0 ? 'false' : `(${node.any.map((child) => this.node(child)).join(' || ')})`;
    if (node.not) return `!${this.node(node.not)}`;
    return this.leaf(node);
  }

  private leaf(node: ConditionNode): string {
    const operator: OperatorDefinition | undefined = ALL_OPERATORS[node.operator ?? ''];
    if (!operator) throw new Error(`unknown operator ${String(node.operator)}`);
    const factValue = this.temporary();
    const reference = node.value as { fact?: string; path?: string } | null | undefined;
    const compareTo =
      reference !== null && typeof reference === 'object' && !Array.isArray(reference) && Object.hasOwn(reference, 'fact')
        ? this.factRead(String(reference.fact), reference.path)
        : this.constant(node.value);
    const test = `${this.constant(operator.test)}(${factValue}, ${compareTo})`;
    const accepts = operator.accepts === acceptsAnyFact ? '' : `${this.constant(operator.accepts)}(${factValue}) && `;
    return `(${factValue} = ${this.factRead(node.fact ?? '', node.path)}, ${accepts}${test})`;
  }

  /** The fact, and the path applied to it when it is an object. */
  private factRead(fact: string, path: string | undefined): string {
    const whole = fact === 'params' ? this.constant(this.params) : `facts[${JSON.stringify(fact)}]`;
    if (!path) return whole;
    const segments = pathSegments(path);
    if (segments.length === 0) return whole;
    const value = this.temporary();
    return `(${value} = ${whole}, ${value} !== null && typeof ${value} === 'object' ? ${this.segmentsRead(value, segments)} : ${value})`;
  }

  /** object[s0][s1]…, reading undefined as soon as a step meets null or undefined. */
  private segmentsRead(object: string, segments: readonly string[]): string {
    const [first, ...rest] = segments;
    const firstRead = `${object}[${JSON.stringify(first)}]`;
    if (rest.length === 0) return firstRead;
    const cursor = this.temporary();
    // (c = o[s0], c == null ? undefined : (c = c[s1], c == null ? undefined : c[s2]))
    let read = `${cursor}[${JSON.stringify(rest[rest.length - 1])}]`;
    for (const segment of [first, ...rest.slice(0, -1)].reverse()) {
      const step = segment === first ? firstRead : `${cursor}[${JSON.stringify(segment)}]`;
      read = `(${cursor} = ${step}, ${cursor} === null || ${cursor} === undefined ? undefined : ${read})`;
    }
    return read;
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `c${this.constants.length - 1}`;
  }

  private temporary(): string {
    const name = `t${this.temporaryCount}`;
    this.temporaryCount += 1;
    return name;
  }
}

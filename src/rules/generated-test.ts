import { acceptsAnyFact, ALL_OPERATORS, type OperatorDefinition } from './operators.js';
import { pathSegments } from './path-resolver.js';
import type { ConditionNode } from './rule.js';

/**
 * Rule conditions as generated JavaScript functions, the one compiled form of json-rules-engine's
 * semantics: a path is applied to objects only, a segment reached through null or undefined
 * reads undefined, an operator first checks the fact's type, and the compared value is read only
 * when that check passes. Generated code gives every condition its own plain property reads,
 * which keeps the hot path fast (bench/README.md, "Rules and computed facts").
 *
 * Only structure comes from the rule: fact names and path segments are written as string
 * literals by JSON.stringify, and every value, parameter object, explain text and operator
 * function is passed in as a constant, never written into the source.
 */

/**
 * The tests of a list of rules (a book's invoice, line or charge rules) as one generated
 * function: `(facts, start) => index` of the first rule at or after `start` that fails, or the
 * list's length when all of them hold. It stops at the first deciding condition (conditions are
 * pure), and one function per list makes an item one call.
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
  return writer.compile('ruleListTest', 'facts, start', ['  switch (start) {', ...cases, '  }', `  return ${rules.length};`]);
}

/**
 * The explain texts of a failed rule of the list, as json-rules-engine gives them:
 * `(facts, index, explains)` evaluates rule `index` in full (every condition of an all or any)
 * and adds the explain texts of its failed conditions, looking only inside groups that failed.
 */
export type RuleListExplain = (facts: Readonly<Record<string, unknown>>, index: number, explains: string[]) => void;

export function generateRuleListExplain(rules: readonly TestedRule[]): RuleListExplain {
  const writer = new TestWriter();
  const cases = rules.map((rule, index) => `    case ${index}: ${writer.explained(rule.conditions, rule.params)}; return;`);
  return writer.compile('ruleListExplain', 'facts, index, explains', ['  switch (index) {', ...cases, '  }']);
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

  /** A rule's conditions as an expression that evaluates every condition and adds the explains of failed ones. */
  explained(node: ConditionNode, params: Readonly<Record<string, unknown>>): string {
    this.params = params;
    return this.explainedNode(node);
  }

  /** The function: its body, with the temporaries declared and the constants (c0, c1 …) its only free variables. */
  compile<Compiled>(name: string, parameters: string, body: readonly string[]): Compiled {
    const constants = this.constants.map((_, index) => `c${index} = constants[${index}]`);
    const source = [
      ...(constants.length > 0 ? [`const ${constants.join(', ')};`] : []),
      `return function ${name}(${parameters}) {`,
      `  let ${this.temporaries().join(', ')};`,
      ...body,
      '};',
    ].join('\n');
    const factory = new Function('constants', source) as (constants: readonly unknown[]) => Compiled;
    return factory(this.constants);
  }

  /**
   * Holds exactly when node() holds; on the way it adds the explain texts of failed leaves to
   * `explains`, and takes back what a group that holds (or a `not`) added: a group that holds
   * explains nothing, and neither does a `not`, whose failure means its condition held.
   * `&` and `|` evaluate every child, as json-rules-engine does.
   */
  private explainedNode(node: ConditionNode): string {
    if (node.all) return node.all.length === 0 ? 'true' : `!!(${node.all.map((child) => this.explainedNode(child)).join(' & ')})`;
    if (node.any) {
      if (node.any.length === 0) return 'false';
      const mark = this.temporary();
      const children = node.any.map((child) => this.explainedNode(child)).join(' | ');
      return `(${mark} = explains.length, !!(${children}) ? (explains.length = ${mark}, true) : false)`;
    }
    if (node.not) {
      const mark = this.temporary();
      const holds = this.temporary();
      return `(${mark} = explains.length, ${holds} = !${this.explainedNode(node.not)}, explains.length = ${mark}, ${holds})`;
    }
    const leaf = this.leaf(node);
    return node.explain ? `(${leaf} || (explains.push(${this.constant(node.explain)}), false))` : leaf;
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

import { ALL_OPERATORS } from './operators.js';
import { resolvePath } from './path-resolver.js';
import type { ActiveRule, ConditionNode } from './rule.js';
import type { RuleBook } from './rule-book.js';
import type { RuleEvaluator, RuleFailure, RuleRun } from './fact-runs.js';

/**
 * The fast path: the same rule JSON compiled once into plain synchronous closures. It follows
 * json-rules-engine's semantics exactly (every condition of an all/any is evaluated, paths are
 * read only from objects, an operator first checks the fact's type), which a differential test
 * checks on every example and on a generated corpus. It does what the engine does at
 * ~10× the speed because it has no promises, no almanac and no event machinery.
 */
type Facts = Readonly<Record<string, unknown>>;
type CompiledCondition = (facts: Facts, explains: string[]) => boolean;

export class CompiledEvaluator implements RuleEvaluator {
  readonly name = 'compiled';
  private readonly compiled = new WeakMap<ActiveRule, CompiledCondition>();

  evaluate(_book: RuleBook, runs: readonly RuleRun[]): RuleFailure[][] {
    return runs.map((run) => {
      const failed: RuleFailure[] = [];
      for (const rule of run.rules) {
        const explains: string[] = [];
        if (!this.conditionOf(rule)(run.facts, explains)) failed.push({ rule, explains });
      }
      return failed;
    });
  }

  private conditionOf(rule: ActiveRule): CompiledCondition {
    let condition = this.compiled.get(rule);
    if (!condition) {
      condition = compileCondition(rule.definition.conditions as ConditionNode, rule.params);
      this.compiled.set(rule, condition);
    }
    return condition;
  }
}

type ValueReader = (facts: Facts) => unknown;

function factReader(fact: string, path: string | undefined, params: Readonly<Record<string, unknown>>): ValueReader {
  const read: ValueReader = fact === 'params' ? () => params : (facts) => facts[fact];
  if (!path) return read;
  return (facts) => {
    const value = read(facts);
    // json-rules-engine applies a path only to objects; anything else is returned as it is.
    return value !== null && typeof value === 'object' ? resolvePath(value, path) : value;
  };
}

function compileCondition(node: ConditionNode, params: Readonly<Record<string, unknown>>): CompiledCondition {
  if (node.all) {
    const children = node.all.map((child) => compileCondition(child, params));
    return (facts, explains) => {
      const inner: string[] = [];
      let holds = true;
      for (const child of children) if (!child(facts, inner)) holds = false;
      if (!holds) explains.push(...inner);
      return holds;
    };
  }
  if (node.any) {
    const children = node.any.map((child) => compileCondition(child, params));
    return (facts, explains) => {
      const inner: string[] = [];
      let holds = false;
      for (const child of children) if (child(facts, inner)) holds = true;
      // A group that holds explains nothing: its failed branches were only alternatives.
      if (!holds) explains.push(...inner);
      return holds;
    };
  }
  if (node.not) {
    const negated = compileCondition(node.not, params);
    return (facts, explains) => {
      const inner: string[] = [];
      const holds = !negated(facts, inner);
      if (!holds) explains.push(...inner);
      return holds;
    };
  }
  const operator = ALL_OPERATORS[node.operator ?? ''];
  if (!operator) throw new Error(`unknown operator ${String(node.operator)}`);
  const readFact = factReader(node.fact ?? '', node.path, params);
  const reference = node.value as { fact?: string; path?: string } | null | undefined;
  const readValue: ValueReader =
    reference !== null && typeof reference === 'object' && !Array.isArray(reference) && Object.hasOwn(reference, 'fact')
      ? factReader(String(reference.fact), reference.path, params)
      : () => node.value;
  const explain = node.explain;
  return (facts, explains) => {
    const factValue = readFact(facts);
    const holds = operator.accepts(factValue) && operator.test(factValue, readValue(facts));
    if (!holds && explain) explains.push(explain);
    return holds;
  };
}

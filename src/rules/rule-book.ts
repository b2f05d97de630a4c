import type { InputProblem } from '../model/errors.js';
import { appendPointer } from '../model/json-text.js';
import { locateSetting, type ResolvedProfile } from '../model/profile.js';
import { patternProblem } from '../model/regexp-cache.js';
import { builtInParamNames, invoicePointerProblems, ruleDefinitionProblems } from './rule-check.js';
import type { ActiveRule, RuleDefinition, Severity } from './rule.js';

/**
 * A customer's rule book: the built-in rules its profile switches on, with their severity and
 * parameters (the rule's defaults overridden by the profile's), then its custom rules.
 * A rule the profile does not name is off.
 */
export interface RuleBook {
  readonly customerId: string;
  readonly rules: readonly ActiveRule[];
  readonly invoiceRules: readonly ActiveRule[];
  /** Rules run once per line: scope line and item. */
  readonly lineRules: readonly ActiveRule[];
  /** Rules run once per charge and allowance: scope charge and item. */
  readonly chargeRules: readonly ActiveRule[];
  /** Parameters by rule id, for the computations that depend on them. */
  readonly params: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export function buildRuleBook(
  resolved: ResolvedProfile,
  builtIns: readonly RuleDefinition[],
): { book: RuleBook; problems: InputProblem[] } {
  const { profile } = resolved;
  const problems: InputProblem[] = [];
  const rules: ActiveRule[] = [];
  const switches = (profile.rules ?? {}) as Record<string, unknown>;
  const builtInIds = new Set(builtIns.map((rule) => rule.id));

  for (const definition of builtIns) {
    const setting = switches[definition.id];
    if (setting === undefined || setting === false) continue;
    const { severity, ...params } = typeof setting === 'object' && setting !== null ? (setting as { severity?: Severity }) : {};
    problems.push(...patternParamProblems(resolved, `/rules/${definition.id}`, params, builtInPatternParams(definition)));
    problems.push(
      ...invoicePointerProblems(definition.id, setting).map(({ pointer, message }) =>
        settingProblem(resolved, `/rules/${definition.id}${pointer}`, message),
      ),
    );
    rules.push({
      id: definition.id,
      definition,
      severity: severity ?? definition.severity,
      params: { ...(definition.params ?? {}), ...params },
      origin:
        resolved.origins.get(`/rules/${definition.id}`) ??
        resolved.origins.get(`/rules/${definition.id}/severity`) ??
        originOfRule(resolved, definition.id),
      order: rules.length,
    });
  }
  const customIds = new Set<string>();
  for (const [index, definition] of (profile.customRules ?? []).entries()) {
    const rule = definition as RuleDefinition;
    if (builtInIds.has(rule.id) || customIds.has(rule.id)) {
      problems.push({
        location: { file: resolved.origins.get(`/customRules`) ?? resolved.file },
        field: `/customRules/${index}/id`,
        message: `"${rule.id}" is already the id of ${builtInIds.has(rule.id) ? 'a built-in rule' : 'another custom rule'}: give the custom rule its own id`,
      });
      continue;
    }
    customIds.add(rule.id);
    const at = `/customRules/${index}`;
    const checked = ruleDefinitionProblems(rule, { names: new Set(Object.keys(rule.params ?? {})) });
    problems.push(...checked.problems.map(({ pointer, message }) => settingProblem(resolved, `${at}${pointer}`, message)));
    problems.push(...patternParamProblems(resolved, `${at}/params`, rule.params ?? {}, checked.patternParams));
    rules.push({
      id: rule.id,
      definition: rule,
      severity: rule.severity,
      params: rule.params ?? {},
      origin: resolved.origins.get(`/customRules`) ?? resolved.file,
      order: rules.length,
    });
  }
  const scoped = (...scopes: RuleDefinition['scope'][]) => rules.filter((rule) => scopes.includes(rule.definition.scope));
  return {
    book: {
      customerId: profile.id,
      rules,
      invoiceRules: scoped('invoice'),
      lineRules: scoped('line', 'item'),
      chargeRules: scoped('charge', 'item'),
      params: new Map(rules.map((rule) => [rule.id, rule.params])),
    },
    problems,
  };
}

function originOfRule(resolved: ResolvedProfile, id: string): string {
  for (const [pointer, file] of resolved.origins) if (pointer.startsWith(`/rules/${id}/`)) return file;
  return resolved.file;
}

/** The parameters each built-in rule uses as patterns (its definition is checked by a test, not here). */
const builtInPatterns = new WeakMap<RuleDefinition, readonly string[]>();

function builtInPatternParams(definition: RuleDefinition): readonly string[] {
  let names = builtInPatterns.get(definition);
  if (!names) {
    names = ruleDefinitionProblems(definition, { names: builtInParamNames(definition) }).patternParams;
    builtInPatterns.set(definition, names);
  }
  return names;
}

/** Parameters that conditions match text against, when they are no pattern that can run in linear time. */
function patternParamProblems(
  resolved: ResolvedProfile,
  pointer: string,
  params: Readonly<Record<string, unknown>>,
  names: readonly string[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const name of names) {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined || value === null) continue;
    const problem = typeof value === 'string' ? patternProblem(value) : 'must be a regular expression written as a string';
    if (problem) problems.push(settingProblem(resolved, appendPointer(pointer, name), problem));
  }
  return problems;
}

/** A problem with a profile setting, at its file, line and column. */
function settingProblem(resolved: ResolvedProfile, pointer: string, message: string): InputProblem {
  return { location: locateSetting(resolved, pointer), field: pointer, message };
}

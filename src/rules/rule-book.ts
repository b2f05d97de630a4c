import type { InputProblem } from '../model/errors.js';
import type { ResolvedProfile } from '../model/profile.js';
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

export function buildRuleBook(resolved: ResolvedProfile, builtIns: readonly RuleDefinition[]): { book: RuleBook; problems: InputProblem[] } {
  const { profile } = resolved;
  const problems: InputProblem[] = [];
  const rules: ActiveRule[] = [];
  const switches = (profile.rules ?? {}) as Record<string, unknown>;
  const builtInIds = new Set(builtIns.map((rule) => rule.id));

  for (const definition of builtIns) {
    const setting = switches[definition.id];
    if (setting === undefined || setting === false) continue;
    const { severity, ...params } = typeof setting === 'object' && setting !== null ? (setting as { severity?: Severity }) : {};
    rules.push({
      id: definition.id,
      definition,
      severity: severity ?? definition.severity,
      params: { ...(definition.params ?? {}), ...params },
      origin: resolved.origins.get(`/rules/${definition.id}`) ?? resolved.origins.get(`/rules/${definition.id}/severity`) ?? originOfRule(resolved, definition.id),
      order: rules.length,
    });
  }
  const customIds = new Set<string>();
  for (const [index, definition] of (profile.customRules ?? []).entries()) {
    const rule = definition as RuleDefinition;
    if (builtInIds.has(rule.id) || customIds.has(rule.id)) {
      problems.push({ location: { file: resolved.origins.get(`/customRules`) ?? resolved.file }, field: `/customRules/${index}/id`, message: `"${rule.id}" is already the id of ${builtInIds.has(rule.id) ? 'a built-in rule' : 'another custom rule'}: give the custom rule its own id` });
      continue;
    }
    customIds.add(rule.id);
    rules.push({ id: rule.id, definition: rule, severity: rule.severity, params: rule.params ?? {}, origin: resolved.origins.get(`/customRules`) ?? resolved.file, order: rules.length });
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

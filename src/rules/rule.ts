import type { RuleDocument } from '../model/generated/rule.js';

/** A rule as written in rules/*.json or a profile's customRules. */
export type RuleDefinition = RuleDocument;
export type RuleScope = RuleDefinition['scope'];
export type Severity = 'error' | 'warning';

/** A condition node in json-rules-engine's format. */
export interface ConditionNode {
  all?: ConditionNode[];
  any?: ConditionNode[];
  not?: ConditionNode;
  fact?: string;
  path?: string;
  operator?: string;
  value?: unknown;
  explain?: string;
  name?: string;
}

/** What a rule found wrong with an invoice. Data, not an error. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** JSON Pointer into the invoice. */
  readonly path: string;
}

/** A rule switched on for one customer: its definition, severity and parameters resolved. */
export interface ActiveRule {
  readonly id: string;
  readonly definition: RuleDefinition;
  readonly severity: Severity;
  readonly params: Readonly<Record<string, unknown>>;
  /** Where the rule came from: "built-in" or the profile file that defines it. */
  readonly origin: string;
  /** Its position in the book: findings are reported in this order. */
  readonly order: number;
}

/* Generated from schemas/rule.schema.json by scripts/generate-types.mjs. Do not edit. */

export type TopCondition = {
  /**
   * @minItems 1
   */
  all?: [Condition, ...Condition[]];
  /**
   * @minItems 1
   */
  any?: [Condition, ...Condition[]];
  not?: Condition;
  fact?: string;
  path?: string;
  /**
   * json-rules-engine's built-in operators, and firstpass's own for decimals, dates, text and patterns (src/rules/operators.ts)
   */
  operator?:
    | "equal"
    | "notEqual"
    | "in"
    | "notIn"
    | "contains"
    | "doesNotContain"
    | "lessThan"
    | "lessThanInclusive"
    | "greaterThan"
    | "greaterThanInclusive"
    | "present"
    | "empty"
    | "matches"
    | "notMatches"
    | "decimalEqual"
    | "decimalLessThanInclusive"
    | "decimalGreaterThan"
    | "decimalGreaterThanInclusive"
    | "dateOnOrBefore"
    | "dateOnOrAfter"
    | "sameText"
    | "minLength"
    | "maxLength";
  value?: unknown;
  /**
   * Said in the finding when this condition fails
   */
  explain?: string;
  name?: string;
} & {
  [k: string]: unknown | undefined;
};
export type Condition = {
  /**
   * @minItems 1
   */
  all?: [Condition, ...Condition[]];
  /**
   * @minItems 1
   */
  any?: [Condition, ...Condition[]];
  not?: Condition;
  fact?: string;
  path?: string;
  /**
   * json-rules-engine's built-in operators, and firstpass's own for decimals, dates, text and patterns (src/rules/operators.ts)
   */
  operator?:
    | "equal"
    | "notEqual"
    | "in"
    | "notIn"
    | "contains"
    | "doesNotContain"
    | "lessThan"
    | "lessThanInclusive"
    | "greaterThan"
    | "greaterThanInclusive"
    | "present"
    | "empty"
    | "matches"
    | "notMatches"
    | "decimalEqual"
    | "decimalLessThanInclusive"
    | "decimalGreaterThan"
    | "decimalGreaterThanInclusive"
    | "dateOnOrBefore"
    | "dateOnOrAfter"
    | "sameText"
    | "minLength"
    | "maxLength";
  value?: unknown;
  /**
   * Said in the finding when this condition fails
   */
  explain?: string;
  name?: string;
} & Condition1;
export type Condition1 = {
  [k: string]: unknown | undefined;
};

/**
 * A declarative check in json-rules-engine's condition format. The conditions state what a compliant invoice satisfies; when they do not hold, the rule raises its finding.
 */
export interface RuleDocument {
  $schema?: string;
  id: string;
  title?: string;
  description?: string;
  /**
   * invoice: once per invoice; line: once per line (facts line, item); charge: once per charge and allowance (facts charge, item); item: once per line, charge and allowance (fact item)
   */
  scope: "invoice" | "line" | "charge" | "item";
  severity: "error" | "warning";
  /**
   * What is wrong and what the customer expects. {{fact.path}} placeholders, e.g. {{line.description}}, {{params.max}}, {{computed.expectedLineAmount}}; {{explain}} lists the failed conditions' explain texts
   */
  message: string;
  /**
   * JSON Pointer the finding blames; {{itemPath}} stands for /lines/N, /charges/N or /allowances/N
   */
  path: string;
  /**
   * Default parameters; the profile's parameters override them
   */
  params?: {};
  /**
   * Rejection codes of customer systems that this rule predicts
   */
  predicts?: {
    system: string;
    code: string;
    text?: string;
  }[];
  conditions: TopCondition;
}

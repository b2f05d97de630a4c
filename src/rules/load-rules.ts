import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type InputProblem, type SourceLocation } from '../model/errors.js';
import { locatePointer, parseJsonText } from '../model/json-text.js';
import { describeSchemaErrors, schemaValidator } from '../model/schema-check.js';
import { ALL_OPERATORS } from './operators.js';
import type { ConditionNode, RuleDefinition } from './rule.js';

/** rules/ at the package root: the built-in rules. */
export const builtInRulesDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules');

let builtIns: readonly RuleDefinition[] | undefined;

/** The built-in rules, checked against the rule schema, in id order. Read once per process. */
export function builtInRules(directory = builtInRulesDirectory): readonly RuleDefinition[] {
  if (directory === builtInRulesDirectory && builtIns) return builtIns;
  const problems: InputProblem[] = [];
  const rules: RuleDefinition[] = [];
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith('.json')).sort()) {
    const file = join(directory, name);
    const text = readFileSync(file, 'utf8');
    const value = parseJsonText(text, file, 1, 'as-numbers');
    const found = ruleProblems(value, (pointer) => locatePointer(text, pointer, file));
    problems.push(...found);
    if (found.length === 0) {
      const rule = value as RuleDefinition;
      if (`${rule.id}.json` !== name) problems.push({ location: locatePointer(text, '/id', file), field: '/id', message: `is "${rule.id}" but the file is ${name}: a rule's file is named after its id` });
      rules.push(rule);
    }
  }
  if (problems.length > 0) throw new InputError('RULE_INVALID', 'rules', problems);
  if (directory === builtInRulesDirectory) builtIns = rules;
  return rules;
}

/** Schema problems and unknown operators of one rule definition. */
export function ruleProblems(value: unknown, locate: (pointer: string) => SourceLocation): InputProblem[] {
  const validate = schemaValidator('rule');
  if (!validate(value)) return describeSchemaErrors(validate.errors ?? [], locate);
  const problems: InputProblem[] = [];
  const visit = (node: ConditionNode, pointer: string): void => {
    node.all?.forEach((child, index) => visit(child, `${pointer}/all/${index}`));
    node.any?.forEach((child, index) => visit(child, `${pointer}/any/${index}`));
    if (node.not) visit(node.not, `${pointer}/not`);
    if (node.operator !== undefined && !Object.hasOwn(ALL_OPERATORS, node.operator)) {
      problems.push({ location: locate(`${pointer}/operator`), field: `${pointer}/operator`, message: `"${node.operator}" is not an operator firstpass knows; expected one of ${Object.keys(ALL_OPERATORS).join(', ')}` });
    }
  };
  visit((value as RuleDefinition).conditions as ConditionNode, '/conditions');
  return problems;
}

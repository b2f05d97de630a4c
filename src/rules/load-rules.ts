import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type InputProblem, type SourceLocation } from '../model/errors.js';
import { locatePointer, parseJsonText } from '../model/json-text.js';
import { describeSchemaErrors } from '../model/schema-check.js';
import { schemaValidator } from '../schemas/shipped-schemas.js';
import type { RuleDefinition } from './rule.js';

/** rules/ at the package root: the built-in rules. */
export const builtInRulesDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules');

let builtIns: readonly RuleDefinition[] | undefined;

/** The built-in rules, checked against the rule schema, in id order. Read once per process. */
export function builtInRules(directory = builtInRulesDirectory): readonly RuleDefinition[] {
  if (directory === builtInRulesDirectory && builtIns) return builtIns;
  const problems: InputProblem[] = [];
  const rules: RuleDefinition[] = [];
  for (const name of readdirSync(directory)
    .filter((entry) => entry.endsWith('.json'))
    .sort()) {
    const file = join(directory, name);
    const text = readFileSync(file, 'utf8');
    const value = parseJsonText(text, file, 1, 'as-numbers');
    const found = ruleProblems(value, (pointer) => locatePointer(text, pointer, file));
    problems.push(...found);
    if (found.length === 0) {
      const rule = value as RuleDefinition;
      if (`${rule.id}.json` !== name)
        problems.push({
          location: locatePointer(text, '/id', file),
          field: '/id',
          message: `is "${rule.id}" but the file is ${name}: a rule's file is named after its id`,
        });
      rules.push(rule);
    }
  }
  if (problems.length > 0) throw new InputError('RULE_INVALID', 'rules', problems);
  if (directory === builtInRulesDirectory) builtIns = rules;
  return rules;
}

/** Schema problems of one rule definition (the schema also knows every operator). */
export function ruleProblems(value: unknown, locate: (pointer: string) => SourceLocation): InputProblem[] {
  const validate = schemaValidator('rule');
  return validate(value) ? [] : describeSchemaErrors(validate.errors ?? [], locate);
}

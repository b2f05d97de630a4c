import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
// @ts-expect-error: a plain ESM script without type declarations
import { generatedTypes, renderTypes } from '../scripts/generate-types.mjs';

/** The schemas are the source of truth: the committed TypeScript types must follow them. */
test('the TypeScript types in src/model/generated are what the schemas generate (run npm run generate:types)', async () => {
  for (const entry of generatedTypes as { schema: string; output: string }[]) {
    const committed = readFileSync(`src/model/generated/${entry.output}`, 'utf8');
    assert.equal(committed, await renderTypes(entry), `${entry.output} is stale: run npm run generate:types`);
  }
});

test('the profile schema offers exactly the built-in rules, so editors complete every rule id and no other', () => {
  const profileSchema = JSON.parse(readFileSync('schemas/profile.schema.json', 'utf8')) as {
    $defs: { ruleSwitches: { properties: Record<string, unknown> } };
  };
  const offered = Object.keys(profileSchema.$defs.ruleSwitches.properties).sort();
  const builtIn = readdirSync('rules')
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  assert.deepEqual(offered, builtIn);
});

test('every built-in rule says which rejection codes it predicts', () => {
  for (const name of readdirSync('rules').filter((file) => file.endsWith('.json'))) {
    const rule = JSON.parse(readFileSync(`rules/${name}`, 'utf8')) as { predicts: unknown[] };
    assert.ok(rule.predicts.length > 0, `${name} predicts no rejection code`);
  }
});

test('the rule schema offers exactly the operators the evaluators know, so a typo is caught when the profile is read', async () => {
  const { ALL_OPERATORS } = await import('../src/rules/operators.js');
  const ruleSchema = JSON.parse(readFileSync('schemas/rule.schema.json', 'utf8')) as {
    $defs: { condition: { properties: { operator: { enum: string[] } } } };
  };
  assert.deepEqual([...ruleSchema.$defs.condition.properties.operator.enum].sort(), Object.keys(ALL_OPERATORS).sort());
});

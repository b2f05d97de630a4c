import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeInvoiceFacts, composeItemFacts } from '../../src/rules/computed-fact.js';
import { INVOICE_FACTS, ITEM_FACTS } from '../../src/rules/computed-facts.js';
import { builtInRules, type RuleDefinition } from '../../src/rules/index.js';
import { pathSegments } from '../../src/rules/path-resolver.js';
import type { ConditionNode } from '../../src/rules/rule.js';

/**
 * Issue 9 item 3: a computed fact declares its name and the rules whose parameters it reads, so
 * renaming a rule or a fact cannot silently leave a rule reading undefined.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;

/** Every computed fact a rule reads: in conditions, compared values and message, path and explain placeholders. */
function computedReads(rule: RuleDefinition): string[] {
  const names: string[] = [];
  const fromPath = (path: string | undefined) => {
    const [name] = path === undefined ? [] : pathSegments(path);
    if (name !== undefined) names.push(name);
  };
  const fromText = (text: string) => {
    for (const match of text.matchAll(PLACEHOLDER)) {
      const [fact, name] = pathSegments(match[1] as string);
      if (fact === 'computed' && name !== undefined) names.push(name);
    }
  };
  const visit = (node: ConditionNode) => {
    for (const child of [...(node.all ?? []), ...(node.any ?? []), ...(node.not ? [node.not] : [])]) visit(child);
    if (node.fact === 'computed') fromPath(node.path);
    const value = node.value as { fact?: unknown; path?: string } | null | undefined;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && value.fact === 'computed') fromPath(value.path);
    if (node.explain !== undefined) fromText(node.explain);
  };
  visit(rule.conditions as ConditionNode);
  fromText(rule.message);
  fromText(rule.path);
  return names;
}

test('every computed fact a built-in rule reads is provided for its scope', () => {
  const invoiceNames = new Set<string>(INVOICE_FACTS.map((fact) => fact.name));
  const itemNames = new Set<string>([...invoiceNames, ...ITEM_FACTS.map((fact) => fact.name)]);
  let reads = 0;
  for (const rule of builtInRules()) {
    const provided = rule.scope === 'invoice' ? invoiceNames : itemNames;
    for (const name of computedReads(rule)) {
      const kind = rule.scope === 'invoice' ? 'invoice ' : '';
      assert.ok(provided.has(name), `${rule.id} reads computed.${name}, which no ${kind}computed fact provides`);
      reads += 1;
    }
  }
  assert.ok(reads > 20, `only ${reads} computed reads found`);
});

test('every rule a computed fact reads parameters of is a built-in rule', () => {
  const ids = new Set(builtInRules().map((rule) => rule.id));
  for (const fact of [...INVOICE_FACTS, ...ITEM_FACTS]) {
    for (const id of fact.readsParamsOf) assert.ok(ids.has(id), `computed.${fact.name} reads the parameters of "${id}", which is no rule`);
  }
});

test('a fact name declared twice is refused when the facts are composed', () => {
  const fact = { name: 'twice', scope: 'invoice', readsParamsOf: [], compute: () => 1 } as const;
  assert.throws(() => composeInvoiceFacts([fact, fact]), /"twice" is declared twice/);
  const itemFact = { name: 'twice', scope: 'item', readsParamsOf: [], line: () => 1 } as const;
  assert.throws(() => composeItemFacts(['twice'], [itemFact]), /"twice" is declared twice/);
});

test('composed facts give each fact the parameters of the rules it declares, in order, and charges only their own facts', () => {
  const byRule = new Map([
    ['a', { x: 1 }],
    ['b', { y: 2 }],
  ]);
  const facts = composeInvoiceFacts<null, Record<string, unknown>>([
    { name: 'both', scope: 'invoice', readsParamsOf: ['b', 'a'], compute: (_work, params) => params },
    { name: 'off', scope: 'invoice', readsParamsOf: ['c'], compute: (_work, [params]) => params },
  ]);
  const params = [['b', 'a'], ['c']].map((ids) => ids.map((id) => byRule.get(id)));
  assert.deepEqual(facts(null, params), { both: [{ y: 2 }, { x: 1 }], off: undefined });
  const items = composeItemFacts<string, string, Record<string, unknown>, Record<string, unknown>>(
    ['shared'],
    [
      { name: 'label', scope: 'item', readsParamsOf: [], line: (work) => `line ${work}`, charge: (work) => `charge ${work}` },
      { name: 'lineOnly', scope: 'item', readsParamsOf: [], line: () => 'yes' },
    ],
  );
  const line = items.line({ shared: 'invoice' }, '1', [[], []]);
  const charge = items.charge({ shared: 'invoice' }, 'F', [[], []]);
  assert.deepEqual({ ...line }, { label: 'line 1', lineOnly: 'yes' });
  assert.deepEqual({ ...charge }, { label: 'charge F', lineOnly: undefined });
  assert.equal(charge.shared, 'invoice');
});

import { appendPointer, pointerSegments } from '../model/json-text.js';
import { patternProblem } from '../model/regexp-cache.js';
import { shippedSchema } from '../schemas/shipped-schemas.js';
import { INVOICE_FACT_NAMES, ITEM_FACT_NAMES } from './computed-facts.js';
import { pathSegments } from './path-resolver.js';
import type { ConditionNode, RuleDefinition, RuleScope } from './rule.js';

/**
 * What the rule schema cannot see: a fact, path or placeholder that names nothing reads
 * undefined, so a rule with a typo (`"fact": "invoices"`, `$.paymentTerm`) would quietly pass
 * every invoice. Every fact name is checked against the facts of the rule's scope, every path
 * against the invoice, purchase order and profile schemas (computed facts against the names the
 * code provides, params against the rule's parameters), every `{{placeholder}}` the same way,
 * and every regular expression against what can be matched in linear time. Run once per
 * profile load, never per invoice.
 */

/** A problem in one rule, at a JSON Pointer inside the rule definition. */
export interface RuleDefinitionProblem {
  readonly pointer: string;
  readonly message: string;
}

/** What a rule's `params` fact holds: the names it may read, and the values (patterns among them are checked). */
export interface RuleParams {
  readonly names: ReadonlySet<string>;
}

/** The facts a rule of each scope is given (see fact-runs.ts), besides params. */
const SCOPE_FACTS: Readonly<Record<RuleScope, readonly string[]>> = {
  invoice: ['invoice', 'profile', 'po', 'computed'],
  line: ['invoice', 'profile', 'po', 'computed', 'line', 'item', 'poLine'],
  charge: ['invoice', 'profile', 'po', 'computed', 'charge', 'item'],
  item: ['invoice', 'profile', 'po', 'computed', 'item'],
};

/** Placeholders that are not facts: what fillTemplate is also given. */
const PLACEHOLDER_EXTRAS = ['params', 'itemPath', 'explain'];

const PATTERN_OPERATORS = new Set(['matches', 'notMatches']);

type Schema = { readonly [key: string]: unknown };
interface Located {
  readonly root: Schema;
  readonly schema: Schema;
}

let schemas: ReadonlyMap<string, Schema> | undefined;

function loadedSchemas(): ReadonlyMap<string, Schema> {
  schemas ??= new Map((['invoice', 'purchase-order', 'profile'] as const).map((name) => [name, shippedSchema(name) as Schema]));
  return schemas;
}

/** The schemas a fact's value follows: a line is an invoice's line, an item a line or a charge. */
function factSchemas(fact: string, scope: RuleScope): Located[] | undefined {
  const invoice = loadedSchemas().get('invoice') as Schema;
  const po = loadedSchemas().get('purchase-order') as Schema;
  const at = (root: Schema, ...segments: string[]): Located[] => children([{ root, schema: root }], segments);
  switch (fact) {
    case 'invoice':
      return [{ root: invoice, schema: invoice }];
    case 'profile':
      return at(loadedSchemas().get('profile') as Schema);
    case 'po':
      return [{ root: po, schema: po }];
    case 'poLine':
      return at(po, 'lines', '0');
    case 'line':
      return at(invoice, 'lines', '0');
    case 'charge':
      return at(invoice, 'charges', '0');
    case 'item':
      return scope === 'line'
        ? at(invoice, 'lines', '0')
        : scope === 'charge'
          ? at(invoice, 'charges', '0')
          : [...at(invoice, 'lines', '0'), ...at(invoice, 'charges', '0')];
    default:
      return undefined;
  }
}

function children(from: readonly Located[], segments: readonly string[]): Located[] {
  let current = [...from];
  for (const segment of segments) current = current.flatMap((located) => child(located, segment) ?? []);
  return current;
}

/** The schemas a value at `segment` below this one may follow; undefined when the schema admits anything there. */
function child(located: Located, segment: string): Located[] | undefined {
  const schema = resolved(located);
  if (!schema) return undefined;
  const alternatives = [
    ...((schema.schema.oneOf ?? []) as Schema[]),
    ...((schema.schema.anyOf ?? []) as Schema[]),
    ...((schema.schema.allOf ?? []) as Schema[]),
  ];
  const found: Located[] = [];
  let open = false;
  for (const alternative of alternatives) {
    const inner = child({ root: schema.root, schema: alternative }, segment);
    if (inner === undefined) open = true;
    else found.push(...inner);
  }
  const properties = schema.schema.properties as Record<string, Schema> | undefined;
  const items = schema.schema.items as Schema | undefined;
  if (properties && Object.hasOwn(properties, segment)) found.push({ root: schema.root, schema: properties[segment] as Schema });
  else if (items && /^\d+$/.test(segment)) found.push({ root: schema.root, schema: items });
  else if (items && segment === 'length') found.push({ root: schema.root, schema: { type: 'integer' } });
  else if (typeof schema.schema.additionalProperties === 'object')
    found.push({ root: schema.root, schema: schema.schema.additionalProperties as Schema });
  else if (
    !properties &&
    !items &&
    alternatives.length === 0 &&
    schema.schema.additionalProperties !== false &&
    !hasScalarType(schema.schema)
  )
    open = true;
  return open && found.length === 0 ? undefined : found;
}

function hasScalarType(schema: Schema): boolean {
  const types = [schema.type ?? []].flat() as string[];
  return types.length > 0
    ? !types.includes('object') && !types.includes('array')
    : Array.isArray(schema.enum) || Object.hasOwn(schema, 'const');
}

/** The schema behind local `$ref`s; undefined (anything) for a reference to another file. */
function resolved(located: Located): Located | undefined {
  let { schema } = located;
  for (let depth = 0; typeof schema.$ref === 'string' && depth < 20; depth += 1) {
    const ref = schema.$ref as string;
    if (!ref.startsWith('#/')) return undefined;
    let target: unknown = located.root;
    for (const part of ref.slice(2).split('/')) target = (target as Schema | undefined)?.[part];
    if (target === undefined || target === null || typeof target !== 'object') return undefined;
    schema = target as Schema;
  }
  return { root: located.root, schema };
}

/** Why a fact and path read nothing (an unknown name), or undefined when they name something that can exist. */
export function factPathProblem(fact: string, path: string | undefined, scope: RuleScope, params: RuleParams): string | undefined {
  const facts = SCOPE_FACTS[scope];
  const segments = path === undefined ? [] : pathSegments(path);
  if (fact === 'params') {
    const [name] = segments;
    if (name === undefined || params.names.has(name)) return undefined;
    return `reads the parameter "${name}", which this rule does not have${params.names.size > 0 ? `; its parameters are ${[...params.names].join(', ')}` : ''}`;
  }
  if (!facts.includes(fact)) {
    return `"${fact}" is not a fact a rule of scope ${scope} is given: expected one of ${[...facts, 'params'].join(', ')}`;
  }
  if (fact === 'computed') {
    const names: readonly string[] = scope === 'invoice' ? INVOICE_FACT_NAMES : [...INVOICE_FACT_NAMES, ...ITEM_FACT_NAMES];
    const [name] = segments;
    if (name === undefined || names.includes(name)) return undefined;
    return `"${name}" is not a computed fact${scope === 'invoice' ? ' of an invoice' : ''}: expected one of ${names.join(', ')}`;
  }
  let current = factSchemas(fact, scope) ?? [];
  for (const [index, segment] of segments.entries()) {
    const next: Located[] = [];
    for (const located of current) {
      const inner = child(located, segment);
      if (inner === undefined) return undefined;
      next.push(...inner);
    }
    if (next.length === 0) {
      const known = current
        .flatMap((located) => Object.keys((resolved(located)?.schema.properties ?? {}) as object))
        .filter((name) => name !== '$schema');
      const where = ['$', ...segments.slice(0, index)].join('.');
      return `"${segment}" is not a field of ${fact} at ${where}${known.length > 0 ? `: expected one of ${[...new Set(known)].join(', ')}` : ''}`;
    }
    current = next;
  }
  return undefined;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;

/** Problems of the `{{placeholders}}` in a message, explain or path text. */
export function placeholderProblems(text: string, scope: RuleScope, params: RuleParams): string[] {
  const problems: string[] = [];
  const matched = new Set<number>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    matched.add(match.index);
    const [fact, ...rest] = pathSegments(match[1] as string);
    if (fact === undefined) continue;
    if (fact === 'itemPath' || fact === 'explain') {
      if (rest.length > 0) problems.push(`{{${match[1] as string}}}: ${fact} has no fields`);
      continue;
    }
    if (!SCOPE_FACTS[scope].includes(fact) && !PLACEHOLDER_EXTRAS.includes(fact)) {
      problems.push(
        `{{${match[1] as string}}} names nothing: a placeholder starts with one of ${[...SCOPE_FACTS[scope], ...PLACEHOLDER_EXTRAS].join(', ')}`,
      );
      continue;
    }
    const problem = factPathProblem(fact, rest.length > 0 ? `$.${rest.join('.')}` : undefined, scope, params);
    if (problem) problems.push(`{{${match[1] as string}}}: ${problem}`);
  }
  for (let index = text.indexOf('{{'); index !== -1; index = text.indexOf('{{', index + 2)) {
    if (matched.has(index)) continue;
    const end = text.indexOf('}}', index);
    problems.push(
      `"${text.slice(index, end !== -1 && end - index < 60 ? end + 2 : index + 30)}" is not a placeholder: write {{fact.field}}, e.g. {{invoice.poNumber}}`,
    );
  }
  return problems;
}

/**
 * Every problem of one rule definition. Parameters that conditions use as patterns are listed
 * in `patternParams`: the caller checks their values where they are set (a profile's rules).
 */
export function ruleDefinitionProblems(
  rule: RuleDefinition,
  params: RuleParams,
): { problems: RuleDefinitionProblem[]; patternParams: string[] } {
  const problems: RuleDefinitionProblem[] = [];
  const patternParams: string[] = [];
  const { scope } = rule;
  for (const message of placeholderProblems(rule.message, scope, params)) problems.push({ pointer: '/message', message });
  for (const message of placeholderProblems(rule.path, scope, params)) problems.push({ pointer: '/path', message });
  const visit = (node: ConditionNode, pointer: string): void => {
    for (const key of ['all', 'any'] as const)
      for (const [index, child] of (node[key] ?? []).entries()) visit(child, appendPointer(appendPointer(pointer, key), index));
    if (node.not) visit(node.not, appendPointer(pointer, 'not'));
    if (node.explain !== undefined)
      for (const message of placeholderProblems(node.explain, scope, params))
        problems.push({ pointer: appendPointer(pointer, 'explain'), message });
    if (node.fact === undefined) return;
    const factProblem = factPathProblem(node.fact, node.path, scope, params);
    if (factProblem)
      problems.push({
        pointer: appendPointer(
          pointer,
          node.path !== undefined && SCOPE_FACTS[scope].concat('params').includes(node.fact) ? 'path' : 'fact',
        ),
        message: factProblem,
      });
    const reference = node.value as { fact?: unknown; path?: unknown } | null | undefined;
    const isReference =
      reference !== null && typeof reference === 'object' && !Array.isArray(reference) && Object.hasOwn(reference, 'fact');
    if (isReference) {
      const valuePointer = appendPointer(pointer, 'value');
      const fact = String(reference.fact);
      const path = typeof reference.path === 'string' ? reference.path : undefined;
      const valueProblem = factPathProblem(fact, path, scope, params);
      if (valueProblem)
        problems.push({
          pointer: appendPointer(valuePointer, path !== undefined && SCOPE_FACTS[scope].concat('params').includes(fact) ? 'path' : 'fact'),
          message: valueProblem,
        });
      if (PATTERN_OPERATORS.has(node.operator ?? '') && fact === 'params' && path !== undefined) {
        const [name] = pathSegments(path);
        if (name !== undefined && !patternParams.includes(name)) patternParams.push(name);
      }
    } else if (PATTERN_OPERATORS.has(node.operator ?? '')) {
      const problem =
        typeof node.value === 'string'
          ? patternProblem(node.value)
          : node.value === null
            ? undefined
            : 'must be a regular expression written as a string';
      if (problem) problems.push({ pointer: appendPointer(pointer, 'value'), message: problem });
    }
  };
  visit(rule.conditions as ConditionNode, '/conditions');
  return { problems, patternParams };
}

/**
 * The parameters a built-in rule may be given: its defaults and what the profile schema lets a
 * profile set for it (severity aside).
 */
export function builtInParamNames(rule: RuleDefinition): Set<string> {
  const names = new Set(Object.keys(rule.params ?? {}));
  const profile = loadedSchemas().get('profile') as Schema;
  for (const located of children([{ root: profile, schema: profile }], ['rules', rule.id])) {
    const schema = resolved(located)?.schema;
    const shapes = [schema, ...((schema?.oneOf ?? []) as Schema[])].map(
      (shape) => shape && resolved({ root: profile, schema: shape })?.schema,
    );
    for (const shape of shapes)
      for (const name of Object.keys((shape?.properties ?? {}) as object)) if (name !== 'severity') names.add(name);
  }
  return names;
}

/**
 * The settings of a built-in rule that the profile schema types as JSON Pointers into the
 * invoice (required-fields' `fields`, allowed-values' `checks[].field`) and name no field the
 * invoice schema has: such a rule would hold every invoice for a field that cannot exist, or
 * check nothing. `*` stands for each line. Pointers are relative to the rule's setting.
 */
export function invoicePointerProblems(ruleId: string, setting: unknown): RuleDefinitionProblem[] {
  const profile = loadedSchemas().get('profile') as Schema;
  const problems: RuleDefinitionProblem[] = [];
  const visit = (schema: Schema | undefined, value: unknown, pointer: string): void => {
    if (schema === undefined) return;
    if (schema.$ref === '#/$defs/pointer') {
      if (typeof value === 'string') {
        const problem = factPathProblem('invoice', pointerAsPath(value), 'invoice', { names: new Set() });
        if (problem) problems.push({ pointer, message: `${value} names no field of an invoice: ${problem}` });
      }
      return;
    }
    const shape = resolved({ root: profile, schema })?.schema;
    if (shape === undefined) return;
    for (const alternative of (shape.oneOf ?? shape.anyOf ?? []) as Schema[]) visit(alternative, value, pointer);
    if (Array.isArray(value) && shape.items) {
      for (const [index, item] of value.entries()) visit(shape.items as Schema, item, appendPointer(pointer, index));
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && shape.properties) {
      const properties = shape.properties as Record<string, Schema>;
      for (const [key, item] of Object.entries(value))
        if (Object.hasOwn(properties, key)) visit(properties[key], item, appendPointer(pointer, key));
    }
  };
  for (const located of children([{ root: profile, schema: profile }], ['rules', ruleId])) visit(located.schema, setting, '');
  const unique = new Map(problems.map((problem) => [`${problem.pointer}\u0000${problem.message}`, problem]));
  return [...unique.values()];
}

/** "/lines/*\/sku" as the rule path "$.lines.0.sku" (any line stands for every line). */
function pointerAsPath(pointer: string): string {
  return ['$', ...pointerSegments(pointer).map((segment) => (segment === '*' ? '0' : segment))].join('.');
}

/**
 * How a computed fact is declared, and the fact objects composed from a table of declarations.
 * A fact names the rules whose parameters it reads, so a test can hold every name to a rule
 * that exists and every `computed` read of a rule to a fact that provides it.
 */

/** A rule's parameters; undefined when the rule is off for the customer. */
export type RuleParamsValue = Readonly<Record<string, unknown>> | undefined;

/** The parameters of the rules a fact declares, in the order it declares them. */
export type DeclaredParams = readonly RuleParamsValue[];

export interface InvoiceFactDefinition<Name extends string, Work> {
  readonly name: Name;
  readonly scope: 'invoice';
  readonly readsParamsOf: readonly string[];
  readonly compute: (work: Work, params: DeclaredParams) => unknown;
}

/** A fact of a line, charge or allowance: a line computes every one, a charge those with `charge`. */
export interface ItemFactDefinition<Name extends string, LineWork, ChargeWork> {
  readonly name: Name;
  readonly scope: 'item';
  readonly readsParamsOf: readonly string[];
  readonly line: (work: LineWork, params: DeclaredParams) => unknown;
  /** Absent: the fact does not apply to a charge or allowance and reads undefined there. */
  readonly charge?: (work: ChargeWork, params: DeclaredParams) => unknown;
}

/** The declared parameters of each fact of a table, in table order, from a rule book's parameters by rule id. */
export function declaredParams(
  definitions: readonly { readonly readsParamsOf: readonly string[] }[],
  byRule: ReadonlyMap<string, RuleParamsValue>,
): DeclaredParams[] {
  return definitions.map((definition) => definition.readsParamsOf.map((id) => byRule.get(id)));
}

/**
 * `(work, params) => facts`: one object literal with every fact of the table, in table order,
 * so every fact object has the same shape (the rules read these objects hundreds of times per
 * invoice). Generated once; fact names are written as string literals by JSON.stringify.
 */
export function composeInvoiceFacts<Work, Facts>(
  definitions: readonly InvoiceFactDefinition<string, Work>[],
): (work: Work, params: readonly DeclaredParams[]) => Facts {
  assertUniqueNames(definitions.map((definition) => definition.name));
  const fields = definitions.map(
    (definition, index) => `    ${JSON.stringify(definition.name)}: compute[${index}](work, params[${index}]),`,
  );
  const source = ['return function invoiceFacts(work, params) {', '  return {', ...fields, '  };', '};'].join('\n');
  type Factory = (compute: readonly unknown[]) => (work: Work, params: readonly DeclaredParams[]) => Facts;
  const factory = new Function('compute', source) as Factory;
  return factory(definitions.map((definition) => definition.compute));
}

export interface ItemFactsFactories<LineWork, ChargeWork, InvoiceFacts, ItemFacts> {
  readonly line: (invoiceFacts: InvoiceFacts, work: LineWork, params: readonly DeclaredParams[]) => ItemFacts;
  readonly charge: (invoiceFacts: InvoiceFacts, work: ChargeWork, params: readonly DeclaredParams[]) => ItemFacts;
}

/**
 * The fact objects of lines and of charges: one generated class whose own fields are the item's
 * facts (always the same ones, in table order) and whose getters read the invoice's facts
 * through, so the invoice's facts are shared, not copied, and stay out of the item's own
 * (enumerable) properties.
 */
export function composeItemFacts<LineWork, ChargeWork, InvoiceFacts, ItemFacts>(
  invoiceNames: readonly string[],
  definitions: readonly ItemFactDefinition<string, LineWork, ChargeWork>[],
): ItemFactsFactories<LineWork, ChargeWork, InvoiceFacts, ItemFacts> {
  assertUniqueNames([...invoiceNames, ...definitions.map((definition) => definition.name)]);
  const values = definitions.map((_, index) => `v${index}`);
  const lineValues = definitions.map((_, index) => `line[${index}](work, params[${index}])`);
  const chargeValues = definitions.map((definition, index) =>
    definition.charge ? `charge[${index}](work, params[${index}])` : 'undefined',
  );
  const source = [
    'class ItemFacts {',
    '  #invoice;',
    `  constructor(invoice, ${values.join(', ')}) {`,
    '    this.#invoice = invoice;',
    ...definitions.map((definition, index) => `    this[${JSON.stringify(definition.name)}] = v${index};`),
    '  }',
    ...invoiceNames.map((name) => `  get [${JSON.stringify(name)}]() { return this.#invoice[${JSON.stringify(name)}]; }`),
    '}',
    'return {',
    `  line: (invoice, work, params) => new ItemFacts(invoice, ${lineValues.join(', ')}),`,
    `  charge: (invoice, work, params) => new ItemFacts(invoice, ${chargeValues.join(', ')}),`,
    '};',
  ].join('\n');
  type Factories = ItemFactsFactories<LineWork, ChargeWork, InvoiceFacts, ItemFacts>;
  type Factory = (line: readonly unknown[], charge: readonly unknown[]) => Factories;
  const factory = new Function('line', 'charge', source) as Factory;
  return factory(
    definitions.map((definition) => definition.line),
    definitions.map((definition) => definition.charge),
  );
}

function assertUniqueNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`the computed fact "${name}" is declared twice`);
    seen.add(name);
  }
}

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintProfiles } from '../../src/pipeline/lint-profiles.js';
import { builtInRules } from '../../src/rules/index.js';
import {
  computeChargeFacts,
  computeInvoiceFacts,
  computeLineFacts,
  EMPTY_HISTORY,
  INVOICE_FACT_NAMES,
  ITEM_FACT_NAMES,
} from '../../src/rules/computed-facts.js';
import { invoiceAmounts } from '../../src/model/invoice-totals.js';
import { builtInParamNames, ruleDefinitionProblems } from '../../src/rules/rule-check.js';
import { invoiceWith, profileWith } from '../support/check.js';
import { firstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

/** Issue 8 item 10: a custom rule that reads nothing must not pass every invoice. */

function termsRule(condition: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: 'acme-terms',
    scope: 'invoice',
    severity: 'error',
    message: 'Payment terms {{invoice.paymentTerms}}: Acme pays NET60 only.',
    path: '/paymentTerms',
    conditions: { all: [condition] },
    ...extra,
  };
}

/** A profiles folder with one customer whose only rule is this custom rule, written with one key per line. */
function profilesWith(rule: Record<string, unknown>): { root: string; file: string; text: string } {
  const text = `${JSON.stringify(profileWith({}, { customRules: [rule] } as never), null, 2)}\n`;
  const root = tempFolder({ 'profiles/acme.json': text, 'in/inv.json': invoiceWith({ paymentTerms: 'NET30' }) });
  return { root, file: join(root, 'profiles', 'acme.json'), text };
}

/** Line and column (1-based) of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): string {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the profile`);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

async function lintLines(root: string): Promise<string[]> {
  const report = await lintProfiles(join(root, 'profiles'));
  return report.problems.map(
    (problem) =>
      `${problem.location.file}:${problem.location.line ?? '-'}:${problem.location.column ?? '-'} ${problem.field ?? ''} ${problem.message}`,
  );
}

test('a custom rule with an unknown fact is a lint error at its file, line and column', async () => {
  const { root, file, text } = profilesWith(termsRule({ fact: 'invoices', path: '$.paymentTerms', operator: 'equal', value: 'NET60' }));
  const lines = await lintLines(root);
  assert.deepEqual(lines, [
    `${file}:${positionOf(text, '"fact": "invoices"')} /customRules/0/conditions/all/0/fact "invoices" is not a fact a rule of scope invoice is given: expected one of invoice, profile, po, computed, params`,
  ]);
});

test('a custom rule with a path the invoice schema does not have is a lint error naming the fields there are', async () => {
  const { root, file, text } = profilesWith(termsRule({ fact: 'invoice', path: '$.paymentTerm', operator: 'equal', value: 'NET60' }));
  const [line, ...rest] = await lintLines(root);
  assert.deepEqual(rest, []);
  assert.ok(
    line?.startsWith(
      `${file}:${positionOf(text, '"path": "$.paymentTerm"')} /customRules/0/conditions/all/0/path "paymentTerm" is not a field of invoice at $: expected one of `,
    ),
    line,
  );
  assert.match(line, /paymentTerms/);
});

test('paths into lines, PO lines, the profile, computed facts and params are checked too', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ fact: 'invoice', path: '$.lines.0.skew', operator: 'present', value: true }, /"skew" is not a field of invoice at \$\.lines\.0/],
    [{ fact: 'invoice', path: '$.buyer.adress.city', operator: 'present', value: true }, /"adress" is not a field of invoice at \$\.buyer/],
    [
      { fact: 'profile', path: '$.contract.paymentTerm', operator: 'present', value: true },
      /"paymentTerm" is not a field of profile at \$\.contract/,
    ],
    [{ fact: 'computed', path: '$.expectedTax', operator: 'present', value: true }, /"expectedTax" is not a computed fact of an invoice/],
    [
      { fact: 'invoice', path: '$.paymentTerms', operator: 'equal', value: { fact: 'params', path: '$.term' } },
      /reads the parameter "term", which this rule does not have/,
    ],
    [{ fact: 'line', path: '$.sku', operator: 'present', value: true }, /"line" is not a fact a rule of scope invoice is given/],
  ];
  for (const [condition, expected] of cases) {
    const { root } = profilesWith(termsRule(condition));
    const lines = await lintLines(root);
    assert.equal(lines.length, 1, `${JSON.stringify(condition)}: ${lines.join('\n')}`);
    assert.match(lines[0] as string, expected);
  }
});

test('a placeholder that names nothing is a lint error, in the message, the path and explain texts', async () => {
  const rule = termsRule(
    { fact: 'invoice', path: '$.paymentTerms', operator: 'equal', value: 'NET60', explain: 'says {{invoice.terms}}' },
    { message: 'Terms {{invoice.paymentTerm}} for {{customer.name}} ({{ invoice number }})', path: '{{itemPth}}/paymentTerms' },
  );
  const lines = await lintLines(profilesWith(rule).root);
  const expected = [
    /\/customRules\/0\/message \{\{invoice\.paymentTerm\}\}: "paymentTerm" is not a field of invoice/,
    /\/customRules\/0\/message \{\{customer\.name\}\} names nothing: a placeholder starts with one of invoice, profile/,
    /\/customRules\/0\/message "\{\{ invoice number \}\}" is not a placeholder/,
    /\/customRules\/0\/path \{\{itemPth\}\} names nothing/,
    /\/customRules\/0\/conditions\/all\/0\/explain \{\{invoice\.terms\}\}: "terms" is not a field of invoice/,
  ];
  assert.equal(lines.length, expected.length, lines.join('\n'));
  for (const pattern of expected)
    assert.ok(
      lines.some((line) => pattern.test(line)),
      `${pattern} not in\n${lines.join('\n')}`,
    );
});

test('an invalid or backtracking-only regular expression in a custom rule is a lint error', async () => {
  for (const [pattern, expected] of [
    ['^NET(60', /is not a valid regular expression/],
    ['^(NET)\\1$', /cannot be matched in linear time/],
  ] as const) {
    const { root, file, text } = profilesWith(termsRule({ fact: 'invoice', path: '$.paymentTerms', operator: 'matches', value: pattern }));
    const [line, ...rest] = await lintLines(root);
    assert.deepEqual(rest, []);
    assert.ok(line?.startsWith(`${file}:${positionOf(text, '"value": "^')} /customRules/0/conditions/all/0/value`), line);
    assert.match(line, expected);
  }
});

test('validate refuses such a profile with exit 2 on both evaluators, where the rule would have passed every invoice', () => {
  for (const rule of [
    termsRule({ fact: 'invoices', path: '$.paymentTerms', operator: 'equal', value: 'NET60' }),
    termsRule({ fact: 'invoice', path: '$.paymentTerm', operator: 'equal', value: 'NET60' }),
    termsRule({ fact: 'invoice', path: '$.paymentTerms', operator: 'matches', value: '^NET(60' }),
  ]) {
    const { root } = profilesWith(rule);
    for (const evaluator of ['compiled', 'engine']) {
      const result = firstpass(
        ['validate', 'in', '--profiles', join(root, 'profiles'), '--today', '2026-11-20', '--evaluator', evaluator],
        { cwd: root },
      );
      assert.equal(result.status, 2, `${evaluator}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /acme\.json:\d+:\d+: \/customRules\/0\/(conditions|message)/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
  }
});

test('a correct custom rule is accepted and still finds what it should', () => {
  const { root } = profilesWith(
    termsRule({ fact: 'invoice', path: '$.paymentTerms', operator: 'matches', value: '^NET60$', explain: 'says {{invoice.paymentTerms}}' }),
  );
  const result = firstpass(['validate', 'in', '--profiles', join(root, 'profiles'), '--today', '2026-11-20'], { cwd: root });
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /acme-terms \/paymentTerms\n\s+Payment terms NET30: Acme pays NET60 only\./);
});

test('every built-in rule passes the same check: facts, paths, placeholders and patterns', () => {
  for (const rule of builtInRules()) {
    const params = builtInParamNames(rule);
    const { problems, patternParams } = ruleDefinitionProblems(rule, { names: params });
    assert.deepEqual(problems, [], rule.id);
    for (const name of patternParams) assert.ok(params.has(name), `${rule.id} matches against ${name}`);
  }
});

test('a profile pattern parameter that cannot run in linear time is a lint error at the setting', async () => {
  const text = `${JSON.stringify(profileWith({ 'po-format': { pattern: '^(\\d)\\1{5}$' } }), null, 2)}\n`;
  const root = tempFolder({ 'profiles/acme.json': text });
  const lines = await lintLines(root);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(
    lines[0] as string,
    new RegExp(`acme\\.json:${positionOf(text, '"pattern"')} /rules/po-format/pattern cannot be matched in linear time`),
  );
});

test('the computed fact names the check knows are the ones the code provides', () => {
  const invoice = invoiceWith({ charges: [{ code: 'FREIGHT', amount: '5.00' }] } as never);
  const inputs = {
    invoice,
    profile: profileWith({}),
    today: '2026-11-20',
    history: EMPTY_HISTORY,
    attachments: new Map(),
    ruleParams: new Map(),
    amounts: invoiceAmounts(invoice),
  };
  const invoiceFacts = computeInvoiceFacts(inputs);
  assert.deepEqual(Object.keys(invoiceFacts), [...INVOICE_FACT_NAMES]);
  const line = computeLineFacts(inputs, invoiceFacts, invoice.lines[0] as never, 0, undefined);
  const charge = computeChargeFacts(inputs, invoiceFacts, invoice.charges?.[0] as never, 'charge', 0);
  for (const item of [line, charge]) {
    assert.deepEqual(Object.keys(item).sort(), [...ITEM_FACT_NAMES].sort());
    for (const name of INVOICE_FACT_NAMES) assert.ok(name in item, `${name} is read through by a line's computed fact`);
  }
  assert.equal(line.itemLabel, 'Line 1');
  assert.equal(charge.itemLabel, 'Charge FREIGHT');
  assert.equal(line.linesTotal, '45.00');
});

test('a required-fields or allowed-values pointer that names no invoice field is a lint error at the setting', async () => {
  const profile = profileWith({
    'required-fields': { fields: ['/buyerReference', '/buyerReferenz', '/lines/*/sku', '/lines/*/skew'] },
    'allowed-values': {
      checks: [
        { field: '/shipTo/name', values: ['Dock 4'] },
        { field: '/shipTo/nmae', values: ['Dock 4'] },
      ],
    },
  });
  const text = `${JSON.stringify(profile, null, 2)}\n`;
  const root = tempFolder({ 'profiles/acme.json': text });
  const file = join(root, 'profiles', 'acme.json');
  const lines = await lintLines(root);
  assert.deepEqual(
    lines.map((line) => line.split(' ').slice(0, 2).join(' ')).sort(),
    [
      `${file}:${positionOf(text, '"field": "/shipTo/nmae"')} /rules/allowed-values/checks/1/field`,
      `${file}:${positionOf(text, '"/buyerReferenz"')} /rules/required-fields/fields/1`,
      `${file}:${positionOf(text, '"/lines/*/skew"')} /rules/required-fields/fields/3`,
    ].sort(),
  );
  assert.match(
    lines.find((line) => line.includes('buyerReferenz')) ?? '',
    /\/buyerReferenz names no field of an invoice: "buyerReferenz" is not a field of invoice at \$: expected one of .*buyerReference/,
  );
});

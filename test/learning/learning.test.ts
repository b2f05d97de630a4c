import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveParams, shapeOf } from '../../src/learning/derive-params.js';
import { changedFileText, changedProfile, unifiedDiff } from '../../src/learning/profile-change.js';
import { predictionsFor, rejectionSystem, ruleNeeds } from '../../src/learning/rejection-match.js';
import type { Invoice } from '../../src/model/invoice.js';
import { patternProblem } from '../../src/model/regexp-cache.js';
import { builtInRules } from '../../src/rules/index.js';

/** The pure half of `profiles suggest`: matching codes to rules, learning parameters, editing the profile text. */

const rules = builtInRules().map((definition) => ({ definition }));
const ids = (found: ReturnType<typeof predictionsFor>) => found.map((prediction) => prediction.rule.definition.id);

describe('which rules predict a rejection', () => {
  test("an EDI answer's codes are its own system's; a portal's or by hand the profile's rejectionCodes; else unknown", () => {
    assert.deepEqual(rejectionSystem('x12-824', 'coupa'), { system: 'x12-824', from: 'edi answer' });
    assert.deepEqual(rejectionSystem('portal:rest', 'coupa'), { system: 'coupa', from: 'profile rejectionCodes' });
    assert.deepEqual(rejectionSystem('by hand', 'email'), { system: 'email', from: 'profile rejectionCodes' });
    assert.deepEqual(rejectionSystem('by hand', undefined), { system: undefined, from: 'unknown' });
  });

  test('the sandbox 824 codes name the rules that check the same thing', () => {
    assert.deepEqual(ids(predictionsFor('011', 'x12-824', rules)), ['po-exists', 'po-required']);
    assert.deepEqual(ids(predictionsFor('006', 'x12-824', rules)), ['duplicate-invoice-number']);
    assert.deepEqual(ids(predictionsFor('010', 'x12-824', rules)), ['invoice-total-arithmetic']);
  });

  test('the system must match when known; across systems only when it is not, and the match says so', () => {
    assert.deepEqual(ids(predictionsFor('417', 'ariba', rules)), []);
    const across = predictionsFor('INVOICE_DUPLICATE', undefined, rules);
    assert.deepEqual(
      across.map((prediction) => [prediction.rule.definition.id, prediction.system, prediction.acrossSystems]),
      [['duplicate-invoice-number', 'ariba', true]],
    );
    assert.deepEqual(ids(predictionsFor(' invoice_duplicate ', 'ariba', rules)), ['duplicate-invoice-number'], 'typed by hand');
    assert.deepEqual(predictionsFor(undefined, 'coupa', rules), []);
  });

  test('what a rule needs that the store does not keep', () => {
    const rule = (id: string) => builtInRules().find((definition) => definition.id === id)!;
    assert.deepEqual(ruleNeeds(rule('po-exists')), { purchaseOrders: true, attachments: false });
    assert.deepEqual(ruleNeeds(rule('po-amount-not-exceeded')), { purchaseOrders: true, attachments: false });
    assert.deepEqual(ruleNeeds(rule('attachments-required')), { purchaseOrders: false, attachments: true });
    assert.deepEqual(ruleNeeds(rule('uom-allowed')), { purchaseOrders: false, attachments: false });
  });
});

describe('parameters learnt from accepted invoices', () => {
  const invoice = (invoiceNumber: string, poNumber: string, units: string[]): Invoice =>
    ({
      invoiceNumber,
      customerId: 'c',
      issueDate: '2026-11-01',
      currency: 'USD',
      poNumber,
      buyer: { name: 'B' },
      lines: units.map((unitOfMeasure) => ({ unitOfMeasure, description: 'x' })),
    }) as unknown as Invoice;
  const accepted = [
    invoice('CP-2611-0001', '214530', ['EA']),
    invoice('CP-2611-0002', '209815', ['EA', 'CA']),
    invoice('CP-2611-0003', '214077', ['CA']),
  ];

  test('a shape is runs of digits and letters, other characters literal', () => {
    assert.equal(shapeOf('CP-2611-0409'), '^[A-Z]{2}-\\d{4}-\\d{4}$');
    assert.equal(patternProblem(shapeOf('CP-2611/0409 (a)')), undefined, 'a pattern the rules can run');
    assert.equal(shapeOf('450012ab.x'), '^\\d{6}[a-z]{2}\\.[a-z]$');
    assert.ok(new RegExp(shapeOf('CP-2611-0409')).test('XY-1234-5678'));
  });

  test('learnt when the accepted invoices agree, with a note', () => {
    const rejected = invoice('CP-2611-0009', 'ABC', ['BX']);
    assert.deepEqual(deriveParams('po-format', rejected, accepted).params, { pattern: '^\\d{6}$' });
    assert.deepEqual(deriveParams('uom-allowed', rejected, accepted), {
      params: { units: ['CA', 'EA'] },
      from: 'accepted invoices',
      note: 'learnt from 3 accepted invoices',
    });
    assert.deepEqual(deriveParams('po-exists', rejected, accepted), { params: {}, from: 'defaults' });
  });

  test('a placeholder when they disagree, are too few, or the parameters cannot be learnt', () => {
    const rejected = invoice('CP-2611-0009', 'ABC', ['BX']);
    const mixed = [...accepted, invoice('CP-2611-0004', 'PO-77', ['EA'])];
    const disagree = deriveParams('po-format', rejected, mixed);
    assert.equal(disagree.from, 'placeholder');
    assert.match(disagree.note ?? '', /do not agree/);
    assert.deepEqual(Object.keys((disagree.params.pattern ?? {}) as object), ['FILL IN']);
    assert.match(deriveParams('uom-allowed', rejected, accepted.slice(0, 2)).note ?? '', /2 accepted invoices in the store, fewer than 3/);
    assert.match(deriveParams('allowed-values', rejected, accepted).note ?? '', /cannot be learnt from invoices/);
  });
});

describe('the change, in memory and in the file', () => {
  const text = '{\n  "id": "acme",\n  "rules": {\n    "po-required": true,\n    "contract-price": { "severity": "warning" }\n  }\n}\n';

  test('switching a rule on, and making a warning an error, keep the rest of the file as it was', () => {
    const on = changedFileText(text, { kind: 'switch-on', ruleId: 'po-exists', setting: true });
    assert.equal(JSON.parse(on).rules['po-exists'], true);
    assert.ok(on.startsWith('{\n  "id": "acme",\n  "rules": {\n    "po-required": true,\n'));
    const error = changedFileText(text, { kind: 'make-error', ruleId: 'contract-price' });
    assert.deepEqual(JSON.parse(error).rules['contract-price'], { severity: 'error' });
    const inherited = changedFileText(text, { kind: 'make-error', ruleId: 'uom-allowed' });
    assert.deepEqual(JSON.parse(inherited).rules['uom-allowed'], { severity: 'error' });
  });

  test('in memory: the merged profile gets the same change, parameters kept', () => {
    const profile = { id: 'acme', rules: { 'contract-price': { severity: 'warning', tolerance: '0.01' } } };
    assert.deepEqual(changedProfile(profile, { kind: 'make-error', ruleId: 'contract-price' }).rules, {
      'contract-price': { severity: 'error', tolerance: '0.01' },
    });
    assert.deepEqual(profile.rules['contract-price'].severity, 'warning', 'the given profile is left as it was');
  });

  test('a unified diff with three lines of context, and nothing when nothing changed', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h'].join('\n');
    assert.equal(unifiedDiff('p.json', before, after), '--- p.json\n+++ p.json\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n');
    assert.equal(unifiedDiff('p.json', 'x\n', 'x\ny\n'), '--- p.json\n+++ p.json\n@@ -1,2 +1,3 @@\n x\n+y\n \n');
    assert.equal(unifiedDiff('p.json', before, before), '');
  });
});

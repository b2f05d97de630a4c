import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ANSWER_READERS, readAnswerFile, type Answer, type AnswerSource } from '../../src/acks/index.js';

/**
 * The one suite every answer reader runs: hand-written answers (test/acks/fixtures) read into
 * the answers a person would read off them, and malformed ones into diagnostics, never a throw.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** What a person checks of an answer: who, what it says, what it does, which code, which invoice. */
function summary(found: Answer): Record<string, unknown> {
  return {
    source: found.source,
    kind: found.kind,
    status: found.status,
    outcome: found.outcome,
    code: found.code,
    text: found.text,
    keys: found.keys,
  };
}

const EXPECTED: ReadonlyArray<{ file: string; source: AnswerSource; answers: Record<string, unknown>[] }> = [
  {
    file: '997-accepted.x12',
    source: 'x12-997',
    answers: [
      { kind: 'technical', status: 'A', outcome: 'delivered', code: undefined, text: undefined, keys: { group: 17, transaction: 17 } },
    ],
  },
  {
    file: '997-rejected.x12',
    source: 'x12-997',
    answers: [{ kind: 'technical', status: 'R', outcome: 'rejected', code: '5', text: undefined, keys: { group: 18, transaction: 18 } }],
  },
  {
    file: '997-group.x12',
    source: 'x12-997',
    answers: [{ kind: 'technical', status: 'A', outcome: 'delivered', code: undefined, text: undefined, keys: { group: 19 } }],
  },
  {
    file: '824-rejected.x12',
    source: 'x12-824',
    answers: [
      {
        kind: 'business',
        status: 'TR',
        outcome: 'rejected',
        code: '011',
        text: 'Not Matching PO 4500012345',
        keys: { group: 17, transaction: 17, invoiceNumber: 'CP-2611-0409', reference: 'ADV-77' },
      },
    ],
  },
  {
    file: '824-accepted.x12',
    source: 'x12-824',
    answers: [
      {
        kind: 'business',
        status: 'TA',
        outcome: 'accepted',
        code: undefined,
        text: undefined,
        keys: { group: 18, transaction: 18, invoiceNumber: 'CP-2610-0391', reference: 'ADV-78' },
      },
    ],
  },
  {
    file: '824-warnings.x12',
    source: 'x12-824',
    answers: [
      {
        kind: 'business',
        status: 'TE',
        outcome: 'accepted-with-warnings',
        code: '010',
        text: 'Total Out of Balance',
        keys: { invoiceNumber: 'CP-2610-0392', reference: 'ADV-79' },
      },
    ],
  },
  {
    file: 'contrl-accepted.edi',
    source: 'edifact-contrl',
    answers: [{ kind: 'technical', status: '7', outcome: 'delivered', code: undefined, text: undefined, keys: { interchange: 1001 } }],
  },
  {
    file: 'contrl-rejected.edi',
    source: 'edifact-contrl',
    answers: [
      { kind: 'technical', status: '4', outcome: 'rejected', code: '21', text: undefined, keys: { interchange: 1002, transaction: 1002 } },
    ],
  },
  {
    file: 'aperak-rejected.edi',
    source: 'edifact-aperak',
    answers: [
      {
        kind: 'business',
        status: '27',
        outcome: 'rejected',
        code: 'Z10',
        text: 'Order number 4711+ not known',
        keys: { invoiceNumber: 'KA-2611-0017', interchange: 1002, reference: 'AP-5001' },
      },
    ],
  },
  {
    file: 'aperak-accepted.edi',
    source: 'edifact-aperak',
    answers: [
      {
        kind: 'business',
        status: '29',
        outcome: 'accepted',
        code: undefined,
        text: undefined,
        keys: { invoiceNumber: 'KA-2611-0018', interchange: 1003, reference: 'AP-5002' },
      },
    ],
  },
  {
    file: 'cxml-processing.xml',
    source: 'portal:cxml',
    answers: [
      {
        kind: 'technical',
        status: 'processing',
        outcome: 'delivered',
        code: undefined,
        text: undefined,
        keys: { reference: '1765108800000.4242@calder.example' },
      },
    ],
  },
  {
    file: 'cxml-paid.xml',
    source: 'portal:cxml',
    answers: [
      {
        kind: 'business',
        status: 'paid',
        outcome: 'accepted',
        code: undefined,
        text: undefined,
        keys: { reference: '1765108800000.4242@calder.example' },
      },
    ],
  },
  {
    file: 'cxml-rejected.xml',
    source: 'portal:cxml',
    answers: [
      {
        kind: 'business',
        status: 'rejected',
        outcome: 'rejected',
        code: 'INVALID_ORDER_REFERENCE',
        text: 'Order PO-9 & its lines are not known',
        keys: { reference: '1765108800000.4243@calder.example' },
      },
    ],
  },
  {
    file: 'rest-received.json',
    source: 'portal:rest',
    answers: [
      { kind: 'technical', status: 'received', outcome: 'delivered', code: undefined, text: undefined, keys: { reference: 'inv-7784' } },
    ],
  },
  {
    file: 'rest-accepted.json',
    source: 'portal:rest',
    answers: [
      { kind: 'business', status: 'accepted', outcome: 'accepted', code: undefined, text: undefined, keys: { reference: 'inv-7781' } },
    ],
  },
  {
    file: 'rest-warnings.json',
    source: 'portal:rest',
    answers: [
      {
        kind: 'business',
        status: 'accepted-with-warnings',
        outcome: 'accepted-with-warnings',
        code: undefined,
        text: 'Tax rounded; Late',
        keys: { reference: 'inv-7783' },
      },
    ],
  },
  {
    file: 'rest-rejected.json',
    source: 'portal:rest',
    answers: [
      {
        kind: 'business',
        status: 'rejected',
        outcome: 'rejected',
        code: 'DUPLICATE_INVOICE',
        text: 'Invoice number used before',
        keys: { reference: 'inv-7782' },
      },
    ],
  },
];

/** Malformed answers and the words their diagnostic must contain. */
const MALFORMED: ReadonlyArray<{ file: string; says: RegExp; answers?: number }> = [
  { file: 'malformed/997-bad-envelope.x12', says: /GE01 \(2\) does not match/, answers: 1 },
  { file: 'malformed/997-no-ak1.x12', says: /no AK1/ },
  { file: 'malformed/997-unknown-status.x12', says: /AK5 01 "Q"/ },
  { file: 'malformed/x12-truncated.x12', says: /too short|ISA/ },
  { file: 'malformed/824-bad-oti.x12', says: /OTI01 "TX"/ },
  { file: 'malformed/contrl-bad-character.edi', says: /cannot read this interchange/ },
  { file: 'malformed/contrl-unknown-action.edi', says: /0083 "9"/ },
  { file: 'malformed/aperak-no-reference.edi', says: /names no invoice/ },
  { file: 'malformed/aperak-missing-unt.edi', says: /no UNT/ },
  { file: 'malformed/cxml-not-well-formed.xml', says: /not well-formed/ },
  { file: 'malformed/cxml-unknown-type.xml', says: /"archived"/ },
  { file: 'malformed/cxml-entity.xml', says: /DTD or entity/ },
  { file: 'malformed/cxml-no-reference.xml', says: /no payloadID/ },
  { file: 'malformed/rest-unknown-status.json', says: /"lost"/ },
  { file: 'malformed/rest-not-json.txt', says: /not JSON/ },
  { file: 'malformed/rest-no-id.json', says: /no "id"/ },
  { file: 'malformed/letter.txt', says: /not an answer firstpass reads/ },
];

describe('answer readers', () => {
  test('every reader in the registry has example answers here', () => {
    assert.deepEqual([...new Set(EXPECTED.map((entry) => entry.source))].sort(), [...ANSWER_READERS.keys()].sort());
  });

  for (const { file, source, answers } of EXPECTED) {
    test(`${file}: read by ${source}`, () => {
      const reading = readAnswerFile(fixture(file));
      assert.deepEqual(reading.sources, [source], 'exactly one reader recognizes it, by content');
      assert.deepEqual(reading.diagnostics, []);
      assert.deepEqual(
        reading.answers.map(summary),
        answers.map((expected) => ({ source, ...expected })),
      );
    });
  }

  test('the 997 keeps every error code it lists: AK5, AK3 (list 720) and AK4 (list 723)', () => {
    const [rejected] = readAnswerFile(fixture('997-rejected.x12')).answers;
    assert.deepEqual(
      rejected?.errors.map((error) => error.code),
      ['5', '8', '7'],
    );
  });

  for (const { file, says, answers } of MALFORMED) {
    test(`${file}: a diagnostic, not a throw`, () => {
      const reading = readAnswerFile(fixture(file));
      assert.ok(
        reading.diagnostics.some((diagnostic) => says.test(diagnostic.message)),
        reading.diagnostics.map((diagnostic) => diagnostic.message).join('\n'),
      );
      assert.equal(reading.answers.length, answers ?? 0);
    });
  }

  test('no reader throws on any fixture, cut anywhere', () => {
    const files = [...EXPECTED.map((entry) => entry.file), ...MALFORMED.map((entry) => entry.file)];
    for (const file of files) {
      const text = fixture(file).toString('latin1');
      for (let cut = 0; cut < text.length; cut += 7) {
        for (const reader of ANSWER_READERS.values()) {
          assert.doesNotThrow(() => reader.read(text.slice(0, cut)), `${reader.source} on ${file} cut at ${cut}`);
        }
      }
    }
  });

  test('the fixtures folder holds only files the suite names', () => {
    const named = new Set([...EXPECTED.map((entry) => entry.file), ...MALFORMED.map((entry) => entry.file)]);
    const present = [...readdirSync(FIXTURES), ...readdirSync(join(FIXTURES, 'malformed')).map((name) => `malformed/${name}`)].filter(
      (name) => name !== 'malformed',
    );
    assert.deepEqual(
      present.filter((name) => !named.has(name)),
      [],
    );
  });
});

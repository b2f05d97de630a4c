import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanJsonNumbers, withNumberTexts } from '../../src/model/json-number-scan.js';
import { parseJsonText, valueWithNumbersAsText, valueWithNumbersAsTextByTree } from '../../src/model/json-text.js';
import { seededRandom } from '../support/corpus.js';

/** The fast path alone: undefined when it declines (and the slow path would be taken). */
function fastPath(text: string): { value: unknown } | undefined {
  return withNumberTexts(JSON.parse(text), scanJsonNumbers(text));
}

/** Set a member as JSON.parse does: an own property (even "__proto__"), a repeated key keeps its first place and takes the last value. */
function defineMember(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// A seeded generator of JSON texts with numbers everywhere, each with the value it must read as
// (numbers as their text): an oracle independent of both paths.
// ---------------------------------------------------------------------------------------------

interface Generated {
  text: string;
  expected: unknown;
}

const NUMBER_TEXTS = [
  '0',
  '-0',
  '1',
  '-1',
  '7',
  '42',
  '1000',
  '12.50',
  '12.5',
  '0.10',
  '-0.0',
  '100.000',
  '3.14159',
  '1e400',
  '-1e400',
  '1E400',
  '1e-400',
  '1e5',
  '1E5',
  '1e+5',
  '1E-5',
  '2.5e-10',
  '6.02E+23',
  '-0e0',
  '0E-0',
  '123456789012345678901234567890',
  '-999999999999999999999999999999.999',
  '9007199254740993',
  '0.000000000000000000000000000001',
  '5e-324',
  '1.7976931348623157e308',
  '4294967295',
  '0.1e1',
];

/** A random number token: one of the hand-picked shapes, or digits built on the spot. Its expected reading is itself. */
function numberText(random: () => number): string {
  if (random() < 0.6) return NUMBER_TEXTS[Math.floor(random() * NUMBER_TEXTS.length)] as string;
  const digits = (count: number): string => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
  let text =
    (random() < 0.3 ? '-' : '') + (random() < 0.2 ? '0' : String(1 + Math.floor(random() * 9)) + digits(Math.floor(random() * 35)));
  if (random() < 0.5) text += `.${digits(1 + Math.floor(random() * 12))}`;
  if (random() < 0.3)
    text += `${random() < 0.5 ? 'e' : 'E'}${['', '+', '-'][Math.floor(random() * 3)]}${digits(1 + Math.floor(random() * 3))}`;
  return text;
}

/** Pieces of strings as written in JSON and as read: look-alike numbers, escapes, structure characters, unicode. */
const STRING_PIECES: readonly (readonly [string, string])[] = [
  ['abc', 'abc'],
  ['12.50', '12.50'],
  ['-0', '-0'],
  ['1e400', '1e400'],
  [' 3 ', ' 3 '],
  ['0', '0'],
  ['\\"', '"'],
  ['\\\\', '\\'],
  ['\\u0022', '"'],
  ['\\u005c', '\\'],
  ['\\/', '/'],
  ['\\n', '\n'],
  ['\\t', '\t'],
  ['\\r\\n', '\r\n'],
  ['\\b\\f', '\b\f'],
  ['\\u0000', '\u0000'],
  ['\\\\\\"', '\\"'],
  ['\\\\\\\\', '\\\\'],
  [':', ':'],
  [',', ','],
  ['{', '{'],
  ['}', '}'],
  ['[', '['],
  [']', ']'],
  ['\\": 2, \\"', '": 2, "'],
  ['é', 'é'],
  ['€', '€'],
  ['😀', '😀'],
  ['\\ud83d\\ude00', '😀'],
  ['\\u00e9', 'é'],
  ['日本', '日本'],
];

function stringToken(random: () => number): readonly [string, string] {
  let written = '';
  let read = '';
  const pieces = Math.floor(random() * 4);
  for (let count = 0; count < pieces; count += 1) {
    const [pieceWritten, pieceRead] = STRING_PIECES[Math.floor(random() * STRING_PIECES.length)] as readonly [string, string];
    written += pieceWritten;
    read += pieceRead;
  }
  return [`"${written}"`, read];
}

/** Keys JavaScript orders differently from the text ("0", "12", "\u0031"), and keys it must not (near misses). */
const TRICKY_KEYS: readonly (readonly [string, string])[] = [
  ['"0"', '0'],
  ['"12"', '12'],
  ['"4294967294"', '4294967294'],
  ['"4294967295"', '4294967295'],
  ['"01"', '01'],
  ['"-1"', '-1'],
  ['"1.5"', '1.5'],
  ['"\\u0031"', '1'],
  ['"\\u0032x"', '2x'],
  ['"__proto__"', '__proto__'],
  ['"constructor"', 'constructor'],
];

interface Options {
  /** Keys that may be array indexes, and repeated keys: the cases the fast path must decline. */
  trickyKeys: boolean;
}

const whitespace = (random: () => number): string => ['', '', '', ' ', '\n  ', '\t', '\r\n'][Math.floor(random() * 7)] as string;

function generateValue(random: () => number, depth: number, options: Options): Generated {
  const pick = random();
  if (depth > 5 || pick < 0.3) {
    const text = numberText(random);
    return { text, expected: text };
  }
  if (pick < 0.45) {
    const [text, read] = stringToken(random);
    return { text, expected: read };
  }
  if (pick < 0.5) {
    const literal = (['true', 'false', 'null'] as const)[Math.floor(random() * 3)] as 'true' | 'false' | 'null';
    return { text: literal, expected: JSON.parse(literal) };
  }
  if (pick < 0.72) {
    const items = Array.from({ length: Math.floor(random() * 6) }, () => generateValue(random, depth + 1, options));
    return {
      text: `[${whitespace(random)}${items.map((item) => `${item.text}${whitespace(random)}`).join(`,${whitespace(random)}`)}]`,
      expected: items.map((item) => item.expected),
    };
  }
  const members: { key: readonly [string, string]; value: Generated }[] = [];
  const count = Math.floor(random() * 7);
  for (let index = 0; index < count; index += 1) {
    let key = stringToken(random);
    if (options.trickyKeys && random() < 0.25) key = TRICKY_KEYS[Math.floor(random() * TRICKY_KEYS.length)] as readonly [string, string];
    else if (options.trickyKeys && members.length > 0 && random() < 0.2)
      key = (members[Math.floor(random() * members.length)] as (typeof members)[number]).key;
    else if (!options.trickyKeys) key = [`"k${index}${key[0].slice(1)}`, `k${index}${key[1]}`];
    members.push({ key, value: generateValue(random, depth + 1, options) });
  }
  const expected: Record<string, unknown> = {};
  for (const { key, value } of members) defineMember(expected, key[1], value.expected);
  return {
    text: `{${whitespace(random)}${members.map(({ key, value }) => `${key[0]}${whitespace(random)}:${whitespace(random)}${value.text}${whitespace(random)}`).join(`,${whitespace(random)}`)}}`,
    expected,
  };
}

function generateDocument(random: () => number, options: Options): Generated {
  const generated = generateValue(random, 0, options);
  return { text: `${whitespace(random)}${generated.text}${whitespace(random)}`, expected: generated.expected };
}

/** Equal values with their keys in the same order (deepEqual alone ignores the order). */
function assertSameValue(actual: unknown, expected: unknown, message: string): void {
  assert.deepEqual(actual, expected, message);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${message} (key order)`);
}

test('hand-written documents: every number is read exactly as written, by the fast path', () => {
  const cases: [string, unknown][] = [
    ['{"quantity": 12.50}', { quantity: '12.50' }],
    ['{"a": 1e400, "b": -1e400, "c": 1E-400}', { a: '1e400', b: '-1e400', c: '1E-400' }],
    ['{"zero": -0, "also": -0.0, "exp": -0e0}', { zero: '-0', also: '-0.0', exp: '-0e0' }],
    [
      '{"big": 123456789012345678901234567890, "safe": 9007199254740993}',
      { big: '123456789012345678901234567890', safe: '9007199254740993' },
    ],
    ['{"e": [1e5, 1E5, 1e+5, 1E-5, 2.5e-10, 6.02E+23]}', { e: ['1e5', '1E5', '1e+5', '1E-5', '2.5e-10', '6.02E+23'] }],
    ['[1, "2", 3.0, "4.0", [5, [6.00]], {"x": 7}]', ['1', '2', '3.0', '4.0', ['5', ['6.00']], { x: '7' }]],
    ['{"s": "12.50", "n": 12.50, "t": "\\"1\\": 2", "m": 3}', { s: '12.50', n: '12.50', t: '"1": 2', m: '3' }],
    ['{"a\\\\": 1.10, "b\\"": 2.20, "c\\u0022": 3.30, "d\\\\\\"": 4.40}', { 'a\\': '1.10', 'b"': '2.20', 'c"': '3.30', 'd\\"': '4.40' }],
    ['{"s": "ends in a backslash \\\\", "n": 0.50}', { s: 'ends in a backslash \\', n: '0.50' }],
    [
      '{"empty": {}, "none": [], "deep": [[{}], [[]], {"x": {}}], "n": 1.0}',
      { empty: {}, none: [], deep: [[{}], [[]], { x: {} }], n: '1.0' },
    ],
    ['{"ünïcødé 😀": 1.50, "日本": [2.50], "\\ud83d\\ude00": 3.50}', { 'ünïcødé 😀': '1.50', 日本: ['2.50'], '😀': '3.50' }],
    ['{"\\u0041": 1.50, "\\"1\\"": 2.50, "\\u003a": 3.50}', { A: '1.50', '"1"': '2.50', ':': '3.50' }],
    [
      '{"__proto__": 1.5, "constructor": 2.5}',
      Object.defineProperty({ constructor: '2.5' }, '__proto__', { value: '1.5', writable: true, enumerable: true, configurable: true }),
    ],
    [' \n\t12.50\r\n', '12.50'],
    ['-0', '-0'],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(parseJsonText(text, 'case.json'), expected, text);
    assert.deepEqual(valueWithNumbersAsTextByTree(text), expected, `slow path: ${text}`);
    assert.notEqual(fastPath(text), undefined, `the fast path must take ${text}`);
  }
  // "__proto__" must be an own property on both paths, never the object's prototype.
  for (const value of [
    parseJsonText('{"__proto__": {"polluted": 1}, "n": 2}', 'p.json'),
    valueWithNumbersAsTextByTree('{"__proto__": {"polluted": 1}, "n": 2}'),
  ] as Record<string, unknown>[]) {
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(value.polluted, undefined);
    assert.deepEqual(Object.keys(value), ['__proto__', 'n']);
  }
});

test('keys JavaScript reorders, and repeated keys: the fast path declines and the numbers are still read exactly', () => {
  const cases: [string, unknown][] = [
    // JavaScript puts "1" before "b": the text's order is 1.0 then 1.00, the object's is the reverse.
    ['{"b": 1.0, "1": 1.00}', { 1: '1.00', b: '1.0' }],
    ['{"b": 1.0, "\\u0031": 1.00}', { 1: '1.00', b: '1.0' }],
    ['{"x": 5, "12": 6, "0": 7.0}', { 0: '7.0', 12: '6', x: '5' }],
    // A repeated key keeps its first place and its last value: 1.0 is dropped, "a" reads 1.00.
    ['{"a": "x", "b": 1.0, "a": 1.00}', { a: '1.00', b: '1.0' }],
    ['{"a": 1.0, "b": 2, "a": 1.00}', { a: '1.00', b: '2' }],
    ['[{"a": {"n": 1.10}, "a": {"n": 1.1}}, 2.20]', [{ a: { n: '1.1' } }, '2.20']],
  ];
  for (const [text, expected] of cases) {
    assert.equal(fastPath(text), undefined, `the fast path must decline ${text}`);
    assert.deepEqual(parseJsonText(text, 'case.json'), expected, text);
    assert.deepEqual(Object.keys(parseJsonText(text, 'case.json') as object), Object.keys(expected as object), `key order of ${text}`);
    assert.deepEqual(valueWithNumbersAsText(text), expected, text);
  }
  // Keys that only look numeric keep the text's order in JavaScript, but the scan cannot tell
  // "01" from "1" cheaply: it declines too, and the result is still exact.
  assert.equal(fastPath('{"b": 1.0, "01": 1.00}'), undefined);
  assert.deepEqual(parseJsonText('{"b": 1.0, "01": 1.00}', 'case.json'), { b: '1.0', '01': '1.00' });
});

test('the fast path never changes a document without numbers, and parseJsonText as-numbers keeps JSON numbers', () => {
  const text = '{"a": "12.50", "b": ["1", {"c": "-0"}], "d": true, "e": null}';
  assert.deepEqual(fastPath(text), { value: JSON.parse(text) });
  assert.deepEqual(parseJsonText('{"a": 12.50, "b": [1e400]}', 'x.json', 1, 'as-numbers'), { a: 12.5, b: [Infinity] });
});

test('a scan that does not fit the parsed value (a number read differently, too many or too few) is declined', () => {
  const parsed = (): unknown => JSON.parse('{"a": [1, 2.5], "b": {}}');
  const scan = (numbers: string[], members = 2) => ({ numbers, members, reorderedKeys: false });
  assert.deepEqual(withNumberTexts(parsed(), scan(['1', '2.50'])), { value: { a: ['1', '2.50'], b: {} } });
  assert.equal(withNumberTexts(parsed(), scan(['1', '2.6'])), undefined);
  assert.equal(withNumberTexts(parsed(), scan(['1'])), undefined);
  assert.equal(withNumberTexts(parsed(), scan(['1', '2.5', '3'])), undefined);
  assert.equal(withNumberTexts(parsed(), scan(['1', '2.5'], 1)), undefined);
  assert.equal(withNumberTexts(parsed(), scan(['1', '2.5'], 3)), undefined);
  assert.equal(withNumberTexts(parsed(), { ...scan(['1', '2.5']), reorderedKeys: true }), undefined);
});

test('with an enumerable property on Object.prototype the fast path declines, and numbers are still read exactly', () => {
  const text = '{"a": "x", "b": 1.0, "a": 1.00}';
  Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
  try {
    assert.equal(fastPath('{"b": 1.0}'), undefined);
    assert.deepEqual(Object.entries(parseJsonText(text, 'case.json') as object), [
      ['a', '1.00'],
      ['b', '1.0'],
    ]);
  } finally {
    delete (Object.prototype as Record<string, unknown>).polluted;
  }
  assert.notEqual(fastPath('{"b": 1.0}'), undefined);
});

test('invalid JSON: valueWithNumbersAsText still reads what the tree parser recovers, and parseJsonText still refuses it', () => {
  for (const text of ['{"a": 1.50,', '{"a": 1.50 "b": 2}', '[1, 2', '']) {
    assert.deepEqual(valueWithNumbersAsText(text), valueWithNumbersAsTextByTree(text), text);
    assert.throws(() => parseJsonText(text, 'bad.json'), { code: 'INPUT_MALFORMED' }, text);
  }
  assert.deepEqual(valueWithNumbersAsText('{"a": 1.50,'), { a: '1.50' });
});

test('differential: 4,000 seeded documents with numbers everywhere read the same by the fast path, the slow path and the oracle', () => {
  const random = seededRandom(13);
  let fast = 0;
  let declined = 0;
  for (let index = 0; index < 4_000; index += 1) {
    const trickyKeys = index % 4 === 3;
    const { text, expected } = generateDocument(random, { trickyKeys });
    const slow = valueWithNumbersAsTextByTree(text);
    assertSameValue(slow, expected, `document ${index}, slow path: ${text}`);
    assertSameValue(parseJsonText(text, 'generated.json'), expected, `document ${index}: ${text}`);
    assertSameValue(valueWithNumbersAsText(text), expected, `document ${index}: ${text}`);
    const taken = fastPath(text);
    if (taken) {
      fast += 1;
      assertSameValue(taken.value, expected, `document ${index}, fast path alone: ${text}`);
    } else {
      declined += 1;
      // Only documents with keys that may be reordered or repeated may send it to the slow path.
      assert.ok(trickyKeys, `document ${index} has plain keys, yet the fast path declined it: ${text}`);
    }
  }
  assert.ok(fast > 3_000 && declined > 300, `${fast} by the fast path, ${declined} declined: the test must exercise both`);
});

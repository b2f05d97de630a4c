/**
 * Invoice and profile data as the CLI shows it on a terminal. Control characters (ESC starts
 * the escape sequences that recolour, clear or retitle a terminal; BEL, CR, backspace), DEL,
 * the C1 controls (U+009B is a CSI of its own) and the bidirectional overrides that reorder
 * what is seen are shown escaped, as `\x1b` or `\u202e`, so data can never drive the terminal.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');

/** Characters JSON.stringify leaves raw that a terminal would act on (it escapes U+0000–U+001F itself). */
const RAW_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const RAW_IN_JSON_ALL = new RegExp(RAW_IN_JSON.source, 'g');

const NAMED: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

/** One value (an invoice number, a file name, a message quoting data) safe to print; unchanged when it already is. */
export function printable(text: string): string {
  return UNPRINTABLE.test(text) ? text.replace(UNPRINTABLE_ALL, escaped) : text;
}

/** Text of several lines (a multi-problem error, a profile's procedure): each line made printable, the line breaks kept. */
export function printableLines(text: string): string {
  return UNPRINTABLE.test(text) ? text.split('\n').map(printable).join('\n') : text;
}

/** JSON text for stdout: the same JSON value, with the characters JSON leaves raw written as \u escapes. */
export function printableJson(json: string): string {
  return RAW_IN_JSON.test(json) ? json.replace(RAW_IN_JSON_ALL, (character) => `\\u${hex(character, 4)}`) : json;
}

function escaped(character: string): string {
  const code = character.charCodeAt(0);
  return NAMED.get(character) ?? (code < 0x100 ? `\\x${hex(character, 2)}` : `\\u${hex(character, 4)}`);
}

function hex(character: string, digits: number): string {
  return character.charCodeAt(0).toString(16).padStart(digits, '0');
}

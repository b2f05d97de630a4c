import { LastPairResult, PairCache } from '../model/bounded-cache.js';
import { everyCharacterIn, latin1Table, SCAN_AT_MOST } from '../model/text-scan.js';

/**
 * Character sets of the segment standards, one character each: ISO 9735 level A (upper case),
 * level B (with lower case), C (ISO 8859-1); X12's basic and extended sets together (printable
 * ASCII; other "select language" characters need a partner agreement).
 */
const REPERTOIRES: ReadonlyMap<string, RegExp> = new Map([
  ['X12', /^[\u0020-\u007e]$/],
  ['UNOA', /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]$/],
  ['UNOB', /^[A-Za-z0-9 .,\-()/='+:?!"%&*;<>]$/],
  ['UNOC', /^[\u0020-\u007e\u00a0-\u00ff]$/],
]);

/** Spellings for characters a repertoire lacks: typographic dashes and quotes, ligatures, letters without a decomposition. */
const TYPOGRAPHIC: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '\u00a0': ' ',
    '\u2010': '-',
    '\u2011': '-',
    '\u2012': '-',
    '\u2013': '-',
    '\u2014': '-',
    '\u2015': '-',
    '\u2212': '-',
    '\u2018': "'",
    '\u2019': "'",
    '\u201a': "'",
    '\u201c': '"',
    '\u201d': '"',
    '\u201e': '"',
    '\u2026': '...',
    '\u20ac': 'EUR',
    '\u00df': 'ss',
    '\u00e6': 'ae',
    '\u00c6': 'AE',
    '\u0153': 'oe',
    '\u0152': 'OE',
    '\u00f8': 'o',
    '\u00d8': 'O',
    '\u0142': 'l',
    '\u0141': 'L',
    '\u0111': 'd',
    '\u0110': 'D',
  }),
);

/** A pattern finding the first character outside a repertoire; undefined for one we do not know. */
export function charactersOutside(name: string): RegExp | undefined {
  const pattern = REPERTOIRES.get(name);
  return pattern === undefined ? undefined : new RegExp(`[^${pattern.source.slice(2, -2)}]`, 'u');
}

/**
 * The same repertoires, for testing a whole text: most text fits and is returned as it is. A
 * short text is scanned against a table of the first 256 characters (all they hold), a longer
 * one is tested by the regular expression.
 */
const WHOLLY_IN_REPERTOIRE: ReadonlyMap<string, RegExp> = new Map(
  [...REPERTOIRES].map(([name, pattern]) => [name, new RegExp(`^${pattern.source.slice(1, -1)}*$`)]),
);
const REPERTOIRE_TABLES: ReadonlyMap<string, Uint8Array> = new Map([...REPERTOIRES].map(([name, pattern]) => [name, latin1Table(pattern)]));

/** Texts already made to fit, per repertoire: names and addresses repeat from invoice to invoice. */
const fitted = new PairCache<string, string, string>();

/** The text fitted last: a template fits the same text for each piece it takes of it. */
const lastFitted = new LastPairResult<string, string, string>();

/**
 * Text a character set can carry (the repertoire filter): typographic dashes and quotes become
 * ASCII, missing accents are dropped, anything else is "?"; a repertoire we do not know leaves the
 * text as it is.
 */
export function toRepertoire(value: string, name: string): string {
  return lastFitted.get(value, name, fitRepertoire);
}

function fitRepertoire(value: string, name: string): string {
  const allowed = REPERTOIRES.get(name);
  if (!allowed) return value;
  const cased = name === 'UNOA' ? value.toUpperCase() : value;
  const table = REPERTOIRE_TABLES.get(name);
  if (cased.length > SCAN_AT_MOST ? WHOLLY_IN_REPERTOIRE.get(name)?.test(cased) : table !== undefined && everyCharacterIn(table, cased))
    return cased;
  return fitted.get(name, cased, fitCharacters);
}

/** Each character the repertoire lacks as its typographic or unaccented spelling, else '?'. */
function fitCharacters(name: string, cased: string): string {
  const allowed = REPERTOIRES.get(name) ?? /^$/;
  const fits = (candidate: string) => candidate !== '' && [...candidate].every((character) => allowed.test(character));
  let result = '';
  for (const character of cased) {
    if (allowed.test(character)) result += character;
    else {
      const typographic = TYPOGRAPHIC.get(character);
      const bare = character.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      result += typographic !== undefined && fits(typographic) ? typographic : fits(bare) ? bare : '?';
    }
  }
  return result;
}

import { createHash } from 'node:crypto';

/**
 * File names made from text firstpass does not control (an invoice number, an attachment's
 * name), for our output folder and for a customer's server alike. A name keeps only ASCII
 * letters, digits, `.`, `_` and `-` (so bytes are characters, no file system folds case or
 * Unicode differently, and `/`, `\`, `..` or control characters never point elsewhere), never
 * starts with a dot (dot names are firstpass's temporary files), and is not a device name Windows
 * reserves. A name that had to change gets a short hash of the original text, so two texts that
 * change into the same name (`CP/7`, `CP:7`) still get names of their own.
 */

/** Hex digits of SHA-256 kept: 40 bits, so two names of one folder share a hash about once in a trillion pairs. */
export const NAME_HASH_DIGITS = 10;

const UNSAFE = /[^A-Za-z0-9._-]/g;

/**
 * Device names Windows reserves whatever the extension, in any case: `CON.x12` cannot be created
 * there, nor `CON.ubl.ubl.xml`, so a name whose part before the first dot is one counts as changed.
 */
const RESERVED_ON_WINDOWS = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/i;

/** The hash that tells apart texts whose names had to change. */
export function nameHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, NAME_HASH_DIGITS);
}

/** The text with only safe characters and no leading dot; `changed` when that differs from the text or is a reserved name. */
export function safeNameCharacters(text: string): { readonly safe: string; readonly changed: boolean } {
  let safe = text.replace(UNSAFE, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if (safe === '') safe = '_';
  return { safe, changed: safe !== text || RESERVED_ON_WINDOWS.test(safe) };
}

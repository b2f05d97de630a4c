import { createHash } from 'node:crypto';

/**
 * The file name of a rendered document, from its invoice number. Names are kept to printable
 * ASCII letters, digits, `.`, `_` and `-` (so bytes are characters, and no file system folds
 * case or normalises Unicode differently from another), never start with a dot (hidden files are
 * firstpass's temporary ones), and are at most MAX_STEM_BYTES long. An invoice number that had
 * to change to become such a name gets `-` and a short hash of the whole number appended, so
 * numbers that change into the same text (`CP/7`, `CP:7`) still get files of their own; a number
 * that is already a safe name is its own file name.
 */

/** The longest stem in bytes: with `.cxml.xml` and a temporary prefix, far below the 255 of common file systems. */
export const MAX_STEM_BYTES = 90;

/** Hex digits of SHA-256 kept: 40 bits, so two numbers of one folder share a hash about once in a trillion pairs. */
const HASH_DIGITS = 10;

const UNSAFE = /[^A-Za-z0-9._-]/gu;
/**
 * Device names Windows reserves whatever the extension, in any case: `CON.x12` cannot be created
 * there, nor `CON.ubl.ubl.xml`, so a stem whose part before the first dot is one is hashed too.
 */
const RESERVED_ON_WINDOWS = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/i;

/** The hash that tells apart invoice numbers whose file names had to change. */
export function numberHash(invoiceNumber: string): string {
  return createHash('sha256').update(invoiceNumber, 'utf8').digest('hex').slice(0, HASH_DIGITS);
}

/**
 * The stem (name without extension) for an invoice number; `hashed` asks for the hash even when
 * the number is a safe name already (it would collide with another document's name).
 */
export function fileStem(invoiceNumber: string, hashed = false): string {
  UNSAFE.lastIndex = 0;
  let safe = UNSAFE.test(invoiceNumber) ? invoiceNumber.replace(UNSAFE, '_') : invoiceNumber;
  if (safe.startsWith('.')) safe = `_${safe.slice(1)}`;
  const changed = safe !== invoiceNumber || safe.length > MAX_STEM_BYTES || RESERVED_ON_WINDOWS.test(safe);
  if (!changed && !hashed) return safe;
  // `safe` is ASCII: slicing characters slices bytes.
  return `${safe.slice(0, MAX_STEM_BYTES - 1 - HASH_DIGITS)}-${numberHash(invoiceNumber)}`;
}

export interface NamedOutput {
  readonly invoiceNumber: string;
  /** `x12`, `ubl.xml`… */
  readonly extension: string;
}

/**
 * A file name for each output of one batch, no two equal when case is ignored (a case-insensitive
 * file system would write one over the other), and none equal, ignoring case only, to a file
 * already in the folder (`existing`): a document that would collide is named with its hash. A
 * name equal to an existing one byte for byte is the same invoice rendered again, and replaces
 * it. Invoice numbers must be unique in the batch (the pipeline refuses duplicates first).
 * Returns undefined for a collision no hash resolves (which only equal numbers can cause).
 */
export function uniqueFileNames(outputs: readonly NamedOutput[], existing: Iterable<string> = []): string[] | undefined {
  const hashed = outputs.map(() => false);
  const existingByKey = new Map<string, string>();
  for (const name of existing) existingByKey.set(name.toLowerCase(), name);
  for (;;) {
    const names = outputs.map(({ invoiceNumber, extension }, index) => `${fileStem(invoiceNumber, hashed[index])}.${extension}`);
    const holders = new Map<string, number[]>();
    names.forEach((name, index) => {
      const key = name.toLowerCase();
      holders.set(key, [...(holders.get(key) ?? []), index]);
    });
    let progressed = false;
    let colliding = false;
    names.forEach((name, index) => {
      const key = name.toLowerCase();
      const other = existingByKey.get(key);
      if ((holders.get(key)?.length ?? 0) > 1 || (other !== undefined && other !== name)) {
        colliding = true;
        if (!hashed[index]) {
          hashed[index] = true;
          progressed = true;
        }
      }
    });
    if (!colliding) return names;
    if (!progressed) return undefined;
  }
}

import { NAME_HASH_DIGITS, nameHash, safeNameCharacters } from '../model/safe-file-name.js';

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

/**
 * The stem (name without extension) for an invoice number; `hashed` asks for the hash even when
 * the number is a safe name already (it would collide with another document's name).
 */
export function fileStem(invoiceNumber: string, hashed = false): string {
  const { safe, changed } = safeNameCharacters(invoiceNumber);
  if (!changed && !hashed && safe.length <= MAX_STEM_BYTES) return safe;
  // `safe` is ASCII: slicing characters slices bytes.
  return `${safe.slice(0, MAX_STEM_BYTES - 1 - NAME_HASH_DIGITS)}-${nameHash(invoiceNumber)}`;
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

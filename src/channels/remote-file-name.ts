import { createHash } from 'node:crypto';

/**
 * File names on a customer's server, made from text firstpass does not control (a document's
 * file name, an invoice number). A name is kept to ASCII letters, digits, `.`, `_` and `-`, so
 * `/`, `\`, `..`, control characters and the like can never point outside the remote folder; it
 * never starts with a dot (dot names are firstpass's temporary files, and hidden on the server);
 * a name that had to change gets a short hash of the original, so two texts that change into
 * the same name (`CP/7`, `CP:7`) still get names of their own.
 */

/** Longest name in bytes: far below the 255 of common file systems, with room for a suffix. */
const MAX_NAME_BYTES = 120;
const HASH_DIGITS = 10;
const UNSAFE = /[^A-Za-z0-9._-]/g;
/** A trailing extension (`.xml`, `.pdf`) kept apart when a name is shortened or hashed. */
const EXTENSION = /(\.[A-Za-z0-9]{1,10})$/;

export function safeRemoteName(text: string): string {
  let safe = text.replace(UNSAFE, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if (safe === '') safe = '_';
  if (safe === text && safe.length <= MAX_NAME_BYTES) return safe;
  const hash = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_DIGITS);
  const extension = EXTENSION.exec(safe)?.[1] ?? '';
  const stem = safe.slice(0, safe.length - extension.length).slice(0, MAX_NAME_BYTES - HASH_DIGITS - 1 - extension.length);
  return `${stem}-${hash}${extension}`;
}

/** A format's extension (`.ubl.xml`, `.x12`) is at most two short parts; the first of two starts with a letter, so `2026` in `INV.2026.x12` is not one. */
const DOCUMENT_EXTENSION = /(?:\.[A-Za-z][A-Za-z0-9]{0,9})?\.[A-Za-z0-9]{1,10}$/;

/** The document's extension: what follows the invoice number in its file name, or else the extension's shape at its end. */
function documentExtension(documentName: string, invoiceNumber: string): string {
  if (documentName.startsWith(`${invoiceNumber}.`) && documentName.length - invoiceNumber.length <= 21)
    return documentName.slice(invoiceNumber.length);
  return DOCUMENT_EXTENSION.exec(documentName)?.[0] ?? '';
}

/**
 * The remote names of one delivery: the document under the invoice number (made safe) with the
 * document's extension, each
 * attachment under the invoice number's safe name and its own, so two invoices' `timesheet.pdf`
 * do not meet; a name equal (ignoring case) to an earlier one of the same delivery is numbered.
 */
export function remoteNames(invoiceNumber: string, documentName: string, attachmentNames: readonly string[]): string[] {
  const stem = safeRemoteName(invoiceNumber);
  const extension = documentExtension(documentName, invoiceNumber).replace(UNSAFE, '_');
  const wanted = [`${stem}${extension}`, ...attachmentNames.map((name) => safeRemoteName(`${stem}.${name}`))];
  const taken = new Set<string>();
  return wanted.map((name) => {
    let candidate = name;
    for (let count = 2; taken.has(candidate.toLowerCase()); count += 1) {
      const extension = EXTENSION.exec(name)?.[1] ?? '';
      candidate = `${name.slice(0, name.length - extension.length)}-${count}${extension}`;
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

import { NAME_HASH_DIGITS, nameHash, safeNameCharacters } from '../model/safe-file-name.js';

/** File names on a customer's server: the safe names of model/safe-file-name.ts, with the document's extension kept. */

/** Longest name in bytes: far below the 255 of common file systems, with room for a suffix. */
const MAX_NAME_BYTES = 120;
/** A trailing extension (`.xml`, `.pdf`) kept apart when a name is shortened or hashed. */
const EXTENSION = /(\.[A-Za-z0-9]{1,10})$/;

export function safeRemoteName(text: string): string {
  const { safe, changed } = safeNameCharacters(text);
  if (!changed && safe.length <= MAX_NAME_BYTES) return safe;
  const extension = EXTENSION.exec(safe)?.[1] ?? '';
  const stem = safe.slice(0, safe.length - extension.length).slice(0, MAX_NAME_BYTES - NAME_HASH_DIGITS - 1 - extension.length);
  return `${stem}-${nameHash(text)}${extension}`;
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
  const extension = documentExtension(documentName, invoiceNumber).replace(/[^A-Za-z0-9._-]/g, '_');
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

import { component, readEdifactSegments, type EdifactSegment } from '../edi-syntax/edifact-reader.js';
import type { AnswerDiagnostic } from './answer.js';

/**
 * An EDIFACT interchange read by the shared reader (src/edi-syntax/edifact-reader: the `edifact`
 * package's parser), cut into its messages (UNH..UNT) for the answer readers. What the library
 * cannot read is a diagnostic.
 */

export { component, type EdifactSegment };

export interface EdifactMessage {
  /** UNB 0020 of the answer's own interchange. */
  readonly interchange: string;
  /** UNH 0062 */
  readonly reference: string;
  /** UNH S009 0065: "CONTRL", "APERAK" … */
  readonly type: string;
  /** The segments between UNH and UNT. */
  readonly segments: readonly EdifactSegment[];
}

export interface EdifactReading {
  readonly messages: readonly EdifactMessage[];
  readonly diagnostics: readonly AnswerDiagnostic[];
}

/** Whether the text starts as an EDIFACT interchange (UNA or UNB). */
export function looksLikeEdifact(text: string): boolean {
  return /^\uFEFF?\s*UN[AB]/.test(text);
}

/** Whether the interchange holds a message of this type (UNH's S009 0065), however the UNA spells the separators. */
export function holdsMessage(text: string, type: string): boolean {
  if (!looksLikeEdifact(text)) return false;
  const una = /^\uFEFF?\s*UNA(.)(.)/.exec(text);
  const [component, element] = una ? [una[1], una[2]] : [':', '+'];
  return new RegExp(
    `UNH${escapeRegExp(element ?? '+')}[^${escapeRegExp(component ?? ':')}${escapeRegExp(element ?? '+')}]*${escapeRegExp(element ?? '+')}${type}${escapeRegExp(component ?? ':')}`,
  ).test(text);
}

function escapeRegExp(character: string): string {
  return character.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

export function readEdifact(text: string): EdifactReading {
  const read = readEdifactSegments(text);
  if (!read.ok) return { messages: [], diagnostics: [{ message: `the edifact library cannot read this interchange: ${read.reason}` }] };
  const segments = read.segments;
  const diagnostics: AnswerDiagnostic[] = [];
  const messages: EdifactMessage[] = [];
  const unb = segments.find((segment) => segment.tag === 'UNB');
  if (unb === undefined) diagnostics.push({ message: 'the interchange has no UNB segment', where: 'UNB' });
  const interchange = unb?.elements[4]?.[0] ?? '';
  let open: { reference: string; type: string; segments: EdifactSegment[] } | undefined;
  for (const segment of segments) {
    const tag = segment.tag;
    if (tag === 'UNH') {
      if (open) diagnostics.push({ message: `message ${open.reference} has no UNT before the next UNH`, where: 'UNH' });
      open = { reference: segment.elements[0]?.[0] ?? '', type: segment.elements[1]?.[0] ?? '', segments: [] };
    } else if (tag === 'UNT') {
      if (!open) diagnostics.push({ message: 'a UNT without its UNH', where: 'UNT' });
      else {
        const count = Number(segment.elements[0]?.[0]);
        if (count !== open.segments.length + 2)
          diagnostics.push({
            message: `UNT says ${segment.elements[0]?.[0] ?? '?'} segments, the message has ${open.segments.length + 2}`,
            where: 'UNT',
          });
        messages.push({ interchange, ...open });
      }
      open = undefined;
    } else if (open) {
      open.segments.push({ tag, elements: segment.elements });
    }
  }
  if (open) diagnostics.push({ message: `message ${open.reference} has no UNT`, where: 'UNT' });
  return { messages, diagnostics };
}

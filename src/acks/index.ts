import type { AnswerReader, AnswerReading, AnswerSource } from './answer.js';
import { cxmlStatusUpdate } from './cxml-status.js';
import { edifactApplicationAdvice } from './edifact-aperak.js';
import { looksLikeEdifact, readEdifact } from './edifact-interchange.js';
import { looksLikeX12, readX12 } from '../edi-syntax/x12-reader.js';
import { edifactControl } from './edifact-contrl.js';
import { restStatus } from './rest-status.js';
import { x12ApplicationAdvice } from './x12-824.js';
import { x12FunctionalAck } from './x12-997.js';

export {
  answer,
  controlNumber,
  type Answer,
  type AnswerDiagnostic,
  type AnswerError,
  type AnswerKind,
  type AnswerOutcome,
  type AnswerReader,
  type AnswerReading,
  type AnswerSource,
  type MatchKeys,
} from './answer.js';

/** Every answer reader, by the source it reads. A new kind of answer is one file here and one line below. */
export const ANSWER_READERS: ReadonlyMap<AnswerSource, AnswerReader> = new Map<AnswerSource, AnswerReader>([
  ['x12-997', x12FunctionalAck],
  ['x12-824', x12ApplicationAdvice],
  ['edifact-contrl', edifactControl],
  ['edifact-aperak', edifactApplicationAdvice],
  ['portal:cxml', cxmlStatusUpdate],
  ['portal:rest', restStatus],
]);

/** The largest answer file read: an answer is small; anything bigger is not one. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * A file from an ack folder, read by every reader that recognizes it (an X12 interchange may
 * hold a 997 and an 824): its answers, and a diagnostic when no reader knows it. By content only.
 */
export function readAnswerFile(content: Uint8Array | string): AnswerReading & { readonly sources: readonly AnswerSource[] } {
  if (typeof content !== 'string' && content.byteLength > MAX_ANSWER_BYTES)
    return {
      answers: [],
      diagnostics: [{ message: `${content.byteLength} bytes: larger than an answer (${MAX_ANSWER_BYTES} at most)` }],
      sources: [],
    };
  // EDIFACT UNOC and X12 are Latin-1 at most; UTF-8 is tried first and kept when it decodes cleanly.
  const text = typeof content === 'string' ? content : decode(content);
  const readers = [...ANSWER_READERS.values()].filter((reader) => reader.recognizes(text));
  if (readers.length === 0 && looksLikeX12(text))
    return {
      answers: [],
      diagnostics: [...readX12(text).diagnostics, { message: 'an X12 interchange without a 997 or 824 transaction set' }],
      sources: [],
    };
  if (readers.length === 0 && looksLikeEdifact(text))
    return {
      answers: [],
      diagnostics: [...readEdifact(text).diagnostics, { message: 'an EDIFACT interchange without a CONTRL or APERAK message' }],
      sources: [],
    };
  if (readers.length === 0)
    return {
      answers: [],
      diagnostics: [{ message: 'not an answer firstpass reads (997, 824, CONTRL, APERAK, cXML StatusUpdateRequest, REST status JSON)' }],
      sources: [],
    };
  const readings = readers.map((reader) => reader.read(text));
  const diagnostics = readings.flatMap((reading) => reading.diagnostics);
  return {
    answers: readings.flatMap((reading) => reading.answers),
    // The same envelope problem seen by two readers of one interchange is said once.
    diagnostics: diagnostics.filter(
      (diagnostic, index) => diagnostics.findIndex((other) => other.message === diagnostic.message) === index,
    ),
    sources: readers.map((reader) => reader.source),
  };
}

function decode(content: Uint8Array): string {
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(content);
  return utf8.includes('\uFFFD') ? new TextDecoder('latin1').decode(content) : utf8;
}

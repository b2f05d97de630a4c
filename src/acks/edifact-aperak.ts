import {
  answer,
  controlNumber,
  type AnswerError,
  type AnswerOutcome,
  type AnswerReader,
  readEachMessage,
  type AnswerReading,
} from './answer.js';
import { component, holdsMessage, readEdifact, type EdifactSegment } from './edifact-interchange.js';

/**
 * EDIFACT APERAK (application error and acknowledgement): the buyer's decision. BGM 1225 says
 * it: 27 not accepted = rejected, 29 accepted without amendment = accepted, 44 accepted with
 * amendment = accepted with warnings. RFF+IV names the invoice, RFF+ACW the INVOIC's interchange
 * (0020); each ERC gives an application error code (list 9321), the FTX+AAO after it its text.
 */

const SOURCE = 'edifact-aperak';
const OUTCOMES = new Map<string, AnswerOutcome>([
  ['27', 'rejected'],
  ['29', 'accepted'],
  ['44', 'accepted-with-warnings'],
]);

export const edifactApplicationAdvice: AnswerReader = {
  source: SOURCE,
  recognizes: (text) => holdsMessage(text, 'APERAK'),
  read(text) {
    const reading = readEdifact(text);
    return readEachMessage(
      reading.diagnostics,
      reading.messages.filter((entry) => entry.type === 'APERAK'),
      (message) => `APERAK ${message.reference}`,
      (message) => readMessage(message.segments),
    );
  },
};

function readMessage(segments: readonly EdifactSegment[]): AnswerReading {
  const bgm = segments.find((segment) => segment.tag === 'BGM');
  if (bgm === undefined) return { answers: [], diagnostics: [{ message: 'no BGM segment', where: 'BGM' }] };
  const status = component(bgm, 3);
  const outcome = OUTCOMES.get(status);
  if (outcome === undefined) return { answers: [], diagnostics: [{ message: `BGM 1225 "${status}" is not 27, 29 or 44`, where: 'BGM' }] };
  const reference = (qualifier: string): string =>
    component(
      segments.find((segment) => segment.tag === 'RFF' && component(segment, 1, 1) === qualifier) ?? { tag: 'RFF', elements: [] },
      1,
      2,
    );
  const errors: AnswerError[] = [];
  for (const segment of segments) {
    if (segment.tag === 'ERC' && component(segment, 1) !== '') errors.push({ code: component(segment, 1) });
    if (segment.tag === 'FTX' && component(segment, 1) === 'AAO') {
      const text = (segment.elements[3] ?? []).filter((part) => part !== '').join(' ');
      const last = errors.at(-1);
      if (last !== undefined && last.text === undefined) errors[errors.length - 1] = { ...last, text };
      else errors.push({ code: '', text });
    }
  }
  const invoiceNumber = reference('IV');
  const interchange = controlNumber(reference('ACW'));
  if (invoiceNumber === '' && interchange === undefined)
    return {
      answers: [],
      diagnostics: [
        { message: 'no RFF+IV (invoice number) and no RFF+ACW (interchange reference): the answer names no invoice', where: 'RFF' },
      ],
    };
  const coded = errors.filter((error) => error.code !== '');
  return {
    answers: [
      answer({
        kind: 'business',
        status,
        outcome,
        source: SOURCE,
        errors: coded,
        code: coded[0]?.code,
        text: errors[0]?.text,
        keys: { invoiceNumber: invoiceNumber || undefined, interchange, reference: component(bgm, 2) || undefined },
      }),
    ],
    diagnostics: [],
  };
}

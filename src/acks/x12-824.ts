import {
  answer,
  controlNumber,
  type Answer,
  type AnswerDiagnostic,
  type AnswerError,
  type AnswerOutcome,
  type AnswerReader,
  readEachMessage,
} from './answer.js';
import { element, holdsTransaction, readX12, type X12Segment } from '../edi-syntax/x12-reader.js';

/**
 * X12 824 application advice: the buyer's decision on an invoice. Each OTI says it for one
 * document: OTI01 TA accepted, TE accepted with errors (warnings), TR rejected; OTI03 the
 * invoice number (OTI02 "IV"), OTI08/OTI09 the 810's GS06 and ST02. The TED segments after it
 * give the errors: TED01 from X12 list 647, TED02 the text.
 */

const SOURCE = 'x12-824';
const OUTCOMES = new Map<string, AnswerOutcome>([
  ['TA', 'accepted'],
  ['TE', 'accepted-with-warnings'],
  ['TR', 'rejected'],
]);

export const x12ApplicationAdvice: AnswerReader = {
  source: SOURCE,
  recognizes: (text) => holdsTransaction(text, '824'),
  read(text) {
    const reading = readX12(text);
    return readEachMessage(
      reading.diagnostics,
      reading.transactions.filter((entry) => entry.type === '824'),
      (transaction) => `824 ${transaction.control}`,
      (transaction) => readTransaction(transaction.segments),
    );
  },
};

function readTransaction(segments: readonly X12Segment[]): { answers: Answer[]; diagnostics: AnswerDiagnostic[] } {
  const answers: Answer[] = [];
  const diagnostics: AnswerDiagnostic[] = [];
  const reference = element(segments.find((segment) => segment.tag === 'BGN')?.elements, 2);
  let open: { oti: X12Segment; errors: AnswerError[] } | undefined;
  const close = (): void => {
    if (!open) return;
    const { oti, errors } = open;
    const status = element(oti.elements, 1);
    const outcome = OUTCOMES.get(status);
    const invoiceNumber = element(oti.elements, 2) === 'IV' || element(oti.elements, 2) === '' ? element(oti.elements, 3) : undefined;
    if (element(oti.elements, 10) !== '' && element(oti.elements, 10) !== '810')
      diagnostics.push({
        message: `OTI10 "${element(oti.elements, 10)}": the advice is about a ${element(oti.elements, 10)}, not an 810`,
        where: 'OTI',
      });
    else if (outcome === undefined) diagnostics.push({ message: `OTI01 "${status}" is not TA, TE or TR`, where: 'OTI' });
    else {
      const keys = {
        group: controlNumber(element(oti.elements, 8)),
        transaction: controlNumber(element(oti.elements, 9)),
        invoiceNumber,
        reference: reference || undefined,
      };
      if (keys.group === undefined && keys.transaction === undefined && !invoiceNumber)
        diagnostics.push({ message: 'an OTI that names neither the invoice number nor its control numbers', where: 'OTI' });
      else answers.push(answer({ kind: 'business', status, outcome, source: SOURCE, errors, keys }));
    }
    open = undefined;
  };
  for (const segment of segments) {
    if (segment.tag === 'OTI') {
      close();
      open = { oti: segment, errors: [] };
    } else if (segment.tag === 'TED' && open) {
      const code = element(segment.elements, 1);
      const text = element(segment.elements, 2);
      if (code !== '') open.errors.push({ code, ...(text ? { text } : {}) });
    }
  }
  close();
  if (answers.length === 0 && diagnostics.length === 0)
    diagnostics.push({ message: 'no OTI segment: the 824 answers no document', where: 'OTI' });
  return { answers, diagnostics };
}

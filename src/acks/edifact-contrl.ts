import { answer, controlNumber, type Answer, type AnswerDiagnostic, type AnswerReader, readEachMessage } from './answer.js';
import { component, holdsMessage, readEdifact, type EdifactSegment } from './edifact-interchange.js';

/**
 * EDIFACT CONTRL (syntax and service report): the buyer's translator on the INVOIC interchange.
 * UCI names the interchange (0020) with its action (0083): 7 acknowledged, 8 received = delivered;
 * 4 rejected = rejected (technical), error code 0085 in UCI 05. Each UCM reports one message
 * (0062) with its own action and error code; when there are UCMs they are the answers.
 */

const SOURCE = 'edifact-contrl';

export const edifactControl: AnswerReader = {
  source: SOURCE,
  recognizes: (text) => holdsMessage(text, 'CONTRL'),
  read(text) {
    const reading = readEdifact(text);
    return readEachMessage(
      reading.diagnostics,
      reading.messages.filter((entry) => entry.type === 'CONTRL'),
      (message) => `CONTRL ${message.reference}`,
      (message) => readMessage(message.segments),
    );
  },
};

function readMessage(segments: readonly EdifactSegment[]): { answers: Answer[]; diagnostics: AnswerDiagnostic[] } {
  const diagnostics: AnswerDiagnostic[] = [];
  const uci = segments.find((segment) => segment.tag === 'UCI');
  if (uci === undefined)
    return { answers: [], diagnostics: [{ message: 'no UCI segment: the CONTRL names no interchange', where: 'UCI' }] };
  const interchange = controlNumber(component(uci, 1));
  if (interchange === undefined)
    diagnostics.push({ message: `UCI 0020 "${component(uci, 1)}" is not an interchange reference firstpass writes`, where: 'UCI' });
  const ucms = segments.filter((segment) => segment.tag === 'UCM');
  const answers: Answer[] = [];
  const verdicts =
    ucms.length > 0
      ? ucms.map((ucm) => ({ segment: ucm, action: component(ucm, 3), code: component(ucm, 4), transaction: component(ucm, 1) }))
      : [{ segment: uci, action: component(uci, 4), code: component(uci, 5), transaction: undefined }];
  for (const { segment, action, code, transaction } of verdicts) {
    const outcome = action === '7' || action === '8' ? 'delivered' : action === '4' ? 'rejected' : undefined;
    if (outcome === undefined) {
      diagnostics.push({ message: `${segment.tag} action 0083 "${action}" is not 4, 7 or 8`, where: segment.tag });
      continue;
    }
    const transactionNumber = transaction === undefined ? undefined : controlNumber(transaction);
    if (transaction !== undefined && transactionNumber === undefined)
      diagnostics.push({ message: `UCM 0062 "${transaction}" is not a message reference firstpass writes`, where: 'UCM' });
    answers.push(
      answer({
        kind: 'technical',
        status: action,
        outcome,
        source: SOURCE,
        errors: code !== '' ? [{ code, where: segment.tag }] : [],
        keys: { interchange, transaction: transactionNumber },
      }),
    );
  }
  return { answers, diagnostics };
}

import { answer, type AnswerKind, type AnswerOutcome, type AnswerReader, type AnswerReading } from './answer.js';

/**
 * A REST portal's status of an invoice, as JSON: `{ id, status, code?, reason?, warnings?,
 * updatedAt }`. received and processing = delivered (technical); accepted, accepted-with-warnings
 * and rejected are the buyer's decision, with the portal's code and reason (warnings joined).
 */

const SOURCE = 'portal:rest';
const STATUSES = new Map<string, { kind: AnswerKind; outcome: AnswerOutcome }>([
  ['received', { kind: 'technical', outcome: 'delivered' }],
  ['processing', { kind: 'technical', outcome: 'delivered' }],
  ['accepted', { kind: 'business', outcome: 'accepted' }],
  ['accepted-with-warnings', { kind: 'business', outcome: 'accepted-with-warnings' }],
  ['rejected', { kind: 'business', outcome: 'rejected' }],
]);

function field(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export const restStatus: AnswerReader = {
  source: SOURCE,
  recognizes: (body) => /^\uFEFF?\s*\{/.test(body) && /"status"\s*:/.test(body),
  read(body): AnswerReading {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.replace(/^\uFEFF/, ''));
    } catch (error) {
      return { answers: [], diagnostics: [{ message: `not JSON: ${(error as Error).message}` }] };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { answers: [], diagnostics: [{ message: 'the status is not a JSON object' }] };
    const record = parsed as Record<string, unknown>;
    const id = field(record, 'id');
    const status = field(record, 'status');
    if (typeof id !== 'string' && typeof id !== 'number')
      return { answers: [], diagnostics: [{ message: 'no "id": the status names no invoice', where: '/id' }] };
    const meaning = typeof status === 'string' ? STATUSES.get(status) : undefined;
    if (meaning === undefined)
      return {
        answers: [],
        diagnostics: [
          {
            message: `"status" ${JSON.stringify(status)} is not received, processing, accepted, accepted-with-warnings or rejected`,
            where: '/status',
          },
        ],
      };
    const code = field(record, 'code');
    const reason = field(record, 'reason');
    const warnings = field(record, 'warnings');
    const warningTexts = Array.isArray(warnings) ? warnings.filter((item): item is string => typeof item === 'string' && item !== '') : [];
    const text = typeof reason === 'string' && reason !== '' ? reason : warningTexts.length > 0 ? warningTexts.join('; ') : undefined;
    const codeText = typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
    return {
      answers: [
        answer({
          ...meaning,
          status: status as string,
          source: SOURCE,
          errors: codeText !== undefined ? [{ code: codeText, ...(text !== undefined ? { text } : {}) }] : [],
          text,
          keys: { reference: String(id) },
        }),
      ],
      diagnostics: [],
    };
  },
};

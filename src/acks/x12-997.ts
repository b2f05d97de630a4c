import {
  answer,
  controlNumber,
  type Answer,
  type AnswerDiagnostic,
  type AnswerError,
  type AnswerReader,
  readEachMessage,
} from './answer.js';
import { element, holdsTransaction, readX12, type X12Segment } from '../edi-syntax/x12-reader.js';

/**
 * X12 997 functional acknowledgment: the buyer's translator says whether it could read the 810.
 * AK1 names the group (GS06), each AK2 loop one transaction set (ST02) with AK5's verdict:
 * A or E (accepted, with errors noted) = delivered; R, M, W, X = rejected (technical). AK5 02-06
 * carry codes of X12 list 718, AK4 03 of list 723, AK3 04 of list 720. Without AK2 loops, AK9
 * answers for the whole group.
 */

const SOURCE = 'x12-997';
const DELIVERED = new Set(['A', 'E']);
const REJECTED = new Set(['R', 'M', 'W', 'X']);

export const x12FunctionalAck: AnswerReader = {
  source: SOURCE,
  recognizes: (text) => holdsTransaction(text, '997'),
  read(text) {
    const reading = readX12(text);
    return readEachMessage(
      reading.diagnostics,
      reading.transactions.filter((entry) => entry.type === '997'),
      (transaction) => `997 ${transaction.control}`,
      (transaction) => readTransaction(transaction.segments),
    );
  },
};

function readTransaction(segments: readonly X12Segment[]): { answers: Answer[]; diagnostics: AnswerDiagnostic[] } {
  const diagnostics: AnswerDiagnostic[] = [];
  const ak1 = segments.find((segment) => segment.tag === 'AK1');
  if (ak1 === undefined) return { answers: [], diagnostics: [{ message: 'no AK1 segment: the 997 names no group', where: 'AK1' }] };
  const group = controlNumber(element(ak1.elements, 2));
  if (group === undefined)
    diagnostics.push({ message: `AK1 02 "${element(ak1.elements, 2)}" is not a group control number`, where: 'AK1' });
  if (element(ak1.elements, 1) !== 'IN')
    diagnostics.push({ message: `AK1 01 is "${element(ak1.elements, 1)}", not IN (invoices)`, where: 'AK1' });
  const answers: Answer[] = [];
  let loop: { transaction: number | undefined; st02: string; errors: AnswerError[] } | undefined;
  for (const segment of segments) {
    switch (segment.tag) {
      case 'AK2':
        loop = { transaction: controlNumber(element(segment.elements, 2)), st02: element(segment.elements, 2), errors: [] };
        if (loop.transaction === undefined)
          diagnostics.push({ message: `AK2 02 "${loop.st02}" is not a transaction control number`, where: 'AK2' });
        break;
      case 'AK3':
        if (loop && element(segment.elements, 4) !== '')
          loop.errors.push({
            code: element(segment.elements, 4),
            where: `segment ${element(segment.elements, 1)} at position ${element(segment.elements, 2)}`,
          });
        break;
      case 'AK4':
        if (loop && element(segment.elements, 3) !== '')
          loop.errors.push({
            code: element(segment.elements, 3),
            where: `element ${element(segment.elements, 1)}`,
            ...(element(segment.elements, 4) ? { text: `bad value "${element(segment.elements, 4)}"` } : {}),
          });
        break;
      case 'AK5': {
        if (!loop) {
          diagnostics.push({ message: 'an AK5 outside an AK2 loop', where: 'AK5' });
          break;
        }
        const status = element(segment.elements, 1);
        const codes = segment.elements.slice(1, 6).filter((code) => code !== '');
        const errors = [...codes.map((code) => ({ code, where: 'AK5' })), ...loop.errors];
        const outcome = verdict(status);
        if (outcome === undefined) diagnostics.push({ message: `AK5 01 "${status}" is not A, E, R, M, W or X`, where: 'AK5' });
        else
          answers.push(
            answer({ kind: 'technical', status, outcome, source: SOURCE, errors, keys: { group, transaction: loop.transaction } }),
          );
        loop = undefined;
        break;
      }
    }
  }
  if (loop) diagnostics.push({ message: `the AK2 loop of ${loop.st02} has no AK5`, where: 'AK5' });
  if (!segments.some((segment) => segment.tag === 'AK2')) {
    const ak9 = segments.find((segment) => segment.tag === 'AK9');
    const status = element(ak9?.elements, 1);
    const outcome = verdict(status);
    if (outcome === undefined)
      diagnostics.push({
        message: `no AK2 loop, and AK9 01 "${status}" says neither accepted nor rejected for the whole group`,
        where: 'AK9',
      });
    else {
      const codes = (ak9?.elements ?? []).slice(4, 9).filter((code) => code !== '');
      answers.push(
        answer({
          kind: 'technical',
          status,
          outcome,
          source: SOURCE,
          errors: codes.map((code) => ({ code, where: 'AK9' })),
          keys: { group },
        }),
      );
    }
  }
  return { answers, diagnostics };
}

function verdict(status: string): 'delivered' | 'rejected' | undefined {
  if (DELIVERED.has(status)) return 'delivered';
  if (REJECTED.has(status)) return 'rejected';
  return undefined;
}

import { X12Interchange } from 'node-x12';
import { stamp } from './control-numbers.js';
import type { DecisionCode } from './decision-codes.js';
import type { Envelope } from './document-reader.js';

/**
 * The buyer's X12 answers to an 810, written with node-x12's object model (it counts SE, GE and
 * IEA): a 997 functional acknowledgment on receipt and an 824 application advice with the
 * decision. Sender and receiver are the 810's swapped; control numbers are the sandbox's own.
 */

export interface X12AnswerContext {
  /** The 810's envelope. */
  readonly received: Envelope;
  /** The sandbox's control number for this answer (ISA13, GS06 and ST02 are made from it). */
  readonly control: number;
  readonly at: Date;
}

/** AK5/AK9 codes for a document the buyer could not read (X12 lists 718 and 716: 5 one or more segments in error). */
const SEGMENTS_IN_ERROR = '5';

type Group = ReturnType<X12Interchange['addFunctionalGroup']>;

/** The answer's interchange with its one group, and how to write it out once its transaction is added. */
function interchange(context: X12AnswerContext, functionalId: 'FA' | 'AG'): { group: Group; text(): string } {
  const { received, control, at } = context;
  const { yymmdd, ccyymmdd, hhmm } = stamp(at);
  const built = new X12Interchange({
    elementDelimiter: '*',
    segmentTerminator: '~',
    subElementDelimiter: '>',
    endOfLine: '\n',
    format: true,
  });
  built.setHeader([
    '00',
    ''.padEnd(10),
    '00',
    ''.padEnd(10),
    received.receiverQualifier,
    received.receiverId.padEnd(15),
    received.senderQualifier,
    received.senderId.padEnd(15),
    yymmdd,
    hhmm,
    'U',
    received.syntax || '00401',
    String(control).padStart(9, '0'),
    '0',
    received.test ? 'T' : 'P',
    '>',
  ]);
  const group = built.addFunctionalGroup();
  group.setHeader([
    functionalId,
    received.applicationReceiver,
    received.applicationSender,
    ccyymmdd,
    hhmm,
    String(control),
    'X',
    received.version || '004010',
  ]);
  return { group, text: () => `${built.toString({ format: true, endOfLine: '\n' })}\n` };
}

/** The 997: AK1/AK2 name the 810's GS06 and ST02; AK5 A (accepted) or R (rejected, with why), AK9 likewise. */
export function functionalAcknowledgment(context: X12AnswerContext, accepted: boolean): string {
  const { group, text } = interchange(context, 'FA');
  const transaction = group.addTransaction();
  transaction.setHeader(['997', String(context.control).padStart(4, '0')]);
  const { groupControl, messageControl } = context.received;
  transaction.addSegment('AK1', ['IN', groupControl ?? '']);
  if (messageControl !== undefined) transaction.addSegment('AK2', ['810', messageControl]);
  if (messageControl !== undefined) transaction.addSegment('AK5', accepted ? ['A'] : ['R', SEGMENTS_IN_ERROR]);
  transaction.addSegment('AK9', accepted ? ['A', '1', '1', '1'] : ['R', '1', '1', '0']);
  return text();
}

export interface Advice {
  readonly invoiceNumber: string;
  /** undefined: accepted (OTI01 TA); else rejected (TR) with this TED. */
  readonly rejection: DecisionCode | undefined;
}

/** The 824: BGN, then OTI naming the 810 (number, application parties, GS06, ST02) with TA or TR, and a TED for a rejection. */
export function applicationAdvice(context: X12AnswerContext, advice: Advice): string {
  const { group, text } = interchange(context, 'AG');
  const transaction = group.addTransaction();
  const reference = String(context.control).padStart(4, '0');
  transaction.setHeader(['824', reference]);
  const { ccyymmdd } = stamp(context.at);
  const { received } = context;
  transaction.addSegment('BGN', ['00', `SANDBOX-${reference}`, ccyymmdd]);
  transaction.addSegment('OTI', [
    advice.rejection === undefined ? 'TA' : 'TR',
    'IV',
    advice.invoiceNumber,
    received.applicationSender,
    received.applicationReceiver,
    ccyymmdd,
    '',
    received.groupControl ?? '',
    received.messageControl ?? '',
    '810',
  ]);
  if (advice.rejection !== undefined) transaction.addSegment('TED', [advice.rejection.code, advice.rejection.text]);
  return text();
}

import { stamp } from './control-numbers.js';
import type { DecisionCode } from './decision-codes.js';
import type { Envelope } from './document-reader.js';

/**
 * The buyer's EDIFACT answers to an INVOIC: a CONTRL (syntax and service report, D:3) on receipt
 * and an APERAK (D.96A) with the decision, each in its own interchange with the INVOIC's sender
 * and recipient swapped, the sandbox's own control numbers, and UNT/UNZ counts. Data is escaped
 * with the release character; the default separators are announced in UNA.
 */

export interface EdifactAnswerContext {
  readonly received: Envelope;
  /** The sandbox's control number for this answer (UNB 0020 and UNH 0062). */
  readonly control: number;
  readonly at: Date;
}

type Element = string | readonly string[];

function released(value: string): string {
  return value.replace(/[?+:']/g, (character) => `?${character}`);
}

function segment(tag: string, ...elements: Element[]): string {
  // Trailing empty components and elements are left out, as ISO 9735 asks.
  const written = elements.map((element) => {
    const components = typeof element === 'string' ? [element] : [...element];
    while (components.length > 0 && components[components.length - 1] === '') components.pop();
    return components.map(released).join(':');
  });
  while (written.length > 0 && written[written.length - 1] === '') written.pop();
  return `${[tag, ...written].join('+')}'`;
}

/** One interchange holding one message: UNA, UNB, UNH, the body, UNT with the segment count, UNZ. */
function interchange(context: EdifactAnswerContext, messageType: readonly string[], body: readonly string[]): string {
  const { received, control, at } = context;
  const { yymmdd, hhmm } = stamp(at);
  const reference = String(control);
  const syntax = received.syntax.split(':');
  const header = segment(
    'UNB',
    syntax.length === 2 ? syntax : ['UNOC', '3'],
    [received.receiverId, received.receiverQualifier],
    [received.senderId, received.senderQualifier],
    [yymmdd, hhmm],
    reference,
    '',
    '',
    '',
    '',
    '',
    received.test ? '1' : '',
  );
  const message = [segment('UNH', reference, messageType), ...body];
  message.push(segment('UNT', String(message.length + 1), reference));
  return `${["UNA:+.? '", header, ...message, segment('UNZ', '1', reference)].join('\n')}\n`;
}

/** CONTRL 0083 action codes: 7 acknowledged (accepted), 4 rejected. */
export function syntaxReport(context: EdifactAnswerContext, accepted: boolean, syntaxError?: string): string {
  const { received } = context;
  const action = accepted ? '7' : '4';
  const body = [
    segment(
      'UCI',
      received.interchangeControl,
      [received.senderId, received.senderQualifier],
      [received.receiverId, received.receiverQualifier],
      action,
      syntaxError ?? '',
    ),
  ];
  if (received.messageControl !== undefined)
    body.push(segment('UCM', received.messageControl, received.version.split(':'), action, syntaxError ?? ''));
  return interchange(context, ['CONTRL', 'D', '3', 'UN'], body);
}

/** APERAK 1225: 29 accepted without amendment, 27 not accepted (with ERC and FTX saying why). */
export function applicationErrorAndAcknowledgement(
  context: EdifactAnswerContext,
  invoiceNumber: string,
  rejection: DecisionCode | undefined,
): string {
  const { at, control, received } = context;
  const { ccyymmdd, hhmm } = stamp(at);
  const body = [
    segment('BGM', '305', `SANDBOX-${control}`, rejection === undefined ? '29' : '27'),
    segment('DTM', ['137', `${ccyymmdd}${hhmm}`, '203']),
    segment('RFF', ['IV', invoiceNumber]),
    segment('RFF', ['ACW', received.interchangeControl]),
  ];
  if (rejection !== undefined) body.push(segment('ERC', [rejection.code, '', '92']), segment('FTX', 'AAO', '', '', rejection.text));
  return interchange(context, ['APERAK', 'D', '96A', 'UN'], body);
}

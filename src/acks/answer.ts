/**
 * What a customer's answer says, as data: one document (a 997, an 824, a CONTRL, an APERAK, a
 * portal's status) read into answers and diagnostics. Readers are pure (text in, data out) and
 * never throw for bad content: what they cannot read is a diagnostic.
 */

/** Who answered, as the answers protocol names it (also the system matched with rules' `predicts`). */
export type AnswerSource = 'x12-997' | 'x12-824' | 'edifact-contrl' | 'edifact-aperak' | 'portal:cxml' | 'portal:rest' | 'by hand';

/** Technical: the document arrived and could be read (delivery). Business: the buyer's decision. */
export type AnswerKind = 'technical' | 'business';

/** Where the answer moves a submission: `delivered` is technical, the others are decisions (or a technical rejection). */
export type AnswerOutcome = 'delivered' | 'accepted' | 'accepted-with-warnings' | 'rejected';

/** What an answer names of the document it answers; each reader fills in what its standard carries. */
export interface MatchKeys {
  /** X12 ISA13 / EDIFACT UNB 0020 of the invoice's interchange. */
  readonly interchange?: number;
  /** X12 GS06 of the invoice's group. */
  readonly group?: number;
  /** X12 ST02 / EDIFACT UNH 0062 of the invoice's message. */
  readonly transaction?: number;
  readonly invoiceNumber?: string;
  /** A portal's reference: the REST id or the cXML payloadID. */
  readonly reference?: string;
}

/** One error the answer lists, with the standard's own code. */
export interface AnswerError {
  readonly code: string;
  readonly text?: string;
  /** Where it points in the invoice, as the answer says: "AK4 element 3 of segment 12", "UCM". */
  readonly where?: string;
}

export interface Answer {
  readonly kind: AnswerKind;
  /** As the document says it: "A", "R", "TA", "7", "27", "rejected" … */
  readonly status: string;
  readonly outcome: AnswerOutcome;
  /** The first (main) code the answer gives, if any. */
  readonly code?: string;
  readonly text?: string;
  /** Every error listed, in order (the main code is among them). */
  readonly errors: readonly AnswerError[];
  readonly source: AnswerSource;
  readonly keys: MatchKeys;
}

/** What could not be read, and where. */
export interface AnswerDiagnostic {
  readonly message: string;
  /** A segment ("AK5", "UCI"), a line, a JSON field. */
  readonly where?: string;
}

export interface AnswerReading {
  readonly answers: readonly Answer[];
  readonly diagnostics: readonly AnswerDiagnostic[];
}

/**
 * The answers of every message of one kind in an interchange (X12 transaction sets, EDIFACT
 * messages), each read by `read`: the interchange's own diagnostics first, then each message's,
 * named after the message (`824 0001: …`) so a person finds it in the file.
 */
export function readEachMessage<Message>(
  interchangeDiagnostics: readonly AnswerDiagnostic[],
  messages: readonly Message[],
  name: (message: Message) => string,
  read: (message: Message) => AnswerReading,
): AnswerReading {
  const answers: Answer[] = [];
  const diagnostics: AnswerDiagnostic[] = [...interchangeDiagnostics];
  for (const message of messages) {
    const found = read(message);
    answers.push(...found.answers);
    diagnostics.push(...found.diagnostics.map((diagnostic) => ({ ...diagnostic, message: `${name(message)}: ${diagnostic.message}` })));
  }
  return { answers, diagnostics };
}

/** One kind of answer document: one file under acks/, one line in the registry. */
export interface AnswerReader {
  readonly source: AnswerSource;
  /** Whether this text looks like this reader's document (cheap; content only, never a file name). */
  recognizes(text: string): boolean;
  read(text: string): AnswerReading;
}

/** An answer with only the fields given: optional ones left out rather than undefined. */
export function answer(fields: {
  kind: AnswerKind;
  status: string;
  outcome: AnswerOutcome;
  source: AnswerSource;
  /** Keys the reader could not read may be given as undefined: they are left out. */
  keys: { readonly [Key in keyof MatchKeys]?: MatchKeys[Key] | undefined };
  errors?: readonly AnswerError[];
  code?: string | undefined;
  text?: string | undefined;
}): Answer {
  const errors = fields.errors ?? [];
  const code = fields.code ?? errors[0]?.code;
  const text = fields.text ?? errors[0]?.text;
  return {
    kind: fields.kind,
    status: fields.status,
    outcome: fields.outcome,
    ...(code !== undefined && code !== '' ? { code } : {}),
    ...(text !== undefined && text !== '' ? { text } : {}),
    errors,
    source: fields.source,
    keys: withoutUndefined(fields.keys),
  };
}

/** A control number as the answer writes it ("000000031", "17"), or undefined when it is not one. */
export function controlNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!/^\d{1,14}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

function withoutUndefined(keys: { readonly [Key in keyof MatchKeys]?: MatchKeys[Key] | undefined }): MatchKeys {
  return Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined && value !== '')) as MatchKeys;
}

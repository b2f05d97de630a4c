/**
 * The one error hierarchy of firstpass. Findings about invoices are data, never errors;
 * these are faults: input that cannot be read, configuration that is wrong, a bug.
 * Every error carries a stable code and the component that raised it; the CLI maps them to
 * exit codes (InputError → 2).
 */

/** Where in a file something is: the basis of every "file:line:column" message. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
}

export type ErrorCode =
  | 'INPUT_UNREADABLE'
  | 'INPUT_MALFORMED'
  | 'INPUT_INVALID'
  | 'PROFILE_MISSING'
  | 'PROFILE_INVALID'
  | 'RULE_INVALID'
  | 'TEMPLATE_INVALID'
  | 'RENDER_REFUSED'
  | 'USAGE'
  /** A --db / FIRSTPASS_DB value firstpass cannot use (unknown scheme, malformed): bad usage. */
  | 'STORE_URL_INVALID'
  /** The database cannot be opened, reached or brought up to date. */
  | 'STORE_UNAVAILABLE'
  /** A read or write failed (busy past the timeout, connection lost, store closed). */
  | 'STORE_FAILED'
  /** A control number sequence reached its largest value: issuing more would repeat numbers. */
  | 'CONTROL_NUMBERS_EXHAUSTED'
  | 'INTERNAL';

export class FirstpassError extends Error {
  readonly code: ErrorCode;
  readonly component: string;

  constructor(code: ErrorCode, component: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.component = component;
  }
}

/** One problem in an input file, with its position, the field and what was expected. */
export interface InputProblem {
  readonly location: SourceLocation;
  /** JSON Pointer of the field, or a CSV column name. */
  readonly field?: string;
  /** What is wrong and what was expected, in words. */
  readonly message: string;
}

/** Bad input: unreadable or malformed files, documents that break their schema, bad profiles. */
export class InputError extends FirstpassError {
  readonly problems: readonly InputProblem[];

  constructor(code: ErrorCode, component: string, problems: readonly InputProblem[], options?: { cause?: unknown }) {
    super(code, component, problems.map(formatProblem).join('\n'), options);
    this.problems = problems;
  }
}

export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

export function formatProblem(problem: InputProblem): string {
  const field = problem.field ? ` ${problem.field}` : '';
  return `${formatLocation(problem.location)}:${field} ${problem.message}`;
}

/**
 * An invoice that cannot be written in the customer's format as it stands (a separator
 * character in X12 data, a value longer than the element allows): bad input, exit status 2.
 */
export class RenderError extends FirstpassError {
  constructor(
    readonly invoiceNumber: string,
    /** Where in the document: "BIG02", "IT1 (line 3) element 7", "/Invoice/cbc:ID". */
    readonly where: string,
    message: string,
  ) {
    super('RENDER_REFUSED', 'render', `invoice ${invoiceNumber}: ${where}: ${message}`);
  }
}

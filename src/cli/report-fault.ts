import { FirstpassError, InputError, type ErrorCode } from '../model/errors.js';
import { printableLines } from './printable.js';

/**
 * Every error code and its exit status: 2 for what the user can fix (bad usage, bad input,
 * data a format cannot carry), 3 for faults of the machine or the program (a database that is
 * down, a bug). The contract's 0 and 1 are the pipeline's results, never errors. Exhaustive, so
 * a new code must be classified here.
 */
const EXIT_STATUS: Readonly<Record<ErrorCode, 2 | 3>> = {
  INPUT_UNREADABLE: 2,
  INPUT_MALFORMED: 2,
  INPUT_INVALID: 2,
  PROFILE_MISSING: 2,
  PROFILE_INVALID: 2,
  RULE_INVALID: 2,
  TEMPLATE_INVALID: 2,
  RENDER_REFUSED: 2,
  USAGE: 2,
  STORE_URL_INVALID: 2,
  STORE_UNAVAILABLE: 3,
  STORE_FAILED: 3,
  CONTROL_NUMBERS_EXHAUSTED: 3,
  INTERNAL: 3,
};

/** The exit status of a thrown error, without printing it (for --log json, which logs it as a JSON line). */
export function exitStatusOf(error: unknown): number {
  return error instanceof FirstpassError ? EXIT_STATUS[error.code] : 3;
}

/** The one place that turns a thrown fault into words on stderr and an exit status. */
export function reportFault(error: unknown): number {
  if (error instanceof InputError) {
    process.stderr.write(
      `firstpass: ${error.problems.length === 1 ? 'bad input' : `${error.problems.length} problems in the input`}\n${printableLines(error.message)}\n`,
    );
    return EXIT_STATUS[error.code];
  }
  if (error instanceof FirstpassError) {
    process.stderr.write(`firstpass: ${printableLines(error.message)} [${error.code}, ${error.component}]\n`);
    return EXIT_STATUS[error.code];
  }
  process.stderr.write(
    `firstpass: internal error: ${printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
  );
  return 3;
}

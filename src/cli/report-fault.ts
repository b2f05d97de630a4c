import { FirstpassError, InputError } from '../model/errors.js';

/** Faults that are the user's to fix (a wrong --db, data a format cannot carry): exit status 2. */
const BAD_USAGE_OR_INPUT: ReadonlySet<string> = new Set(['USAGE', 'STORE_URL_INVALID', 'RENDER_REFUSED', 'TEMPLATE_INVALID']);

/** The one place that turns a thrown fault into words on stderr and an exit status. */
export function reportFault(error: unknown): number {
  if (error instanceof InputError) {
    process.stderr.write(`firstpass: ${error.problems.length === 1 ? 'bad input' : `${error.problems.length} problems in the input`}\n${error.message}\n`);
    return 2;
  }
  if (error instanceof FirstpassError) {
    process.stderr.write(`firstpass: ${error.message} [${error.code}, ${error.component}]\n`);
    return BAD_USAGE_OR_INPUT.has(error.code) ? 2 : 3;
  }
  process.stderr.write(`firstpass: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 3;
}

import { FirstpassError, InputError } from '../model/errors.js';

/** The one place that turns a thrown fault into words on stderr and an exit status. */
export function reportFault(error: unknown): number {
  if (error instanceof InputError) {
    process.stderr.write(`firstpass: ${error.problems.length === 1 ? 'bad input' : `${error.problems.length} problems in the input`}\n${error.message}\n`);
    return 2;
  }
  if (error instanceof FirstpassError) {
    process.stderr.write(`firstpass: ${error.message} [${error.code}, ${error.component}]\n`);
    return error.code === 'USAGE' ? 2 : 3;
  }
  process.stderr.write(`firstpass: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 3;
}

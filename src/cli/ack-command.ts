import { recordAckByHand, type RecordAckOptions } from '../pipeline/record-ack.js';
import { printable, printableJson } from './printable.js';

/** The pipeline's options, its clock left to it, and how to print. */
export type AckCommandOptions = Omit<RecordAckOptions, 'now'> & { readonly json: boolean };

/** `firstpass ack`: records a customer's decision given by hand; one line (or JSON) saying what changed. */
export async function runAck(options: AckCommandOptions): Promise<number> {
  const recorded = await recordAckByHand(options);
  if (options.json) {
    process.stdout.write(`${printableJson(JSON.stringify(recorded, null, 2))}\n`);
    return 0;
  }
  const move =
    recorded.before === recorded.after
      ? `stays ${recorded.after} (the answer is kept beside it)`
      : `${recorded.before} → ${recorded.after}`;
  const detail = [recorded.code, recorded.reason === null ? null : `"${recorded.reason}"`].filter((part) => part !== null).join(' ');
  process.stdout.write(
    `${printable(`${recorded.decision} ${recorded.invoiceNumber} (${recorded.customer}) by hand at ${recorded.at}${detail ? ` ${detail}` : ''}: attempt ${recorded.submission} ${move}`)}\n`,
  );
  return 0;
}

/**
 * A process that takes the run lock and holds it until it is killed: for the tests of what
 * happens when a holder dies. Prints one JSON line (`{ acquired, pid }`) once it has it.
 * Usage: node --import tsx test/store/run-lock-holder.ts <database url>
 */
import { takeRunLock } from '../../src/store/index.js';

const attempt = await takeRunLock(process.argv[2] ?? '', { heartbeatMs: 100 });
process.stdout.write(`${JSON.stringify({ acquired: attempt.acquired, pid: process.pid })}\n`);
if (attempt.acquired) setInterval(() => undefined, 60_000);

import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LogFields, RunEvent, RunLogger } from '../../src/pipeline/run-logger.js';
import { runInbox, type CollectAnswersContext, type RunReport } from '../../src/pipeline/run-inbox.js';
import { startPortalSandbox } from '../../src/sandbox/portal-server.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { profilesWithChannels, portalRestChannel } from '../support/sandbox-profiles.js';
import { tempFolder } from '../support/temp.js';

/**
 * The run pipeline in-process: it tells everything through the logger it is given and prints
 * nothing itself; the answers of the acknowledgment collector it is given count in its verdict.
 */

const LINDENAU = join(PROJECT_ROOT, 'examples', 'invoices', 'stadt-lindenau');

interface LogRecord {
  readonly level: string;
  readonly event: RunEvent;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

function collectingLogger(records: LogRecord[]): RunLogger {
  const at =
    (level: string) =>
    (event: RunEvent, message: string, fields?: LogFields): void => {
      records.push({ level, event, message, fields });
    };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

test('runInbox logs through its logger only, and overdue answers from the collector make the run need a person', async () => {
  const portal = await startPortalSandbox();
  try {
    const root = tempFolder();
    const profiles = profilesWithChannels(join(root, 'profiles'), {
      'stadt-lindenau': portalRestChannel(portal),
    });
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    cpSync(join(LINDENAU, 'CG-2026-10133.json'), join(inbox, 'a.json'));
    const records: LogRecord[] = [];
    const asked: CollectAnswersContext[] = [];
    const printed: string[] = [];
    const writes = { out: process.stdout.write, err: process.stderr.write };
    // Text is what code prints; the test runner itself talks to its parent in binary chunks, passed on.
    const capture =
      (original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
      (chunk: unknown, ...rest: unknown[]): boolean => {
        if (typeof chunk === 'string') {
          printed.push(chunk);
          return true;
        }
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      };
    let report: Awaited<ReturnType<typeof runInbox>>;
    process.stdout.write = capture(writes.out, process.stdout) as typeof process.stdout.write;
    process.stderr.write = capture(writes.err, process.stderr) as typeof process.stderr.write;
    try {
      report = await runInbox({
        inbox,
        profilesDirectory: profiles,
        today: '2026-11-20',
        database: `sqlite:${join(root, 'run.sqlite')}`,
        environment: { TEST_PORTAL_API_KEY: portal.apiKey },
        settleMs: 0,
        logger: collectingLogger(records),
        collectAnswers: async (context) => {
          asked.push(context);
          return { accepted: 3, rejected: 0, overdue: 2, unknown: 0 };
        },
      });
    } finally {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    }
    assert.deepEqual(printed, [], 'the pipeline printed nothing itself');
    assert.equal(report.status, 'done');
    const done = report as RunReport;
    assert.deepEqual(
      done.invoices.map((entry) => [entry.invoiceNumber, entry.outcome]),
      [['CG-2026-10133', 'sent']],
    );
    assert.equal(asked.length, 1, 'the collector was asked once, after the submissions');
    assert.equal(done.verdict, 'attention');
    assert.ok(done.attention.some((line) => line.includes('2 overdue')));
    const events = records.map((record) => record.event);
    for (const event of ['run.start', 'inbox.scanned', 'invoice', 'file.processed', 'answers', 'run.end'] as const)
      assert.ok(events.includes(event), `${event} in ${events.join(', ')}`);
    assert.equal(records.find((record) => record.event === 'inbox.scanned')?.fields?.invoices, 1);
    assert.ok(!JSON.stringify(records).includes(portal.apiKey), 'no log record holds the secret');
  } finally {
    await portal.stop();
  }
});

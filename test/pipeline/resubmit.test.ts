import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type RunningSandbox } from '../../src/pipeline/start-sandbox.js';
import { resubmitInvoices } from '../../src/pipeline/resubmit-invoices.js';
import { submissionStatus } from '../../src/pipeline/submission-status.js';
import { submitInvoices } from '../../src/pipeline/submit-invoices.js';
import { openStore } from '../../src/store/index.js';
import { PROJECT_ROOT, runFirstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

/**
 * `resubmit` over real sockets: examples submitted to the sandbox portal, a rejection recorded
 * through the store API as `acks` records one, then corrections sent (a new version, and a new
 * number that supersedes the rejected one) and invalid ones held with the reason.
 */

const EXAMPLES = join(PROJECT_ROOT, 'examples', 'invoices');
const POS = [join(PROJECT_ROOT, 'examples', 'purchase-orders')];
const TODAY = '2026-11-20';

function readExample(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EXAMPLES, path), 'utf8')) as Record<string, unknown>;
}

describe('resubmit against the sandbox', () => {
  let sandbox: RunningSandbox;
  let folder: string;
  let database: string;
  let base: { profilesDirectory: string; poPaths: string[]; today: string; environment: Record<string, string>; timeoutMs: number };

  before(async () => {
    folder = tempFolder();
    sandbox = await startSandbox({ directory: join(folder, 'sandbox'), profilesDirectory: join(PROJECT_ROOT, 'customer-profiles') });
    database = `sqlite:${join(folder, 'firstpass.db')}`;
    base = {
      profilesDirectory: sandbox.profilesDirectory,
      poPaths: POS,
      today: TODAY,
      environment: { ...sandbox.environment },
      timeoutMs: 10_000,
    };
  });

  after(async () => {
    await sandbox?.stop();
  });

  test('submitted examples, two of them rejected by the customer', async () => {
    const report = await submitInvoices({
      ...base,
      database,
      paths: [
        join(EXAMPLES, 'larkspur-health', 'CP-2611-0418.json'),
        join(EXAMPLES, 'meridian-aerospace', 'CP-2611-0412.json'),
        join(EXAMPLES, 'larkspur-health', 'CP-2610-0402.json'),
      ],
    });
    assert.deepEqual(
      report.results.map((result) => [result.invoiceNumber, result.outcome]),
      [
        ['CP-2611-0418', 'sent'],
        ['CP-2611-0412', 'sent'],
        ['CP-2610-0402', 'sent'],
      ],
    );
    const store = await openStore(database);
    try {
      for (const [invoiceNumber, customer, code, source] of [
        ['CP-2611-0418', 'larkspur-health', '417', 'portal:rest'],
        ['CP-2611-0412', 'meridian-aerospace', 'INVALID_ORDER_REFERENCE', 'portal:cxml'],
      ] as const) {
        const [version] = await store.submissions.history(invoiceNumber, customer);
        const attempt = version?.submissions.at(-1)?.submission;
        assert.ok(attempt);
        await store.submissions.recordAcknowledgment(
          attempt.id,
          { kind: 'business', status: 'rejected', code, text: 'PO reference not accepted', source, receivedAt: new Date() },
          'rejected',
        );
      }
    } finally {
      await store.close();
    }
  });

  test('a corrected file and a superseding number are sent; the unchanged and the never-rejected are held with the reason', async () => {
    const corrected = {
      ...readExample('larkspur-health/CP-2611-0418.json'),
      note: 'Corrected: PO line reference confirmed with Larkspur AP',
    };
    const superseding = {
      ...readExample('meridian-aerospace/CP-2611-0412.json'),
      invoiceNumber: 'CP-2611-0412R',
      supersedes: 'CP-2611-0412',
    };
    const unknownTarget = {
      ...readExample('meridian-aerospace/CP-2611-0425.json'),
      invoiceNumber: 'CP-2611-0425R',
      supersedes: 'CP-2611-9999',
    };
    const files = {
      corrected: join(folder, 'CP-2611-0418.json'),
      superseding: join(folder, 'CP-2611-0412R.json'),
      unknownTarget: join(folder, 'CP-2611-0425R.json'),
    };
    writeFileSync(files.corrected, JSON.stringify(corrected, null, 2));
    writeFileSync(files.superseding, JSON.stringify(superseding, null, 2));
    writeFileSync(files.unknownTarget, JSON.stringify(unknownTarget, null, 2));
    const requestsBefore = sandbox.portalRequests();
    const report = await resubmitInvoices({
      ...base,
      database,
      paths: [
        files.corrected,
        files.superseding,
        join(EXAMPLES, 'larkspur-health', 'CP-2611-0418.json'),
        join(EXAMPLES, 'larkspur-health', 'CP-2610-0402.json'),
        files.unknownTarget,
      ],
    });
    assert.deepEqual(
      report.results.map((result) => [result.invoiceNumber, result.outcome, result.corrects?.invoiceNumber, result.corrects?.kind]),
      [
        ['CP-2611-0418', 'sent', 'CP-2611-0418', 'new-version'],
        ['CP-2611-0412R', 'sent', 'CP-2611-0412', 'new-number'],
        ['CP-2611-0418', 'held', undefined, undefined],
        ['CP-2610-0402', 'held', undefined, undefined],
        ['CP-2611-0425R', 'held', undefined, undefined],
      ],
    );
    assert.match(report.results[2]?.reason ?? '', /same content as version \d+ of CP-2611-0418, which was rejected/);
    assert.match(report.results[3]?.reason ?? '', /invoice CP-2610-0402 is still sent \(version \d+\), not rejected/);
    assert.match(report.results[4]?.reason ?? '', /supersedes CP-2611-9999, which is no invoice of customer meridian-aerospace/);
    assert.equal(sandbox.portalRequests() - requestsBefore, 2, 'only the two corrections reached the portal');

    // The history keeps every version and outcome; the superseding version names the one it corrects.
    const history = await submissionStatus({ database, invoiceNumber: 'CP-2611-0418' });
    assert.deepEqual(
      history.map((version) => version.state),
      ['rejected', 'sent'],
    );
    const [replacement] = await submissionStatus({ database, invoiceNumber: 'CP-2611-0412R' });
    assert.equal(replacement?.supersedes, 'CP-2611-0412');
    assert.equal(replacement?.state, 'sent');
    // Refused invoices left nothing in the store.
    assert.deepEqual(await submissionStatus({ database, invoiceNumber: 'CP-2611-0425R' }), []);
    assert.equal((await submissionStatus({ database, invoiceNumber: 'CP-2610-0402' })).length, 1);

    // A second correction of the same rejected invoice under yet another number would bill twice.
    const second = join(folder, 'CP-2611-0412S.json');
    writeFileSync(second, JSON.stringify({ ...superseding, invoiceNumber: 'CP-2611-0412S' }, null, 2));
    const twice = await resubmitInvoices({ ...base, database, paths: [second] });
    assert.equal(twice.results[0]?.outcome, 'held');
    assert.match(
      twice.results[0]?.reason ?? '',
      /already corrected by invoice CP-2611-0412R \(sent\): a second correction would bill twice/,
    );
  });

  test('the command: a run with a refused invoice exits 1 and says why; run again, a sent correction is unchanged', async () => {
    const held = await runFirstpass(
      [
        'resubmit',
        join(EXAMPLES, 'larkspur-health', 'CP-2610-0402.json'),
        '--profiles',
        base.profilesDirectory,
        '--pos',
        ...POS,
        '--today',
        TODAY,
        '--db',
        database,
        '--json',
      ],
      base.environment,
    );
    assert.equal(held.status, 1, held.stderr);
    const output = JSON.parse(held.stdout) as { invoices: { outcome: string; reason: string }[] };
    assert.equal(output.invoices[0]?.outcome, 'held');
    assert.match(output.invoices[0]?.reason ?? '', /not rejected: wait for the customer's answer/);
    const again = await runFirstpass(
      [
        'resubmit',
        join(folder, 'CP-2611-0418.json'),
        '--profiles',
        base.profilesDirectory,
        '--pos',
        ...POS,
        '--today',
        TODAY,
        '--db',
        database,
      ],
      base.environment,
    );
    assert.equal(again.status, 0, again.stderr);
    assert.match(
      again.stdout,
      /unchanged CP-2611-0418 \(larkspur-health\): this version is sent already.*\[corrects rejected CP-2611-0418 version \d+: new version\]/,
    );
  });
});

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
  test('two corrections of one rejected invoice in one run: the first is sent, the second held (it would bill twice)', async () => {
    const store = await openStore(database);
    try {
      const [version] = await store.submissions.history('CP-2610-0402', 'larkspur-health');
      const attempt = version?.submissions.at(-1)?.submission;
      assert.ok(attempt);
      await store.submissions.recordAcknowledgment(
        attempt.id,
        {
          kind: 'business',
          status: 'rejected',
          code: '417',
          text: 'PO reference not accepted',
          source: 'portal:rest',
          receivedAt: new Date(),
        },
        'rejected',
      );
    } finally {
      await store.close();
    }
    const original = readExample('larkspur-health/CP-2610-0402.json');
    const first = join(folder, 'CP-2610-0402R.json');
    const second = join(folder, 'CP-2610-0402S.json');
    writeFileSync(first, JSON.stringify({ ...original, invoiceNumber: 'CP-2610-0402R', supersedes: 'CP-2610-0402' }, null, 2));
    writeFileSync(second, JSON.stringify({ ...original, invoiceNumber: 'CP-2610-0402S', supersedes: 'CP-2610-0402' }, null, 2));
    const requestsBefore = sandbox.portalRequests();
    const report = await resubmitInvoices({ ...base, database, paths: [first, second] });
    assert.deepEqual(
      report.results.map((result) => [result.invoiceNumber, result.outcome]),
      [
        ['CP-2610-0402R', 'sent'],
        ['CP-2610-0402S', 'held'],
      ],
    );
    assert.match(
      report.results[1]?.reason ?? '',
      /already corrected by invoice CP-2610-0402R in this run: a second correction would bill twice/,
    );
    assert.equal(sandbox.portalRequests() - requestsBefore, 1, 'one correction reached the portal');
  });
  test('a chain: X rejected, XR (supersedes X) rejected, XS (supersedes XR) sent; another correction of X would bill twice', async () => {
    const reject = async (invoiceNumber: string) => {
      const store = await openStore(database);
      try {
        const [version] = (await store.submissions.history(invoiceNumber, 'meridian-aerospace')).slice(-1);
        const attempt = version?.submissions.at(-1)?.submission;
        assert.ok(attempt, invoiceNumber);
        await store.submissions.recordAcknowledgment(
          attempt.id,
          {
            kind: 'business',
            status: 'rejected',
            code: 'INVALID_ORDER_REFERENCE',
            text: 'no',
            source: 'portal:cxml',
            receivedAt: new Date(),
          },
          'rejected',
        );
      } finally {
        await store.close();
      }
    };
    const original = readExample('meridian-aerospace/CP-2611-0447.json');
    const write = (invoiceNumber: string, changes: Record<string, unknown>) => {
      const file = join(folder, `${invoiceNumber}.json`);
      writeFileSync(file, JSON.stringify({ ...original, invoiceNumber, ...changes }, null, 2));
      return file;
    };
    const sent = await submitInvoices({ ...base, database, paths: [join(EXAMPLES, 'meridian-aerospace', 'CP-2611-0447.json')] });
    assert.equal(sent.results[0]?.outcome, 'sent');
    await reject('CP-2611-0447');
    const first = await resubmitInvoices({ ...base, database, paths: [write('CP-2611-0447R', { supersedes: 'CP-2611-0447' })] });
    assert.equal(first.results[0]?.outcome, 'sent');
    await reject('CP-2611-0447R');
    const second = await resubmitInvoices({ ...base, database, paths: [write('CP-2611-0447S', { supersedes: 'CP-2611-0447R' })] });
    assert.equal(second.results[0]?.outcome, 'sent');
    const requestsBefore = sandbox.portalRequests();
    const again = await resubmitInvoices({
      ...base,
      database,
      paths: [
        write('CP-2611-0447T', { supersedes: 'CP-2611-0447' }),
        write('CP-2611-0447', { note: 'corrected once more', supersedes: undefined }),
      ],
    });
    assert.deepEqual(
      again.results.map((result) => [result.invoiceNumber, result.outcome]),
      [
        ['CP-2611-0447T', 'held'],
        ['CP-2611-0447', 'held'],
      ],
    );
    assert.match(again.results[0]?.reason ?? '', /already corrected by invoice CP-2611-0447S \(sent\)/);
    // Meridian is an Ariba customer: its rejected number stays taken, which holds the same-number correction first.
    assert.match(again.results[1]?.reason ?? '', /treats as used for good|already corrected by invoice CP-2611-0447S \(sent\)/);
    assert.equal(sandbox.portalRequests(), requestsBefore, 'nothing more reached the portal');
  });
  test('plain submit of an invoice that supersedes one still pending is held too: it would bill twice', async () => {
    const file = join(folder, 'CP-2611-0447U.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...readExample('meridian-aerospace/CP-2611-0447.json'),
        invoiceNumber: 'CP-2611-0447U',
        supersedes: 'CP-2611-0447S',
      }),
    );
    const requestsBefore = sandbox.portalRequests();
    const submitted = await runFirstpass(
      ['submit', file, '--profiles', base.profilesDirectory, '--pos', ...POS, '--today', TODAY, '--db', database, '--json'],
      base.environment,
    );
    assert.equal(submitted.status, 1, submitted.stderr);
    const output = JSON.parse(submitted.stdout) as { invoices: { outcome: string; reason: string }[] };
    assert.equal(output.invoices[0]?.outcome, 'held');
    assert.match(output.invoices[0]?.reason ?? '', /supersedes CP-2611-0447S is still sent/);
    assert.equal(sandbox.portalRequests(), requestsBefore);
  });
});

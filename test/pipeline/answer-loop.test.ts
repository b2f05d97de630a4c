import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectAcks, type CollectAcksReport } from '../../src/pipeline/collect-acks.js';
import { recordAckByHand } from '../../src/pipeline/record-ack.js';
import { collectAnswersForRun } from '../../src/pipeline/run-answers.js';
import { runInbox, type RunReport } from '../../src/pipeline/run-inbox.js';
import { resubmitInvoices } from '../../src/pipeline/resubmit-invoices.js';
import { startSandbox, type RunningSandbox } from '../../src/pipeline/start-sandbox.js';
import { submissionStatus } from '../../src/pipeline/submission-status.js';
import { submitInvoices, type SubmitOptions } from '../../src/pipeline/submit-invoices.js';
import { suggestRules } from '../../src/pipeline/suggest-rules.js';
import { builtInRules } from '../../src/rules/index.js';
import { type BuyerCheck, type CodeSystem, decisionCode } from '../../src/sandbox/buyer/decision-codes.js';
import { PROJECT_ROOT, runFirstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

/**
 * The whole answer loop over real sockets: invoices submitted by the pipeline to the sandbox
 * (its rewritten example profiles) on every channel kind; the sandbox buyer judges them (wrong
 * PO, duplicate number) and answers as the answers protocol says (997/824 and CONTRL/APERAK files
 * in each SFTP customer's ackDir, portal status endpoints); collectAcks reads every answer; a
 * person records the e-mail customer's; `profiles suggest` learns the rule that would have caught
 * a rejection; a corrected invoice is resubmitted and accepted.
 */

const TODAY = '2026-11-20';
const EXAMPLES = join(PROJECT_ROOT, 'examples', 'invoices');
const EXAMPLE_POS = join(PROJECT_ROOT, 'examples', 'purchase-orders');
/** The Stadt Lindenau order the buyer issued (the example profile does not check po-exists). */
const LINDENAU_PO = 'LI-2026-0042';
/** Orders firstpass knows but the buyer does not (cancelled on its side): it answers "wrong PO". */
const UNKNOWN_TO_BUYER = new Set(['30418876', '4700094120', '214077', '4500019102']);

function example(path: string): Record<string, unknown> {
  const { $schema: _schema, ...invoice } = JSON.parse(readFileSync(join(EXAMPLES, path), 'utf8')) as Record<string, unknown>;
  return invoice;
}

function write(folder: string, name: string, invoice: Record<string, unknown>): string {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name);
  writeFileSync(file, `${JSON.stringify(invoice, null, 2)}\n`);
  return file;
}

/** The buyer's purchase orders: the examples' less those it does not know, and Stadt Lindenau's one. */
function buyerOrders(): { customerId: string; poNumber: string }[] {
  const orders = readdirSync(EXAMPLE_POS).flatMap((customerId) =>
    readdirSync(join(EXAMPLE_POS, customerId)).map((file) => ({ customerId, poNumber: file.replace(/\.json$/, '') })),
  );
  return [...orders.filter((order) => !UNKNOWN_TO_BUYER.has(order.poNumber)), { customerId: 'stadt-lindenau', poNumber: LINDENAU_PO }];
}

/** The sandbox over the example profiles, its buyer knowing buyerOrders(). */
function startBuyer(root: string): Promise<RunningSandbox> {
  return startSandbox({
    directory: join(root, 'sandbox'),
    profilesDirectory: join(PROJECT_ROOT, 'customer-profiles'),
    purchaseOrders: buyerOrders(),
  });
}

/** The invoice with another seller phone: other content under the same number. */
function withPhone(invoice: Record<string, unknown>, phone: string): Record<string, unknown> {
  const seller = invoice.seller as { contact?: Record<string, unknown> };
  return { ...invoice, seller: { ...seller, contact: { ...seller.contact, phone } } };
}

test("every code the sandbox buyer rejects with is predicted by a built-in rule, in the answer's system (what suggest matches)", () => {
  const predicted = new Set(builtInRules().flatMap((rule) => (rule.predicts ?? []).map((entry) => `${entry.system} ${entry.code}`)));
  const systems: CodeSystem[] = ['x12-824', 'edifact-aperak', 'ariba', 'coupa', 'peppol'];
  const checks: BuyerCheck[] = ['wrong-po', 'duplicate', 'totals'];
  const missing = systems.flatMap((system) =>
    checks.map((check) => `${system} ${decisionCode(system, check).code}`).filter((code) => !predicted.has(code)),
  );
  assert.deepEqual(missing, []);
});

describe('the answer loop against the sandbox buyer, on every channel kind', () => {
  let sandbox: RunningSandbox;
  let root: string;
  let database: string;
  let base: Omit<SubmitOptions, 'paths'>;
  let crafted: string;
  /** Our purchase orders: the examples and Stadt Lindenau's. */
  let ourPos: string[];
  const state = async (invoiceNumber: string) => (await submissionStatus({ database, invoiceNumber })).at(-1)?.state;
  const answersOf = async (invoiceNumber: string) =>
    (await submissionStatus({ database, invoiceNumber }))
      .at(-1)
      ?.attempts.at(-1)
      ?.acknowledgments.map((ack) => [ack.kind, ack.source, ack.status, ack.code]);
  const collect = (): Promise<CollectAcksReport> =>
    collectAcks({ profilesDirectory: sandbox.profilesDirectory, database, environment: sandbox.environment, timeoutMs: 5_000 });

  const suggest = (customerId: string) =>
    suggestRules({ customerId, profilesDirectory: sandbox.profilesDirectory, poPaths: ourPos, database });

  before(async () => {
    root = tempFolder();
    sandbox = await startBuyer(root);
    database = `sqlite:${join(root, 'loop.sqlite')}`;
    const lindenauPos = join(root, 'our-pos', 'stadt-lindenau');
    write(lindenauPos, `${LINDENAU_PO}.json`, {
      poNumber: LINDENAU_PO,
      customerId: 'stadt-lindenau',
      status: 'open',
      issueDate: '2026-10-01',
      currency: 'EUR',
      total: '100000.00',
      lines: [],
    });
    ourPos = [EXAMPLE_POS, lindenauPos];
    base = {
      profilesDirectory: sandbox.profilesDirectory,
      poPaths: ourPos,
      today: TODAY,
      database,
      environment: sandbox.environment,
      timeoutMs: 5_000,
    };
    crafted = join(root, 'crafted');
    const lindenauKnown = write(crafted, 'CG-2026-10121.json', { ...example('stadt-lindenau/CG-2026-10121.json'), poNumber: LINDENAU_PO });
    const lindenauUnknown = write(crafted, 'CG-2026-10133.json', {
      ...example('stadt-lindenau/CG-2026-10133.json'),
      poNumber: 'LI-2026-0999',
    });
    const submitted = await submitInvoices({
      ...base,
      paths: [
        join(EXAMPLES, 'brightwater-home', 'CP-2611-0409.json'),
        join(EXAMPLES, 'brightwater-home', 'CP-2610-0391.json'),
        join(EXAMPLES, 'kessler-automotive', 'CG-2026-10117.json'),
        join(EXAMPLES, 'kessler-automotive', 'CG-2026-10129.json'),
        join(EXAMPLES, 'meridian-aerospace', 'CP-2611-0412.json'),
        join(EXAMPLES, 'meridian-aerospace', 'CP-2611-0425.json'),
        join(EXAMPLES, 'larkspur-health', 'CP-2611-0418.json'),
        join(EXAMPLES, 'larkspur-health', 'CP-2610-0402.json'),
        lindenauKnown,
        lindenauUnknown,
        join(EXAMPLES, 'pinecrest-brewing', 'CP-2611-0414.json'),
      ],
    });
    assert.deepEqual(
      submitted.results.filter((result) => result.outcome !== 'sent').map((result) => [result.invoiceNumber, result.reason]),
      [],
      'every invoice passes our rules and is sent',
    );
  });

  after(async () => {
    await sandbox?.stop();
  });

  test('collectAcks: every SFTP and portal submission ends accepted or rejected with the protocol codes; e-mail stays sent', async () => {
    const report = await collect();
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.unmatchedFiles, [], 'every answer of the buyer matches a submission');
    // Each invoice's state, then its answers: kind, source, status, code.
    const expected: Record<string, string> = {
      'CP-2611-0409': 'accepted: technical x12-997 A -, business x12-824 TA -',
      'CP-2610-0391': 'rejected: technical x12-997 A -, business x12-824 TR 011',
      'CG-2026-10117': 'accepted: technical edifact-contrl 7 -, business edifact-aperak 29 -',
      'CG-2026-10129': 'rejected: technical edifact-contrl 7 -, business edifact-aperak 27 PO',
      'CP-2611-0412': 'accepted: business portal:cxml reconciled -',
      'CP-2611-0425': 'rejected: business portal:cxml rejected INVALID_ORDER_REFERENCE',
      'CP-2611-0418': 'accepted: business portal:rest accepted -',
      'CP-2610-0402': 'rejected: business portal:rest rejected 417',
      'CG-2026-10121': 'accepted: business portal:rest accepted -',
      'CG-2026-10133': 'rejected: business portal:rest rejected REF',
      'CP-2611-0414': 'sent: ',
    };
    const found: Record<string, string> = {};
    for (const invoiceNumber of Object.keys(expected))
      found[invoiceNumber] = `${await state(invoiceNumber)}: ${((await answersOf(invoiceNumber)) ?? [])
        .map((answer) => answer.map((part) => part ?? '-').join(' '))
        .join(', ')}`;
    assert.deepEqual(found, expected);
    const again = await collect();
    assert.deepEqual(again.answers, [], 'a second collection reads nothing new');
  });

  test('a number sent again with other content: our rules hold it; with the rule switched off the buyer answers duplicate (x12-824 006, APERAK DUP, ariba INVOICE_DUPLICATE)', async () => {
    const folder = join(crafted, 'again');
    const paths = [
      write(folder, 'CP-2611-0409.json', withPhone(example('brightwater-home/CP-2611-0409.json'), '+1 937 555 0199')),
      write(folder, 'CG-2026-10117.json', withPhone(example('kessler-automotive/CG-2026-10117.json'), '+49 711 555 0199')),
      write(folder, 'CP-2611-0412.json', withPhone(example('meridian-aerospace/CP-2611-0412.json'), '+1 937 555 0198')),
    ];
    const held = await submitInvoices({ ...base, paths });
    assert.deepEqual(
      held.results.map((result) => [result.outcome, result.reason?.split(':')[0]]),
      [
        ['held', 'duplicate-invoice-number'],
        ['held', 'duplicate-invoice-number'],
        ['held', 'duplicate-invoice-number'],
      ],
    );
    // A specialist switched the rule off for these customers: the buyer is the one to notice.
    const restore = ['brightwater-home', 'kessler-automotive', 'meridian-aerospace'].map((customer) =>
      switchRule(sandbox.profilesDirectory, customer, 'duplicate-invoice-number', false),
    );
    try {
      const sent = await submitInvoices({ ...base, paths });
      assert.deepEqual(
        sent.results.map((result) => result.outcome),
        ['sent', 'sent', 'sent'],
      );
    } finally {
      for (const undo of restore) undo();
    }
    const report = await collect();
    assert.deepEqual(report.unmatchedFiles, []);
    assert.equal(await state('CP-2611-0409'), 'rejected');
    assert.deepEqual((await answersOf('CP-2611-0409'))?.at(-1), ['business', 'x12-824', 'TR', '006']);
    assert.equal(await state('CG-2026-10117'), 'rejected');
    assert.deepEqual((await answersOf('CG-2026-10117'))?.at(-1), ['business', 'edifact-aperak', '27', 'DUP']);
    assert.equal(await state('CP-2611-0412'), 'rejected');
    assert.deepEqual((await answersOf('CP-2611-0412'))?.at(-1), ['business', 'portal:cxml', 'rejected', 'INVOICE_DUPLICATE']);
    // The first versions keep their acceptance.
    const [first] = await submissionStatus({ database, invoiceNumber: 'CP-2611-0409' });
    assert.equal(first?.state, 'accepted');
  });

  test('the e-mail customer answers by hand: firstpass ack moves its invoice', async () => {
    const recorded = await recordAckByHand({ database, invoiceNumber: 'CP-2611-0414', decision: 'accepted' });
    assert.deepEqual([recorded.before, recorded.after], ['sent', 'accepted']);
    assert.equal(await state('CP-2611-0414'), 'accepted');
  });

  test('profiles suggest learns from the buyer: po-exists for the peppol REF rejection, proven with our POs', async () => {
    const report = await suggest('stadt-lindenau');
    const lesson = report.rejections.find((entry) => entry.invoiceNumber === 'CG-2026-10133');
    assert.ok(lesson);
    assert.deepEqual([lesson.source, lesson.code, lesson.system], ['portal:rest', 'REF', 'peppol']);
    const poExists = lesson.suggestions.find((suggestion) => suggestion.rule === 'po-exists');
    assert.ok(poExists, `po-exists is suggested (got ${lesson.suggestions.map((entry) => entry.rule).join(', ')})`);
    assert.equal(poExists.change, 'switch on');
    assert.equal(poExists.proven, true, poExists.proof);
    assert.match(poExists.diff, /"po-exists": true/);
  });

  test('profiles suggest on EDI codes: the 824 011 and the APERAK PO are predicted by po-exists, which is on (our POs differ from the buyer)', async () => {
    for (const [customerId, invoiceNumber, system, code] of [
      ['brightwater-home', 'CP-2610-0391', 'x12-824', '011'],
      ['kessler-automotive', 'CG-2026-10129', 'edifact-aperak', 'PO'],
    ] as const) {
      const report = await suggest(customerId);
      const lesson = report.rejections.find((entry) => entry.invoiceNumber === invoiceNumber);
      assert.ok(lesson, `${invoiceNumber}'s rejection is read`);
      assert.deepEqual([lesson.code, lesson.system, lesson.systemFrom], [code, system, 'edi answer']);
      const poExists = lesson.predictedBy.find((rule) => rule.rule === 'po-exists');
      assert.deepEqual([poExists?.state, poExists?.holdsNow], ['error', false]);
      assert.match(lesson.notes.join(' '), /po-exists is on and predicts this code, but does not hold this invoice/);
    }
    const kessler = await suggest('kessler-automotive');
    const duplicate = kessler.rejections.find((entry) => entry.code === 'DUP');
    assert.deepEqual(
      duplicate?.predictedBy.map((rule) => [rule.rule, rule.state, rule.holdsNow]),
      [['duplicate-invoice-number', 'error', true]],
      'duplicate-invoice-number predicts DUP and, told the number was sent before, holds it',
    );
  });

  test('resubmit: the corrected invoice (a PO the buyer knows) is accepted at the next collection', async () => {
    const corrected = write(join(crafted, 'corrected'), 'CG-2026-10133.json', {
      ...example('stadt-lindenau/CG-2026-10133.json'),
      poNumber: LINDENAU_PO,
    });
    const report = await resubmitInvoices({ ...base, paths: [corrected] });
    assert.deepEqual(
      report.results.map((result) => [result.invoiceNumber, result.outcome, result.corrects?.kind]),
      [['CG-2026-10133', 'sent', 'new-version']],
    );
    const collected = await collect();
    assert.deepEqual(
      collected.answers.map((answer) => [answer.invoiceNumber, answer.outcome, answer.before, answer.after]),
      [['CG-2026-10133', 'accepted', 'sent', 'accepted']],
    );
    assert.deepEqual(
      (await submissionStatus({ database, invoiceNumber: 'CG-2026-10133' })).map((version) => version.state),
      ['rejected', 'accepted'],
    );
  });

  test('resubmit for an Ariba customer: the rejected number is used for good, so a same-number correction is held; a new number that supersedes it is accepted', async () => {
    const folder = join(crafted, 'ariba');
    const corrected = withPhone(example('meridian-aerospace/CP-2611-0412.json'), '+1 937 555 0197');
    const same = await resubmitInvoices({ ...base, paths: [write(folder, 'same.json', corrected)] });
    assert.equal(same.results[0]?.outcome, 'held');
    assert.match(
      same.results[0]?.reason ?? '',
      /treats as used for good: give the corrected invoice a new number and "supersedes": "CP-2611-0412"/,
    );
    const renumbered = await resubmitInvoices({
      ...base,
      paths: [write(folder, 'new.json', { ...corrected, invoiceNumber: 'CP-2611-0412R', supersedes: 'CP-2611-0412' })],
    });
    assert.deepEqual(
      renumbered.results.map((result) => [result.invoiceNumber, result.outcome, result.corrects?.kind]),
      [['CP-2611-0412R', 'sent', 'new-number']],
    );
    await collect();
    assert.equal(await state('CP-2611-0412R'), 'accepted');
  });
});

describe('firstpass run collects the answers: what the buyer rejected, or left unanswered past the deadline, needs a person', () => {
  let sandbox: RunningSandbox;
  let root: string;
  let database: string;

  before(async () => {
    root = tempFolder();
    sandbox = await startBuyer(root);
    database = `sqlite:${join(root, 'run.sqlite')}`;
  });
  after(async () => {
    await sandbox?.stop();
  });

  const runArgs = (inbox: string) => [
    'run',
    '--inbox',
    inbox,
    '--settle',
    '0',
    '--profiles',
    sandbox.profilesDirectory,
    '--pos',
    EXAMPLE_POS,
    '--today',
    TODAY,
    '--db',
    database,
    '--json',
  ];

  test('the command: a rejection read in the same run exits 1 and is counted; a run with nothing new exits 0', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(join(inbox, 'attachments'), { recursive: true });
    cpSync(join(EXAMPLES, 'meridian-aerospace', 'CP-2611-0447.json'), join(inbox, 'meridian.json'));
    cpSync(join(EXAMPLES, 'larkspur-health', 'CP-2610-0402.json'), join(inbox, 'larkspur.json'));
    cpSync(join(EXAMPLES, 'pinecrest-brewing', 'CP-2611-0414.json'), join(inbox, 'pinecrest.json'));
    cpSync(
      join(EXAMPLES, 'pinecrest-brewing', 'attachments', 'timesheet-CP-2611-0414.pdf'),
      join(inbox, 'attachments', 'timesheet-CP-2611-0414.pdf'),
    );
    const first = await runFirstpass(runArgs(inbox), sandbox.environment);
    const report = JSON.parse(first.stdout) as RunReport;
    assert.deepEqual(
      report.invoices.map((invoice) => [invoice.invoiceNumber, invoice.outcome]).sort(),
      [
        ['CP-2610-0402', 'sent'],
        ['CP-2611-0414', 'sent'],
        ['CP-2611-0447', 'sent'],
      ],
      first.stderr,
    );
    assert.deepEqual(report.answers, { accepted: 1, rejected: 1, overdue: 0, unknown: 0 });
    assert.deepEqual(report.attention, ['1 rejected by the customer (acknowledgments)']);
    assert.equal(first.status, 1, first.stderr);
    assert.match(first.stderr, /rejected CP-2610-0402 \(larkspur-health\): portal:rest rejected 417/);

    const second = await runFirstpass(runArgs(inbox), sandbox.environment);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual((JSON.parse(second.stdout) as RunReport).answers, { accepted: 0, rejected: 0, overdue: 0, unknown: 0 });
  });

  test('in-process: the e-mail invoice unanswered past its 120 hours is overdue (attention) until it is acknowledged by hand', async () => {
    const inbox = join(root, 'empty-inbox');
    mkdirSync(inbox);
    const later = new Date(Date.now() + 121 * 3_600_000);
    const run = () =>
      runInbox({
        inbox,
        profilesDirectory: sandbox.profilesDirectory,
        today: TODAY,
        database,
        environment: sandbox.environment,
        now: () => later,
        settleMs: 0,
        collectAnswers: collectAnswersForRun,
      });
    const overdue = await run();
    assert.equal(overdue.status, 'done');
    if (overdue.status !== 'done') return;
    assert.deepEqual(overdue.answers, { accepted: 0, rejected: 0, overdue: 1, unknown: 0 });
    assert.equal(overdue.verdict, 'attention');
    await recordAckByHand({ database, invoiceNumber: 'CP-2611-0414', decision: 'accepted', now: () => later });
    const answered = await run();
    assert.equal(answered.status === 'done' ? answered.verdict : answered.status, 'ok');
  });

  test('in-process: an SFTP customer whose ack folder cannot be reached is unknown, with a warning, never a crash', async () => {
    await submitInvoices({
      paths: [join(EXAMPLES, 'brightwater-home', 'CP-2611-0409.json')],
      profilesDirectory: sandbox.profilesDirectory,
      poPaths: [EXAMPLE_POS],
      today: TODAY,
      database,
      environment: sandbox.environment,
    });
    // The same profiles, Brightwater's SFTP server gone (a port nothing listens on).
    const profiles = join(root, 'profiles-sftp-down');
    cpSync(sandbox.profilesDirectory, profiles, { recursive: true });
    const file = join(profiles, 'brightwater-home.json');
    const profile = JSON.parse(readFileSync(file, 'utf8')) as { channel: Record<string, unknown> };
    writeFileSync(file, JSON.stringify({ ...profile, channel: { ...profile.channel, port: await closedPort() } }));
    const inbox = join(root, 'inbox-sftp-down');
    mkdirSync(inbox);
    const warnings: string[] = [];
    const report = await runInbox({
      inbox,
      profilesDirectory: profiles,
      today: TODAY,
      database,
      environment: sandbox.environment,
      logger: { info: () => undefined, error: () => undefined, warn: (_event, message) => warnings.push(message) },
      settleMs: 0,
      collectAnswers: collectAnswersForRun,
    });
    assert.equal(report.status === 'done' ? report.verdict : report.status, 'attention');
    assert.deepEqual(report.status === 'done' ? report.answers : undefined, { accepted: 0, rejected: 0, overdue: 0, unknown: 1 });
    assert.ok(
      warnings.some((message) => message.startsWith('answers of brightwater-home not collected:')),
      warnings.join('\n'),
    );
  });
});

/** A loopback port nothing listens on (bound, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sets `rules.<rule>` in a customer's profile copy; returns what puts the file back as it was. */
function switchRule(profilesDirectory: string, customer: string, rule: string, on: boolean): () => void {
  const file = join(profilesDirectory, `${customer}.json`);
  const original = readFileSync(file, 'utf8');
  const profile = JSON.parse(original) as { rules?: Record<string, unknown> };
  writeFileSync(file, JSON.stringify({ ...profile, rules: { ...profile.rules, [rule]: on } }, null, 2));
  return () => writeFileSync(file, original);
}

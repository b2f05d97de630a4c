import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lintProfiles } from '../../src/pipeline/lint-profiles.js';
import { suggestRules, type RejectionLesson } from '../../src/pipeline/suggest-rules.js';
import { openStore, type Store } from '../../src/store/index.js';
import { PROJECT_ROOT, runFirstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';
import { testPostgres } from '../support/postgres.js';

/**
 * `profiles suggest` over a history built by hand through the store API, as submit and acks
 * would have written it: which rule would have held each rejected invoice, proven by validating
 * the stored version again, with the diff of the profile file. On SQLite, and on PostgreSQL
 * when one answers on loopback.
 */

const EXAMPLE = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'examples', 'invoices', 'larkspur-health', 'CP-2611-0418.json'), 'utf8'),
) as Record<string, unknown>;
const POS = [join(PROJECT_ROOT, 'examples', 'purchase-orders')];

/** The example invoice under another number, with changes. */
function invoice(invoiceNumber: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const { $schema: _schema, ...rest } = EXAMPLE;
  return { ...rest, invoiceNumber, ...changes };
}

/** A version sent on `day` and answered by the customer: rejected with a code, or accepted. */
async function answered(
  store: Store,
  content: Record<string, unknown>,
  day: string,
  answer: { status: 'rejected' | 'accepted'; code?: string; text?: string; source?: string },
): Promise<void> {
  const at = new Date(`${day}T10:00:00Z`);
  const { version } = await store.submissions.recordVersion({
    customer: String(content.customerId),
    invoiceNumber: String(content.invoiceNumber),
    invoice: content,
    at,
  });
  const claimed = await store.submissions.claimForSending(version.id, { channel: 'portal', format: 'cxml', source: 'submit', at });
  assert.ok(claimed);
  await store.submissions.transition(claimed.id, 'sent', { at, source: 'portal', detail: { reference: `ref-${version.id}` } });
  await store.submissions.recordAcknowledgment(
    claimed.id,
    {
      kind: 'business',
      status: answer.status,
      ...(answer.code !== undefined ? { code: answer.code } : {}),
      ...(answer.text !== undefined ? { text: answer.text } : {}),
      source: answer.source ?? 'portal:rest',
      receivedAt: new Date(`${day}T16:00:00Z`),
    },
    answer.status,
  );
}

/** The example profiles with larkspur-health's own file given these rules on top of its own. */
function profilesWith(rules: Record<string, unknown>): string {
  const folder = join(tempFolder(), 'profiles');
  cpSync(join(PROJECT_ROOT, 'customer-profiles'), folder, { recursive: true });
  const file = join(folder, 'larkspur-health.json');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { rules: Record<string, unknown> };
  writeFileSync(file, `${JSON.stringify({ ...profile, rules: { ...profile.rules, ...rules } }, null, 2)}\n`);
  return folder;
}

function lessonOf(lessons: readonly RejectionLesson[], invoiceNumber: string): RejectionLesson {
  const found = lessons.find((lesson) => lesson.invoiceNumber === invoiceNumber);
  assert.ok(found, `no lesson for ${invoiceNumber}`);
  return found;
}

const postgres = await testPostgres('profiles suggest');
const databases: [string, () => Promise<string> | string, string | undefined][] = [
  ['sqlite', () => `sqlite:${join(tempFolder(), 'suggest.db')}`, undefined],
  ['postgres', () => postgres.freshSchemaUrl(), postgres.skip],
];

for (const [dialect, freshDatabase, skip] of databases) {
  describe(`profiles suggest (${dialect})`, { skip: skip ?? false }, () => {
    let database: string;

    after(async () => {
      await postgres.dropSchemas();
    });

    test('setup: a Coupa 417 for a PO the buyer does not know, and a UoM rejection, among accepted invoices', async () => {
      database = await freshDatabase();
      const store = await openStore(database);
      try {
        for (const [index, day] of ['2026-11-02', '2026-11-03', '2026-11-04'].entries())
          await answered(store, invoice(`CP-2611-050${index}`), day, { status: 'accepted' });
        await answered(store, invoice('CP-2611-0510', { poNumber: '299999' }), '2026-11-10', {
          status: 'rejected',
          code: '417',
          text: 'PO 299999 not found or not open',
        });
        const lines = EXAMPLE.lines as Record<string, unknown>[];
        await answered(store, invoice('CP-2611-0511', { lines: lines.map((line) => ({ ...line, unitOfMeasure: 'BX' })) }), '2026-11-11', {
          status: 'rejected',
          code: 'INVALID_UOM',
          text: 'Unit of measure BX is not accepted',
        });
        // Refused by the portal at send time: recorded by submit as an event with the code, no acknowledgment.
        const wrongTotal = invoice('CP-2611-0512', { totalAmount: '6000.00' });
        const at = new Date('2026-11-12T10:00:00Z');
        const { version } = await store.submissions.recordVersion({
          customer: 'larkspur-health',
          invoiceNumber: 'CP-2611-0512',
          invoice: wrongTotal,
          at,
        });
        const claimed = await store.submissions.claimForSending(version.id, { channel: 'portal', format: 'cxml', source: 'submit', at });
        assert.ok(claimed);
        await store.submissions.transition(claimed.id, 'rejected', {
          at,
          source: 'portal:rest',
          detail: { code: 'INVOICE_TOTAL_MISMATCH', text: 'Invoice total does not match' },
        });
      } finally {
        await store.close();
      }
    });

    test('a rejection the portal gave at send time is read from its event: invoice-total-arithmetic, on, predicted it', async () => {
      const report = await suggestRules({
        customerId: 'larkspur-health',
        profilesDirectory: join(PROJECT_ROOT, 'customer-profiles'),
        poPaths: POS,
        database,
      });
      const lesson = lessonOf(report.rejections, 'CP-2611-0512');
      assert.deepEqual(
        [lesson.source, lesson.code, lesson.text, lesson.status],
        ['portal:rest', 'INVOICE_TOTAL_MISMATCH', 'Invoice total does not match', 'caught'],
      );
      assert.deepEqual(
        lesson.predictedBy.map((rule) => [rule.rule, rule.state, rule.holdsNow]),
        [['invoice-total-arithmetic', 'error', true]],
      );
    });

    test('po-exists switched off: the 417 is learnt, proven with the POs, with the diff of the customer file', async () => {
      const profiles = profilesWith({ 'po-exists': false });
      const report = await suggestRules({ customerId: 'larkspur-health', profilesDirectory: profiles, poPaths: POS, database });
      const lesson = lessonOf(report.rejections, 'CP-2611-0510');
      assert.equal(lesson.status, 'not predicted');
      assert.equal(lesson.system, 'coupa');
      assert.equal(lesson.systemFrom, 'profile rejectionCodes');
      // po-required and po-format are on and predict 417 too, but neither holds this invoice.
      assert.deepEqual(
        lesson.predictedBy.map((rule) => [rule.rule, rule.state, rule.holdsNow]),
        [
          ['po-exists', 'off', false],
          ['po-format', 'error', false],
          ['po-required', 'error', false],
        ],
      );
      assert.deepEqual(
        lesson.suggestions.map((suggestion) => [suggestion.rule, suggestion.change, suggestion.setting, suggestion.proven]),
        [['po-exists', 'switch on', true, true]],
      );
      const [suggestion] = lesson.suggestions;
      assert.match(suggestion?.proof ?? '', /as of 2026-11-10 .*PO 299999 is not a purchase order known for customer larkspur-health/);
      assert.equal(suggestion?.file, 'larkspur-health.json');
      assert.match(suggestion?.diff ?? '', /^--- larkspur-health\.json\n\+\+\+ larkspur-health\.json\n@@ /);
      const diff = suggestion?.diff ?? '';
      assert.ok(diff.includes('\n-    "po-exists": false\n+    "po-exists": true\n'), diff);
      // The command says the same, and prints the diff to apply.
      const cli = await runFirstpass(['profiles', 'suggest', 'larkspur-health', '--profiles', profiles, '--pos', ...POS, '--db', database]);
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(
        cli.stdout,
        /CP-2611-0510 version \d+, rejected 2026-11-10T16:00:00\.000Z via portal:rest: 417 PO 299999 not found or not open \[coupa codes/,
      );
      assert.match(cli.stdout, /→ switch on po-exists in larkspur-health\.json: validated again as of 2026-11-10/);
      assert.ok(cli.stdout.includes('-    "po-exists": false\n+    "po-exists": true\n'), cli.stdout);
      assert.deepEqual(
        report.changes.map((change) => [change.rule, change.invoices]),
        [
          ['po-exists', ['CP-2611-0510']],
          ['uom-allowed', ['CP-2611-0511']],
        ],
      );
    });

    test('without the POs, po-exists is still named but said to be unproven', async () => {
      const profiles = profilesWith({ 'po-exists': false });
      const report = await suggestRules({ customerId: 'larkspur-health', profilesDirectory: profiles, database });
      const [suggestion] = lessonOf(report.rejections, 'CP-2611-0510').suggestions;
      assert.equal(suggestion?.rule, 'po-exists');
      assert.equal(suggestion?.proven, false);
      assert.match(suggestion?.proof ?? '', /cannot prove it: it reads the purchase order; give the customer's POs with --pos/);
    });

    test('po-exists on as an error (the Coupa base): the 417 was predicted, nothing to suggest for it', async () => {
      const report = await suggestRules({
        customerId: 'larkspur-health',
        profilesDirectory: join(PROJECT_ROOT, 'customer-profiles'),
        poPaths: POS,
        database,
      });
      const lesson = lessonOf(report.rejections, 'CP-2611-0510');
      assert.equal(lesson.status, 'caught');
      assert.deepEqual(lesson.suggestions, []);
      assert.ok(!report.changes.some((change) => change.rule === 'po-exists'));
    });

    test('po-exists only a warning: make it an error, proven, the diff sets its severity', async () => {
      const profiles = profilesWith({ 'po-exists': { severity: 'warning' } });
      const report = await suggestRules({ customerId: 'larkspur-health', profilesDirectory: profiles, poPaths: POS, database });
      const lesson = lessonOf(report.rejections, 'CP-2611-0510');
      assert.equal(lesson.status, 'warning only');
      assert.deepEqual(
        lesson.suggestions.map((suggestion) => [suggestion.rule, suggestion.change, suggestion.proven]),
        [['po-exists', 'make it an error', true]],
      );
      const diff = lesson.suggestions[0]?.diff ?? '';
      assert.ok(diff.includes('\n-      "severity": "warning"\n+      "severity": "error"\n'), diff);
    });

    test("a custom rule that only warned: make it an error in the file that defines the profile's customRules", async () => {
      const profiles = profilesWith({});
      const file = join(profiles, 'larkspur-health.json');
      const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const customRule = {
        id: 'larkspur-po-series',
        scope: 'invoice',
        severity: 'warning',
        message: 'Larkspur POs are in the 20xxxx and 21xxxx series',
        path: '/poNumber',
        predicts: [{ system: 'coupa', code: '417' }],
        conditions: { all: [{ fact: 'invoice', path: '$.poNumber', operator: 'matches', value: '^2[01]' }] },
      };
      writeFileSync(
        file,
        `${JSON.stringify({ ...profile, rules: { ...(profile.rules as object), 'po-exists': false }, customRules: [customRule] }, null, 2)}\n`,
      );
      const report = await suggestRules({ customerId: 'larkspur-health', profilesDirectory: profiles, poPaths: POS, database });
      const lesson = lessonOf(report.rejections, 'CP-2611-0510');
      assert.equal(lesson.status, 'warning only');
      assert.deepEqual(
        lesson.suggestions.map((suggestion) => [suggestion.rule, suggestion.custom, suggestion.change, suggestion.proven]),
        [
          ['po-exists', false, 'switch on', true],
          ['larkspur-po-series', true, 'make it an error', true],
        ],
      );
      const diff = lesson.suggestions[1]?.diff ?? '';
      assert.ok(diff.includes('-      "severity": "warning",\n+      "severity": "error",\n'), diff);
    });

    test('a rule that needs parameters gets them from the accepted invoices, and holds the rejected one', async () => {
      const report = await suggestRules({
        customerId: 'larkspur-health',
        profilesDirectory: join(PROJECT_ROOT, 'customer-profiles'),
        poPaths: POS,
        database,
      });
      const lesson = lessonOf(report.rejections, 'CP-2611-0511');
      assert.equal(lesson.status, 'not predicted');
      const [suggestion] = lesson.suggestions;
      assert.deepEqual(suggestion?.setting, { units: ['EA'] });
      assert.equal(suggestion?.paramsFrom, 'accepted invoices');
      assert.equal(suggestion?.proven, true);
      const diff = suggestion?.diff ?? '';
      assert.ok(diff.includes('+    "uom-allowed": {\n+      "units": [\n+        "EA"\n+      ]\n+    }'), diff);
    });
  });
}

test('too few accepted invoices: a placeholder, not proven, that profiles lint refuses until it is filled in', async () => {
  const database = `sqlite:${join(tempFolder(), 'placeholder.db')}`;
  const store = await openStore(database);
  try {
    const lines = EXAMPLE.lines as Record<string, unknown>[];
    await answered(store, invoice('CP-2611-0600', { lines: lines.map((line) => ({ ...line, unitOfMeasure: 'BX' })) }), '2026-11-11', {
      status: 'rejected',
      code: 'INVALID_UOM',
    });
  } finally {
    await store.close();
  }
  const profiles = profilesWith({});
  const report = await suggestRules({ customerId: 'larkspur-health', profilesDirectory: profiles, poPaths: POS, database });
  const [suggestion] = lessonOf(report.rejections, 'CP-2611-0600').suggestions;
  assert.equal(suggestion?.paramsFrom, 'placeholder');
  assert.equal(suggestion?.proven, false);
  assert.match(suggestion?.paramsNote ?? '', /0 accepted invoices in the store, fewer than 3/);
  // Apply the diff's change to the file: lint names the placeholder.
  const file = join(profiles, 'larkspur-health.json');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { rules: Record<string, unknown> };
  writeFileSync(file, JSON.stringify({ ...profile, rules: { ...profile.rules, 'uom-allowed': suggestion?.setting } }, null, 2));
  const lint = await lintProfiles(profiles);
  assert.ok(
    lint.problems.some((problem) => problem.field?.startsWith('/rules/uom-allowed')),
    JSON.stringify(lint.problems, null, 2),
  );
});

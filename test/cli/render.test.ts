import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstpass, PROJECT_ROOT, startFirstpass } from '../support/cli.js';
import { tempFolder } from '../support/temp.js';

const BRIGHTWATER = 'examples/invoices/brightwater-home/CP-2611-0409.json';

function isa13(x12: string): string {
  return x12.split('~')[0]?.split('*')[13] ?? '';
}

test("render writes the customer's document, and X12 control numbers never repeat for the partner", () => {
  const root = tempFolder();
  const db = `sqlite:${join(root, 'fp.sqlite')}`;
  const first = firstpass(['render', BRIGHTWATER, '--out', join(root, 'a'), '--db', db]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /CP-2611-0409 \(brightwater-home\) → .*CP-2611-0409\.x12/);
  const second = firstpass(['render', BRIGHTWATER, '--out', join(root, 'b'), '--db', db, '--json']);
  assert.equal(second.status, 0, second.stderr);
  const report = JSON.parse(second.stdout) as { documents: { file: string; controlNumbers: { interchange: number } }[] };
  const one = readFileSync(join(root, 'a', 'CP-2611-0409.x12'), 'utf8');
  const two = readFileSync(join(root, 'b', 'CP-2611-0409.x12'), 'utf8');
  assert.match(one, /^ISA\*/);
  assert.equal(isa13(one), '000000001');
  assert.equal(isa13(two), '000000002');
  assert.equal(report.documents[0]?.controlNumbers.interchange, 2);
});

test('render --format writes another format (a PDF copy) without touching the database', () => {
  const root = tempFolder();
  const result = firstpass([
    'render',
    BRIGHTWATER,
    '--format',
    'pdf',
    '--out',
    join(root, 'out'),
    '--db',
    `sqlite:${join(root, 'fp.sqlite')}`,
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(
    readFileSync(join(root, 'out', 'CP-2611-0409.pdf'))
      .subarray(0, 5)
      .equals(Buffer.from('%PDF-')),
  );
  assert.equal(existsSync(join(root, 'fp.sqlite')), false);
});

test('an invoice X12 cannot carry stops the run with exit 2 before any number is taken or file written', () => {
  const invoice = JSON.parse(readFileSync(BRIGHTWATER, 'utf8')) as { lines: { description: string }[] };
  const first = invoice.lines[0];
  assert.ok(first);
  first.description = 'Hose clamp 5/8"~3/4"';
  const root = tempFolder({ 'in/bad.json': invoice });
  const result = firstpass([
    'render',
    join(root, 'in'),
    BRIGHTWATER,
    '--out',
    join(root, 'out'),
    '--db',
    `sqlite:${join(root, 'fp.sqlite')}`,
  ]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /invoice CP-2611-0409: PID05: "Hose clamp 5\/8"~3\/4"" contains "~"/);
  assert.equal(existsSync(join(root, 'out')) && readdirSync(join(root, 'out')).length > 0, false);
  assert.equal(existsSync(join(root, 'fp.sqlite')), false);
});

test('a malformed --db is bad usage (exit 2) and the password is not repeated', () => {
  const root = tempFolder();
  const result = firstpass(['render', BRIGHTWATER, '--out', join(root, 'out'), '--db', 'mysql://billing:s3cr3t@db.example/fp']);
  assert.equal(result.status, 2, result.stderr);
  assert.doesNotMatch(result.stderr, /s3cr3t/);
  assert.match(result.stderr, /sqlite:|postgres:/);
});

test('EDIFACT declared UNOC is written in ISO 8859-1: "ß" is one byte, not UTF-8', () => {
  const root = tempFolder();
  const result = firstpass([
    'render',
    'examples/invoices/kessler-automotive/CG-2026-10117.json',
    '--out',
    join(root, 'out'),
    '--db',
    `sqlite:${join(root, 'fp.sqlite')}`,
  ]);
  assert.equal(result.status, 0, result.stderr);
  const bytes = readFileSync(join(root, 'out', 'CG-2026-10117.edi'));
  assert.match(bytes.toString('latin1'), /^UNA:\+\.\? 'UNB\+UNOC:3\+/);
  assert.ok(bytes.includes(0xdf), 'ß as the single byte 0xDF');
  assert.equal(bytes.includes(Buffer.from('ß', 'utf8')), false);
});

/** The example invoice under other numbers, one JSON Lines file. */
function batchOf(numbers: readonly string[]): string {
  const invoice = JSON.parse(readFileSync(BRIGHTWATER, 'utf8')) as Record<string, unknown>;
  return `${numbers.map((invoiceNumber) => JSON.stringify({ ...invoice, invoiceNumber })).join('\n')}\n`;
}

function outputFiles(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).sort() : [];
}

test('an invoice number used twice in one batch is refused with exit 2 before any control number is taken or file written', () => {
  const root = tempFolder({ 'in/batch.jsonl': batchOf(['CP-1', 'CP-2', 'CP-1']) });
  const result = firstpass(['render', join(root, 'in'), '--out', join(root, 'out'), '--db', `sqlite:${join(root, 'fp.sqlite')}`]);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /batch\.jsonl:3.*invoice number "CP-1" is also on line 1 of .*batch\.jsonl/);
  assert.deepEqual(outputFiles(join(root, 'out')), []);
  assert.equal(existsSync(join(root, 'fp.sqlite')), false);
});

test('invoice numbers that make the same file name (unsafe characters, case) get files of their own, each named after a hash of its number', () => {
  const numbers = ['CP/7', 'CP:7', 'CP_7', 'ab-9', 'AB-9'];
  const root = tempFolder({ 'in/batch.jsonl': batchOf(numbers) });
  const out = join(root, 'out');
  const result = firstpass(['render', join(root, 'in'), '--format', 'pdf', '--out', out, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { documents: { invoiceNumber: string; file: string }[] };
  const files = report.documents.map((document) => document.file);
  assert.equal(new Set(files.map((file) => file.toLowerCase())).size, numbers.length, `file names collide: ${files.join(', ')}`);
  assert.equal(outputFiles(out).length, numbers.length);
  for (const { invoiceNumber, file } of report.documents) {
    assert.ok(existsSync(file), file);
    // The name says which invoice it is: the safe part of the number, and a hash when it had to change.
    assert.match(file, /\/(CP_7|ab-9|AB-9)(-[0-9a-f]{10})?\.pdf$/, `${invoiceNumber} → ${file}`);
  }
  assert.match(files[0] ?? '', /\/CP_7-[0-9a-f]{10}\.pdf$/);
});

test('a 300-character invoice number (or 300 two-byte characters) makes a file name of at most 100 bytes', () => {
  const numbers = ['X'.repeat(300), 'Ä'.repeat(300), `${'X'.repeat(299)}Y`];
  const root = tempFolder({ 'in/batch.jsonl': batchOf(numbers) });
  const out = join(root, 'out');
  const result = firstpass(['render', join(root, 'in'), '--format', 'pdf', '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  const files = outputFiles(out);
  assert.equal(files.length, 3, files.join(', '));
  for (const file of files) assert.ok(Buffer.byteLength(file) <= 100, `${file}: ${Buffer.byteLength(file)} bytes`);
});

test('a render killed with SIGKILL while writing leaves only complete documents; its temporary files are hidden and the next run removes them', async () => {
  const numbers = Array.from({ length: 1500 }, (_, index) => `KILL-${String(index).padStart(5, '0')}`);
  const root = tempFolder({ 'in/batch.jsonl': batchOf(numbers) });
  const out = join(root, 'out');
  mkdirSync(out);
  // Left by runs whose process is gone: this version's and an older one's.
  writeFileSync(join(out, '.firstpass-999999999-0badcafe-0.tmp'), 'ISA*00*half');
  writeFileSync(join(out, 'KILL-00000.x12.999999999.partial'), 'ISA*00*half');
  const db = `sqlite:${join(root, 'fp.sqlite')}`;
  const child = startFirstpass(['render', join(root, 'in'), '--out', out, '--db', db]);
  let killedWhileWriting = false;
  const watcher = watch(out, (_event, name) => {
    // The first file of the run appearing: kill it in the middle of writing the batch.
    if (name !== null && !name.includes('999999999')) {
      killedWhileWriting ||= child.kill('SIGKILL');
    }
  });
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  watcher.close();
  assert.ok(killedWhileWriting && ended.signal === 'SIGKILL', `the run ended by itself (${String(ended.code)}) before it could be killed`);

  const afterKill = outputFiles(out);
  const documents = afterKill.filter((name) => !name.startsWith('.'));
  assert.ok(documents.length < numbers.length, 'killed before the batch was written');
  assert.deepEqual(
    afterKill.filter((name) => name.endsWith('.partial') && !name.includes('999999999')),
    [],
    'no visible partial file',
  );
  for (const name of documents) {
    assert.match(name, /^KILL-\d{5}\.x12$/);
    assert.match(readFileSync(join(out, name), 'utf8'), /~IEA\*1\*\d{9}~\n?$/, `${name} is complete`);
  }

  const next = firstpass(['render', BRIGHTWATER, '--out', out, '--db', db]);
  assert.equal(next.status, 0, next.stderr);
  const left = outputFiles(out).filter((name) => name.startsWith('.') || name.endsWith('.partial'));
  assert.deepEqual(left, [], 'the next run removes what killed runs left');
});

/** Render the example from `cwd` with no --db: the default store. */
function renderFrom(cwd: string, out: string, env: Record<string, string>) {
  return firstpass(['render', join(PROJECT_ROOT, BRIGHTWATER), '--profiles', join(PROJECT_ROOT, 'customer-profiles'), '--out', out], {
    cwd,
    env,
  });
}

test('the default store is one per user ($XDG_STATE_HOME/firstpass, a 0700 folder): renders from two folders continue the control numbers', () => {
  const root = tempFolder({ 'one/.keep': '', 'two/.keep': '' });
  const state = join(root, 'state');
  const env = { HOME: join(root, 'home'), XDG_STATE_HOME: state };
  const first = renderFrom(join(root, 'one'), join(root, 'one', 'out'), env);
  assert.equal(first.status, 0, first.stderr);
  const second = renderFrom(join(root, 'two'), join(root, 'two', 'out'), env);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(isa13(readFileSync(join(root, 'one', 'out', 'CP-2611-0409.x12'), 'utf8')), '000000001');
  assert.equal(isa13(readFileSync(join(root, 'two', 'out', 'CP-2611-0409.x12'), 'utf8')), '000000002');
  assert.ok(existsSync(join(state, 'firstpass', 'firstpass.sqlite')));
  assert.equal(statSync(join(state, 'firstpass')).mode & 0o777, 0o700);
  assert.equal(
    existsSync(join(root, 'one', 'firstpass.sqlite')) || existsSync(join(root, 'two', 'firstpass.sqlite')),
    false,
    'nothing in the working folder',
  );
});

test('without XDG_STATE_HOME the default store is ~/.local/state/firstpass/firstpass.sqlite; FIRSTPASS_DB and --db move it; --help shows it', () => {
  const root = tempFolder({ 'work/.keep': '' });
  const home = join(root, 'home');
  const env = { HOME: home, XDG_STATE_HOME: '' };
  const result = renderFrom(join(root, 'work'), join(root, 'out'), env);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(home, '.local', 'state', 'firstpass', 'firstpass.sqlite')));

  const help = firstpass(['render', '--help'], { env: { HOME: home, XDG_STATE_HOME: join(root, 'xdg') } });
  assert.equal(help.status, 0, help.stderr);
  assert.ok(help.stdout.replace(/\s+/g, ' ').includes(`sqlite:${join(root, 'xdg', 'firstpass', 'firstpass.sqlite')}`), help.stdout);

  const moved = renderFrom(join(root, 'work'), join(root, 'out2'), { ...env, FIRSTPASS_DB: `sqlite:${join(root, 'moved.sqlite')}` });
  assert.equal(moved.status, 0, moved.stderr);
  assert.ok(existsSync(join(root, 'moved.sqlite')));
  assert.equal(isa13(readFileSync(join(root, 'out2', 'CP-2611-0409.x12'), 'utf8')), '000000001');
});

test('a firstpass.sqlite an earlier version left in the working folder is not silently passed over for the new default (exit 2)', () => {
  const root = tempFolder({ 'work/firstpass.sqlite': '' });
  const state = join(root, 'state');
  const result = renderFrom(join(root, 'work'), join(root, 'out'), { HOME: join(root, 'home'), XDG_STATE_HOME: state });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /firstpass\.sqlite holds control numbers of an earlier firstpass.*--db sqlite:firstpass\.sqlite/s);
  assert.equal(existsSync(join(state, 'firstpass', 'firstpass.sqlite')), false);
  const named = firstpass(
    [
      'render',
      join(PROJECT_ROOT, BRIGHTWATER),
      '--profiles',
      join(PROJECT_ROOT, 'customer-profiles'),
      '--out',
      join(root, 'out'),
      '--db',
      'sqlite:firstpass.sqlite',
    ],
    { cwd: join(root, 'work'), env: { HOME: join(root, 'home'), XDG_STATE_HOME: state } },
  );
  assert.equal(named.status, 0, named.stderr);
});

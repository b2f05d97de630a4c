#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { defaultStoreUrl, FORMAT_NAMES, localToday, type FormatName } from '../pipeline/run-defaults.js';

/**
 * The firstpass command line. Thin: it parses arguments and calls the pipeline; the
 * modules behind each command are loaded only when that command runs, so `--version` and
 * `--help` start fast. Exit status: 0 all good, 1 an invoice failed, 2 bad usage or input.
 */
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function parseDateOption(value: string): string {
  // Date.parse rolls 2026-02-31 over to March; a real date reads back as itself.
  const parsed = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== value) {
    throw new CommanderError(2, 'firstpass.usage', `--today must be a date written YYYY-MM-DD, not "${value}"`);
  }
  return value;
}

/** --resend-unknown may be given again and again, each a number or a comma-separated list. */
function collectInvoiceNumbers(value: string, previous: string[] | undefined): string[] {
  const numbers = value
    .split(',')
    .map((number) => number.trim())
    .filter((number) => number !== '');
  if (numbers.length === 0) throw new CommanderError(2, 'firstpass.usage', '--resend-unknown needs an invoice number');
  return [...(previous ?? []), ...numbers];
}

/** --concurrency: a whole number from 1 to 256. */
function parseConcurrency(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || number > 256)
    throw new CommanderError(2, 'firstpass.usage', `--concurrency must be a whole number from 1 to 256, not ${JSON.stringify(value)}`);
  return number;
}

const program = new Command('firstpass')
  .description('Get invoices accepted by your customers the first time.')
  .version(packageJson.version)
  .showHelpAfterError()
  .exitOverride();

program
  .command('validate')
  .description("check invoices against their customers' profiles and purchase orders")
  .argument('[paths...]', 'invoice files or folders (.json, .jsonl, .csv)', ['.'])
  .option('--profiles <dir>', 'customer profiles folder', './customer-profiles')
  .option('--pos <path...>', 'purchase order files or folders')
  .option('--today <date>', 'the date rules compare with (YYYY-MM-DD); default: today', parseDateOption)
  .option('--json', 'print one JSON document on stdout')
  .addOption(new Option('--evaluator <name>', 'rule evaluator').choices(['compiled', 'engine']).default('compiled').hideHelp())
  .action(
    async (
      paths: string[],
      options: { profiles: string; pos?: string[]; today?: string; json?: boolean; evaluator: 'compiled' | 'engine' },
    ) => {
      const { runValidate } = await import('./validate-command.js');
      process.exitCode = await runValidate({
        paths,
        profilesDirectory: options.profiles,
        poPaths: options.pos,
        today: options.today ?? localToday(),
        json: options.json === true,
        evaluator: options.evaluator,
      });
    },
  );

program
  .command('render')
  .description("write each invoice in its customer's format (or --format), numbered from the store")
  .argument('<invoices...>', 'invoice files or folders')
  .option('--out <dir>', 'folder to write the documents to', '.')
  .addOption(new Option('--format <format>', "another format than the customer's").choices(FORMAT_NAMES))
  .option('--profiles <dir>', 'customer profiles folder', './customer-profiles')
  .option('--pos <path...>', 'purchase order files or folders')
  .addOption(
    new Option('--db <url>', 'database for control numbers: sqlite:<file> or postgres://… (one per user by default)')
      .env('FIRSTPASS_DB')
      .default(defaultStoreUrl()),
  )
  .option('--json', 'print one JSON document on stdout')
  .action(
    async (
      paths: string[],
      options: { out: string; format?: FormatName; profiles: string; pos?: string[]; db: string; json?: boolean },
    ) => {
      const { runRender } = await import('./render-command.js');
      process.exitCode = await runRender({
        paths,
        profilesDirectory: options.profiles,
        poPaths: options.pos,
        format: options.format,
        outDirectory: options.out,
        database: options.db,
        json: options.json === true,
      });
    },
  );

program
  .command('submit')
  .description("validate, render and send each invoice through its customer's channel, recorded in the store")
  .argument('[paths...]', 'invoice files or folders', ['.'])
  .option('--profiles <dir>', 'customer profiles folder', './customer-profiles')
  .option('--pos <path...>', 'purchase order files or folders')
  .option('--today <date>', 'the date rules compare with (YYYY-MM-DD); default: today', parseDateOption)
  .addOption(
    new Option('--db <url>', 'database for submissions: sqlite:<file> or postgres://… (one per user by default)')
      .env('FIRSTPASS_DB')
      .default(defaultStoreUrl()),
  )
  .option('--dry-run', 'validate and render, say what would go where; send and record nothing')
  .option(
    '--resend-unknown <invoiceNumber>',
    'send again an invoice whose attempt is unknown, after checking with the customer that it did not arrive (repeatable, or a comma-separated list)',
    collectInvoiceNumbers,
  )
  .option(
    '--concurrency <n>',
    "invoices worked on at once (default 16); each customer's sends stay within its channel's limit (channel.maxConcurrent)",
    parseConcurrency,
  )
  .option('--json', 'print one JSON document on stdout')
  .action(
    async (
      paths: string[],
      options: {
        profiles: string;
        pos?: string[];
        today?: string;
        db: string;
        dryRun?: boolean;
        resendUnknown?: string[];
        concurrency?: number;
        json?: boolean;
      },
    ) => {
      const { runSubmit } = await import('./submit-command.js');
      process.exitCode = await runSubmit({
        paths,
        profilesDirectory: options.profiles,
        poPaths: options.pos,
        today: options.today ?? localToday(),
        database: options.db,
        dryRun: options.dryRun === true,
        resendUnknown: options.resendUnknown ?? [],
        concurrency: options.concurrency,
        json: options.json === true,
      });
    },
  );

program
  .command('status')
  .description('every version, attempt, state and event of an invoice (or of the invoices recorded last)')
  .argument('[invoiceNumber]', 'an invoice number')
  .addOption(
    new Option('--db <url>', 'database for submissions: sqlite:<file> or postgres://… (one per user by default)')
      .env('FIRSTPASS_DB')
      .default(defaultStoreUrl()),
  )
  .option('--json', 'print one JSON document on stdout')
  .action(async (invoiceNumber: string | undefined, options: { db: string; json?: boolean }) => {
    const { runStatus } = await import('./status-command.js');
    process.exitCode = await runStatus({ database: options.db, invoiceNumber, json: options.json === true });
  });

program
  .command('sandbox')
  .description('run portal, SFTP and SMTP servers on this machine and a copy of the profiles pointed at them, until Ctrl-C')
  .option('--dir <dir>', 'folder for the profiles, secrets and what arrives; default: a new folder under the temp dir')
  .option('--profiles <dir>', 'customer profiles folder to copy', './customer-profiles')
  .action(async (options: { dir?: string; profiles: string }) => {
    const { runSandbox } = await import('./sandbox-command.js');
    process.exitCode = await runSandbox({ directory: options.dir, profilesDirectory: options.profiles });
  });

const profiles = program.command('profiles').description('check and read customer profiles');
profiles
  .command('lint')
  .description('check every profile in a folder: file, line, column and the expected shape for each problem')
  .argument('[dir]', 'customer profiles folder', './customer-profiles')
  .option('--json', 'print one JSON document on stdout')
  .action(async (directory: string, options: { json?: boolean }) => {
    const { runProfilesLint } = await import('./profiles-command.js');
    process.exitCode = await runProfilesLint(directory, options.json === true);
  });
profiles
  .command('show')
  .description("print a customer's submission procedure, checklist and contacts, and where each setting came from")
  .argument('<id>', 'customer id')
  .option('--profiles <dir>', 'customer profiles folder', './customer-profiles')
  .option('--json', 'print one JSON document on stdout')
  .action(async (id: string, options: { profiles: string; json?: boolean }) => {
    const { runProfilesShow } = await import('./profiles-command.js');
    process.exitCode = await runProfilesShow(options.profiles, id, options.json === true);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (error.exitCode !== 0 && error.code === 'firstpass.usage') process.stderr.write(`firstpass: ${error.message}\n`);
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const { reportFault } = await import('./report-fault.js');
    process.exitCode = reportFault(error);
  }
}

await main();

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { defaultStoreUrl, FORMAT_NAMES, localToday, type FormatName } from '../pipeline/run-defaults.js';

/**
 * The firstpass command line. Thin: it parses arguments and calls the pipeline; the
 * modules behind each command are loaded only when that command runs, so `--version` and
 * `--help` start fast. Exit status: 0 all good, 1 an invoice failed, 2 bad usage or input, 3 a fault (4: `run` found another run holding the lock).
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

function parseSecondsOption(value: string): number {
  if (!/^\d+$/.test(value)) throw new CommanderError(2, 'firstpass.usage', `--settle must be a whole number of seconds, not "${value}"`);
  return Number(value);
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

/** `--db`, or FIRSTPASS_DB, else the per-user default: every command that reads or writes the store takes it. */
function databaseOption(what: string): Option {
  return new Option('--db <url>', `${what}: sqlite:<file> or postgres://… (one per user by default)`)
    .env('FIRSTPASS_DB')
    .default(defaultStoreUrl());
}

/** `--profiles`: the customer profiles folder, `./customer-profiles` unless given. */
function profilesOption(description = 'customer profiles folder'): Option {
  return new Option('--profiles <dir>', description).default('./customer-profiles');
}

/** `--pos`: purchase order files or folders, as many as given. */
function purchaseOrdersOption(description = 'purchase order files or folders'): Option {
  return new Option('--pos <path...>', description);
}

/** What `--profiles`, `--pos` and `--today` say, as the commands that check invoices take it (today: the local date unless given). */
function invoiceChecks(options: { profiles: string; pos?: string[]; today?: string }): {
  profilesDirectory: string;
  poPaths: string[] | undefined;
  today: string;
} {
  return { profilesDirectory: options.profiles, poPaths: options.pos, today: options.today ?? localToday() };
}

/** `--today`: the date rules compare with, checked to be a real calendar date. */
function todayOption(): Option {
  return new Option('--today <date>', 'the date rules compare with (YYYY-MM-DD); default: today').argParser(parseDateOption);
}

program
  .command('validate')
  .description("check invoices against their customers' profiles and purchase orders")
  .argument('[paths...]', 'invoice files or folders (.json, .jsonl, .csv)', ['.'])
  .addOption(profilesOption())
  .addOption(purchaseOrdersOption())
  .addOption(todayOption())
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
        ...invoiceChecks(options),
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
  .addOption(profilesOption())
  .addOption(purchaseOrdersOption())
  .addOption(databaseOption('database for control numbers'))
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
  .addOption(profilesOption())
  .addOption(purchaseOrdersOption())
  .addOption(todayOption())
  .addOption(databaseOption('database for submissions'))
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
        ...invoiceChecks(options),
        database: options.db,
        dryRun: options.dryRun === true,
        resendUnknown: options.resendUnknown ?? [],
        concurrency: options.concurrency,
        json: options.json === true,
      });
    },
  );

program
  .command('run')
  .description('one unattended run: take new invoice files from the inbox, validate, submit, move each to processed/ or failed/, summarize')
  .option('--inbox <dir>', 'folder the ERP drops invoice files into (.json, .jsonl, .csv)', './inbox')
  .addOption(profilesOption())
  .addOption(purchaseOrdersOption())
  .addOption(todayOption())
  .addOption(databaseOption('database for submissions and the run lock'))
  .addOption(
    new Option('--log <style>', 'logs on stderr: text lines (a progress bar on a terminal) or pino JSON lines')
      .choices(['text', 'json'])
      .default('text'),
  )
  .option('--json', 'print the summary as one JSON document on stdout')
  .option(
    '--settle <seconds>',
    'read a file only once it has not changed for this long (an ERP may be writing it in place)',
    parseSecondsOption,
    30,
  )
  .option('--enqueue-only', 'record each invoice as queued (with its document) and send nothing: workers send them')
  .option('--worker', 'no inbox: send what is queued in the database, with other workers (PostgreSQL) or alone (SQLite)')
  .option('--until-empty', 'with --worker: stop once the queue is empty and no live worker holds a lease (else poll)')
  .option('--concurrency <n>', 'with --worker: invoices leased and worked on at once (1 to 256, default 16)', parseConcurrency)
  .addHelpText(
    'after',
    `
Logs go to stderr, the summary (or --json) to stdout. Exit status, for cron:
  0  nothing for a person to do
  1  a person is needed: held, rejected, unknown or overdue invoices, or a file moved to <inbox>/failed/
  2  bad usage or configuration (no inbox folder, an invalid profile, bad --pos): nothing was moved
  3  a fault: the database is down, or a channel stayed down after its retries (its files stay in the inbox)
  4  another run holds the run lock (in the database): this run did nothing
With --worker: 0 all sent, 1 rejected or unknown ones, 2 another worker on SQLite, 3 a fault or sends left for a retry.
See docs/operators.md.`,
  )
  .action(
    async (options: {
      inbox: string;
      profiles: string;
      pos?: string[];
      today?: string;
      db: string;
      log: 'text' | 'json';
      json?: boolean;
      settle: number;
      enqueueOnly?: boolean;
      worker?: boolean;
      untilEmpty?: boolean;
      concurrency?: number;
    }) => {
      if (options.worker === true) {
        if (options.enqueueOnly === true) throw new CommanderError(2, 'firstpass.usage', '--worker and --enqueue-only exclude each other');
        const { runWorkerCommand } = await import('./worker-command.js');
        process.exitCode = await runWorkerCommand({
          profilesDirectory: options.profiles,
          database: options.db,
          untilEmpty: options.untilEmpty === true,
          concurrency: options.concurrency,
          log: options.log,
          json: options.json === true,
        });
        return;
      }
      if (options.untilEmpty === true || options.concurrency !== undefined)
        throw new CommanderError(2, 'firstpass.usage', '--until-empty and --concurrency go with --worker');
      const { runRun } = await import('./run-command.js');
      process.exitCode = await runRun({
        inbox: options.inbox,
        ...invoiceChecks(options),
        database: options.db,
        log: options.log,
        json: options.json === true,
        settleSeconds: options.settle,
        enqueueOnly: options.enqueueOnly === true,
      });
    },
  );

program
  .command('resubmit')
  .description(
    'send corrected versions of rejected invoices: the same number with new content, or a new number that supersedes the rejected one',
  )
  .argument('[paths...]', 'corrected invoice files or folders', ['.'])
  .addOption(profilesOption())
  .addOption(purchaseOrdersOption())
  .addOption(todayOption())
  .addOption(databaseOption('database for submissions'))
  .option('--dry-run', 'check and render, say what would go where; send and record nothing')
  .option('--json', 'print one JSON document on stdout')
  .action(
    async (
      paths: string[],
      options: { profiles: string; pos?: string[]; today?: string; db: string; dryRun?: boolean; json?: boolean },
    ) => {
      const { runResubmit } = await import('./resubmit-command.js');
      process.exitCode = await runResubmit({
        paths,
        ...invoiceChecks(options),
        database: options.db,
        dryRun: options.dryRun === true,
        json: options.json === true,
      });
    },
  );

program
  .command('status')
  .description('every version, attempt, state and event of an invoice (or of the invoices recorded last)')
  .argument('[invoiceNumber]', 'an invoice number')
  .addOption(profilesOption('customer profiles folder (their acknowledgment deadlines say what is overdue)'))
  .addOption(databaseOption('database for submissions'))
  .option('--json', 'print one JSON document on stdout')
  .action(async (invoiceNumber: string | undefined, options: { db: string; profiles: string; json?: boolean }) => {
    const { runStatus } = await import('./status-command.js');
    process.exitCode = await runStatus({
      database: options.db,
      invoiceNumber,
      profilesDirectory: options.profiles,
      json: options.json === true,
    });
  });

program
  .command('acks')
  .description("collect customers' answers: ack files from SFTP ack folders, portal statuses; list overdue submissions")
  .addOption(profilesOption())
  .addOption(databaseOption('database for submissions'))
  .option('--json', 'print one JSON document on stdout')
  .action(async (options: { profiles: string; db: string; json?: boolean }) => {
    const { runAcks } = await import('./acks-command.js');
    process.exitCode = await runAcks({ profilesDirectory: options.profiles, database: options.db, json: options.json === true });
  });

program
  .command('ack')
  .description("record a customer's decision given by hand (an e-mail reply, a phone call) on the invoice's latest attempt")
  .argument('<invoiceNumber>', 'the invoice number')
  .addOption(new Option('--accepted', 'the customer accepted the invoice').conflicts('rejected'))
  .addOption(new Option('--rejected', 'the customer rejected the invoice').conflicts('accepted'))
  .option('--reason <text>', "the customer's words")
  .option('--code <code>', "the customer's rejection code")
  .option('--at <time>', 'when the customer answered: ISO 8601 with offset, e.g. 2026-12-07T09:30:00+01:00 (default: now)')
  .option('--customer <id>', 'the customer, when customers share the invoice number')
  .addOption(databaseOption('database for submissions'))
  .option('--json', 'print one JSON document on stdout')
  .action(
    async (
      invoiceNumber: string,
      options: {
        accepted?: boolean;
        rejected?: boolean;
        reason?: string;
        code?: string;
        at?: string;
        customer?: string;
        db: string;
        json?: boolean;
      },
    ) => {
      if (options.accepted !== true && options.rejected !== true)
        throw new CommanderError(2, 'firstpass.usage', 'ack needs --accepted or --rejected');
      const { runAck } = await import('./ack-command.js');
      process.exitCode = await runAck({
        database: options.db,
        invoiceNumber,
        decision: options.accepted === true ? 'accepted' : 'rejected',
        reason: options.reason,
        code: options.code,
        at: options.at,
        customer: options.customer,
        json: options.json === true,
      });
    },
  );

program
  .command('demo')
  .description('the whole flow against the local sandbox, in a workspace of its own: submit, answers, a lesson, a correction, the report')
  .action(async () => {
    const { runDemo } = await import('./demo-command.js');
    process.exitCode = await runDemo();
  });

program
  .command('sandbox')
  .description('run portal, SFTP and SMTP servers on this machine and a copy of the profiles pointed at them, until Ctrl-C')
  .option('--dir <dir>', 'folder for the profiles, secrets and what arrives; default: a new folder under the temp dir')
  .addOption(profilesOption('customer profiles folder to copy'))
  .addOption(purchaseOrdersOption("the buyer's purchase orders (files or folders): an invoice naming another PO is rejected"))
  .option('--decision-delay <ms>', 'how long the buyer takes to decide after receipt (default 0: at once)')
  .action(async (options: { dir?: string; profiles: string; pos?: string[]; decisionDelay?: string }) => {
    const { runSandbox } = await import('./sandbox-command.js');
    process.exitCode = await runSandbox({
      directory: options.dir,
      profilesDirectory: options.profiles,
      poPaths: options.pos ?? [],
      decisionDelay: options.decisionDelay,
    });
  });

program
  .command('report')
  .description('first-pass metrics: first-pass rate, held and rejection rates, time to acceptance, top reasons')
  .option('--from <date>', 'first date (YYYY-MM-DD, inclusive) of the first submissions counted')
  .option('--to <date>', 'last date (YYYY-MM-DD, inclusive)')
  .option('--tz <zone>', 'time zone of --from/--to and of months (IANA name)', 'UTC')
  .addOption(new Option('--by <grouping>', 'one line per group').choices(['customer', 'channel', 'month', 'rule']))
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json', 'html']).default('table'))
  .option('--out <file>', 'write the report to this file (atomically) instead of stdout')
  .option('--profiles <dir>', 'customer profiles folder (acknowledgment deadlines, for overdue)')
  .addOption(databaseOption('database of submissions'))
  .action(
    async (options: {
      from?: string;
      to?: string;
      tz: string;
      by?: 'customer' | 'channel' | 'month' | 'rule';
      format: 'table' | 'csv' | 'json' | 'html';
      out?: string;
      profiles?: string;
      db: string;
    }) => {
      const { runReport } = await import('./report-command.js');
      process.exitCode = await runReport({
        database: options.db,
        profilesDirectory: options.profiles ?? './customer-profiles',
        profilesGiven: options.profiles !== undefined,
        from: options.from,
        to: options.to,
        timeZone: options.tz,
        by: options.by,
        format: options.format,
        out: options.out,
      });
    },
  );

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
  .addOption(profilesOption())
  .option('--json', 'print one JSON document on stdout')
  .action(async (id: string, options: { profiles: string; json?: boolean }) => {
    const { runProfilesShow } = await import('./profiles-command.js');
    process.exitCode = await runProfilesShow(options.profiles, id, options.json === true);
  });

profiles
  .command('suggest')
  .description("the rules that would have held this customer's rejected invoices, proven on the stored versions, with the profile diff")
  .argument('<customerId>', 'customer id')
  .addOption(profilesOption())
  .addOption(purchaseOrdersOption('purchase order files or folders (to prove rules that read the PO)'))
  .addOption(databaseOption('database for submissions'))
  .option('--json', 'print one JSON document on stdout')
  .action(async (customerId: string, options: { profiles: string; pos?: string[]; db: string; json?: boolean }) => {
    const { runProfilesSuggest } = await import('./profiles-command.js');
    process.exitCode = await runProfilesSuggest({
      customerId,
      profilesDirectory: options.profiles,
      poPaths: options.pos,
      database: options.db,
      json: options.json === true,
    });
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

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pc from 'picocolors';
import { validateInvoiceBatches, type InvoiceResult } from '../pipeline/validate-invoices.js';
import { printable, printableJson } from './printable.js';

export interface ValidateCommandOptions {
  readonly paths: readonly string[];
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  readonly today: string;
  readonly json: boolean;
  readonly evaluator: 'compiled' | 'engine';
}

type Finding = InvoiceResult['findings'][number];

interface Summary {
  total: number;
  passed: number;
  failed: number;
  warnings: number;
}

/**
 * `firstpass validate`: text grouped by invoice (coloured on a terminal), or with --json one
 * document. Text is written as each invoice is checked; JSON is printed whole at the end, so
 * a run that stops on bad input leaves no half document on stdout.
 */
export async function runValidate(options: ValidateCommandOptions): Promise<number> {
  const summary: Summary = { total: 0, passed: 0, failed: 0, warnings: 0 };
  const out = new BufferedWriter();
  const spool = options.json ? await JsonSpool.open() : undefined;
  try {
    for await (const results of validateInvoiceBatches(options)) {
      for (const result of results) {
        summary.total += 1;
        if (result.ok) summary.passed += 1;
        else summary.failed += 1;
        for (const finding of result.findings) if (finding.severity === 'warning') summary.warnings += 1;
        if (spool)
          spool.add({
            file: result.file,
            ...(result.line !== undefined ? { line: result.line } : {}),
            index: result.index,
            invoiceNumber: result.invoiceNumber,
            customerId: result.customerId,
            ok: result.ok,
            findings: result.findings,
          });
        else out.write(describeResult(result));
      }
      // Once per batch, not per invoice: waiting for a slow reader of stdout (or disk) here keeps memory flat.
      await (spool ?? out).drained();
    }
    if (spool) await spool.copyTo(process.stdout, summary);
    else out.write(describeSummary(summary));
    await out.flush();
  } finally {
    await spool?.discard();
  }
  return summary.failed > 0 ? 1 : 0;
}

/**
 * The --json document is one JSON document, printed only when the run completes (a run that
 * stops on bad input leaves nothing on stdout). The invoices' entries wait in a temporary file
 * rather than in memory, so memory stays flat however many invoices there are.
 */
class JsonSpool {
  private count = 0;
  private full = false;

  private constructor(
    private readonly directory: string,
    private readonly file: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(): Promise<JsonSpool> {
    const directory = await mkdtemp(join(tmpdir(), 'firstpass-validate-'));
    const file = join(directory, 'invoices.json');
    return new JsonSpool(directory, file, createWriteStream(file));
  }

  add(entry: unknown): void {
    const text = `${this.count === 0 ? '' : ',\n'}    ${printableJson(JSON.stringify(entry))}`;
    this.count += 1;
    if (!this.stream.write(text)) this.full = true;
  }

  /** Resolves when the file has taken what was added (at once unless the stream asked to wait). */
  async drained(): Promise<void> {
    if (!this.full) return;
    this.full = false;
    await once(this.stream, 'drain');
  }

  async copyTo(target: NodeJS.WritableStream, summary: Summary): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const write = async (text: string) => {
      if (!target.write(text)) await once(target, 'drain');
    };
    await write('{\n  "invoices": [\n');
    await pipeline(createReadStream(this.file), target, { end: false });
    await write(`${this.count === 0 ? '' : '\n'}  ],\n  "summary": ${JSON.stringify(summary)}\n}\n`);
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.directory, { recursive: true, force: true });
  }
}

function describeResult(result: InvoiceResult): string {
  const where = printable(result.line !== undefined ? `${result.file}:${result.line}` : result.file);
  const mark = result.ok ? (result.findings.length > 0 ? pc.yellow('!') : pc.green('✓')) : pc.red('✗');
  let text = `${mark} ${pc.bold(printable(result.invoiceNumber))} ${pc.dim(`(${printable(result.customerId)})`)} ${pc.dim(where)}\n`;
  for (const finding of result.findings) text += describeFinding(finding);
  return text;
}

function describeFinding(finding: Finding): string {
  const severity = finding.severity === 'error' ? pc.red('error  ') : pc.yellow('warning');
  return `    ${severity} ${pc.cyan(printable(finding.rule))} ${pc.dim(printable(finding.path || '/'))}\n            ${printable(finding.message)}\n`;
}

function describeSummary(summary: Summary): string {
  const failed = summary.failed > 0 ? pc.red(`${summary.failed} failed`) : `${summary.failed} failed`;
  return `\n${summary.total} invoice${summary.total === 1 ? '' : 's'}: ${pc.green(`${summary.passed} passed`)}, ${failed}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}\n`;
}

/** Collects output into large writes: one write per invoice would dominate a big batch. */
class BufferedWriter {
  private pending: string[] = [];
  private size = 0;

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
  }

  /** Writes what has collected once it is large, waiting if stdout asks to. */
  async drained(): Promise<void> {
    if (this.size > 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.size = 0;
    if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

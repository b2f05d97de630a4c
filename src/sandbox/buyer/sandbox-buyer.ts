import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ReceivedRequest } from '../portal-server.js';
import { type BuyerCustomer, BuyerChecks, type Judgement } from './buyer-checks.js';
import { ControlNumbers } from './control-numbers.js';
import { type CodeSystem, type DecisionCode, decisionCode, portalCodeSystem } from './decision-codes.js';
import type { Envelope, ReadResult } from './document-reader.js';
import { applicationErrorAndAcknowledgement, syntaxReport } from './edifact-answers.js';
import type { PortalDecision } from './portal-status.js';
import { readerFor } from './readers/index.js';
import { applicationAdvice, functionalAcknowledgment } from './x12-answers.js';

/**
 * The sandbox's buyer: judges what arrives (SFTP files in a customer's remoteDir, portal
 * submissions to a customer's address) and answers as the answers protocol says: a 997 or
 * CONTRL in the customer's ackDir on receipt, then an 824 or APERAK with the decision; portal
 * decisions through the status endpoints. Decisions come `decisionDelayMs` after receipt.
 */

export interface BuyerCustomerSettings extends BuyerCustomer {
  /** The profile's format (x12-810, edifact-invoic, ubl, cxml, pdf). */
  readonly format: string | undefined;
  /** SFTP folders as the client names them (`/inbound/810`); undefined for other channels. */
  readonly remoteDir?: string | undefined;
  readonly ackDir?: string | undefined;
}

export interface SandboxBuyerOptions {
  readonly customers: readonly BuyerCustomerSettings[];
  readonly purchaseOrders: Iterable<{ readonly customerId: string; readonly poNumber: string }>;
  /** The SFTP server's folder on disk (its `/`), where answers are put into ackDirs. */
  readonly sftpRoot: string;
  /** How long after receipt the decision is known (default 0: at once). */
  readonly decisionDelayMs?: number;
  /**
   * A folder on disk outside the SFTP root: each file arriving in a customer's remoteDir is moved
   * here (under its remoteDir), as a buyer's translator picks files up, so the same name may come
   * again (a corrected invoice). Undefined: files stay where they arrived.
   */
  readonly pickedUpFolder?: string | undefined;
}

/** One document the buyer judged, and the answers it put in the ackDir (file names). */
export interface BuyerRecord {
  readonly channel: 'sftp' | 'portal';
  /** The SFTP path, or the portal reference. */
  readonly where: string;
  readonly judgement: Judgement;
  readonly answers: string[];
}

/** Who an unknown portal address's submissions belong to: no POs, coupa's codes. */
const UNKNOWN_CUSTOMER: BuyerCustomerSettings = { id: '', rejectionCodes: undefined, format: undefined };

function folder(path: string): string {
  return posix.normalize(`/${path}`).replace(/\/+$/, '') || '/';
}

export class SandboxBuyer {
  readonly records: BuyerRecord[] = [];
  /** What writing a delayed decision threw (an ackDir gone, a full disk), oldest first. */
  readonly faults: unknown[] = [];
  private readonly checks: BuyerChecks;
  private readonly controls = new ControlNumbers();
  private readonly delay: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly portal = new Map<
    string,
    { decision: Omit<PortalDecision, 'decided' | 'updatedAt'>; receivedAt: number; decided: PortalDecision['decided'] }
  >();

  constructor(private readonly options: SandboxBuyerOptions) {
    this.checks = new BuyerChecks(options.purchaseOrders);
    this.delay = Math.max(0, options.decisionDelayMs ?? 0);
  }

  /** A file that arrived on the SFTP server; judged when it lies in a customer's remoteDir and is a document of its format. */
  async sftpFileArrived(path: string, content: Buffer): Promise<void> {
    const directory = folder(posix.dirname(path));
    const customer = this.options.customers.find(
      (candidate) => candidate.remoteDir !== undefined && folder(candidate.remoteDir) === directory,
    );
    if (customer === undefined) return;
    await this.pickUp(path);
    const reader = readerFor(content, customer.format);
    if (reader === undefined) return;
    const judgement = this.checks.judge(customer, content, reader.read(content));
    const record: BuyerRecord = { channel: 'sftp', where: path, judgement, answers: [] };
    this.records.push(record);
    if (customer.ackDir === undefined) return;
    const ackDir = join(this.options.sftpRoot, ...folder(customer.ackDir).split('/').filter(Boolean));
    const envelope = judgement.read.ok ? judgement.read.invoice.envelope : judgement.read.envelope;
    if (envelope === undefined) return;
    const edi = reader.format === 'x12-810' ? 'x12' : reader.format === 'edifact-invoic' ? 'edifact' : undefined;
    if (edi === undefined) return;
    const encoding = /^UNO[WY]/.test(envelope.syntax) ? 'utf8' : 'latin1';
    await this.answer(record, ackDir, edi === 'x12' ? '997' : 'CONTRL', {
      ...this.technicalAnswer(edi, envelope, judgement.read),
      encoding,
    });
    if (!judgement.read.ok) return;
    const invoiceNumber = judgement.read.invoice.invoiceNumber;
    const decide = async () => {
      const rejection = this.rejection(edi === 'x12' ? 'x12-824' : 'edifact-aperak', judgement);
      const control = this.controls.next();
      const context = { received: envelope, control, at: new Date() };
      const text =
        edi === 'x12'
          ? applicationAdvice(context, { invoiceNumber, rejection })
          : applicationErrorAndAcknowledgement(context, invoiceNumber, rejection);
      await this.answer(record, ackDir, edi === 'x12' ? '824' : 'APERAK', { control, text, encoding });
    };
    if (this.delay === 0) await decide();
    else this.later(decide);
  }

  /** A submission the portal took. */
  portalReceived(request: ReceivedRequest): void {
    const customer = this.options.customers.find((candidate) => candidate.id === request.customer) ?? UNKNOWN_CUSTOMER;
    const content = request.parts[0]?.content ?? Buffer.alloc(0);
    const reader = readerFor(content, customer.format) ?? readerFor(content);
    const read: ReadResult = reader?.read(content) ?? { ok: false, reason: 'not an invoice document the buyer reads', envelope: undefined };
    const judgement = this.checks.judge(customer, content, read);
    this.records.push({ channel: 'portal', where: request.reference, judgement, answers: [] });
    const rejection = this.rejection(portalCodeSystem(customer.rejectionCodes), judgement);
    this.portal.set(`${request.flavor}\u0000${request.reference}`, {
      decision: { reference: request.reference, parties: read.ok ? read.invoice.parties : undefined },
      receivedAt: Date.now(),
      decided: { rejection, reason: judgement.detail },
    });
  }

  /** The decision on a portal reference as the status endpoints give it; undefined: never received. */
  portalStatus(flavor: 'cxml' | 'rest', reference: string): PortalDecision | undefined {
    const entry = this.portal.get(`${flavor}\u0000${reference}`);
    if (entry === undefined) return undefined;
    const decidedAt = entry.receivedAt + this.delay;
    const decided = Date.now() >= decidedAt ? entry.decided : undefined;
    return { ...entry.decision, decided, updatedAt: new Date(decided === undefined ? entry.receivedAt : decidedAt) };
  }

  /** Moves an arrived file out of the served folder into pickedUpFolder (a name taken there gets a number). */
  private async pickUp(path: string): Promise<void> {
    if (this.options.pickedUpFolder === undefined) return;
    const parts = folder(path).split('/').filter(Boolean);
    const target = join(this.options.pickedUpFolder, ...parts.slice(0, -1));
    await mkdir(target, { recursive: true });
    const name = parts.at(-1) ?? 'file';
    for (let copy = 0; ; copy += 1) {
      const destination = join(target, copy === 0 ? name : `${name}.${copy}`);
      // link fails on a name taken, where rename would replace it.
      const linked = await link(join(this.options.sftpRoot, ...parts), destination).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return false;
          throw error;
        },
      );
      if (linked) break;
    }
    await unlink(join(this.options.sftpRoot, ...parts));
  }

  /** Decisions not yet written are dropped. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private rejection(system: CodeSystem, judgement: Judgement): DecisionCode | undefined {
    return judgement.failed === undefined ? undefined : decisionCode(system, judgement.failed);
  }

  private technicalAnswer(edi: 'x12' | 'edifact', envelope: Envelope, read: ReadResult): { control: number; text: string } {
    const control = this.controls.next();
    const context = { received: envelope, control, at: new Date() };
    if (edi === 'x12') return { control, text: functionalAcknowledgment(context, read.ok) };
    // 0085 syntax error codes: 21 invalid character, 12 invalid value.
    const error = read.ok ? undefined : /invalid character/i.test(read.reason) ? '21' : '12';
    return { control, text: syntaxReport(context, read.ok, error) };
  }

  private later(work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error: unknown) => this.faults.push(error));
    }, this.delay);
    this.timers.add(timer);
  }

  /** Put an answer into the ackDir under a dot name, then its final `<kind>_<control>-<random>.<ext>` name, so a reader never sees half a file. */
  private async answer(
    record: BuyerRecord,
    ackDir: string,
    kind: string,
    answer: { control: number; text: string; encoding: 'utf8' | 'latin1' },
  ): Promise<void> {
    await mkdir(ackDir, { recursive: true });
    const extension = kind === '997' || kind === '824' ? 'x12' : 'edi';
    const name = `${kind}_${String(answer.control).padStart(9, '0')}-${randomBytes(3).toString('hex')}.${extension}`;
    const temporary = join(ackDir, `.${name}.tmp`);
    await writeFile(temporary, answer.text, answer.encoding);
    await rename(temporary, join(ackDir, name));
    record.answers.push(name);
  }
}

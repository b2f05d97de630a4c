import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CHANNELS,
  ChannelError,
  SharedConnections,
  secretReader,
  type DeliveryFile,
  type OpenChannel,
  type SendResult,
} from '../channels/index.js';
import type { ControlNumbers } from '../model/control-numbers.js';
import { FirstpassError, InputError, RenderError } from '../model/errors.js';
import type { DocumentSource, Invoice, PurchaseOrder } from '../model/invoice.js';
import { KeyedLimiter } from '../model/keyed-limiter.js';
import { readAllDocuments } from '../io/read-documents.js';
import { ProfileLibrary, type CustomerProfile } from '../profiles/index.js';
import { FORMATS, renderDocument, type FormatName } from '../render/index.js';
import type { Finding } from '../rules/index.js';
import {
  BLOCKING_STATES,
  contentHashOf,
  openStore,
  openStoreToRead,
  type ClaimOptions,
  prepareDefaultStore,
  type InvoiceVersion,
  type RenderedDocument,
  type Store,
  type StoredDocument,
  type Submission,
  type SubmissionHistory,
  type SubmissionState,
} from '../store/index.js';
import { loadPurchaseOrders, profileFor, purchaseOrderKey } from './inputs.js';
import { numbersTakenBefore } from './numbers-taken.js';
import { resolveAttachment, validateInvoices, type InvoiceResult } from './validate-invoices.js';

/**
 * `firstpass submit`: plan, then apply. The plan reads and validates every invoice, renders each
 * passing one once with placeholder control numbers and reads its attachments: whatever stops
 * one invoice (a finding, a document its format cannot carry, a channel not built yet) holds
 * that invoice and the rest goes on; bad input stops the run before anything is recorded.
 * Apply records each invoice's version (the same content again is the same version), stores the
 * document with its real control numbers before any byte leaves (a later retry sends those same
 * bytes), claims the version (committed `sending`: never sent twice) and sends it through the
 * customer's channel, recording what came back. Several invoices are applied at once, within
 * limits: the run's (`concurrency`), each channel type's and each customer's (the profile's
 * `channel.maxConcurrent`, else the channel's default); results come as they settle.
 */

export interface SubmitOptions {
  readonly paths: readonly string[];
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  /** Today, YYYY-MM-DD: the date rules compare with. */
  readonly today: string;
  /** sqlite:<file> or postgres://… */
  readonly database: string;
  /** Validate and render only: say what would go where, send and record nothing. */
  readonly dryRun?: boolean | undefined;
  /** Where `{ env }` secrets are read from. Default: this process's environment. */
  readonly environment?: NodeJS.ProcessEnv | undefined;
  /** Told each invoice's outcome as it is settled (for a line per invoice). */
  readonly onResult?: ((result: SubmitResult) => void) | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** The clock: injectable for tests. */
  readonly now?: (() => Date) | undefined;
  /** Milliseconds a single network step may take. Default 30,000. */
  readonly timeoutMs?: number | undefined;
  /**
   * Invoice numbers whose `unknown` attempt a person checked with the customer (it did not
   * arrive): only these are sent again; every other unknown version stays unsent.
   */
  readonly resendUnknown?: readonly string[] | undefined;
  /**
   * Why an invoice must not go at all, judged over the store's history once the input is read
   * (`submit`: it supersedes an invoice still live; `resubmit`: it corrects no rejected invoice):
   * a refused invoice is held with that reason and nothing of it is recorded.
   */
  readonly refusals?: Refusals | undefined;
  /** Invoices worked on at once in the whole run (store, render, send). Default 16. */
  readonly concurrency?: number | undefined;
  /** Sends in flight at once per channel type, over the channels' defaults: e.g. `{ portal: 4 }`. */
  readonly channelConcurrency?: Readonly<Record<string, number>> | undefined;
  /**
   * Record each invoice as a `queued` attempt with its document (real control numbers) and
   * attachments, and send nothing: `firstpass run --worker` processes send it (drain-queue.ts).
   */
  readonly enqueueOnly?: boolean | undefined;
}

/** What sending needs of the options: a worker, which plans nothing, gives only these. */
export type SendOptions = Pick<
  SubmitOptions,
  'profilesDirectory' | 'environment' | 'retry' | 'timeoutMs' | 'resendUnknown' | 'concurrency' | 'channelConcurrency' | 'onResult'
>;

/** Transient failures are retried a bounded number of times, waiting longer each time, with jitter. */
export interface RetryPolicy {
  /** Sends of one document in one run, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  readonly random: () => number;
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => delay(ms),
  random: Math.random,
};

/**
 * - held: not sent (a finding, a format or channel problem): `reason`;
 * - sent / rejected: the recipient's answer this run;
 * - unchanged: this version was sent (or is in flight, or unknown) already: nothing sent now;
 * - unknown: the send broke off after bytes may have left: a person must check;
 * - failed: the channel stayed unreachable after the retries (the attempt is queued again);
 * - stopped: the channel refused our configuration or credentials: this customer's sends stop;
 * - would-send: --dry-run;
 * - queued: recorded with its document for the workers to send (enqueueOnly).
 */
export type SubmitOutcome = 'held' | 'sent' | 'rejected' | 'unchanged' | 'unknown' | 'failed' | 'stopped' | 'would-send' | 'queued';

export interface SubmitResult {
  readonly file: string;
  readonly line?: number;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly outcome: SubmitOutcome;
  /** The profile's channel type. */
  readonly channel: string;
  readonly format: string;
  /** Host, folder, address or URL the document goes to: never a secret. */
  readonly destination: string;
  readonly fileName?: string;
  readonly reason?: string;
  readonly findings?: readonly Finding[];
  /** The recipient's reference (sent, or sent earlier for `unchanged`). */
  readonly reference?: string;
  readonly code?: string;
  readonly text?: string;
  /** The version's state in the store, for `unchanged`. */
  readonly state?: SubmissionState;
  readonly versionId?: number;
  /** This content was seen for the first time in this run. */
  readonly newVersion?: boolean;
}

/** An invoice as read, with its customer's profile. */
export interface ReadInvoice {
  readonly invoice: Invoice;
  readonly source: DocumentSource;
  readonly profile: CustomerProfile;
}

/** Reads what it needs of the store about the invoices of a run, and says which must not go, and why. */
export type Refusals = (
  store: Store,
  invoices: readonly ReadInvoice[],
) => Promise<(invoice: Invoice, source: DocumentSource) => string | undefined>;

/** What the store says of a run's invoices before they are validated. */
interface StoreVerdicts {
  /** The duplicate-invoice-number rule's word: a number taken by a version sent with other content. */
  readonly submitted: (invoice: Invoice) => string | undefined;
  readonly refuse: ((invoice: Invoice, source: DocumentSource) => string | undefined) | undefined;
}

export interface SubmitReport {
  readonly results: readonly SubmitResult[];
  readonly dryRun: boolean;
}

export interface PlannedInvoice {
  readonly invoice: Invoice;
  readonly source: DocumentSource;
  readonly profile: CustomerProfile;
  readonly format: FormatName;
  readonly purchaseOrder: PurchaseOrder | undefined;
  readonly destination: string;
  readonly fileName: string | undefined;
  readonly hold: { readonly reason: string; readonly findings?: readonly Finding[]; readonly refused?: boolean } | undefined;
  readonly attachments: readonly DeliveryFile[];
  /** The plan's render, sent as it is when the format writes no control numbers (else rendered again with real ones). */
  readonly rendered?: RenderedDocument | undefined;
}

const PLACEHOLDER_NUMBERS: ControlNumbers = { interchange: 1, group: 1, transaction: 1 };
const DEFAULT_CONCURRENCY = 16;
/** Invoices of one customer prepared (recorded, numbered, rendered) while its sends are in flight, at least. */
const LOOKAHEAD = 8;
/** An attempt left in `sending` this long ago was left by a run that died: it becomes `unknown`. */
const STALE_SENDING_MS = 60 * 60_000;

export async function submitInvoices(options: SubmitOptions): Promise<SubmitReport> {
  const now = options.now ?? (() => new Date());
  let opened: Store | undefined;
  // The store is opened once the input has been read (bad input writes nothing), before validation
  // needs it. A dry run reads the history too, so that it says what the real run would, but creates no store.
  const readStore = async (invoices: readonly ReadInvoice[]): Promise<StoreVerdicts> => {
    if (options.dryRun === true) opened = await openStoreToRead(options.database);
    else {
      await prepareDefaultStore(options.database);
      opened = await openStore(options.database);
    }
    return {
      submitted: await numbersTakenBefore(
        opened,
        invoices.map((entry) => entry.invoice),
      ),
      refuse: await options.refusals?.(opened, invoices),
    };
  };
  let plan: PlannedInvoice[];
  try {
    plan = await planSubmissions(options, now().toISOString(), readStore);
  } catch (error) {
    await opened?.close();
    throw error;
  }
  if (opened === undefined) throw new FirstpassError('INTERNAL', 'pipeline', 'the plan was made without reading the store');
  if (options.dryRun === true) {
    try {
      return { results: await previewSends(opened, plan, options), dryRun: true };
    } finally {
      await opened.close();
    }
  }
  const store = opened;
  const run = new SubmitRun(store, options, now);
  try {
    await store.submissions.recoverInterrupted(new Date(now().getTime() - STALE_SENDING_MS), {
      at: now(),
      source: 'recovery',
      detail: { reason: 'left in sending by an earlier run that did not finish: the document may or may not have arrived' },
    });
    return { results: await run.applyAll(plan), dryRun: false };
  } finally {
    try {
      await run.close();
    } finally {
      await store.close();
    }
  }
}

/** Read, validate, render once and read attachments: everything an invoice can be held for shows here. */
async function planSubmissions(
  options: SubmitOptions,
  now: string,
  readStore: (invoices: readonly ReadInvoice[]) => Promise<StoreVerdicts>,
): Promise<PlannedInvoice[]> {
  const documents = await readAllDocuments(options.paths, 'invoice');
  const profiles = new ProfileLibrary(options.profilesDirectory);
  // Every invoice's profile and the purchase orders are read before the store opens: their faults are bad input.
  const invoices: ReadInvoice[] = [];
  for (const { document: invoice, source } of documents)
    invoices.push({ invoice, source, profile: (await profileFor(profiles, invoice, source)).profile });
  const orders = await loadPurchaseOrders(options.poPaths ?? []);
  const { submitted, refuse } = await readStore(invoices);
  const validated = new Map<string, InvoiceResult>();
  for await (const result of validateInvoices({ ...options, submitted, read: { invoices: documents, purchaseOrders: orders } }))
    validated.set(sourceKey(result.file, result.index), result);
  const plan: PlannedInvoice[] = [];
  for (const { document: invoice, source } of documents) {
    const checked = validated.get(sourceKey(source.file, source.index));
    if (checked === undefined)
      throw new FirstpassError('INTERNAL', 'pipeline', `invoice ${invoice.invoiceNumber} in ${source.file} was read but not validated`);
    const { profile } = await profileFor(profiles, invoice, source);
    const base = {
      invoice,
      source,
      profile,
      format: profile.format.type,
      purchaseOrder: invoice.poNumber !== undefined ? orders.get(purchaseOrderKey(invoice.customerId, invoice.poNumber)) : undefined,
      destination: destinationOf(profile.channel as Readonly<Record<string, unknown>>),
    };
    const hold = (reason: string, findings?: readonly Finding[], fileName?: string): PlannedInvoice => ({
      ...base,
      fileName,
      attachments: [],
      hold: findings === undefined ? { reason } : { reason, findings },
    });
    const refused = refuse?.(invoice, source);
    if (refused !== undefined) {
      plan.push({ ...base, fileName: undefined, attachments: [], hold: { reason: refused, refused: true } });
      continue;
    }
    if (!checked.ok) {
      const first = checked.findings.find((finding) => finding.severity === 'error') ?? checked.findings[0];
      plan.push(hold(first ? `${first.rule}: ${first.message}` : 'validation failed', checked.findings));
      continue;
    }
    let rendered: RenderedDocument;
    try {
      rendered = bytesOf(await renderDocument({ ...base, now, controlNumbers: PLACEHOLDER_NUMBERS }));
    } catch (error) {
      // The format cannot carry this invoice: it is held, the others go on.
      if (error instanceof RenderError || error instanceof InputError) {
        plan.push(hold(`cannot be written as ${base.format}: ${error.message}`));
        continue;
      }
      throw error;
    }
    const { fileName } = rendered;
    if (!CHANNELS.has(profile.channel.type)) {
      plan.push(hold(`channel ${profile.channel.type} is not available yet`, undefined, fileName));
      continue;
    }
    const attachments = await readAttachments(invoice, source.file);
    if (typeof attachments === 'string') {
      plan.push(hold(attachments, undefined, fileName));
      continue;
    }
    const final = FORMATS[base.format].controlNumbers.length === 0 ? { rendered } : {};
    plan.push({ ...base, fileName, attachments, hold: undefined, ...final });
  }
  return plan;
}

function bytesOf(rendered: { fileName: string; mediaType: string; content: string | Uint8Array }): RenderedDocument {
  const { content } = rendered;
  return {
    fileName: rendered.fileName,
    mediaType: rendered.mediaType,
    content: typeof content === 'string' ? new Uint8Array(Buffer.from(content, 'utf8')) : content,
  };
}

function sourceKey(file: string, index: number): string {
  return `${index}\u0000${file}`;
}

/** The invoice's attachment files (named relative to the invoice file, as validate reads them), or why one cannot be sent. */
async function readAttachments(invoice: Invoice, invoiceFile: string): Promise<DeliveryFile[] | string> {
  const files: DeliveryFile[] = [];
  for (const attachment of invoice.attachments ?? []) {
    const path = resolveAttachment(invoiceFile, attachment.file);
    if (path === undefined) return `attachment ${attachment.file} is outside the invoice's folder`;
    try {
      const content = await readFile(path);
      files.push({ fileName: baseName(attachment.file), mediaType: mediaTypeOf(attachment.file), content: new Uint8Array(content) });
    } catch (cause) {
      return `attachment ${attachment.file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`;
    }
  }
  return files;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

const MEDIA_TYPES = new Map<string, string>([
  ['.pdf', 'application/pdf'],
  ['.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['.csv', 'text/csv'],
  ['.txt', 'text/plain'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.xml', 'application/xml'],
]);

function mediaTypeOf(file: string): string {
  return MEDIA_TYPES.get(extname(file).toLowerCase()) ?? 'application/octet-stream';
}

/** Where a channel delivers, from the settings that are never secret. */
function destinationOf(channel: Readonly<Record<string, unknown>>): string {
  const text = (key: string): string | undefined => {
    const value = Object.hasOwn(channel, key) ? channel[key] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  if (channel.type === 'sftp') {
    const port = text('port');
    return `sftp://${text('host') ?? '?'}${port !== undefined ? `:${port}` : ''}${text('remoteDir') ?? '/'}`;
  }
  if (channel.type === 'email') {
    const smtp = (Object.hasOwn(channel, 'smtp') ? channel.smtp : undefined) as Record<string, unknown> | undefined;
    const host = smtp !== undefined && typeof smtp.host === 'string' ? ` via ${smtp.host}` : '';
    const to = channel.to;
    return `mailto:${Array.isArray(to) ? to.join(',') : (text('to') ?? '?')}${host}`;
  }
  return text('url') ?? text('host') ?? String(channel.type);
}

/**
 * --dry-run: what the real run would do with each planned invoice, from the store as it is: held,
 * unchanged (this very version went out, is in flight or unknown, or was answered) or would-send.
 */
async function previewSends(store: Store, plan: readonly PlannedInvoice[], options: SubmitOptions): Promise<SubmitResult[]> {
  const resendUnknown = new Set(options.resendUnknown ?? []);
  const results: SubmitResult[] = [];
  for (const planned of plan) {
    const result = planned.hold ? heldResult(planned) : await previewSend(store, planned, resendUnknown.has(planned.invoice.invoiceNumber));
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}

async function previewSend(store: Store, planned: PlannedInvoice, resendUnknown: boolean): Promise<SubmitResult> {
  const { invoice } = planned;
  const contentHash = contentHashOf(invoice);
  const version = (await store.submissions.history(invoice.invoiceNumber, invoice.customerId)).find(
    (entry) => entry.version.contentHash === contentHash,
  );
  const earlier = version?.submissions.find((attempt) => blocks(attempt.submission.state, resendUnknown));
  if (version === undefined || earlier === undefined) return { ...baseResult(planned), outcome: 'would-send' };
  return {
    ...baseResult(planned),
    outcome: 'unchanged',
    versionId: version.version.id,
    state: earlier.submission.state,
    ...referenceOf(earlier),
  };
}

function baseResult(planned: PlannedInvoice) {
  return {
    file: planned.source.file,
    ...(planned.source.line !== undefined ? { line: planned.source.line } : {}),
    invoiceNumber: planned.invoice.invoiceNumber,
    customerId: planned.invoice.customerId,
    channel: planned.profile.channel.type,
    format: planned.format,
    destination: planned.destination,
    ...(planned.fileName !== undefined ? { fileName: planned.fileName } : {}),
  };
}

function heldResult(planned: PlannedInvoice, versionId?: number, newVersion = false): SubmitResult {
  return {
    ...baseResult(planned),
    outcome: 'held',
    reason: planned.hold?.reason ?? '',
    ...(planned.hold?.findings !== undefined ? { findings: planned.hold.findings } : {}),
    ...(versionId !== undefined ? { versionId, newVersion } : {}),
  };
}

/** A queued attempt a worker leased, as the plan it was enqueued from: everything it needs is in the store. */
export function queuedPlan(
  invoice: Invoice,
  profile: CustomerProfile,
  submissionId: number,
  document: StoredDocument,
  attachments: readonly DeliveryFile[],
): PlannedInvoice {
  return {
    invoice,
    source: { file: `queued submission ${submissionId}`, index: 0 },
    profile,
    format: profile.format.type,
    purchaseOrder: undefined,
    destination: destinationOf(profile.channel as Readonly<Record<string, unknown>>),
    fileName: document.fileName,
    hold: undefined,
    attachments,
  };
}

/** One run's sends: its open channels (one per customer), its limits, and the customers whose sends stopped. */
export class SubmitRun {
  private readonly channels = new Map<string, OpenChannel>();
  /** Connections the customers of this run share (one SFTP connection per host and login). */
  private readonly connections = new SharedConnections();
  /** Customer → why their sends stopped (the channel refused our configuration or credentials). */
  private readonly stopped = new Map<string, string>();
  private readonly retry: RetryPolicy;
  private readonly secret: (reference: unknown, what: string) => Promise<string>;
  private readonly resendUnknown: ReadonlySet<string>;
  /** Each customer's sends in flight at most, by profile id. */
  private readonly sendLimits = new Map<string, number>();
  private readonly limiter = new KeyedLimiter((key) => this.limitOf(key));

  constructor(
    private readonly store: Store,
    private readonly options: SendOptions & Pick<SubmitOptions, 'enqueueOnly'>,
    private readonly now: () => Date,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.secret = secretReader(options.profilesDirectory, options.environment ?? process.env);
    this.resendUnknown = new Set(options.resendUnknown ?? []);
  }

  /**
   * Every planned invoice, several at once; each result is told as it settles and the report
   * keeps the plan's order. A fault stops new work; what is in flight ends and is recorded first.
   */
  async applyAll(plan: readonly PlannedInvoice[]): Promise<SubmitResult[]> {
    for (const planned of plan) this.sendLimits.set(planned.profile.id, sendLimitOf(planned.profile));
    const results: (SubmitResult | undefined)[] = new Array(plan.length);
    let fault: { readonly error: unknown } | undefined;
    await Promise.all(
      plan.map((planned, index) =>
        // A customer works on its sends in flight and a few more being prepared, so one customer cannot take every slot of the run.
        this.limiter.run([`work:${planned.profile.id}`, 'run'], async () => {
          if (fault) return;
          try {
            const result = await this.apply(planned);
            results[index] = result;
            this.options.onResult?.(result);
          } catch (error) {
            fault ??= { error };
          }
        }),
      ),
    );
    if (fault) throw fault.error;
    return results.filter((result): result is SubmitResult => result !== undefined);
  }

  private limitOf(key: string): number {
    const [kind, name = ''] = splitKey(key);
    if (kind === 'run') return this.options.concurrency ?? DEFAULT_CONCURRENCY;
    if (kind === 'channel') return this.options.channelConcurrency?.[name] ?? CHANNELS.get(name)?.limits.perType ?? 1;
    const perCustomer = this.sendLimits.get(name) ?? 1;
    return kind === 'work' ? perCustomer + Math.max(perCustomer, LOOKAHEAD) : perCustomer;
  }

  async apply(planned: PlannedInvoice): Promise<SubmitResult> {
    if (planned.hold?.refused === true) return heldResult(planned);
    const submissions = this.store.submissions;
    const { version, created } = await submissions.recordVersion({
      customer: planned.invoice.customerId,
      invoiceNumber: planned.invoice.invoiceNumber,
      invoice: planned.invoice,
      ...(planned.invoice.supersedes !== undefined ? { supersedes: planned.invoice.supersedes } : {}),
      at: this.now(),
    });
    // A version recorded just now has no attempts: no need to read them.
    const attempts = created
      ? []
      : ((await submissions.history(version.invoiceNumber, version.customer)).find((entry) => entry.version.id === version.id)
          ?.submissions ?? []);
    const base = { ...baseResult(planned), versionId: version.id, newVersion: created };
    if (planned.hold) {
      // A rerun of the same held content adds nothing: its last attempt already says held.
      if (attempts.at(-1)?.submission.state !== 'held') {
        await submissions.createSubmission(version.id, 'held', {
          channel: 'none',
          format: planned.format,
          at: this.now(),
          source: 'submit',
          detail: { reason: planned.hold.reason, ...(planned.hold.findings ? { findings: planned.hold.findings } : {}) },
        });
      }
      return heldResult(planned, version.id, created);
    }
    const resendUnknown = this.resendUnknown.has(version.invoiceNumber);
    const earlier = attempts.find((attempt) => blocks(attempt.submission.state, resendUnknown));
    if (earlier) return { ...base, outcome: 'unchanged', state: earlier.submission.state, ...referenceOf(earlier) };
    const claim: ClaimOptions = {
      channel: planned.profile.channel.type,
      format: planned.format,
      source: 'submit',
      at: this.now(),
      ...(resendUnknown ? { resendUnknown, detail: { resendUnknown: 'a person checked the unknown attempt did not arrive' } } : {}),
    };
    const queued = attempts.find((attempt) => attempt.submission.state === 'queued')?.submission;
    if (this.options.enqueueOnly === true) return this.enqueue(planned, version, queued, claim, base);
    const stored = attempts.some((attempt) => attempt.document !== undefined && attempt.submission.format === planned.format);
    // Rendered (control numbers taken) before waiting for a send slot, so the wait overlaps the work.
    const fresh = queued === undefined && !stored && !this.stopped.has(version.customer) ? await this.render(planned) : undefined;
    // The customer's and the channel type's send slots: held from the claim until the channel's last answer.
    const release = await this.limiter.acquire([`customer:${planned.profile.id}`, `channel:${claim.channel}`]);
    try {
      const stoppedBecause = this.stopped.get(version.customer);
      if (stoppedBecause !== undefined) {
        release();
        const attempt = queued ?? (await submissions.createSubmission(version.id, 'queued', { ...claim, at: this.now() }));
        await submissions.note(attempt.id, { at: this.now(), source: 'submit', detail: { notSent: stoppedBecause } });
        return { ...base, outcome: 'stopped', reason: stoppedBecause };
      }
      const claimed =
        fresh !== undefined
          ? await submissions.claimWithDocument(version.id, { ...claim, at: this.now() }, fresh)
          : await this.claimStored(planned, version, queued, { ...claim, at: this.now() });
      // Another process claimed it first: it sends, this run does not.
      if (claimed === undefined) return { ...base, outcome: 'unchanged', state: 'sending' };
      const sent = await this.send(planned, version, claimed.submission, claimed.document, release);
      return { ...base, fileName: claimed.document.fileName, ...sent };
    } finally {
      release();
    }
  }

  /**
   * Records the version as a queued attempt with its document and attachments, for the workers.
   * A queued attempt recorded before (an earlier enqueue that stopped half way) gets what it lacks.
   */
  private async enqueue(
    planned: PlannedInvoice,
    version: InvoiceVersion,
    queued: Submission | undefined,
    claim: ClaimOptions,
    base: ReturnType<typeof baseResult> & { versionId: number; newVersion: boolean },
  ): Promise<SubmitResult> {
    const submissions = this.store.submissions;
    // Rendered first (control numbers taken), so an attempt without a document is rare (a crash in between): the next enqueue completes it.
    const fresh = queued === undefined ? await this.render(planned) : undefined;
    const attempt = queued ?? (await submissions.createSubmission(version.id, 'queued', { ...claim, source: 'enqueue', at: this.now() }));
    const document =
      fresh !== undefined
        ? await submissions.saveDocument(attempt.id, fresh, this.now())
        : await this.documentFor(planned, version, attempt);
    await this.store.queue.queueForWorkers(attempt.id, planned.attachments);
    return { ...base, fileName: document.fileName, outcome: 'queued' };
  }

  /**
   * A queued attempt a worker leased: claimed (committed `sending`, never twice) within the
   * customer's and channel type's send limits, its stored document sent and the answer recorded.
   */
  async sendQueued(
    planned: PlannedInvoice,
    version: InvoiceVersion,
    queued: Submission,
    document: StoredDocument,
    claim: ClaimOptions,
  ): Promise<SubmitResult> {
    this.sendLimits.set(planned.profile.id, sendLimitOf(planned.profile));
    const base = { ...baseResult(planned), versionId: version.id, newVersion: false };
    const release = await this.limiter.acquire([`customer:${planned.profile.id}`, `channel:${queued.channel}`]);
    try {
      const stoppedBecause = this.stopped.get(version.customer);
      if (stoppedBecause !== undefined) {
        await this.store.submissions.note(queued.id, { at: this.now(), source: claim.source, detail: { notSent: stoppedBecause } });
        return { ...base, outcome: 'stopped', reason: stoppedBecause };
      }
      const claimed = await this.store.submissions.claimForSending(version.id, { ...claim, at: this.now() });
      // Another process claimed this version first: it sends, this worker does not.
      if (claimed === undefined) return { ...base, outcome: 'unchanged', state: 'sending' };
      return { ...base, ...(await this.send(planned, version, claimed, document, release)) };
    } finally {
      release();
    }
  }

  /** A version that has an attempt or a document already: its queued attempt, with the bytes stored before, is claimed. */
  private async claimStored(
    planned: PlannedInvoice,
    version: InvoiceVersion,
    queued: Submission | undefined,
    claim: ClaimOptions,
  ): Promise<{ submission: Submission; document: StoredDocument } | undefined> {
    const submissions = this.store.submissions;
    const attempt =
      queued ??
      (await submissions.createSubmission(version.id, 'queued', {
        channel: claim.channel,
        format: claim.format,
        source: claim.source,
        ...(claim.detail !== undefined ? { detail: claim.detail } : {}),
        at: this.now(),
      }));
    const document = await this.documentFor(planned, version, attempt);
    const submission = await submissions.claimForSending(version.id, claim);
    return submission === undefined ? undefined : { submission, document };
  }

  /** The bytes this version goes out as: stored before they leave, the same ones on every retry. */
  private async documentFor(planned: PlannedInvoice, version: InvoiceVersion, queued: Submission): Promise<StoredDocument> {
    const submissions = this.store.submissions;
    const own = await submissions.document(queued.id);
    if (own) return own;
    const earlier = await submissions.latestDocument(version.id, planned.format);
    if (earlier) return submissions.saveDocument(queued.id, earlier, this.now());
    return submissions.saveDocument(queued.id, await this.render(planned), this.now());
  }

  /** The document with real control numbers (taken now, never reused), or the plan's render for a format that has none. */
  private async render(planned: PlannedInvoice): Promise<RenderedDocument> {
    if (planned.rendered) return planned.rendered;
    const kinds = FORMATS[planned.format].controlNumbers;
    const numbers =
      kinds.length > 0
        ? ((await this.store.controlNumbers.next(`${planned.format}:${planned.profile.id}`, kinds)) as ControlNumbers)
        : undefined;
    const rendered = bytesOf(
      await renderDocument({
        invoice: planned.invoice,
        profile: planned.profile,
        format: planned.format,
        purchaseOrder: planned.purchaseOrder,
        now: this.now().toISOString(),
        controlNumbers: numbers ?? PLACEHOLDER_NUMBERS,
      }),
    );
    return numbers ? { ...rendered, controlNumbers: numbers } : rendered;
  }

  private async send(
    planned: PlannedInvoice,
    version: InvoiceVersion,
    claimed: Submission,
    document: StoredDocument,
    /** Frees the send slots once the channel has given its last answer, so the next send overlaps this one's recording. */
    answered: () => void,
  ): Promise<Pick<SubmitResult, 'outcome' | 'reference' | 'code' | 'text' | 'reason'>> {
    const submissions = this.store.submissions;
    const channelType = planned.profile.channel.type;
    const delivery = {
      idempotencyKey: version.idempotencyKey,
      invoiceNumber: version.invoiceNumber,
      customerId: version.customer,
      document: { fileName: document.fileName, mediaType: document.mediaType, content: document.content },
      attachments: planned.attachments,
      testMode: planned.invoice.testMode === true,
    };
    for (let attempt = 1; ; attempt += 1) {
      let result: SendResult;
      try {
        result = await this.channelFor(planned).send(delivery);
      } catch (error) {
        const retrying = error instanceof ChannelError && error.kind === 'transient' && attempt < this.retry.attempts;
        if (error instanceof ChannelError && error.kind === 'precondition') this.stopped.set(version.customer, error.message);
        if (!retrying) answered();
        if (!(error instanceof ChannelError)) {
          // Not the channel's word on it: the bytes may have left. Fail closed, then report the fault.
          await submissions.transition(claimed.id, 'unknown', { at: this.now(), source: channelType, detail: { failure: 'fault' } });
          throw error;
        }
        const detail = { failure: error.kind, message: error.message, attempt };
        if (error.kind === 'transient' && attempt < this.retry.attempts) {
          const wait = this.backoff(attempt, error.retryAfterMs);
          await submissions.note(claimed.id, { at: this.now(), source: channelType, detail: { ...detail, retryInMs: wait } });
          await this.retry.sleep(wait);
          // The customer's sends stopped meanwhile (another send met a precondition): this one waits too.
          const stoppedBecause = this.stopped.get(version.customer);
          if (stoppedBecause !== undefined) {
            await submissions.transition(claimed.id, 'queued', { at: this.now(), source: 'submit', detail: { notSent: stoppedBecause } });
            return { outcome: 'stopped', reason: stoppedBecause };
          }
          continue;
        }
        if (error.kind === 'transient') {
          // The channel says nothing arrived: the attempt waits, queued, for the next run (with the same bytes).
          await submissions.transition(claimed.id, 'queued', { at: this.now(), source: channelType, detail });
          return { outcome: 'failed', reason: `${error.message} (after ${attempt} attempts)` };
        }
        if (error.kind === 'precondition') {
          await submissions.transition(claimed.id, 'queued', { at: this.now(), source: channelType, detail });
          return { outcome: 'stopped', reason: error.message };
        }
        await submissions.transition(claimed.id, 'unknown', { at: this.now(), source: channelType, detail });
        return { outcome: 'unknown', reason: error.message };
      }
      answered();
      if (result.outcome === 'sent') {
        await submissions.transition(claimed.id, 'sent', {
          at: this.now(),
          source: channelType,
          detail: { reference: result.reference, ...(result.receipt ? { receipt: result.receipt } : {}) },
        });
        return { outcome: 'sent', reference: result.reference };
      }
      await submissions.transition(claimed.id, 'rejected', {
        at: this.now(),
        source: result.source,
        detail: { code: result.code, text: result.text },
      });
      return { outcome: 'rejected', code: result.code, text: result.text };
    }
  }

  /** Exponential, with jitter (half to all of the step), never shorter than the recipient asked. */
  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.round(step * (0.5 + this.retry.random() / 2));
    return Math.min(this.retry.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
  }

  /** One open channel per customer for the whole run. */
  private channelFor(planned: PlannedInvoice): OpenChannel {
    const customer = planned.profile.id;
    let channel = this.channels.get(customer);
    if (!channel) {
      const definition = CHANNELS.get(planned.profile.channel.type);
      if (!definition) throw new FirstpassError('INTERNAL', 'pipeline', `channel ${planned.profile.channel.type} is not available`);
      channel = definition.open(planned.profile.channel as Readonly<Record<string, unknown>>, {
        secret: this.secret,
        timeoutMs: this.options.timeoutMs ?? 30_000,
        maxConcurrent: this.sendLimits.get(customer) ?? 1,
        shared: this.connections,
      });
      this.channels.set(customer, channel);
    }
    return channel;
  }

  async close(): Promise<void> {
    for (const channel of this.channels.values()) {
      try {
        await channel.close();
      } catch {
        // Everything was recorded already; a connection that does not close cleanly changes none of it.
      }
    }
    this.channels.clear();
    await this.connections.close();
  }
}

/** A customer's sends in flight at most: its profile's `channel.maxConcurrent` (up to what the channel allows), else the channel's default. */
function sendLimitOf(profile: CustomerProfile): number {
  const limits = CHANNELS.get(profile.channel.type)?.limits;
  if (limits === undefined) return 1;
  const asked = (profile.channel as { maxConcurrent?: unknown }).maxConcurrent;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1) return limits.perCustomer;
  return Math.min(asked, limits.maxPerCustomer);
}

/** `customer:acme` → ['customer', 'acme']; `run` → ['run', undefined]. */
function splitKey(key: string): [string, string | undefined] {
  const colon = key.indexOf(':');
  return colon < 0 ? [key, undefined] : [key.slice(0, colon), key.slice(colon + 1)];
}

/** In flight, sent, answered, or unknown (a person must check before it goes again, and say so with --resend-unknown). */
function blocks(state: SubmissionState, resendUnknown: boolean): boolean {
  return (state === 'unknown' && !resendUnknown) || (BLOCKING_STATES as readonly string[]).includes(state);
}

/** The reference an earlier attempt was sent with, from its events. */
function referenceOf(attempt: SubmissionHistory): { reference?: string } {
  for (const event of [...attempt.events].reverse()) {
    const detail = event.detail as { reference?: unknown } | undefined;
    if (detail !== undefined && detail !== null && typeof detail.reference === 'string') return { reference: detail.reference };
  }
  return {};
}

import { relative } from 'node:path';
import { deriveParams } from '../learning/derive-params.js';
import { changedFileText, changedProfile, unifiedDiff, type ProfileChange } from '../learning/profile-change.js';
import {
  predictionsFor,
  rejectionSystem,
  ruleNeeds,
  type CandidateRule,
  type Prediction,
  type Rejection,
  type RejectionSystem,
} from '../learning/rejection-match.js';
import { FirstpassError, InputError } from '../model/errors.js';
import type { Invoice, PurchaseOrder } from '../model/invoice.js';
import { ProfileLibrary, type CustomerProfile, type ResolvedProfile } from '../profiles/index.js';
import { buildRuleBook, builtInRules, type Finding, type RuleDefinition } from '../rules/index.js';
import { openStore, prepareDefaultStore, type Store, type VersionHistory } from '../store/index.js';
import { loadPurchaseOrders } from './inputs.js';
import { InvoiceChecker } from './invoice-checker.js';
import { duplicateOf, rejectionsOf, storedInvoice } from './stored-history.js';

/**
 * `firstpass profiles suggest <customer>`: learn from the customer's rejections. Each rejection's
 * code is matched to the rules that predict it (learning/rejection-match); the stored invoice
 * version is validated again, as of the day it was sent, with the profile as it is and with each
 * candidate change (a rule switched on, a warning made an error) through the same validation
 * code as `validate`. A change is suggested when it would have held the invoice, or when that
 * cannot be proven here (and then it says why); it comes with the diff of the profile file.
 */

export interface SuggestOptions {
  readonly customerId: string;
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  readonly database: string;
}

/** caught: an active rule that predicts the code holds the invoice now; the rest are listed. */
export type RejectionStatus = 'caught' | 'warning only' | 'not predicted' | 'no rule predicts it';

export interface RuleSuggestion {
  readonly rule: string;
  readonly custom: boolean;
  readonly change: 'switch on' | 'make it an error';
  /** The setting to write (switch on), with where its parameters came from. */
  readonly setting?: true | Readonly<Record<string, unknown>>;
  readonly paramsFrom?: 'defaults' | 'accepted invoices' | 'placeholder';
  readonly paramsNote?: string;
  /** proven: validating the stored version with the change holds it; else why that cannot be shown here. */
  readonly proven: boolean;
  readonly proof: string;
  /** The profile file to change (relative to the profiles folder) and the change as a unified diff. */
  readonly file: string;
  readonly diff: string;
}

export interface RejectionLesson {
  readonly invoiceNumber: string;
  readonly version: number;
  readonly submission: number;
  readonly sentAt: string;
  readonly rejectedAt: string;
  readonly source: string;
  readonly code: string | null;
  readonly text: string | null;
  /** The system whose code this is, and how that was decided; null: unknown, matched across systems. */
  readonly system: string | null;
  readonly systemFrom: RejectionSystem['from'];
  readonly status: RejectionStatus;
  /** Every rule whose predicts name the code: its state in the profile and whether it holds the invoice now. */
  readonly predictedBy: readonly {
    readonly rule: string;
    readonly custom: boolean;
    readonly predicts: { readonly system: string; readonly code: string };
    readonly acrossSystems: boolean;
    readonly state: 'error' | 'warning' | 'off';
    readonly holdsNow: boolean | null;
  }[];
  readonly suggestions: readonly RuleSuggestion[];
  readonly notes: readonly string[];
}

export interface SuggestReport {
  readonly customerId: string;
  readonly profileFile: string;
  readonly rejections: readonly RejectionLesson[];
  /** Each distinct change, with the invoices it would have held. */
  readonly changes: readonly (RuleSuggestion & { readonly invoices: readonly string[] })[];
}

/** At most this many rejections (the newest) and accepted invoices (to learn parameters from) are read. */
const REJECTIONS_READ = 1000;
const ACCEPTED_READ = 500;

export async function suggestRules(options: SuggestOptions): Promise<SuggestReport> {
  const profiles = new ProfileLibrary(options.profilesDirectory);
  const resolved = await profiles.profile(options.customerId);
  const orders = await loadPurchaseOrders(options.poPaths ?? []);
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  try {
    const rejected = await store.submissions.versionsWithOutcome(options.customerId, ['rejected'], REJECTIONS_READ);
    const accepted = (
      await store.submissions.versionsWithOutcome(options.customerId, ['accepted', 'accepted-with-warnings'], ACCEPTED_READ)
    )
      .map((entry) => storedInvoice(entry.version.invoiceJson, entry.version.id))
      .filter((invoice): invoice is Invoice => invoice !== undefined);
    const teacher = new Teacher(resolved, orders, accepted, options.profilesDirectory);
    const rejections: RejectionLesson[] = [];
    for (const entry of rejected)
      for (const rejection of rejectionsOf(entry)) rejections.push(await teacher.lesson(rejection, entry, store));
    return {
      customerId: options.customerId,
      profileFile: relative(options.profilesDirectory, resolved.file) || resolved.file,
      rejections,
      changes: distinctChanges(rejections),
    };
  } finally {
    await store.close();
  }
}

/** Rules the customer's profile can name, with their state in it. */
interface RuleState {
  readonly candidate: CandidateRule;
  readonly state: 'error' | 'warning' | 'off';
}

class Teacher {
  private readonly states = new Map<string, RuleState>();
  private readonly candidates: CandidateRule[];

  constructor(
    private readonly resolved: ResolvedProfile,
    private readonly orders: ReadonlyMap<string, PurchaseOrder>,
    private readonly accepted: readonly Invoice[],
    private readonly profilesDirectory: string,
  ) {
    const built = buildRuleBook(resolved, builtInRules());
    if (built.problems.length > 0) throw new InputError('PROFILE_INVALID', 'pipeline', built.problems);
    const active = new Map(built.book.rules.map((rule) => [rule.id, rule.severity]));
    this.candidates = [
      ...builtInRules().map((definition) => ({ definition })),
      ...(resolved.profile.customRules ?? []).map((definition, customIndex) => ({ definition: definition as RuleDefinition, customIndex })),
    ];
    for (const candidate of this.candidates)
      this.states.set(candidate.definition.id, { candidate, state: active.get(candidate.definition.id) ?? 'off' });
  }

  async lesson(rejection: Rejection, entry: VersionHistory, store: Store): Promise<RejectionLesson> {
    const profile = this.resolved.profile;
    const system = rejectionSystem(rejection.source, profile.rejectionCodes);
    const predictions = predictionsFor(rejection.code, system.system, this.candidates);
    const notes: string[] = [];
    if (system.system === undefined && predictions.length > 0)
      notes.push(
        `the profile names no rejectionCodes, so code ${rejection.code ?? ''} was matched in every system (${[...new Set(predictions.map((p) => p.system))].join(', ')})`,
      );
    const invoice = storedInvoice(entry.version.invoiceJson, entry.version.id);
    if (invoice === undefined)
      notes.push(`version ${entry.version.id} as stored no longer reads as an invoice: nothing could be re-validated`);
    const context = invoice && {
      invoice,
      today: rejection.sentAt.toISOString().slice(0, 10),
      duplicateOf: await duplicateOf(rejection, store),
    };
    const now = context ? this.findings(context, profile) : undefined;
    const predictedBy = predictions.map((prediction) => {
      const state = this.stateOf(prediction);
      const holdsNow =
        now === undefined ? null : now.some((finding) => finding.rule === prediction.rule.definition.id && finding.severity === 'error');
      return {
        rule: prediction.rule.definition.id,
        custom: prediction.rule.customIndex !== undefined,
        predicts: { system: prediction.system, code: prediction.code },
        acrossSystems: prediction.acrossSystems,
        state,
        holdsNow,
      };
    });
    const caught = predictedBy.some((entry) => entry.state === 'error' && entry.holdsNow !== false);
    const suggestions: RuleSuggestion[] = [];
    if (!caught) {
      for (const prediction of predictions) {
        const state = this.stateOf(prediction);
        const id = prediction.rule.definition.id;
        if (state === 'error') {
          notes.push(
            `${id} is on and predicts this code, but does not hold this invoice: check its parameters${ruleNeeds(prediction.rule.definition).purchaseOrders ? ' or the purchase orders (--pos)' : ''}`,
          );
          continue;
        }
        const suggestion = this.suggestion(prediction, state, context);
        if (suggestion === undefined) notes.push(`${id} would not have held this invoice, switched on or made an error: not suggested`);
        else suggestions.push(suggestion);
      }
    }
    const status: RejectionStatus = caught
      ? 'caught'
      : predictions.length === 0
        ? 'no rule predicts it'
        : predictedBy.some((entry) => entry.state === 'warning')
          ? 'warning only'
          : 'not predicted';
    if (status === 'no rule predicts it')
      notes.push(
        rejection.code === undefined
          ? 'the rejection carries no code to match'
          : `no rule's predicts names ${system.system ?? 'any system'} code ${rejection.code}: a custom rule with this code in its predicts would learn it`,
      );
    return {
      invoiceNumber: rejection.invoiceNumber,
      version: rejection.versionId,
      submission: rejection.submissionId,
      sentAt: rejection.sentAt.toISOString(),
      rejectedAt: rejection.rejectedAt.toISOString(),
      source: rejection.source,
      code: rejection.code ?? null,
      text: rejection.text ?? null,
      system: system.system ?? null,
      systemFrom: system.from,
      status,
      predictedBy,
      suggestions,
      notes,
    };
  }

  private stateOf(prediction: Prediction): 'error' | 'warning' | 'off' {
    return this.states.get(prediction.rule.definition.id)?.state ?? 'off';
  }

  /** The change that would have held the invoice, proven by validating with it, or said to be unprovable. */
  private suggestion(prediction: Prediction, state: 'warning' | 'off', context: Context | undefined): RuleSuggestion | undefined {
    const definition = prediction.rule.definition;
    const custom = prediction.rule.customIndex !== undefined;
    let change: ProfileChange;
    let params: ReturnType<typeof deriveParams> | undefined;
    if (state === 'warning') {
      change = custom
        ? { kind: 'make-custom-error', ruleId: definition.id, customIndex: prediction.rule.customIndex as number }
        : { kind: 'make-error', ruleId: definition.id };
    } else {
      params = context ? deriveParams(definition.id, context.invoice, this.accepted) : { params: {}, from: 'defaults' as const };
      change = { kind: 'switch-on', ruleId: definition.id, setting: Object.keys(params.params).length === 0 ? true : params.params };
    }
    const proof = this.prove(change, definition, context, params?.from === 'placeholder');
    if (proof === undefined) return undefined;
    const file =
      change.kind === 'make-custom-error' ? (this.resolved.origins.get('/customRules') ?? this.resolved.file) : this.resolved.file;
    const text = this.resolved.texts?.get(file);
    const label = relative(this.profilesDirectory, file) || file;
    return {
      rule: definition.id,
      custom,
      change: change.kind === 'switch-on' ? 'switch on' : 'make it an error',
      ...(change.kind === 'switch-on' ? { setting: change.setting } : {}),
      ...(params !== undefined ? { paramsFrom: params.from, ...(params.note !== undefined ? { paramsNote: params.note } : {}) } : {}),
      ...proof,
      file: label,
      diff: text === undefined ? '' : unifiedDiff(label, text, changedFileText(text, change)),
    };
  }

  /** proven / not provable here (with why); undefined when validating with the change lets the invoice through. */
  private prove(
    change: ProfileChange,
    definition: RuleDefinition,
    context: Context | undefined,
    placeholder: boolean,
  ): { proven: boolean; proof: string } | undefined {
    if (context === undefined) return { proven: false, proof: 'cannot prove it: the stored version does not read as an invoice' };
    if (placeholder) return { proven: false, proof: 'cannot prove it before its parameters are filled in' };
    const findings = this.findings(context, changedProfile(this.resolved.profile, change));
    const holding = findings.find((finding) => finding.rule === definition.id && finding.severity === 'error');
    if (holding === undefined) return undefined;
    const needs = ruleNeeds(definition);
    if (needs.attachments) return { proven: false, proof: 'cannot prove it: attachments are not stored, so it was checked without them' };
    if (needs.purchaseOrders && this.orders.size === 0)
      return { proven: false, proof: "cannot prove it: it reads the purchase order; give the customer's POs with --pos" };
    return { proven: true, proof: `validated again as of ${context.today} with it, it holds the invoice: ${holding.message}` };
  }

  /** The stored invoice through the same validation as `validate`, with this (possibly changed) profile. */
  private findings(context: Context, profile: CustomerProfile): Finding[] {
    const checker = new InvoiceChecker(this.orders, { today: context.today, evaluator: 'compiled' });
    const outcome = checker.check(
      { invoice: context.invoice, duplicateOf: context.duplicateOf, attachments: new Map() },
      { ...this.resolved, profile },
    );
    if (!('findings' in outcome)) throw new FirstpassError('INTERNAL', 'pipeline', 'the compiled evaluator answered later than at once');
    return outcome.findings;
  }
}

interface Context {
  readonly invoice: Invoice;
  /** YYYY-MM-DD: the day the attempt was made, which the date rules compare with. */
  readonly today: string;
  readonly duplicateOf: string | undefined;
}

function distinctChanges(rejections: readonly RejectionLesson[]): SuggestReport['changes'] {
  const byKey = new Map<string, RuleSuggestion & { invoices: string[] }>();
  for (const rejection of rejections)
    for (const suggestion of rejection.suggestions) {
      const key = `${suggestion.rule}\u0000${suggestion.change}\u0000${JSON.stringify(suggestion.setting ?? null)}`;
      const known = byKey.get(key);
      if (known === undefined) byKey.set(key, { ...suggestion, invoices: [rejection.invoiceNumber] });
      else {
        if (!known.invoices.includes(rejection.invoiceNumber)) known.invoices.push(rejection.invoiceNumber);
        // One proof is enough for the change.
        if (suggestion.proven && !known.proven) byKey.set(key, { ...suggestion, invoices: known.invoices });
      }
    }
  return [...byKey.values()];
}

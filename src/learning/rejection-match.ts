import type { ConditionNode, RuleDefinition } from '../rules/rule.js';

/**
 * Which rules predict a rejection: a rule's `predicts` entries name a customer system and a
 * code; a rejection's system is the EDI answer's own (its acknowledgment source) or, for a
 * portal's or a by-hand rejection, the profile's `rejectionCodes`. When that is unknown the
 * code is matched across every system, and the match says so.
 */

/** Acknowledgment sources whose codes are their own system's (answers-protocol). */
export const EDI_ANSWER_SOURCES: readonly string[] = ['x12-997', 'x12-824', 'edifact-contrl', 'edifact-aperak'];

/** One rejection of one version, as the store recorded it. */
export interface Rejection {
  readonly invoiceNumber: string;
  readonly versionId: number;
  readonly submissionId: number;
  /** When the attempt was made (its rules are re-run as of that day) and when it was rejected. */
  readonly sentAt: Date;
  readonly rejectedAt: Date;
  /** The acknowledgment's source ("x12-824", "portal:rest", "by hand"…) or the event's. */
  readonly source: string;
  readonly code: string | undefined;
  readonly text: string | undefined;
}

export interface RejectionSystem {
  /** undefined: unknown, codes are matched across systems. */
  readonly system: string | undefined;
  readonly from: 'edi answer' | 'profile rejectionCodes' | 'unknown';
}

export function rejectionSystem(source: string, rejectionCodes: string | undefined): RejectionSystem {
  if (EDI_ANSWER_SOURCES.includes(source)) return { system: source, from: 'edi answer' };
  if (rejectionCodes !== undefined && rejectionCodes !== '') return { system: rejectionCodes, from: 'profile rejectionCodes' };
  return { system: undefined, from: 'unknown' };
}

/** A rule the matcher may name: built-in, or one of the profile's customRules (at its index). */
export interface CandidateRule {
  readonly definition: RuleDefinition;
  readonly customIndex?: number | undefined;
}

export interface Prediction {
  readonly rule: CandidateRule;
  /** The `predicts` entry that matched. */
  readonly system: string;
  readonly code: string;
  /** The rejection's system was unknown: only the code matched. */
  readonly acrossSystems: boolean;
}

/** The rules whose `predicts` name this code in this system (any system when it is unknown), each once. */
export function predictionsFor(code: string | undefined, system: string | undefined, rules: readonly CandidateRule[]): Prediction[] {
  if (code === undefined || code.trim() === '') return [];
  const wanted = normalCode(code);
  const found: Prediction[] = [];
  for (const rule of rules) {
    const entry = (rule.definition.predicts ?? []).find(
      (predicted) => normalCode(predicted.code) === wanted && (system === undefined || predicted.system === system),
    );
    if (entry !== undefined) found.push({ rule, system: entry.system, code: entry.code, acrossSystems: system === undefined });
  }
  return found;
}

/** Codes compare without surrounding spaces and case: people type by-hand codes. */
function normalCode(code: string): string {
  return code.trim().toUpperCase();
}

/** What re-running a rule on a stored invoice needs that the store does not keep. */
export interface RuleNeeds {
  /** It reads the purchase order (po, poLine, computed po… facts). */
  readonly purchaseOrders: boolean;
  /** It reads the attached files, which are not stored. */
  readonly attachments: boolean;
}

export function ruleNeeds(definition: RuleDefinition): RuleNeeds {
  const read = new Set<string>();
  const visit = (node: ConditionNode | undefined): void => {
    if (node === undefined) return;
    if (node.fact !== undefined) read.add(node.fact === 'computed' ? `computed${node.path ?? ''}` : node.fact);
    for (const child of [...(node.all ?? []), ...(node.any ?? [])]) visit(child);
    visit(node.not);
  };
  visit(definition.conditions as ConditionNode);
  const facts = [...read];
  return {
    purchaseOrders: facts.some((fact) => fact === 'po' || fact === 'poLine' || /^computed\$\.po[A-Z]/.test(fact)),
    attachments: facts.some((fact) => /^computed\$\.attachment/.test(fact)),
  };
}

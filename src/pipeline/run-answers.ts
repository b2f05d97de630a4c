import type { SubmissionState } from '../store/index.js';
import { collectAcks, type CollectAcksReport, type CollectedAnswer } from './collect-acks.js';
import type { CollectAnswers, CollectAnswersContext, CollectedAnswers } from './run-inbox.js';

/**
 * `firstpass run`'s acknowledgment step: collectAcks (as `firstpass acks` does), each answer
 * logged, and its report counted for the run's summary and exit status.
 */
export const collectAnswersForRun: CollectAnswers = async (context: CollectAnswersContext): Promise<CollectedAnswers> => {
  const report = await collectAcks({
    profilesDirectory: context.profilesDirectory,
    database: context.database,
    environment: context.environment,
    now: context.now,
    onAnswer: (answer) => logAnswer(context, answer),
  });
  for (const failure of report.failures)
    context.logger.warn('answers', `answers of ${failure.customer} not collected: ${failure.message}`, {
      customer: failure.customer,
      kind: failure.kind,
    });
  return countAnswers(report);
};

const ACCEPTED: readonly SubmissionState[] = ['accepted', 'accepted-with-warnings'];

/**
 * What a run counts: submissions this run's answers moved to accepted or rejected (each once, by
 * where it ended); overdue submissions; unknown: answers that matched nothing, invoices a portal
 * never got, and customers whose answers could not be collected (their outcome stays unknown).
 */
export function countAnswers(report: CollectAcksReport): CollectedAnswers {
  const ended = new Map<number, SubmissionState>();
  let unmatched = 0;
  for (const answer of report.answers) {
    if (answer.submission === undefined) unmatched += 1;
    else if (answer.before !== answer.after && answer.after !== undefined) ended.set(answer.submission, answer.after);
  }
  const states = [...ended.values()];
  return {
    accepted: states.filter((state) => ACCEPTED.includes(state)).length,
    rejected: states.filter((state) => state === 'rejected').length,
    overdue: report.overdue.length,
    unknown: unmatched + report.neverArrived.length + report.failures.length,
  };
}

function logAnswer(context: CollectAnswersContext, answer: CollectedAnswer): void {
  const about = answer.submission === undefined ? 'matches no submission' : `${answer.invoiceNumber ?? '?'} (${answer.customer})`;
  const code = answer.code === undefined ? '' : ` ${answer.code}`;
  const fields = {
    customer: answer.customer,
    invoiceNumber: answer.invoiceNumber,
    source: answer.source,
    outcome: answer.outcome,
    code: answer.code,
    from: answer.from,
    before: answer.before,
    after: answer.after,
  };
  const message = `${answer.outcome} ${about}: ${answer.source} ${answer.status}${code}`;
  if (answer.outcome === 'rejected' || answer.submission === undefined) context.logger.warn('answers', message, fields);
  else context.logger.info('answers', message, fields);
}

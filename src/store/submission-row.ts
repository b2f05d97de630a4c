import { FirstpassError } from '../model/errors.js';
import { SUBMISSION_STATES, type Submission } from './submissions.js';

/** A row of `submissions` as the repositories read it (the columns every reader selects). */
export interface SubmissionRow {
  readonly id: number;
  readonly version_id: number;
  readonly channel: string;
  readonly format: string;
  readonly state: string;
  readonly created_at: string;
}

/** The row as a Submission; a state the model does not know is a fault, never passed on. */
export function toSubmission(row: SubmissionRow): Submission {
  const state = SUBMISSION_STATES.find((candidate) => candidate === row.state);
  if (state === undefined)
    throw new FirstpassError(
      'INTERNAL',
      'store',
      `submission ${row.id} has the state "${row.state}", not one of ${SUBMISSION_STATES.join(', ')}`,
    );
  return {
    id: Number(row.id),
    versionId: Number(row.version_id),
    channel: row.channel,
    format: row.format,
    state,
    createdAt: new Date(row.created_at),
  };
}

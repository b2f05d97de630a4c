/** The store: control numbers, submissions and acknowledgments (later metrics) on SQLite or PostgreSQL. */
export { openStore, openStoreToRead, STORE_DRIVERS, storeDriverFor } from './open-store.js';
export { defaultStoreFile, defaultStoreUrl, prepareDefaultStore } from './default-store.js';
export { maskUrl } from './store-url.js';
export {
  CONTROL_NUMBER_KINDS,
  MAX_CONTROL_NUMBER,
  type ControlNumberKind,
  type ControlNumbers,
  type ControlNumberStore,
  type OpenStoreOptions,
  type Store,
  type StoreDialect,
  type StoreLogger,
} from './store.js';
export type { SqlDatabase, StoreDriver } from './sql-database.js';
export { canonicalJson, contentHashOf } from './canonical-json.js';
export {
  ANSWER_FILE_STATES,
  type AnswerFile,
  type AnswerFileState,
  type AnswerStore,
  type ControlNumberKeys,
  type NewAnswerFile,
  type OpenSubmission,
} from './answers.js';
export {
  BLOCKING_STATES,
  SUBMISSION_STATES,
  SUBMISSION_TRANSITIONS,
  type Acknowledgment,
  type AcknowledgmentKind,
  type ChangeContext,
  type ClaimOptions,
  type InvoiceVersion,
  type NewAcknowledgment,
  type NewInvoiceVersion,
  type NewSubmission,
  type RenderedDocument,
  type StoredDocument,
  type Submission,
  type SubmissionEvent,
  type SubmissionHistory,
  type SubmissionState,
  type SubmissionStore,
  type VersionHistory,
  type VersionOut,
} from './submissions.js';
export {
  describeHolder,
  RUN_LOCK_DRIVERS,
  takeRunLock,
  type HeldRunLock,
  type RunLockAttempt,
  type RunLockDriver,
  type RunLockHolder,
  type RunLockOptions,
} from './run-lock.js';
export type { LeaseOptions, StoredAttachment, WorkQueue } from './work-queue.js';

/** The store: control numbers (and later submissions, acknowledgments, metrics) on SQLite or PostgreSQL. */
export { openStore, STORE_DRIVERS, storeDriverFor } from './open-store.js';
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

import { BoundedMemo } from '../../model/bounded-cache.js';

/** The part of a better-sqlite3 Database whose statements are cached. */
export interface PreparingConnection {
  prepare(source: string): unknown;
}

/** Distinct statement texts kept at most; the store's statements are far fewer, `in (?, …)` lists aside. */
const DEFAULT_LIMIT = 500;

/**
 * Makes `connection.prepare` return the statement it prepared before for the same SQL text.
 * knex prepares every query it runs on better-sqlite3 afresh, which took a submit nearly as long
 * as running the statements (bench/README.md, submit). Sharing a statement is safe here: knex runs
 * each with `all` or `run`, which finish before the next query starts, and never calls
 * `safeIntegers` on it (the store does not set that option). SQLite compiles a statement again
 * by itself when the schema changed under it (a migration).
 */
export function cachePreparedStatements<Connection extends PreparingConnection>(connection: Connection, limit = DEFAULT_LIMIT): Connection {
  const prepareAfresh = connection.prepare.bind(connection);
  const statements = new BoundedMemo<string, unknown>(limit);
  connection.prepare = (source: string) => statements.get(source, prepareAfresh);
  return connection;
}

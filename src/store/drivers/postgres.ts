import type { Knex } from 'knex';
import type { SqlDatabase, StoreDriver } from '../sql-database.js';
import type { OpenStoreOptions } from '../store.js';
import { maskUrl, storeError } from '../store-url.js';
import { knexLog, sqlErrorCode } from './shared.js';

/**
 * PostgreSQL through pg: one database shared by workers on many machines. Each store has its
 * own small pool; firstpass's tables may live in their own schema (`?schema=NAME` or the
 * `schema` option), created on first open.
 */
export const NAME = 'postgres';

export const DEFAULT_POOL_SIZE = 4;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** SQLSTATEs worth retrying a whole transaction for: serialization failure, deadlock. */
const TRANSIENT = new Set(['40001', '40P01']);

export interface PostgresTarget {
  /** The URL handed to pg, without firstpass's own `schema` parameter. */
  readonly connectionString: string;
  readonly schema?: string | undefined;
}

/** Reads a postgres:// URL; the schema option wins over `?schema=`. */
export function postgresTarget(url: string, options: OpenStoreOptions, secrets: readonly string[]): PostgresTarget {
  const invalid = (cause?: unknown) =>
    storeError(
      'STORE_URL_INVALID',
      `the database URL "${maskUrl(url.trim())}" is not a valid URL: write postgres://user:password@host:5432/database, with special characters in the user name and password percent-encoded (@ as %40, / as %2F, ? as %3F)`,
      secrets,
      cause,
    );
  // Two '@' mean an unencoded '@' in the password: the URL parser would take part of the
  // password for the host name, and the connection error would then show it.
  if ((url.split('?')[0]?.match(/@/g) ?? []).length > 1) throw invalid();
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch (error) {
    throw invalid(error);
  }
  const fromUrl = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const schema = options.schema ?? (fromUrl === '' ? undefined : fromUrl);
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw storeError(
      'STORE_URL_INVALID',
      `the schema name "${schema}" is not a plain PostgreSQL identifier (letters, digits, _; at most 63 characters)`,
      secrets,
    );
  }
  return { connectionString: parsed.toString(), schema };
}

export const postgresDriver: StoreDriver = {
  name: NAME,
  schemes: ['postgres:', 'postgresql:'],
  forms: ['postgres://user:password@host:5432/database[?schema=NAME]', 'postgresql://…'],
  async connect(url: string, options: OpenStoreOptions, secrets: readonly string[]): Promise<SqlDatabase> {
    const target = postgresTarget(url, options, secrets);
    const timeout = options.connectTimeoutMs ?? 10_000;
    const { default: knex } = await import('knex');
    const config: Knex.Config = {
      client: 'pg',
      connection: { connectionString: target.connectionString, connectionTimeoutMillis: timeout },
      ...(target.schema !== undefined ? { searchPath: [target.schema] } : {}),
      compileSqlOnError: false,
      acquireConnectionTimeout: timeout,
      pool: { min: 0, max: Math.max(1, Math.floor(options.poolSize ?? DEFAULT_POOL_SIZE)) },
      log: knexLog(options.logger, secrets),
    };
    const schema = target.schema;
    return {
      dialect: 'postgres',
      knex: knex(config),
      location: maskUrl(url.trim()),
      greatest: 'GREATEST',
      groupCommits: false,
      async beginMigration(trx: Knex.Transaction): Promise<void> {
        // Transaction-scoped: released by commit or rollback, even when a process dies.
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`firstpass-migrations:${schema ?? ''}`]);
        if (schema !== undefined) await trx.raw('create schema if not exists ??', [schema]);
      },
      isCheckViolation(error: unknown, constraint: string): boolean {
        return sqlErrorCode(error) === '23514' && (error as { constraint?: unknown }).constraint === constraint;
      },
      isUniqueViolation(error: unknown): boolean {
        return sqlErrorCode(error) === '23505';
      },
      isTransient(error: unknown): boolean {
        return TRANSIENT.has(sqlErrorCode(error) ?? '');
      },
    };
  },
};

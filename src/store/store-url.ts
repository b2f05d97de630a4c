import { FirstpassError, type ErrorCode } from '../model/errors.js';

/**
 * Database URLs carry passwords. Every message and log line that mentions one goes through
 * `maskUrl`, and every text that came from a driver goes through `scrubSecrets`, so a
 * password never reaches a terminal, a log file or a CI transcript.
 */

const MASK = '***';

/** The URL with its password (user info and `password=` parameters) replaced by ***. */
export function maskUrl(url: string): string {
  let masked = url.replace(/([?&;](?:password|pass|pwd)=)[^&#;]*/gi, `$1${MASK}`);
  if (/^sqlite:/i.test(masked)) return masked;
  // scheme://user:password@host/…: the password runs from the first ':' of the user info to
  // the last '@' (an unencoded '@' or '/' may sit inside it: mask too much rather than too little).
  const at = masked.lastIndexOf('@');
  if (at < 0) return masked;
  const separator = masked.indexOf('://');
  const start = separator >= 0 && separator < at ? separator + 3 : 0;
  const colon = masked.indexOf(':', start);
  if (colon >= 0 && colon < at) masked = `${masked.slice(0, colon + 1)}${MASK}${masked.slice(at)}`;
  return masked;
}

/** The password of a URL as written and as decoded: what must never appear in a message. */
export function secretsOf(url: string): string[] {
  const secrets = new Set<string>();
  const at = url.lastIndexOf('@');
  const separator = url.indexOf('://');
  if (at >= 0 && separator >= 0 && separator < at) {
    const colon = url.indexOf(':', separator + 3);
    if (colon >= 0 && colon < at) secrets.add(url.slice(colon + 1, at));
  }
  for (const match of url.matchAll(/[?&;](?:password|pass|pwd)=([^&#;]*)/gi)) if (match[1]) secrets.add(match[1]);
  for (const secret of [...secrets]) {
    try {
      secrets.add(decodeURIComponent(secret));
    } catch {
      // not percent-encoded: the raw form is already listed
    }
  }
  return [...secrets].filter((secret) => secret.length > 0);
}

/** `text` with every secret replaced by ***. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join(MASK);
  return scrubbed;
}

const SQL_PREFIX = /^(?:insert|select|update|delete|create|alter|drop|with|begin|commit|rollback|pragma|set)\b/i;

/** A driver's error in words: pg's connection errors are sometimes AggregateErrors without a message. */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // knex puts the statement in front: "insert into … - UNIQUE constraint failed …".
    const message =
      SQL_PREFIX.test(error.message) && error.message.includes(' - ')
        ? error.message.slice(error.message.indexOf(' - ') + 3)
        : error.message;
    return message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

/** A store fault whose message is scrubbed of the URL's secrets. */
export function storeError(code: ErrorCode, message: string, secrets: readonly string[], cause?: unknown): FirstpassError {
  return new FirstpassError(code, 'store', scrubSecrets(message, secrets), cause === undefined ? undefined : { cause });
}

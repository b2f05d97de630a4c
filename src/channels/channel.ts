import type { SharedConnections } from './shared-connections.js';

/**
 * A channel delivers documents it is given to one customer system (a portal, an SFTP server, a
 * mailbox). It knows nothing of rules or rendering: the pipeline hands it bytes and records
 * what it answers. One file per channel under channels/, one line in the registry (index.ts),
 * one shared test suite (test/channels/channel-suite.ts).
 */

/** One file that travels: the rendered document or a supporting document. */
export interface DeliveryFile {
  readonly fileName: string;
  readonly mediaType: string;
  readonly content: Uint8Array;
}

/** What one send carries: one version of one invoice, rendered, with its supporting documents. */
export interface Delivery {
  /** Stable for one version of one invoice: a retry of the same version sends the same key. */
  readonly idempotencyKey: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly document: DeliveryFile;
  readonly attachments: readonly DeliveryFile[];
  /** Send as a test document where the channel knows the difference (a portal's test endpoint). */
  readonly testMode: boolean;
}

/**
 * What the customer system answered. A rejection is data (the recipient said no, with its own
 * code and text), not a fault; faults are thrown as ChannelError.
 */
export type SendResult =
  | {
      readonly outcome: 'sent';
      /** The recipient's reference: a portal's id, the remote path, the Message-ID. */
      readonly reference: string;
      /** The transport's receipt (an HTTP 2xx, a 250 after DATA), when the channel gives one: a technical acknowledgment. */
      readonly receipt?: { readonly code: string; readonly text: string };
    }
  | {
      readonly outcome: 'rejected';
      readonly code: string;
      readonly text: string;
      /** Who said no: "portal:cxml", "portal:rest", "smtp" … */
      readonly source: string;
    };

/**
 * Why a send failed, which decides what happens next:
 * - transient: try again later (with backoff), the same bytes;
 * - precondition: the configuration or credentials are wrong (bad password, host key mismatch):
 *   stop this customer's sends, tell a person, do not retry;
 * - unknown: the bytes may or may not have arrived (a connection lost after the upload began):
 *   never re-sent blindly.
 */
export type FailureKind = 'transient' | 'precondition' | 'unknown';

export class ChannelError extends Error {
  constructor(
    readonly kind: FailureKind,
    /** The channel type: "portal", "sftp", "email". */
    readonly channel: string,
    message: string,
    options?: { readonly cause?: unknown; readonly retryAfterMs?: number | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelError';
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** How long the recipient asked us to wait before trying again (HTTP Retry-After), if it said. */
  readonly retryAfterMs: number | undefined;
}

/**
 * An open connection to one customer system, reused for a run's sends. It takes up to the
 * context's `maxConcurrent` sends at once and keeps them one at a time where its protocol needs
 * it (one SFTP connection); the pipeline never asks for more at once.
 */
export interface OpenChannel {
  send(delivery: Delivery, signal?: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

/** What a channel may use besides its configuration. */
export interface ChannelContext {
  /** Reads a `{ env }` / `{ file }` secret only when a send needs it (secrets.ts). */
  readonly secret: (reference: unknown, what: string) => Promise<string>;
  /** Milliseconds a single network step may take before it counts as a transient failure. */
  readonly timeoutMs: number;
  /** For lines a person may read; never given a secret. */
  readonly log?: (message: string) => void;
  /** Sends the pipeline may have in flight on this channel at once (connections, sockets); default 1. */
  readonly maxConcurrent?: number | undefined;
  /** The run's connections, shared by the customers one server serves (an SFTP host and login); without it a channel keeps its own. */
  readonly shared?: SharedConnections | undefined;
}

/** How many sends of one kind of channel may be in flight at once. */
export interface ChannelLimits {
  /** For one customer, unless its profile's `channel.maxConcurrent` says otherwise. */
  readonly perCustomer: number;
  /** The most a profile may ask for: 1 where the protocol keeps one conversation per connection. */
  readonly maxPerCustomer: number;
  /** For all the customers of a run using this kind of channel together. */
  readonly perType: number;
}

/** One kind of channel: its `type` in the profile and how to open it from the profile's `channel` section. */
export interface ChannelDefinition {
  readonly type: string;
  readonly limits: ChannelLimits;
  open(config: Readonly<Record<string, unknown>>, context: ChannelContext): OpenChannel;
}

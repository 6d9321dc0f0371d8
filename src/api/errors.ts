/**
 * Typed errors of the FLORA client. The UI decides what to show from the class (or `kind`),
 * never from message text. Every error carries what FLORA said (`code`, `message`, `fields`)
 * and the `request-id` to quote to FLORA support.
 */

export interface FieldError {
  field: string;
  message: string;
}

export type FloraErrorKind =
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'rate_limit'
  | 'server'
  | 'bad_request'
  | 'connection'
  | 'timeout'
  | 'invalid_response'
  | 'cancelled'
  | 'configuration';

export interface FloraErrorDetails {
  status?: number;
  code?: string;
  fields?: FieldError[];
  requestId?: string;
  /** How long the server asked us to wait before the next try (from `Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
}

import * as l10n from '@vscode/l10n';
import { redact } from './logger';

/**
 * Every string field of a FloraError goes through `redact` as it is built, whoever builds it: the
 * message (and so the stack), FLORA's `code`, the `request-id` header and the field messages are
 * text from the network, which may echo the key back.
 */
export abstract class FloraError extends Error {
  abstract readonly kind: FloraErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly fields?: FieldError[];
  readonly requestId?: string;
  readonly retryAfterMs?: number;

  constructor(message: string, details: FloraErrorDetails = {}) {
    super(redact(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code === undefined ? undefined : redact(details.code);
    this.fields = details.fields?.map((f) => ({ field: redact(f.field), message: redact(f.message) }));
    this.requestId = details.requestId === undefined ? undefined : redact(details.requestId);
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Whether trying the same request again later may succeed. */
  get retryable(): boolean {
    return false;
  }
}

/** 401: no key, a malformed, revoked or unknown key. Stop until the key changes. */
export class AuthenticationError extends FloraError {
  readonly kind = 'authentication';
}

/** 403: a valid key without permission (read-only role, removed from the workspace, paid plan required). */
export class PermissionError extends FloraError {
  readonly kind = 'permission';
}

/** 404: unknown id, or not in the key's workspace. */
export class NotFoundError extends FloraError {
  readonly kind = 'not_found';
}

/** 429: the workspace's rate limit; `retryAfterMs` says when to come back, if FLORA said so. */
export class RateLimitError extends FloraError {
  readonly kind = 'rate_limit';
  override get retryable(): boolean {
    return true;
  }
}

/** 5xx (and 408): FLORA or a proxy in front of it failed. */
export class ServerError extends FloraError {
  readonly kind = 'server';
  override get retryable(): boolean {
    return true;
  }
}

/** Any other 4xx: the request itself is wrong (400 validation, 409, 422…). Retrying will not help. */
export class BadRequestError extends FloraError {
  readonly kind = 'bad_request';
}

/** The network failed before an answer arrived (refused, reset, DNS). */
export class ConnectionError extends FloraError {
  readonly kind = 'connection';
  override get retryable(): boolean {
    return true;
  }
}

/** No complete answer within the request timeout. */
export class TimeoutError extends FloraError {
  readonly kind = 'timeout';
  override get retryable(): boolean {
    return true;
  }
}

/** An answer arrived but is not what the contract says (not JSON, missing list, wrong shape). */
export class InvalidResponseError extends FloraError {
  readonly kind = 'invalid_response';
}

/**
 * A 2xx answer larger than the client's cap (8 MB, see src/api/http.ts): the client
 * stopped reading it (the connection is closed, nothing more is buffered) and does not retry. A
 * subclass of InvalidResponseError (kind `invalid_response`), so the UI shows it like any answer it
 * cannot use; `limitBytes` says where the cap stood.
 */
export class ResponseTooLargeError extends InvalidResponseError {
  readonly limitBytes: number;
  constructor(message: string, details: FloraErrorDetails & { limitBytes: number }) {
    super(message, details);
    this.limitBytes = details.limitBytes;
  }
}

/** The caller aborted the request through its AbortSignal. */
export class CancelledError extends FloraError {
  readonly kind = 'cancelled';
}

/** The client's own settings are unusable (bad base URL, plain http to a remote host). */
export class ConfigurationError extends FloraError {
  readonly kind = 'configuration';
}

export function isFloraError(err: unknown): err is FloraError {
  return err instanceof FloraError;
}

/** Builds the error for a non-2xx answer from its status and FLORA's error envelope. */
export function errorForStatus(status: number, message: string, details: FloraErrorDetails): FloraError {
  const d = { ...details, status };
  if (status === 401) return new AuthenticationError(message, d);
  if (status === 403) return new PermissionError(message, d);
  if (status === 404) return new NotFoundError(message, d);
  if (status === 429) return new RateLimitError(message, d);
  if (status === 408 || status >= 500) return new ServerError(message, d);
  return refinedBadRequest(message, d);
}

// ---- POST /generate's refusals (flora-api.md §3b, §5): subclasses of BadRequestError, so
// everything that handles a 4xx alike still does, and the Generate flow tells them apart by class.

/** 400 (or 422) with FLORA's `fields[]`: which fields of the request were refused, and why. */
export class ValidationError extends BadRequestError {}

/** 402 `insufficient_credits`: the workspace's balance cannot cover the run. */
export class InsufficientCreditsError extends BadRequestError {}

/** 409 `idempotency_duplicate`: FLORA already took a request with this key (within 2 h). */
export class DuplicateSubmissionError extends BadRequestError {}

/** 422 `idempotency_conflict`: this key was used with a different request. */
export class IdempotencyConflictError extends BadRequestError {}

/** The refinements above of a 4xx that errorForStatus would make a plain BadRequestError. */
function refinedBadRequest(message: string, d: FloraErrorDetails & { status: number }): FloraError {
  if (d.status === 402) return new InsufficientCreditsError(message, d);
  if (d.status === 409 && d.code === 'idempotency_duplicate') return new DuplicateSubmissionError(message, d);
  if (d.status === 422 && d.code === 'idempotency_conflict') return new IdempotencyConflictError(message, d);
  if ((d.status === 400 || d.status === 422) && d.fields?.length) return new ValidationError(message, d);
  return new BadRequestError(message, d);
}

/** Anything thrown, as a FloraError (what is not one is taken for a connection failure). */
export function asFloraError(err: unknown): FloraError {
  if (err instanceof FloraError) return err;
  return new ConnectionError(err instanceof Error ? err.message : l10n.t('Unexpected failure.'), {
    cause: err,
  });
}

/** One log line for a failure: FLORA's message, code, HTTP status and request id. */
export function describeError(err: unknown): string {
  const e = asFloraError(err);
  const parts = [e.message];
  if (e.code) parts.push(`code ${e.code}`);
  if (e.status) parts.push(`HTTP ${e.status}`);
  if (e.requestId) parts.push(e.requestId);
  return parts.join(' · ');
}

/**
 * Failures that every further request would meet alike (FLORA down or unreachable, the key
 * refused, the rate limit): a store refresh stops at the first, and a poll tick ends and backs off.
 * Not 'permission': a 403 is one workspace's (a removed member, a read-only role), not FLORA's.
 */
export const FAILS_EVERY_REQUEST: ReadonlySet<FloraErrorKind> = new Set<FloraErrorKind>([
  'authentication',
  'rate_limit',
  'server',
  'connection',
  'timeout',
]);

/** How FLORA is reachable with the current key, as the views show it. */
export type ConnectionState =
  | { state: 'ok' }
  | { state: 'unauthorized'; error: FloraError }
  | { state: 'offline'; error: FloraError }
  | { state: 'rate_limited'; error: FloraError }
  | { state: 'error'; error: FloraError };

/** Decided by the error's kind, never by its message. */
export function connectionStateFor(error: FloraError): ConnectionState {
  switch (error.kind) {
    case 'authentication':
    case 'permission':
      return { state: 'unauthorized', error };
    case 'rate_limit':
      return { state: 'rate_limited', error };
    case 'connection':
    case 'timeout':
      return { state: 'offline', error };
    default:
      return { state: 'error', error };
  }
}

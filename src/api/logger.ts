/** The logging surface the api and model layers write to; the UI backs it with a LogOutputChannel. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Wraps a logger so that no line can carry a secret, whatever code path built it: every key a
 * client has used (see rememberSecret), an explicit `secret`, and anything that looks like a
 * FLORA key, a Bearer token or an Authorization value are replaced before the line is written.
 * The VS Code side wraps its output channel in this too (src/ui/logger.ts).
 */
export function redactingLogger(inner: Logger, secret: () => string | undefined = () => undefined): Logger {
  const clean = (message: string): string => redact(message, secret());
  return {
    trace: (m) => inner.trace(clean(m)),
    debug: (m) => inner.debug(clean(m)),
    info: (m) => inner.info(clean(m)),
    warn: (m) => inner.warn(clean(m)),
    error: (m) => inner.error(clean(m)),
  };
}

// The keys clients have sent (or were asked to send) in this process, newest last. Module state on
// purpose: a key of no known shape (an OAuth token) can only be hidden by knowing it, and every
// redaction (error fields, the client's and the VS Code side's log lines) must know it without
// each caller being handed the key. Bounded: a user changes keys a few times at most.
const rememberedSecrets: string[] = [];
const MAX_REMEMBERED_SECRETS = 8;
/** Shorter values would redact ordinary words; no real key is this short. */
const MIN_SECRET_LENGTH = 8;

/** Makes every later `redact` (and so every FloraError and redacting logger) hide `secret`. */
export function rememberSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return;
  const at = rememberedSecrets.indexOf(secret);
  if (at >= 0) rememberedSecrets.splice(at, 1);
  rememberedSecrets.push(secret);
  if (rememberedSecrets.length > MAX_REMEMBERED_SECRETS) rememberedSecrets.shift();
}

const KEY_PATTERN = /\bsk_(?:live|test)_[A-Za-z0-9_-]+/g;
const BEARER_PATTERN = /\bBearer\s+[^\s"',]+/gi;
// `Authorization: Basic …`, `"authorization":"…"`: any scheme but Bearer (handled above).
const AUTHORIZATION_PATTERN = /\b(authorization["']?\s*[:=]\s*["']?)(?!Bearer\b)(?:[A-Za-z]+\s+)?[^\s"',]+/gi;

export function redact(text: string, secret?: string): string {
  let out = text;
  const secrets = secret && secret.length >= 4 ? [...rememberedSecrets, secret] : rememberedSecrets;
  for (const s of secrets) {
    out = out.split(s).join('[redacted]');
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join('[redacted]');
  }
  return out
    .replace(KEY_PATTERN, 'sk_…[redacted]')
    .replace(BEARER_PATTERN, 'Bearer [redacted]')
    .replace(AUTHORIZATION_PATTERN, '$1[redacted]');
}

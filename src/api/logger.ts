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
 * Wraps a logger so that no line can carry a secret, whatever code path built it: the key (and
 * anything that looks like a FLORA key or a Bearer token) is replaced before the line is written.
 */
export function redactingLogger(inner: Logger, secret: () => string | undefined): Logger {
  const clean = (message: string): string => redact(message, secret());
  return {
    trace: (m) => inner.trace(clean(m)),
    debug: (m) => inner.debug(clean(m)),
    info: (m) => inner.info(clean(m)),
    warn: (m) => inner.warn(clean(m)),
    error: (m) => inner.error(clean(m)),
  };
}

const KEY_PATTERN = /\bsk_(?:live|test)_[A-Za-z0-9_-]+/g;
const BEARER_PATTERN = /\bBearer\s+[^\s"',]+/gi;

export function redact(text: string, secret?: string): string {
  let out = text;
  if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(KEY_PATTERN, 'sk_…[redacted]').replace(BEARER_PATTERN, 'Bearer [redacted]');
}

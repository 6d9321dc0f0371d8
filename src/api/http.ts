/**
 * How a request to FLORA is made, whatever it asks for: the key (asked before every request, sent
 * only to the configured origin), a timeout around each try, bounded retries that honour
 * Retry-After, every failure as a typed FloraError, one log line per try with secrets redacted,
 * and a capped body read. What is asked and how its answer is read are the endpoints' (client.ts);
 * the connections come from the dispatcher given (transport.ts, shared and proxy-aware) or, when
 * none is, from a keep-alive pool of this object's own (network.ts, loaded on the first request).
 */
import * as l10n from '@vscode/l10n';
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock';
import {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  errorForStatus,
  FloraError,
  InvalidResponseError,
  ResponseTooLargeError,
  TimeoutError,
  type FieldError,
} from './errors';
import { redact, redactingLogger, rememberSecret, silentLogger, type Logger } from './logger';
import { ErrorEnvelope } from './schemas';
import { apiKeyProblem, validateBaseUrl } from './validate';
import { loadNetwork } from './transport';

/** package.json's version: esbuild's `define` puts it in the bundles (esbuild.js). */
declare const __EXTENSION_VERSION__: string | undefined;
/** When the sources run directly (tests, benchmarks under tsx) it is read from package.json. */
const EXTENSION_VERSION: string =
  typeof __EXTENSION_VERSION__ === 'string'
    ? __EXTENSION_VERSION__
    : // Never bundled: the branch is dead once `define` has set the version.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../../package.json') as { version: string }).version;
const USER_AGENT = `flora-generations-vscode/${EXTENSION_VERSION}`;

/** The largest JSON answer read (8 MB): a full page of 100 generations is far below 1 MB. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** An error answer is read only this far (64 KB) for FLORA's envelope; the status says enough. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const RATE_LIMIT_FALLBACK_MS = 5_000;
/** A wait the server asks for beyond this is not slept inside a call: the error goes up instead. */
const MAX_RETRY_WAIT_MS = 30_000;

export interface FloraHttpOptions {
  baseUrl: string;
  /** Asked before every request, so a key changed in SecretStorage takes effect at once. */
  apiKey: () => string | undefined | Promise<string | undefined>;
  logger?: Logger;
  /** Injectable so tests record retry waits instead of sleeping them. */
  clock?: Clock;
  /** Returns a number in [0, 1); injectable so backoff jitter is deterministic in tests. */
  random?: () => number;
  /** Retries after the first try for connection errors, timeouts, 408, 429 and 5xx. */
  maxRetries?: number;
  /** Whole-request timeout (headers and body), 30 s unless given. */
  timeoutMs?: number;
  /**
   * Asked before every request for what it goes through (the extension's shared proxy-aware
   * dispatcher, which a settings change replaces); never closed here. When absent, a keep-alive
   * pool of this object's own is created on the first request (so that constructing a client
   * never loads undici) and closed by close().
   */
  dispatcher?: () => Dispatcher | Promise<Dispatcher>;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's retries for this call (a caller with its own backoff passes 0). */
  maxRetries?: number;
}

export type Query = Record<string, string | number | undefined>;

/** What a request other than a GET sends (only `POST /generate` so far). */
interface Payload {
  method: 'POST';
  body: string;
  headers: Record<string, string>;
}

/** A 2xx answer: its JSON body, not yet checked, and FLORA's `request-id`. */
export interface Answer {
  body: unknown;
  requestId?: string;
}

/**
 * Parses `Retry-After`: delta-seconds or an HTTP date (a date in the past is 0). Anything else
 * (negative numbers, words, `Date.parse` leniencies such as "-5" read as the year 2001) is
 * undefined, as if the header were absent. A 0 is returned as such: the retry loop still waits
 * at least its backoff (see FloraHttp.get), so no answer can make it retry at once.
 */
function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date always names a month and carries hh:mm:ss (RFC 9110 §5.6.7, all three forms).
  if (!/[A-Za-z]{3}/.test(trimmed) || !/\d{1,2}:\d{2}:\d{2}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class FloraHttp {
  readonly baseUrl: URL;
  /** Hides every key this object has sent; the endpoints log through it too. */
  readonly logger: Logger;
  private readonly basePath: string;
  private ownDispatcher: Promise<Dispatcher> | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private lastKey: string | undefined;

  constructor(private readonly options: FloraHttpOptions) {
    this.baseUrl = validateBaseUrl(options.baseUrl);
    this.basePath = this.baseUrl.pathname.replace(/\/+$/, '');
    this.logger = redactingLogger(options.logger ?? silentLogger, () => this.lastKey);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * The path of `url` under the base URL (with its query), when `url` points at the configured
   * origin and API path; undefined for any other URL, so the key is never sent elsewhere.
   */
  pathUnderBase(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.origin !== this.baseUrl.origin) return undefined;
    if (!parsed.pathname.startsWith(`${this.basePath}/`)) return undefined;
    return parsed.pathname.slice(this.basePath.length) + parsed.search;
  }

  /** The configured origin and API path, for log lines. */
  get apiRoot(): string {
    return this.baseUrl.origin + this.basePath;
  }

  /**
   * GET `path` (under the base URL; it may carry a query of its own) with `query` added, retried
   * as the options say: connection errors, timeouts, 408, 429 and 5xx, after a jittered backoff or
   * the wait the server asks for when that is longer (a wait beyond 30 s is the caller's).
   */
  get(path: string, query: Query, options: CallOptions = {}): Promise<Answer> {
    return this.request(path, query, options);
  }

  /**
   * POST `body` as JSON to `path`, retried as get() is. Only for requests that are safe to resend:
   * the caller puts an idempotency key in `headers` and `body` (POST /generate), so a retry of a
   * request FLORA already took cannot make a second one.
   */
  post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    options: CallOptions = {},
  ): Promise<Answer> {
    return this.request(path, {}, options, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { ...headers, 'content-type': 'application/json' },
    });
  }

  private async request(
    path: string,
    query: Query,
    options: CallOptions,
    payload?: Payload,
  ): Promise<Answer> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const search = qs.toString();
    const fullPath = this.basePath + path + (search ? (path.includes('?') ? '&' : '?') + search : '');
    const maxRetries = options.maxRetries ?? this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(fullPath, options.signal, payload);
      } catch (err) {
        const error =
          err instanceof FloraError ? err : new ConnectionError(l10n.t('Request failed.'), { cause: err });
        if (!error.retryable || attempt >= maxRetries) throw error;
        // A 429 without a usable Retry-After waits at least 5 s (FLORA's own fallback). Whatever
        // the server says, the wait is never below this attempt's backoff: `Retry-After: 0` (or a
        // date in the past) must not turn the retries into a loop without pause.
        const backoff = this.backoff(attempt);
        const asked = error.retryAfterMs ?? (error.kind === 'rate_limit' ? RATE_LIMIT_FALLBACK_MS : backoff);
        const wait = Math.max(backoff, asked);
        if (wait > MAX_RETRY_WAIT_MS) throw error;
        this.logger.warn(
          `${payload?.method ?? 'GET'} ${fullPath} failed (${describe(error)}); retry ${attempt + 1} of ${maxRetries} in ${Math.round(wait)} ms.`,
        );
        try {
          await this.clock.sleep(wait, options.signal);
        } catch {
          throw new CancelledError(l10n.t('The request was cancelled.'));
        }
      }
    }
  }

  /** Closes the connection pool this object created; a given dispatcher is left alone. */
  async close(): Promise<void> {
    const own = this.ownDispatcher;
    this.ownDispatcher = undefined;
    if (own) await (await own).close();
  }

  private dispatcher(): Promise<Dispatcher> {
    const given = this.options.dispatcher;
    if (given) return Promise.resolve(given());
    this.ownDispatcher ??= loadNetwork().then((net) => net.createPool(this.baseUrl.origin));
    return this.ownDispatcher;
  }

  /** 0.5 s · 2^attempt, capped at 8 s, minus up to 25 % jitter (FLORA SDK's schedule). */
  private backoff(attempt: number): number {
    const base = Math.min(500 * 2 ** attempt, 8_000);
    return base * (1 - 0.25 * this.random());
  }

  /** One try, no retry: its answer, or the FloraError that says why there is none. */
  private async send(path: string, signal: AbortSignal | undefined, payload?: Payload): Promise<Answer> {
    const method = payload?.method ?? 'GET';
    if (signal?.aborted) throw new CancelledError(l10n.t('The request was cancelled.'));
    const key = (await this.options.apiKey())?.trim();
    if (!key) {
      throw new AuthenticationError(l10n.t('No FLORA API key is set.'), { code: 'no_api_key' });
    }
    // Remembered before anything can fail, so every error and log line from here on hides it.
    rememberSecret(key);
    this.lastKey = key;
    const problem = apiKeyProblem(key);
    if (problem) {
      // Refused here: sent as a header it would fail as "could not reach FLORA" (undici rejects
      // it) or, worse, split into a second header.
      throw new AuthenticationError(
        l10n.t(
          'The FLORA API key {0}, so it was not sent. It was probably pasted with extra text: set the key again (FLORA: Set API Key).',
          problem,
        ),
        { code: 'malformed_api_key' },
      );
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    const started = performance.now();
    let status = 0;
    let requestId: string | undefined;
    try {
      const res = await (
        await this.dispatcher()
      ).request({
        origin: this.baseUrl.origin,
        path,
        method,
        headers: {
          ...payload?.headers,
          authorization: `Bearer ${key}`,
          accept: 'application/json',
          'user-agent': USER_AGENT,
        },
        body: payload?.body,
        signal: combined,
      });
      status = res.statusCode;
      requestId = header(res.headers, 'request-id');
      const ok = status >= 200 && status < 300;
      const limit = ok ? MAX_RESPONSE_BYTES : MAX_ERROR_BODY_BYTES;
      const text = await readCapped(res, limit);
      const ms = Math.round(performance.now() - started);
      // A request that worked is routine (debug: shown when the user asks for it); one that did
      // not stays visible at the default level.
      const line = `${method} ${path} → ${status} in ${ms} ms${requestId ? ` (${requestId})` : ''}${text === undefined ? ` (body over ${humanBytes(limit)}, not read)` : ''}`;
      if (ok) this.logger.debug(line);
      else this.logger.warn(line);
      if (ok) {
        if (text === undefined) {
          throw new ResponseTooLargeError(
            l10n.t(
              "FLORA's answer is larger than {0}, the most the extension reads; it was not read. A smaller flora.pageSize makes answers smaller.",
              humanBytes(limit),
            ),
            { status, requestId, limitBytes: limit },
          );
        }
        try {
          return { body: JSON.parse(text) as unknown, requestId };
        } catch {
          throw new InvalidResponseError(l10n.t('FLORA answered {0} with a body that is not JSON.', status), {
            status,
            requestId,
          });
        }
      }
      // An error page over the cap is left unread: the status alone has to do.
      throw this.httpError(status, text ?? '', res.headers, requestId, key);
    } catch (err) {
      if (err instanceof FloraError) throw err;
      if (signal?.aborted) throw new CancelledError(l10n.t('The request was cancelled.'), { cause: err });
      const ms = Math.round(performance.now() - started);
      if (timeout.signal.aborted) {
        this.logger.warn(`${method} ${path} timed out after ${ms} ms`);
        throw new TimeoutError(
          l10n.t('FLORA did not answer within {0} s.', Math.round(this.timeoutMs / 1000)),
          {
            status,
          },
        );
      }
      const code = (err as { code?: unknown }).code;
      this.logger.warn(
        `${method} ${path} failed after ${ms} ms: ${typeof code === 'string' ? code : 'network error'}`,
      );
      throw new ConnectionError(
        typeof code === 'string'
          ? l10n.t('Could not reach FLORA at {0} ({1}).', this.baseUrl.origin, code)
          : l10n.t('Could not reach FLORA at {0}.', this.baseUrl.origin),
        {
          cause: err,
          code: typeof code === 'string' ? code : undefined,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private httpError(
    status: number,
    text: string,
    headers: Dispatcher.ResponseData['headers'],
    requestId: string | undefined,
    key: string,
  ): FloraError {
    let code: string | undefined;
    let message: string | undefined;
    let fields: FieldError[] | undefined;
    try {
      const env = ErrorEnvelope.safeParse(JSON.parse(text));
      if (env.success) {
        code = env.data.error.code;
        message = env.data.error.message;
        fields = env.data.error.fields?.map((f) => ({ field: f.field ?? '', message: f.message ?? '' }));
      }
    } catch {
      // Not JSON (a proxy's HTML page): the status alone has to do.
    }
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), this.clock.now());
    const safeMessage = redact(message ?? l10n.t('FLORA answered HTTP {0}.', status), key);
    return errorForStatus(status, safeMessage, { code, fields, requestId, retryAfterMs });
  }
}

/**
 * Reads a body as UTF-8 text, or returns undefined (and destroys the body, which closes the
 * connection) as soon as it is known to exceed `limit` bytes: from `content-length` before reading,
 * otherwise when the bytes received pass the cap. Never buffers more than `limit` + one chunk.
 */
async function readCapped(res: Dispatcher.ResponseData, limit: number): Promise<string | undefined> {
  const announced = Number(header(res.headers, 'content-length'));
  if (Number.isFinite(announced) && announced > limit) {
    res.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  // TextDecoder, like undici's body.text(): drops a byte-order mark, which JSON.parse would refuse.
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}

function humanBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

function describe(error: FloraError): string {
  return [error.status, error.code ?? error.kind].filter((x) => x !== undefined).join(' ');
}

/**
 * FloraClient: the only code that talks HTTP to FLORA. Its requests go through the extension's
 * shared, proxy-aware dispatcher (transport.ts), or a keep-alive pool of its own, zod at the boundary, typed errors, bounded retries that honour Retry-After, a timeout per
 * request and AbortSignal cancellation. The key goes only to the configured origin.
 */
import * as l10n from '@vscode/l10n';
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock';
import {
  CancelledError,
  ConfigurationError,
  ConnectionError,
  errorForStatus,
  FloraError,
  InvalidResponseError,
  AuthenticationError,
  ResponseTooLargeError,
  TimeoutError,
  type FieldError,
} from './errors';
import { redact, redactingLogger, rememberSecret, silentLogger, type Logger } from './logger';
import { walkPages, type WalkOptions } from './pagination';
import { loadNetwork } from './transport';
import {
  ErrorEnvelope,
  parseListEnvelope,
  parseGeneration,
  parseItems,
  parseModel,
  parseProject,
  parseRun,
  parseWorkspace,
  parseGenerateAnswer,
  type GenerateAnswer,
  type GenerateBody,
} from './schemas';
import type {
  Generation,
  KnownStatus,
  Model,
  Page,
  Project,
  RunState,
  SkippedItem,
  Workspace,
} from './types';

export const DEFAULT_BASE_URL = 'https://app.flora.ai/api/v1';
/** The largest JSON answer read (8 MB): a full page of 100 generations is far below 1 MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** An error answer is read only this far (64 KB) for FLORA's envelope; the status says enough. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const RATE_LIMIT_FALLBACK_MS = 5_000;
export const USER_AGENT = 'flora-generations-vscode/0.1.0';

export interface FloraClientOptions {
  baseUrl: string;
  /** Asked before every request, so a key changed in SecretStorage takes effect at once. */
  apiKey: () => string | undefined | Promise<string | undefined>;
  logger?: Logger;
  clock?: Clock;
  /** Returns a number in [0, 1); injectable so backoff jitter is deterministic in tests. */
  random?: () => number;
  /** Retries after the first try for connection errors, timeouts, 408, 429 and 5xx. */
  maxRetries?: number;
  /** Whole-request timeout (headers and body). */
  timeoutMs?: number;
  /** A wait the server asks for beyond this is not slept inside a call: the error goes up instead. */
  maxRetryWaitMs?: number;
  /**
   * A 2xx body larger than this is not read (ResponseTooLargeError); DEFAULT_MAX_RESPONSE_BYTES
   * when absent. Announced lengths are refused before reading, others once the cap is passed.
   */
  maxResponseBytes?: number;
  /**
   * What requests go through: a dispatcher, or a function asked before every request (the
   * extension's shared proxy-aware one, which a settings change replaces). Neither is closed by
   * the client. When absent the client creates (and closes) a keep-alive pool of its own, loaded
   * on the first request so that constructing a client never loads undici.
   */
  dispatcher?: Dispatcher | (() => Dispatcher | Promise<Dispatcher>);
  connections?: number;
}

/** The part of FloraClient the store uses; tests and benchmarks may pass anything shaped like it. */
export interface FloraApi {
  listWorkspaces(options?: CallOptions): Promise<Workspace[]>;
  listProjects(query: ProjectQuery, options?: CallOptions): Promise<Page<Project>>;
  getProject(projectId: string, options?: CallOptions): Promise<Project>;
  listGenerations(query: GenerationQuery, options?: CallOptions): Promise<Page<Generation>>;
  getRun(runId: string, options?: CallOptions & { pollUrl?: string }): Promise<RunState>;
  listModels(query?: { type?: string }, options?: CallOptions): Promise<Model[]>;
  getRunJson(runId: string, options?: CallOptions): Promise<unknown>;
  generate(body: GenerateBody, options: GenerateCallOptions): Promise<GenerateAnswer>;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's retries for this call (a caller with its own backoff passes 0). */
  maxRetries?: number;
}

/** `POST /generate` needs a key: the transport retries it only because the key makes that safe. */
export interface GenerateCallOptions extends CallOptions {
  idempotencyKey: string;
}

export interface GenerationQuery {
  cursor?: string;
  limit?: number;
  workspaceId?: string;
  projectId?: string;
  status?: KnownStatus;
}

export interface ProjectQuery {
  workspaceId: string;
  cursor?: string;
  limit?: number;
  query?: string;
}

type Query = Record<string, string | number | undefined>;

/** A request other than a plain GET (only `POST /generate` so far). */
interface Send {
  method: 'POST';
  body: string;
  headers: Record<string, string>;
}

interface RawAnswer {
  body: unknown;
  requestId?: string;
}

/** Checks a base URL: http(s) only, and plain http only to a loopback host. */
export function validateBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(l10n.t('"{0}" is not a valid URL for flora.apiBaseUrl.', baseUrl));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(l10n.t('flora.apiBaseUrl must be an https URL, not {0}.', url.protocol));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      l10n.t(
        'flora.apiBaseUrl uses plain http to {0}; your API key would travel unencrypted. Use https (plain http is allowed only for 127.0.0.1, localhost and [::1]).',
        url.hostname,
      ),
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(l10n.t('flora.apiBaseUrl must not contain a user name or password.'));
  }
  return url;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * Why `key` cannot be an API key sent as `Authorization: Bearer <key>`, or undefined when it can.
 * Keys are printable ASCII without spaces (FLORA's are `sk_live_…`); a line break, a space, a
 * control character or a non-ASCII character (a zero-width space, an ellipsis from a copied
 * "sk_live_…") means the key was pasted wrong. Surrounding white space is trimmed before this.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (/[\r\n]/.test(key)) return l10n.t('contains a line break');
  if (/\s/.test(key)) return l10n.t('contains a space or a tab');
  if (/[^\x21-\x7e]/.test(key))
    return l10n.t('contains a character no API key has (a control or non-ASCII character)');
  return undefined;
}

/**
 * Parses `Retry-After`: delta-seconds or an HTTP date (a date in the past is 0). Anything else
 * (negative numbers, words, `Date.parse` leniencies such as "-5" read as the year 2001) is
 * undefined, as if the header were absent. A 0 is returned as such: the retry loop still waits
 * at least its backoff (see FloraClient.get), so no answer can make it retry at once.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
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

export class FloraClient implements FloraApi {
  readonly baseUrl: URL;
  private readonly basePath: string;
  private ownDispatcher: Promise<Dispatcher> | undefined;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly maxResponseBytes: number;
  private lastKey: string | undefined;

  constructor(private readonly options: FloraClientOptions) {
    this.baseUrl = validateBaseUrl(options.baseUrl);
    this.basePath = this.baseUrl.pathname.replace(/\/+$/, '');
    this.logger = redactingLogger(options.logger ?? silentLogger, () => this.lastKey);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  get origin(): string {
    return this.baseUrl.origin;
  }

  // ---- generations and runs ----

  async listGenerations(query: GenerationQuery = {}, options: CallOptions = {}): Promise<Page<Generation>> {
    if (query.limit !== undefined) assertLimit(query.limit);
    const answer = await this.get(
      '/generations',
      {
        cursor: query.cursor,
        limit: query.limit,
        workspace_id: query.workspaceId,
        project_id: query.projectId,
        status: query.status,
      },
      options,
    );
    return this.page(answer, 'generations', parseGeneration);
  }

  /** Every page of a generation query, lazily; see walkPages for how it ends. */
  generationPages(
    query: Omit<GenerationQuery, 'cursor'> = {},
    options: WalkOptions = {},
  ): AsyncGenerator<Page<Generation>, void, undefined> {
    return walkPages(
      (cursor, signal) => this.listGenerations({ ...query, cursor }, { signal }),
      (g) => g.id,
      { logger: this.logger, ...options },
    );
  }

  /**
   * The run detail (`GET /runs/{runId}`). A `pollUrl` is followed only when it points at the
   * configured origin and API path; any other URL is ignored (and logged) so the key is never
   * sent elsewhere, and the run is fetched from the configured base URL instead.
   */
  async getRun(runId: string, options: CallOptions & { pollUrl?: string } = {}): Promise<RunState> {
    let path = `/runs/${encodeURIComponent(runId)}`;
    if (options.pollUrl) {
      const trusted = this.trustedPath(options.pollUrl);
      if (trusted) path = trusted;
      else
        this.logger.warn(
          `Ignored a poll_url outside ${this.baseUrl.origin}${this.basePath}; fetched ${path} instead.`,
        );
    }
    const answer = await this.get(path, {}, options, true);
    const parsed = parseRun(answer.body);
    if (!parsed.ok) {
      throw new InvalidResponseError(
        l10n.t('FLORA sent a run that does not match the API ({0}).', parsed.reason),
        {
          requestId: answer.requestId,
        },
      );
    }
    return parsed.value;
  }

  /** The run detail exactly as FLORA sent it (for "Show Run Details"). */
  async getRunJson(runId: string, options: CallOptions = {}): Promise<unknown> {
    return (await this.get(`/runs/${encodeURIComponent(runId)}`, {}, options)).body;
  }

  /**
   * Starts a generation (`POST /generate`). Every call bills, so it is sent only with an
   * idempotency key, in the `Idempotency-Key` header and the body's `idempotency_key` (FLORA
   * documents both, flora-api.md §5): the retries (connection errors, timeouts, 429, 5xx) resend
   * the same key, so FLORA answers a retry of a request it already took with 409
   * `idempotency_duplicate` or a replay of its first answer, never a second run.
   */
  async generate(body: GenerateBody, options: GenerateCallOptions): Promise<GenerateAnswer> {
    const key = options.idempotencyKey;
    if (!key) throw new ConfigurationError(l10n.t('A generation is sent only with an idempotency key.'));
    const send: Send = {
      method: 'POST',
      body: JSON.stringify({ ...body, idempotency_key: key }),
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    };
    const answer = await this.get('/generate', {}, options, false, send);
    const parsed = parseGenerateAnswer(answer.body);
    if (!parsed.ok) {
      throw new InvalidResponseError(
        l10n.t('FLORA accepted the generation but its answer does not match the API ({0}).', parsed.reason),
        { requestId: answer.requestId },
      );
    }
    return { ...parsed.value, requestId: answer.requestId };
  }

  // ---- names ----

  async listWorkspaces(options: CallOptions = {}): Promise<Workspace[]> {
    const answer = await this.get('/workspaces', {}, options);
    return this.page(answer, 'workspaces', parseWorkspace).items;
  }

  async listProjects(query: ProjectQuery, options: CallOptions = {}): Promise<Page<Project>> {
    if (query.limit !== undefined) assertLimit(query.limit);
    const answer = await this.get(
      '/projects',
      { workspace_id: query.workspaceId, cursor: query.cursor, limit: query.limit, query: query.query },
      options,
    );
    return this.page(answer, 'projects', parseProject);
  }

  projectPages(
    query: Omit<ProjectQuery, 'cursor'>,
    options: WalkOptions = {},
  ): AsyncGenerator<Page<Project>, void, undefined> {
    return walkPages(
      (cursor, signal) => this.listProjects({ ...query, cursor }, { signal }),
      (p) => p.id,
      { logger: this.logger, ...options },
    );
  }

  async getProject(projectId: string, options: CallOptions = {}): Promise<Project> {
    const answer = await this.get(`/projects/${encodeURIComponent(projectId)}`, {}, options, true);
    const parsed = parseProject(answer.body);
    if (!parsed.ok) {
      throw new InvalidResponseError(
        l10n.t('FLORA sent a project that does not match the API ({0}).', parsed.reason),
        {
          requestId: answer.requestId,
        },
      );
    }
    return parsed.value;
  }

  async listModels(query: { type?: string } = {}, options: CallOptions = {}): Promise<Model[]> {
    const answer = await this.get('/models', { type: query.type }, options);
    return this.page(answer, 'models', parseModel).items;
  }

  /** Closes the connection pool the client created; an injected dispatcher is left alone. */
  async close(): Promise<void> {
    const own = this.ownDispatcher;
    this.ownDispatcher = undefined;
    if (own) await (await own).close();
  }

  private dispatcher(): Promise<Dispatcher> {
    const given = this.options.dispatcher;
    if (typeof given === 'function') return Promise.resolve(given());
    if (given) return Promise.resolve(given);
    this.ownDispatcher ??= loadNetwork().then((net) =>
      net.createPool(this.baseUrl.origin, this.options.connections ?? 4),
    );
    return this.ownDispatcher;
  }

  // ---- plumbing ----

  private page<K extends string, T>(
    answer: RawAnswer,
    key: K,
    parse: (item: unknown) => { ok: true; value: T } | { ok: false; reason: string; id?: string },
  ): Page<T> {
    const envelope = parseListEnvelope(answer.body, key);
    if (!envelope.ok) {
      throw new InvalidResponseError(l10n.t("FLORA's answer does not match the API: {0}.", envelope.reason), {
        requestId: answer.requestId,
      });
    }
    const { items, skipped } = parseItems(envelope.list, parse);
    this.reportSkipped(key, skipped, answer.requestId);
    return {
      items,
      skipped,
      nextCursor: envelope.meta.nextCursor,
      totalEstimate: envelope.meta.totalEstimate,
      requestId: answer.requestId,
    };
  }

  private reportSkipped(key: string, skipped: SkippedItem[], requestId: string | undefined): void {
    for (const s of skipped) {
      this.logger.warn(
        `Skipped ${key} item #${s.index}${s.id ? ` (${s.id})` : ''} that does not match the API: ${s.reason}${requestId ? ` [${requestId}]` : ''}`,
      );
    }
  }

  private trustedPath(url: string): string | undefined {
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

  private async get(
    path: string,
    query: Query,
    options: CallOptions,
    pathHasQuery = false,
    send?: Send,
  ): Promise<RawAnswer> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const search = qs.toString();
    const fullPath =
      this.basePath + path + (search ? (pathHasQuery && path.includes('?') ? '&' : '?') + search : '');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(fullPath, options.signal, send);
      } catch (err) {
        const error =
          err instanceof FloraError ? err : new ConnectionError(l10n.t('Request failed.'), { cause: err });
        if (!error.retryable || attempt >= (options.maxRetries ?? this.maxRetries)) throw error;
        // A 429 without a usable Retry-After waits at least 5 s (FLORA's own fallback). Whatever
        // the server says, the wait is never below this attempt's backoff: `Retry-After: 0` (or a
        // date in the past) must not turn the retries into a loop without pause.
        const backoff = this.backoff(attempt);
        const asked = error.retryAfterMs ?? (error.kind === 'rate_limit' ? RATE_LIMIT_FALLBACK_MS : backoff);
        const wait = Math.max(backoff, asked);
        if (wait > this.maxRetryWaitMs) throw error;
        this.logger.warn(
          `${send?.method ?? 'GET'} ${fullPath} failed (${describe(error)}); retry ${attempt + 1} of ${options.maxRetries ?? this.maxRetries} in ${Math.round(wait)} ms.`,
        );
        try {
          await this.clock.sleep(wait, options.signal);
        } catch {
          throw new CancelledError(l10n.t('The request was cancelled.'));
        }
      }
    }
  }

  /** 0.5 s · 2^attempt, capped at 8 s, minus up to 25 % jitter (FLORA SDK's schedule). */
  private backoff(attempt: number): number {
    const base = Math.min(500 * 2 ** attempt, 8_000);
    return base * (1 - 0.25 * this.random());
  }

  private async once(path: string, signal: AbortSignal | undefined, send?: Send): Promise<RawAnswer> {
    const method = send?.method ?? 'GET';
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
          ...send?.headers,
          authorization: `Bearer ${key}`,
          accept: 'application/json',
          'user-agent': USER_AGENT,
        },
        body: send?.body,
        signal: combined,
      });
      status = res.statusCode;
      requestId = header(res.headers, 'request-id');
      const ok = status >= 200 && status < 300;
      const limit = ok ? this.maxResponseBytes : Math.min(this.maxResponseBytes, MAX_ERROR_BODY_BYTES);
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

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ConfigurationError(l10n.t('Page size must be a whole number from 1 to 100, not {0}.', limit));
  }
}

function describe(error: FloraError): string {
  return [error.status, error.code ?? error.kind].filter((x) => x !== undefined).join(' ');
}

/**
 * FloraClient: the FLORA endpoints the extension reads, and how each answer is read (zod at the
 * boundary, one bad item skipped and reported, the rest kept). How a request is made (key,
 * timeout, retries, errors, logging, capped read) is http.ts's.
 */
import * as l10n from '@vscode/l10n';
import { ConfigurationError, InvalidResponseError } from './errors';
import { isPageSize } from './pageSize';
import { FloraHttp, type Answer, type CallOptions, type FloraHttpOptions } from './http';
import {
  parseGeneration,
  parseItems,
  parseListEnvelope,
  parseModel,
  parseProject,
  parseRun,
  parseTechniqueRun,
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
  TechniqueRef,
  Workspace,
} from './types';

/** What a client is built from: the request side's options (see FloraHttpOptions). */
export type FloraClientOptions = FloraHttpOptions;

/** The part of FloraClient the store uses; tests and benchmarks may pass anything shaped like it. */
export interface FloraApi {
  listWorkspaces(options?: CallOptions): Promise<Workspace[]>;
  listProjects(query: ProjectQuery, options?: CallOptions): Promise<Page<Project>>;
  getProject(projectId: string, options?: CallOptions): Promise<Project>;
  listGenerations(query: GenerationQuery, options?: CallOptions): Promise<Page<Generation>>;
  getRun(runId: string, options?: CallOptions & { pollUrl?: string }): Promise<RunState>;
  listModels(query?: { type?: string }, options?: CallOptions): Promise<Model[]>;
  getRunJson(runId: string, options?: CallOptions): Promise<unknown>;
  listTechniqueRuns(query: TechniqueRunQuery, options?: CallOptions): Promise<Page<Generation>>;
  getRunOf(run: RunRef, options?: CallOptions): Promise<RunState>;
  getRunJsonOf(run: RunRef, options?: CallOptions): Promise<unknown>;
  generate(body: GenerateBody, options: GenerateCallOptions): Promise<GenerateAnswer>;
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

type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; id?: string };

export class FloraClient implements FloraApi {
  private readonly http: FloraHttp;

  constructor(options: FloraClientOptions) {
    this.http = new FloraHttp(options);
  }

  get origin(): string {
    return this.http.baseUrl.origin;
  }

  // ---- generations and runs ----

  async listGenerations(query: GenerationQuery = {}, options: CallOptions = {}): Promise<Page<Generation>> {
    if (query.limit !== undefined) assertLimit(query.limit);
    const answer = await this.http.get(
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

  /**
   * The run detail (`GET /runs/{runId}`). A `pollUrl` is followed only when it points at the
   * configured origin and API path; any other URL is ignored (and logged) so the key is never
   * sent elsewhere, and the run is fetched from the configured base URL instead.
   */
  async getRun(runId: string, options: CallOptions & { pollUrl?: string } = {}): Promise<RunState> {
    let path = `/runs/${encodeURIComponent(runId)}`;
    if (options.pollUrl) {
      const trusted = this.http.pathUnderBase(options.pollUrl);
      if (trusted) path = trusted;
      else this.http.logger.warn(`Ignored a poll_url outside ${this.http.apiRoot}; fetched ${path} instead.`);
    }
    const answer = await this.http.get(path, {}, options);
    return parseAnswer(answer, parseRun, (reason) =>
      l10n.t('FLORA sent a run that does not match the API ({0}).', reason),
    ).value;
  }

  /** The run detail exactly as FLORA sent it (for "Show Run Details"). */
  async getRunJson(runId: string, options: CallOptions = {}): Promise<unknown> {
    return (await this.http.get(`/runs/${encodeURIComponent(runId)}`, {}, options)).body;
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
    const answer = await this.http.post(
      '/generate',
      { ...body, idempotency_key: key },
      { 'idempotency-key': key },
      options,
    );
    const value = parseAnswer(answer, parseGenerateAnswer, (reason) =>
      l10n.t('FLORA accepted the generation but its answer does not match the API ({0}).', reason),
    ).value;
    return { ...value, requestId: answer.requestId };
  }

  // ---- names ----

  async listWorkspaces(options: CallOptions = {}): Promise<Workspace[]> {
    const answer = await this.http.get('/workspaces', {}, options);
    return this.page(answer, 'workspaces', parseWorkspace).items;
  }

  async listProjects(query: ProjectQuery, options: CallOptions = {}): Promise<Page<Project>> {
    if (query.limit !== undefined) assertLimit(query.limit);
    const answer = await this.http.get(
      '/projects',
      { workspace_id: query.workspaceId, cursor: query.cursor, limit: query.limit, query: query.query },
      options,
    );
    return this.page(answer, 'projects', parseProject);
  }

  async getProject(projectId: string, options: CallOptions = {}): Promise<Project> {
    const answer = await this.http.get(`/projects/${encodeURIComponent(projectId)}`, {}, options);
    return parseAnswer(answer, parseProject, (reason) =>
      l10n.t('FLORA sent a project that does not match the API ({0}).', reason),
    ).value;
  }

  async listModels(query: { type?: string } = {}, options: CallOptions = {}): Promise<Model[]> {
    const answer = await this.http.get('/models', { type: query.type }, options);
    return this.page(answer, 'models', parseModel).items;
  }

  /** Closes the connection pool the client created; a given dispatcher is left alone. */
  close(): Promise<void> {
    return this.http.close();
  }

  /** A list answer: its envelope must hold the list; each item is checked on its own. */
  private page<T>(answer: Answer, key: string, parse: (item: unknown) => ParseResult<T>): Page<T> {
    const envelope = parseAnswer(
      answer,
      (body) => parseListEnvelope(body, key),
      (reason) => l10n.t("FLORA's answer does not match the API: {0}.", reason),
    );
    const { items, skipped } = parseItems(envelope.list, parse);
    for (const s of skipped) {
      this.http.logger.warn(
        `Skipped ${key} item #${s.index}${s.id ? ` (${s.id})` : ''} that does not match the API: ${s.reason}${answer.requestId ? ` [${answer.requestId}]` : ''}`,
      );
    }
    return {
      items,
      skipped,
      nextCursor: envelope.meta.nextCursor,
      totalEstimate: envelope.meta.totalEstimate,
      requestId: answer.requestId,
    };
  }

  // ---- technique runs (issue 13 §2) ----
  // A technique run is a Generation with `technique` set. Its detail comes from its technique's
  // route, `GET /techniques/{techniqueId}/runs/{runId}`, never from `GET /runs/{runId}`: whether
  // that one answers for technique runs is UNCONFIRMED, and the technique route is documented for
  // them and is where their poll_url points. So a run costs one request whichever way FLORA goes.

  async listTechniqueRuns(
    query: TechniqueRunQuery = {},
    options: CallOptions = {},
  ): Promise<Page<Generation>> {
    if (query.limit !== undefined) assertLimit(query.limit);
    const answer = await this.http.get(
      '/technique-runs',
      {
        cursor: query.cursor,
        limit: query.limit,
        workspace_id: query.workspaceId,
        project_id: query.projectId,
        status: query.status,
        technique_id: query.techniqueId,
      },
      options,
    );
    return this.page(answer, 'technique_runs', parseTechniqueRun);
  }

  /**
   * The run detail of a generation or a technique run. A generation's is getRun's. A technique
   * run's is fetched from its poll_url when that is on the configured origin and API path, and
   * otherwise from the technique route built from its technique id and run id; never from
   * `/runs/{runId}` (see above), so a 404 there is the run's own answer.
   */
  getRunOf(run: RunRef, options: CallOptions = {}): Promise<RunState> {
    if (!run.technique) return this.getRun(run.runId, { ...options, pollUrl: run.pollUrl });
    return this.getRun(run.runId, {
      ...options,
      pollUrl: this.http.apiRoot + this.runPath(run.runId, run.technique, run.pollUrl),
    });
  }

  /** The run detail exactly as FLORA sent it, from where getRunOf fetches it. */
  async getRunJsonOf(run: RunRef, options: CallOptions = {}): Promise<unknown> {
    if (!run.technique) return this.getRunJson(run.runId, options);
    return (await this.http.get(this.runPath(run.runId, run.technique, run.pollUrl), {}, options)).body;
  }

  /** A technique run's detail path below the base URL: its trusted poll_url, or its technique route. */
  private runPath(runId: string, technique: TechniqueRef, pollUrl: string | undefined): string {
    const route = `/techniques/${encodeURIComponent(technique.id)}/runs/${encodeURIComponent(runId)}`;
    if (!pollUrl) return route;
    const trusted = this.http.pathUnderBase(pollUrl);
    if (!trusted) {
      this.http.logger.warn(`Ignored a poll_url outside ${this.http.apiRoot}; fetched ${route} instead.`);
    }
    return trusted ?? route;
  }
}

/**
 * The answer's body read by `parse`, or, when it does not match the API, an InvalidResponseError
 * with `message(reason)` and the answer's request id. Every endpoint reads its answer through this.
 */
function parseAnswer<R extends { ok: true } | { ok: false; reason: string }>(
  answer: Answer,
  parse: (body: unknown) => R,
  message: (reason: string) => string,
): Extract<R, { ok: true }> {
  const result: { ok: true } | { ok: false; reason: string } = parse(answer.body);
  if (!result.ok) throw new InvalidResponseError(message(result.reason), { requestId: answer.requestId });
  return result as Extract<R, { ok: true }>;
}

function assertLimit(limit: number): void {
  if (!isPageSize(limit)) {
    throw new ConfigurationError(l10n.t('Page size must be a whole number from 1 to 100, not {0}.', limit));
  }
}

export interface TechniqueRunQuery extends GenerationQuery {
  /** `tech_…`: only this technique's runs. */
  techniqueId?: string;
}

/** What getRunOf needs of a generation or technique run to fetch its detail. */
export type RunRef = Pick<Generation, 'runId' | 'pollUrl' | 'technique'>;

import { createHash } from 'node:crypto';
import type { GenerateDesk } from './generate';
import type { FloraStore } from './store';
import {
  GENERATION_STATUSES,
  MODEL_TYPES,
  type AuthState,
  type ErrorEnvelope,
  type ErrorField,
  type FormatOptions,
  type GenerationFilter,
  type GenerationStatus,
  type ModelType,
  type RouteName,
} from './types';

// The FLORA REST routes under /api/v1, as pure functions of (store, request) → result.
// Faults and transport live elsewhere so these stay faithful to the contract.

export const API_PREFIX = '/api/v1';

export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set on paginated 200s so faults can rewrite the page. */
  page?: {
    listKey: string;
    requestCursor: string | null;
    firstPageCursor: string;
    /** The cursor of the page before this one (page 1's own for page 1 and 2). */
    previousPageCursor: string;
  };
  /** Set on non-paginated 200s: the key holding the list, or null for a single object. */
  listKey?: string | null;
}

export interface RouteMatch {
  route: RouteName;
  id?: string;
  /** `GET /techniques/:id/runs/:runId`: the technique's `tech_…` id or slug (`id` is the run's). */
  techniqueId?: string;
}

export interface ApiRequest {
  route: RouteMatch;
  query: URLSearchParams;
  auth: AuthState;
  /** The request body (POST /generate). */
  body?: string;
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey?: string;
}

export interface ApiContext {
  store: FloraStore;
  fmt: FormatOptions;
  origin: string;
  generate: GenerateDesk;
  /** See FakeFloraOptions.runsRouteAnswersTechniqueRuns. */
  runsRouteAnswersTechniqueRuns: boolean;
}

export function errorBody(code: string, message: string, fields?: ErrorField[]): ErrorEnvelope {
  return { error: fields && fields.length > 0 ? { code, message, fields } : { code, message } };
}

export function errorResult(status: number, code: string, message: string, fields?: ErrorField[]): ApiResult {
  return { status, body: errorBody(code, message, fields) };
}

/**
 * Maps a path (below /api/v1) to a route. POST exists only for /generate, every other route is
 * GET; other methods are reported as unknown routes (404), which the contract's closed error-code
 * list can express.
 */
export function matchRoute(method: string, subpath: string): RouteMatch | null {
  if (method === 'POST') return subpath === '/generate' ? { route: 'POST /generate' } : null;
  if (method !== 'GET' && method !== 'HEAD') return null;
  switch (subpath) {
    case '/technique-runs':
      return { route: 'GET /technique-runs' };
    case '/generations':
      return { route: 'GET /generations' };
    case '/workspaces':
      return { route: 'GET /workspaces' };
    case '/projects':
      return { route: 'GET /projects' };
    case '/models':
      return { route: 'GET /models' };
  }
  const t = /^\/techniques\/([^/]+)\/runs\/([^/]+)$/.exec(subpath);
  if (t) {
    const techniqueId = decoded(t[1]);
    const id = decoded(t[2]);
    return techniqueId === null || id === null
      ? null
      : { route: 'GET /techniques/:id/runs/:runId', id, techniqueId };
  }
  const m = /^\/(runs|projects)\/([^/]+)$/.exec(subpath);
  const id = m ? decoded(m[2]) : null;
  if (!m || id === null) return null;
  return { route: m[1] === 'runs' ? 'GET /runs/:id' : 'GET /projects/:id', id };
}

function decoded(segment: string | undefined): string | null {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- cursors

interface CursorPayload {
  o: number;
  f: string;
}

function filterHash(parts: Record<string, string | undefined>): string {
  const canonical = JSON.stringify(Object.entries(parts).filter(([, v]) => v !== undefined));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 10);
}

export function encodeCursor(offset: number, hash: string): string {
  const payload: CursorPayload = { o: offset, f: hash };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPayload | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const o: unknown = (parsed as Record<string, unknown>).o;
  const f: unknown = (parsed as Record<string, unknown>).f;
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || typeof f !== 'string') return null;
  return { o, f };
}

interface PageParams {
  limit: number;
  offset: number;
  cursor: string | null;
  hash: string;
}

function pageParams(
  query: URLSearchParams,
  filters: Record<string, string | undefined>,
  errors: ErrorField[],
): PageParams {
  let limit = 20;
  const rawLimit = query.get('limit');
  if (rawLimit !== null) {
    const n = /^-?\d+$/.test(rawLimit.trim()) ? Number(rawLimit) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      errors.push({ field: 'limit', message: 'limit must be an integer between 1 and 100.' });
    } else limit = n;
  }
  const hash = filterHash(filters);
  const cursor = query.get('cursor');
  let offset = 0;
  if (cursor !== null && cursor !== '') {
    const decoded = decodeCursor(cursor);
    if (!decoded) errors.push({ field: 'cursor', message: 'cursor is not a valid pagination cursor.' });
    else if (decoded.f !== hash)
      errors.push({ field: 'cursor', message: 'cursor does not match the query filters.' });
    else offset = decoded.o;
  }
  return { limit, offset, cursor: cursor === '' ? null : cursor, hash };
}

function paginate<T>(
  listKey: string,
  all: T[],
  params: PageParams,
  fmt: FormatOptions,
): Pick<ApiResult, 'body' | 'page'> {
  const items = all.slice(params.offset, params.offset + params.limit);
  const end = params.offset + params.limit;
  // The last page's next_cursor is UNCONFIRMED in the contract, hence the configurable style.
  let next: { next_cursor?: string | null } = {};
  if (end < all.length) next = { next_cursor: encodeCursor(end, params.hash) };
  else if (fmt.lastCursor === 'null') next = { next_cursor: null };
  else if (fmt.lastCursor === 'empty') next = { next_cursor: '' };
  const meta = { ...next, total_estimate: all.length };
  return {
    body: { [listKey]: items, meta },
    page: {
      listKey,
      requestCursor: params.cursor,
      firstPageCursor: encodeCursor(0, params.hash),
      previousPageCursor: encodeCursor(Math.max(0, params.offset - params.limit), params.hash),
    },
  };
}

function idField(
  query: URLSearchParams,
  name: string,
  prefix: string,
  errors: ErrorField[],
): string | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!v.startsWith(prefix) || v.length === prefix.length) {
    errors.push({ field: name, message: `${name} must be an id starting with "${prefix}".` });
  }
  return v;
}

function invalid(fields: ErrorField[]): ApiResult {
  const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return errorResult(400, 'input_validation_error', message, fields);
}

// ---------------------------------------------------------------- handlers

export function handleApi(ctx: ApiContext, req: ApiRequest): ApiResult {
  if (req.auth === 'none') return errorResult(401, 'unauthorized', 'Invalid API key.');
  if (req.auth === 'invalid')
    return errorResult(401, 'invalid_api_key', 'The API key is invalid or has been revoked.');
  switch (req.route.route) {
    case 'GET /generations':
      return listGenerations(ctx, req.query);
    case 'GET /runs/:id':
      return getRun(ctx, req.route.id ?? '');
    case 'GET /workspaces':
      return { status: 200, body: { workspaces: ctx.store.workspaces(ctx.fmt) }, listKey: 'workspaces' };
    case 'GET /projects':
      return listProjects(ctx, req.query);
    case 'GET /projects/:id':
      return getProject(ctx, req.route.id ?? '');
    case 'GET /models':
      return listModels(ctx, req.query);
    case 'POST /generate':
      return ctx.generate.handle({ body: req.body ?? '', idempotencyKey: req.idempotencyKey }, ctx.origin);
    case 'GET /technique-runs':
      return listTechniqueRuns(ctx, req.query);
    case 'GET /techniques/:id/runs/:runId':
      return getTechniqueRun(ctx, req.route.techniqueId ?? '', req.route.id ?? '');
  }
}

function listTechniqueRuns(ctx: ApiContext, query: URLSearchParams): ApiResult {
  const errors: ErrorField[] = [];
  const workspace_id = idField(query, 'workspace_id', 'ws_', errors);
  const project_id = idField(query, 'project_id', 'prj_', errors);
  const technique_id = idField(query, 'technique_id', 'tech_', errors);
  const rawStatus = query.get('status');
  const status = rawStatus === null ? undefined : GENERATION_STATUSES.find((s) => s === rawStatus);
  if (rawStatus !== null && !status)
    errors.push({ field: 'status', message: `status must be one of ${GENERATION_STATUSES.join(', ')}.` });
  const params = pageParams(
    query,
    { workspace_id, project_id, technique_id, status: rawStatus ?? undefined },
    errors,
  );
  if (errors.length > 0) return invalid(errors);
  const filter: GenerationFilter = {};
  if (workspace_id !== undefined) filter.workspace_id = workspace_id;
  if (project_id !== undefined) filter.project_id = project_id;
  if (technique_id !== undefined) filter.technique_id = technique_id;
  if (status !== undefined) filter.status = status;
  const all = ctx.store
    .visible(filter, 'technique')
    .map((r) => ctx.store.techniqueRunView(r, ctx.fmt, ctx.origin));
  return { status: 200, ...paginate('technique_runs', all, params, ctx.fmt) };
}

function listGenerations(ctx: ApiContext, query: URLSearchParams): ApiResult {
  const errors: ErrorField[] = [];
  const workspace_id = idField(query, 'workspace_id', 'ws_', errors);
  const project_id = idField(query, 'project_id', 'prj_', errors);
  const rawStatus = query.get('status');
  let status: GenerationStatus | undefined;
  if (rawStatus !== null) {
    const match = GENERATION_STATUSES.find((s) => s === rawStatus);
    if (match) status = match;
    else
      errors.push({ field: 'status', message: `status must be one of ${GENERATION_STATUSES.join(', ')}.` });
  }
  const params = pageParams(query, { workspace_id, project_id, status: rawStatus ?? undefined }, errors);
  if (errors.length > 0) return invalid(errors);
  const filter: GenerationFilter = {};
  if (workspace_id !== undefined) filter.workspace_id = workspace_id;
  if (project_id !== undefined) filter.project_id = project_id;
  if (status !== undefined) filter.status = status;
  const all = ctx.store.visible(filter).map((r) => ctx.store.generationView(r, ctx.fmt, ctx.origin));
  return { status: 200, ...paginate('generations', all, params, ctx.fmt) };
}

function getRun(ctx: ApiContext, id: string): ApiResult {
  if (!id.startsWith('run_')) {
    return invalid([{ field: 'runId', message: 'runId must be an id starting with "run_".' }]);
  }
  const rec = ctx.store.findRun(id);
  // Whether this route answers for technique runs is UNCONFIRMED: the server decides (default no).
  if (!rec || (rec.technique && !ctx.runsRouteAnswersTechniqueRuns)) {
    return errorResult(404, 'not_found', `Run ${id} not found.`);
  }
  return { status: 200, body: ctx.store.runView(rec, ctx.fmt, ctx.origin), listKey: null };
}

/** A technique run's own detail route; `techniqueId` is its technique's `tech_…` id or slug. */
function getTechniqueRun(ctx: ApiContext, techniqueId: string, id: string): ApiResult {
  if (!id.startsWith('run_')) {
    return invalid([{ field: 'runId', message: 'runId must be an id starting with "run_".' }]);
  }
  const rec = ctx.store.findRun(id);
  const technique = rec?.technique;
  if (
    !rec ||
    !technique ||
    (technique.technique_id !== techniqueId && slugOf(technique.name) !== techniqueId)
  ) {
    return errorResult(404, 'not_found', `Run ${id} of technique ${techniqueId} not found.`);
  }
  return { status: 200, body: ctx.store.runView(rec, ctx.fmt, ctx.origin), listKey: null };
}

/** The fake's technique slugs: the name in lower case, words joined by `-` ("Brand Style" → "brand-style"). */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function listProjects(ctx: ApiContext, query: URLSearchParams): ApiResult {
  const errors: ErrorField[] = [];
  const workspace_id = idField(query, 'workspace_id', 'ws_', errors);
  if (workspace_id === undefined) errors.push({ field: 'workspace_id', message: 'Required' });
  const search = query.get('query') ?? undefined;
  const params = pageParams(query, { workspace_id, query: search }, errors);
  if (errors.length > 0 || workspace_id === undefined) return invalid(errors);
  let all = ctx.store.projects(ctx.fmt, workspace_id);
  if (search) {
    const needle = search.toLowerCase();
    all = all.filter((p) => p.name.toLowerCase().includes(needle));
  }
  return { status: 200, ...paginate('projects', all, params, ctx.fmt) };
}

function getProject(ctx: ApiContext, id: string): ApiResult {
  if (!id.startsWith('prj_')) {
    return invalid([{ field: 'projectId', message: 'projectId must be an id starting with "prj_".' }]);
  }
  const rec = ctx.store.project(id);
  if (!rec) return errorResult(404, 'not_found', `Project ${id} not found.`);
  const view = ctx.store.projects(ctx.fmt, rec.workspace_id).find((p) => p.project_id === id);
  return { status: 200, body: view, listKey: null };
}

function listModels(ctx: ApiContext, query: URLSearchParams): ApiResult {
  const rawType = query.get('type');
  let type: ModelType | undefined;
  if (rawType !== null) {
    type = MODEL_TYPES.find((t) => t === rawType);
    if (!type) return invalid([{ field: 'type', message: `type must be one of ${MODEL_TYPES.join(', ')}.` }]);
  }
  const models = ctx.store.models().filter((m) => type === undefined || m.type === type);
  return { status: 200, body: { models }, listKey: 'models' };
}

import { createHash } from 'node:crypto';
import type { ApiResult } from './api';
import type { FloraStore } from './store';
import {
  MODEL_TYPES,
  type ErrorField,
  type IdempotencyStyle,
  type Model,
  type ModelParam,
  type ModelType,
  type OutputType,
} from './types';

// POST /generate (flora-api.md §3b): validation with FLORA's error envelope, a charge against the
// workspace's credits, idempotency in both variants the contract lists, and a new pending
// generation that then runs on the server's clock like any other.

const HOUR = 3_600_000;
/** Reference/SDK: a duplicate key within 2 h is refused. Guide: the first answer is replayed for 24 h. */
const WINDOW_MS: Record<IdempotencyStyle, number> = { duplicate: 2 * HOUR, replay: 24 * HOUR };
/** What one credit costs in USD, for `charged_cost`. */
const USD_PER_CREDIT = 0.01;
/** A new generation waits this long as `pending` before it runs. */
const PENDING_MS = 2_000;
export const DEFAULT_CREDITS = 10_000;

const OUTPUT_OF: Record<ModelType, OutputType> = {
  image: 'imageUrl',
  video: 'videoUrl',
  audio: 'audioUrl',
  text: 'text',
};

interface Remembered {
  at: number;
  bodyHash: string;
  result: ApiResult;
}

export interface GenerateRequest {
  body: string;
  idempotencyKey?: string;
}

/** One per server: the credit balances and the idempotency keys seen. */
export class GenerateDesk {
  private readonly credits = new Map<string, number>();
  private readonly keys = new Map<string, Remembered>();
  /** Every accepted POST /generate, in order (tests read what was asked). */
  readonly accepted: Array<{ run_id: string; body: Record<string, unknown>; idempotencyKey?: string }> = [];

  constructor(
    private readonly store: FloraStore,
    public style: IdempotencyStyle = 'duplicate',
    private readonly startingCredits = DEFAULT_CREDITS,
  ) {}

  balance(workspaceId: string): number {
    return this.credits.get(workspaceId) ?? this.startingCredits;
  }

  setBalance(workspaceId: string, credits: number): void {
    if (!Number.isFinite(credits) || credits < 0)
      throw new RangeError('credits must be a non-negative number');
    this.credits.set(workspaceId, credits);
  }

  handle(req: GenerateRequest, origin: string): ApiResult {
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return fail(400, 'invalid_json', 'The request body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return fail(400, 'invalid_json', 'The request body must be a JSON object.');
    }
    const fields = body as Record<string, unknown>;
    const key =
      req.idempotencyKey ?? (typeof fields.idempotency_key === 'string' ? fields.idempotency_key : undefined);
    const now = this.store.now();
    const bodyHash = hashOf(fields);
    if (key !== undefined) {
      const seen = this.keys.get(key);
      if (seen && now - seen.at < WINDOW_MS[this.style]) {
        if (this.style === 'duplicate') {
          return fail(409, 'idempotency_duplicate', 'A request with this Idempotency-Key was already made.');
        }
        if (seen.bodyHash !== bodyHash) {
          return fail(422, 'idempotency_conflict', 'This idempotency key was used with a different request.');
        }
        return { ...seen.result, headers: { ...seen.result.headers, 'idempotent-replayed': 'true' } };
      }
    }
    const result = this.create(fields, origin);
    // Only an accepted submission holds its key: a refused one may be corrected and sent again.
    if (key !== undefined && result.status === 201) this.keys.set(key, { at: now, bodyHash, result });
    return result;
  }

  private create(fields: Record<string, unknown>, origin: string): ApiResult {
    const errors: ErrorField[] = [];
    const workspaceId = prefixed(fields, 'workspace_id', 'ws_', errors);
    const projectId = prefixed(fields, 'project_id', 'prj_', errors);
    const type = MODEL_TYPES.find((t) => t === fields.type);
    if (fields.type === undefined) errors.push({ field: 'type', message: 'Required' });
    else if (!type) errors.push({ field: 'type', message: `type must be one of ${MODEL_TYPES.join(', ')}.` });
    if (fields.prompt === undefined) errors.push({ field: 'prompt', message: 'Required' });
    else if (typeof fields.prompt !== 'string' || fields.prompt.trim() === '')
      errors.push({ field: 'prompt', message: 'prompt must be a non-empty string.' });
    let model: Model | undefined;
    if (type) {
      const ofType = this.store.models().filter((m) => m.type === type);
      if (fields.model === undefined || fields.model === null) model = ofType[0];
      else {
        model = ofType.find((m) => m.model_id === fields.model);
        if (!model)
          errors.push({ field: 'model', message: `model is not a ${type} model available to you.` });
      }
    }
    if (model) checkParams(model, fields.params, errors);
    if (errors.length > 0) {
      const message = errors.map((f) => `${f.field}: ${f.message}`).join('; ');
      return fail(400, 'input_validation_error', message, errors);
    }
    // Checked only once the request is well-formed, as an API does.
    if (!workspaceId || !this.store.hasWorkspace(workspaceId)) {
      return fail(404, 'not_found', `Workspace ${String(workspaceId)} not found.`);
    }
    const project = projectId ? this.store.project(projectId) : undefined;
    if (!project || project.workspace_id !== workspaceId) {
      return fail(404, 'not_found', `Project ${String(projectId)} not found in workspace ${workspaceId}.`);
    }
    if (!model || !type) return fail(500, 'unknown_error', 'No model for this type.');
    const credits = model.estimated_credits;
    const balance = this.balance(workspaceId);
    if (balance < credits) {
      return fail(
        402,
        'insufficient_credits',
        `This run needs ${credits} credits and the workspace has ${balance}. Add credits in FLORA's billing settings.`,
      );
    }
    this.credits.set(workspaceId, balance - credits);
    const record = this.store.addGeneration({
      project_id: project.project_id,
      status: 'pending',
      startInMs: PENDING_MS,
      durationMs: Math.max(1, model.estimated_seconds) * 1000,
      model: { model_id: model.model_id },
      outputType: OUTPUT_OF[type],
      charged_cost: Math.round(credits * USD_PER_CREDIT * 10_000) / 10_000,
    });
    record.prompt = String(fields.prompt);
    this.accepted.push({ run_id: record.run_id, body: fields });
    return {
      status: 201,
      body: {
        run_id: record.run_id,
        type: 'generation',
        charged_cost: record.charged_cost ?? 0,
        estimated_seconds: model.estimated_seconds,
        poll_url: `${origin}/api/v1/runs/${encodeURIComponent(record.run_id)}`,
        project_id: project.project_id,
        model: { model_id: model.model_id },
      },
      listKey: null,
    };
  }
}

function fail(status: number, code: string, message: string, fields?: ErrorField[]): ApiResult {
  return {
    status,
    body: { error: fields && fields.length > 0 ? { code, message, fields } : { code, message } },
  };
}

function hashOf(fields: Record<string, unknown>): string {
  const rest = { ...fields };
  delete rest.idempotency_key;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function prefixed(
  fields: Record<string, unknown>,
  name: string,
  prefix: string,
  errors: ErrorField[],
): string | undefined {
  const v = fields[name];
  if (v === undefined) {
    errors.push({ field: name, message: 'Required' });
    return undefined;
  }
  if (typeof v !== 'string' || !v.startsWith(prefix) || v.length === prefix.length) {
    errors.push({ field: name, message: `${name} must be an id starting with "${prefix}".` });
    return undefined;
  }
  return v;
}

/** The model's `params[]` by name: required ones present, each of its type, in range or among its options. */
function checkParams(model: Model, raw: unknown, errors: ErrorField[]): void {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    errors.push({ field: 'params', message: 'params must be an object.' });
    return;
  }
  const params = (raw ?? {}) as Record<string, unknown>;
  const byName = new Map(model.params.map((p) => [p.name, p]));
  for (const name of Object.keys(params)) {
    if (!byName.has(name) || name === 'prompt')
      errors.push({ field: `params.${name}`, message: `${model.model_id} has no parameter "${name}".` });
  }
  for (const p of model.params) {
    if (p.name === 'prompt') continue; // the body's own `prompt`
    const value = params[p.name];
    if (value === undefined || value === null) {
      if (p.required) errors.push({ field: `params.${p.name}`, message: 'Required' });
      continue;
    }
    const problem = paramProblem(p, value);
    if (problem) errors.push({ field: `params.${p.name}`, message: problem });
  }
}

function paramProblem(p: ModelParam, value: unknown): string | undefined {
  switch (p.type) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false.';
    case 'int':
    case 'int?':
    case 'seed':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number.';
      if (p.type !== 'float' && !Number.isInteger(value)) return 'must be a whole number.';
      if (p.min !== undefined && value < p.min) return `must be at least ${p.min}.`;
      if (p.max !== undefined && value > p.max) return `must be at most ${p.max}.`;
      return undefined;
    }
    case 'string':
      if (typeof value !== 'string') return 'must be a string.';
      if (p.options && !p.options.some((o) => o.value === value))
        return `must be one of ${p.options.map((o) => o.value).join(', ')}.`;
      return undefined;
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : 'must be a list of strings.';
    case 'dict':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be an object.';
  }
}

/**
 * The FLORA wire format, checked with zod at the boundary, and its normalization into the
 * domain types. Tolerant reader: extra fields pass, unknown enum values become `unknown`, one
 * broken item is reported and skipped while the rest of its page is kept.
 */
import * as z from 'zod/mini';
import {
  KNOWN_STATUSES,
  type Generation,
  type GenerationOutput,
  type GenerationStatus,
  type Model,
  type ModelParam,
  type OutputKind,
  type Project,
  type RunState,
  type SkippedItem,
  type Workspace,
} from './types';

const optionalNumber = z.optional(z.nullable(z.number()));
const optionalString = z.optional(z.nullable(z.string()));
/** A point in time: a number in any unit FLORA may use, or an ISO-8601 string (see toMillis). */
const Time = z.union([z.number(), z.string()]);
const optionalTime = z.optional(z.nullable(Time));

const OutputWire = z.looseObject({
  output_id: z.string(),
  type: z.string(),
  url: z.string().check(z.minLength(1)),
});

const RunWire = z.looseObject({
  run_id: z.string().check(z.minLength(1)),
  status: z.string(),
  progress: optionalNumber,
  created_at: Time,
  started_at: optionalTime,
  completed_at: optionalTime,
  charged_cost: optionalNumber,
  error_code: optionalString,
  error_message: optionalString,
  outputs: z.optional(z.nullable(z.array(z.unknown()))),
  poll_url: optionalString,
});

const GenerationWire = z.looseObject({
  ...RunWire.shape,
  generation_id: z.string().check(z.minLength(1)),
  workspace_id: z.string(),
  project_id: z.string(),
  model: z.optional(z.nullable(z.looseObject({ model_id: optionalString }))),
});

const WorkspaceWire = z.looseObject({
  workspace_id: z.string().check(z.minLength(1)),
  name: z.string(),
  created_at: optionalTime,
  role: optionalString,
});

const ProjectWire = z.looseObject({
  project_id: z.string().check(z.minLength(1)),
  name: z.string(),
  workspace_id: z.string(),
  created_at: optionalTime,
  last_modified: optionalTime,
  origin: optionalString,
});

const ModelWire = z.looseObject({
  model_id: z.string().check(z.minLength(1)),
  name: optionalString,
  provider: optionalString,
  type: optionalString,
  estimated_credits: optionalNumber,
  estimated_seconds: optionalNumber,
  beta: z.optional(z.nullable(z.boolean())),
  params: z.optional(z.nullable(z.array(z.unknown()))),
});

// `meta` is read field by field, each with its own schema, so that one odd field (or a `meta`
// that is missing, null, `[]` or a string) costs at most that field, never the page. UNCONFIRMED
// in the contract, so every variant is accepted: `next_cursor` a string or a number (sent back as
// its decimal text); `total_estimate` a number or a numeric string, anything else unknown.
// Built once: a schema built per page was measured in bench/client.ts.
const MetaObject = z.looseObject({});
const UnknownList = z.array(z.unknown());
const CursorWire = z.union([z.string(), z.number()]);
const EstimateWire = z.union([z.number(), z.string().check(z.regex(/^\s*\d+(?:\.\d+)?\s*$/))]);

export interface ListMeta {
  nextCursor?: string;
  totalEstimate?: number;
}

function readMeta(raw: unknown): ListMeta {
  const meta = MetaObject.safeParse(raw);
  if (!meta.success || Array.isArray(raw)) return {};
  const fields = meta.data as Record<string, unknown>;
  const cursor = CursorWire.safeParse(fields.next_cursor);
  const estimate = EstimateWire.safeParse(fields.total_estimate);
  const total = estimate.success ? Number(estimate.data) : undefined;
  return {
    // An empty cursor, like a missing one, means the last page (as FLORA's SDK reads it).
    nextCursor: cursor.success && String(cursor.data) !== '' ? String(cursor.data) : undefined,
    totalEstimate: total !== undefined && Number.isFinite(total) && total >= 0 ? total : undefined,
  };
}

/** "object", "array", "null", "nothing" (absent), "string"…: for messages about a wrong shape. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Checks a list answer's envelope: `key` must hold an array (its items are checked one by one
 * afterwards, so one bad item cannot sink the page); `meta` is read leniently (see readMeta).
 * When the list is missing, `reason` says what was found instead, for the error message.
 */
export function parseListEnvelope(
  body: unknown,
  key: string,
): { ok: true; list: unknown[]; meta: ListMeta } | { ok: false; reason: string } {
  const envelope = MetaObject.safeParse(body);
  if (!envelope.success || Array.isArray(body)) {
    return { ok: false, reason: `expected an object with \`${key}\`, got ${kindOf(body)}` };
  }
  const data = envelope.data as Record<string, unknown>;
  const list = UnknownList.safeParse(data[key]);
  if (!list.success) {
    return { ok: false, reason: `expected \`${key}\` to be an array, got ${kindOf(data[key])}` };
  }
  return { ok: true, list: list.data, meta: readMeta(data.meta) };
}

// Timestamps: FLORA's unit is not confirmed (the contract lists seconds and milliseconds; webhooks
// use ms), and other servers send microseconds, nanoseconds or ISO-8601 strings. The magnitude of
// a number tells the unit for any date between 1973 and 5138: below 10^11 seconds, below 10^14
// milliseconds, below 10^17 microseconds, below 10^20 nanoseconds. Anything else (negative, zero,
// 10^20 and up, a string that is not a date) is "unknown" (undefined), never an exception: one odd
// field must not blank a view.
const UNIT_BANDS: ReadonlyArray<readonly [below: number, toMs: number]> = [
  [1e11, 1000],
  [1e14, 1],
  [1e17, 1e-3],
  [1e20, 1e-6],
];
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

export function toMillis(value: number | string | null | undefined): number | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) return toMillis(Number(text));
    if (!ISO_DATE.test(text)) return undefined;
    const parsed = Date.parse(text);
    return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  for (const [below, toMs] of UNIT_BANDS) {
    if (value < below) return Math.round(value * toMs);
  }
  return undefined;
}

// Progress: the scale is not confirmed (0–100 per secondary sources, maybe 0–1). A fraction
// strictly between 0 and 1 is read as 0–1; everything is clamped to 0–100.
export function toPercent(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0;
  const pct = value > 0 && value < 1 ? value * 100 : value;
  return Math.min(100, Math.max(0, pct));
}

export function toStatus(raw: string): GenerationStatus {
  return (KNOWN_STATUSES as readonly string[]).includes(raw) ? (raw as GenerationStatus) : 'unknown';
}

const OUTPUT_KINDS: Record<string, OutputKind> = {
  imageUrl: 'image',
  videoUrl: 'video',
  audioUrl: 'audio',
  text: 'text', // l10n-ignore: an output kind, not text
  documentUrl: 'document',
};

export function toOutputKind(raw: string): OutputKind {
  return Object.prototype.hasOwnProperty.call(OUTPUT_KINDS, raw) ? OUTPUT_KINDS[raw] : 'unknown';
}

function present<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function toOutputs(raw: readonly unknown[] | null | undefined): GenerationOutput[] {
  const outputs: GenerationOutput[] = [];
  for (const item of raw ?? []) {
    const parsed = OutputWire.safeParse(item);
    // A broken output is dropped on its own; the generation it belongs to stays.
    if (!parsed.success) continue;
    const o = parsed.data;
    outputs.push({ id: o.output_id, kind: toOutputKind(o.type), rawType: o.type, url: o.url });
  }
  return outputs;
}

function toRunState(w: z.infer<typeof RunWire>): RunState {
  const status = toStatus(w.status);
  return {
    runId: w.run_id,
    status,
    rawStatus: w.status,
    // A completed run is done whatever scale its progress uses (1 on 0–1 is 100 %, not 1 %).
    progress: status === 'completed' ? 100 : toPercent(w.progress),
    createdAt: toMillis(w.created_at) ?? 0,
    startedAt: toMillis(w.started_at),
    completedAt: toMillis(w.completed_at),
    cost: present(w.charged_cost),
    errorCode: present(w.error_code),
    errorMessage: present(w.error_message),
    outputs: toOutputs(w.outputs),
    pollUrl: present(w.poll_url),
  };
}

type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; id?: string };

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid item';
  const at = issue.path.length ? issue.path.join('.') : 'item';
  return `${at}: ${issue.message}`;
}

function idOf(item: unknown, key: string): string | undefined {
  if (item && typeof item === 'object' && key in item) {
    const id = (item as Record<string, unknown>)[key];
    if (typeof id === 'string') return id;
  }
  return undefined;
}

function parser<S extends z.ZodMiniType, T>(schema: S, idKey: string, map: (w: z.infer<S>) => T) {
  return (item: unknown): ParseResult<T> => {
    const parsed = schema.safeParse(item);
    if (parsed.success) return { ok: true, value: map(parsed.data) };
    return { ok: false, reason: describeIssue(parsed.error), id: idOf(item, idKey) };
  };
}

/** Every key of T required (a value may still be undefined): a literal of it cannot forget one. */
type AllKeys<T> = { [K in keyof Required<T>]: T[K] };

// An object literal, not `{ ...toRunState(w), id, … }`: that spread cost ≈ 14 µs an item, more
// than JSON.parse and zod together; the literal ≈ 1.5 µs (bench/client.ts, "mapping" rows).
export const parseGeneration = parser(GenerationWire, 'generation_id', (w): Generation =>
  historyItem(
    {
      id: w.generation_id,
      workspaceId: w.workspace_id,
      projectId: w.project_id,
      modelId: present(w.model?.model_id) || undefined,
      technique: undefined,
    },
    toRunState(w),
  ),
);

/** What a history list item says of itself; the rest is its run's. */
type ItemOwn = AllKeys<Pick<Generation, 'id' | 'workspaceId' | 'projectId' | 'modelId' | 'technique'>>;

/** A generation or technique run: its own fields and its run's, in one literal (see above). */
function historyItem(own: ItemOwn, run: RunState): Generation {
  const item: AllKeys<Generation> = {
    id: own.id,
    workspaceId: own.workspaceId,
    projectId: own.projectId,
    modelId: own.modelId,
    technique: own.technique,
    runId: run.runId,
    status: run.status,
    rawStatus: run.rawStatus,
    progress: run.progress,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    cost: run.cost,
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    outputs: run.outputs,
    pollUrl: run.pollUrl,
  };
  return item;
}

export const parseRun = parser(RunWire, 'run_id', toRunState);

export const parseWorkspace = parser(WorkspaceWire, 'workspace_id', (w): Workspace => ({
  id: w.workspace_id,
  name: w.name || w.workspace_id,
  createdAt: toMillis(w.created_at),
  role: present(w.role) ?? '',
}));

export const parseProject = parser(ProjectWire, 'project_id', (w): Project => ({
  id: w.project_id,
  name: w.name || w.project_id,
  workspaceId: w.workspace_id,
  createdAt: toMillis(w.created_at),
  lastModified: toMillis(w.last_modified),
  origin: present(w.origin),
}));

export const parseModel = parser(ModelWire, 'model_id', (w): Model => ({
  id: w.model_id,
  name: present(w.name) || w.model_id,
  provider: present(w.provider),
  type: present(w.type),
  estimatedCredits: present(w.estimated_credits),
  estimatedSeconds: present(w.estimated_seconds),
  beta: present(w.beta) ?? undefined,
  params: w.params ? toModelParams(w.params) : undefined,
}));

/** Checks each item on its own: good ones are kept, bad ones are listed with the reason. */
export function parseItems<T>(
  raw: readonly unknown[],
  parse: (item: unknown) => ParseResult<T>,
): { items: T[]; skipped: SkippedItem[] } {
  const items: T[] = [];
  const skipped: SkippedItem[] = [];
  for (let index = 0; index < raw.length; index++) {
    const r = parse(raw[index]);
    if (r.ok) items.push(r.value);
    else skipped.push({ index, id: r.id, reason: r.reason });
  }
  return { items, skipped };
}

export const ErrorEnvelope = z.looseObject({
  error: z.looseObject({
    code: z.optional(z.string()),
    message: z.optional(z.string()),
    fields: z.optional(
      z.array(z.looseObject({ field: z.optional(z.string()), message: z.optional(z.string()) })),
    ),
  }),
});

// ---- technique runs (GET /technique-runs) ----

// A list item like a generation's without `generation_id` and `model`, plus `technique` and
// `technique_run_id`. The run is identified by `run_id` (what its detail routes take);
// `technique_run_id`, equal to it as far as anyone has seen, is not needed. `technique_id` is
// required: without it the run could be neither named nor fetched from its own route.
const TechniqueRunWire = z.looseObject({
  ...RunWire.shape,
  workspace_id: z.string(),
  project_id: z.string(),
  technique: z.looseObject({ technique_id: z.string().check(z.minLength(1)), name: optionalString }),
});

/** A technique run as a Generation with `technique` set and no `modelId`. */
export const parseTechniqueRun = parser(TechniqueRunWire, 'run_id', (w): Generation =>
  historyItem(
    {
      id: w.run_id,
      workspaceId: w.workspace_id,
      projectId: w.project_id,
      modelId: undefined,
      technique: {
        id: w.technique.technique_id,
        name: present(w.technique.name) || w.technique.technique_id,
      },
    },
    toRunState(w),
  ),
);

// ---- POST /generate (flora-api.md §3b) and the models' params (§4)

/** The body of `POST /generate`; the client adds the idempotency key. */
export interface GenerateBody {
  workspace_id: string;
  project_id: string;
  type: string;
  prompt: string;
  model?: string;
  params?: Record<string, unknown>;
}

/** FLORA's 201 answer to `POST /generate` (or its replay). */
export interface GenerateAnswer {
  runId: string;
  chargedCost?: number;
  estimatedSeconds?: number;
  pollUrl?: string;
  projectId?: string;
  modelId?: string;
  requestId?: string;
}

const GenerateAnswerWire = z.looseObject({
  run_id: z.string().check(z.minLength(1)),
  type: optionalString,
  charged_cost: optionalNumber,
  estimated_seconds: optionalNumber,
  poll_url: optionalString,
  project_id: optionalString,
  model: z.optional(z.nullable(z.looseObject({ model_id: optionalString }))),
});

export const parseGenerateAnswer = parser(GenerateAnswerWire, 'run_id', (w): GenerateAnswer => ({
  runId: w.run_id,
  chargedCost: present(w.charged_cost),
  estimatedSeconds: present(w.estimated_seconds),
  pollUrl: present(w.poll_url),
  projectId: present(w.project_id),
  modelId: present(w.model?.model_id) || undefined,
}));

const OptionWire = z.looseObject({
  label: optionalString,
  value: z.union([z.string(), z.number(), z.boolean()]),
  description: optionalString,
});
const ParamWire = z.looseObject({
  name: z.string().check(z.minLength(1)),
  required: z.optional(z.nullable(z.boolean())),
  type: optionalString,
  label: optionalString,
  description: optionalString,
  min: optionalNumber,
  max: optionalNumber,
  default: z.optional(z.unknown()),
  options: z.optional(z.nullable(z.array(z.unknown()))),
});

/**
 * A model's `params[]`, leniently: a param with a name is kept whatever else is odd about it (an
 * unknown type stays as sent, so the Generate flow can say it has no editor for it rather than
 * silently leave a required param out); one without a name is dropped.
 */
function toModelParams(raw: readonly unknown[]): ModelParam[] {
  const out: ModelParam[] = [];
  for (const item of raw) {
    const p = ParamWire.safeParse(item);
    if (!p.success) continue;
    const w = p.data;
    const options: NonNullable<ModelParam['options']> = [];
    for (const o of w.options ?? []) {
      const parsed = OptionWire.safeParse(o);
      if (!parsed.success) continue;
      const value = parsed.data.value;
      options.push({
        label: present(parsed.data.label) || String(value),
        value,
        description: present(parsed.data.description),
      });
    }
    out.push({
      name: w.name,
      required: w.required === true,
      type: present(w.type) ?? 'string',
      label: present(w.label),
      description: present(w.description),
      min: present(w.min),
      max: present(w.max),
      default: w.default,
      options: options.length ? options : undefined,
    });
  }
  return out;
}

// API shapes as the fake server emits them (flora-api.md §2–§6). Declared locally on purpose:
// src/ is written concurrently and the fake must not share the client's assumptions.

export const GENERATION_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

export const OUTPUT_TYPES = ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export const MODEL_TYPES = ['image', 'video', 'audio', 'text'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export interface Output {
  output_id: string;
  type: OutputType;
  url: string;
}

export interface Generation {
  generation_id: string;
  run_id: string;
  status: GenerationStatus;
  progress: number;
  created_at: number;
  workspace_id: string;
  project_id: string;
  started_at?: number;
  completed_at?: number;
  charged_cost?: number;
  error_code?: string;
  error_message?: string;
  model?: { model_id: string | null };
  outputs?: Output[];
  poll_url?: string;
}

export interface RunDetail {
  run_id: string;
  status: GenerationStatus;
  progress: number;
  created_at: number;
  started_at?: number;
  completed_at?: number;
  charged_cost?: number;
  error_code?: string;
  error_message?: string;
  outputs?: Output[];
  poll_url?: string;
}

export interface Workspace {
  workspace_id: string;
  name: string;
  created_at: number | null;
  role: string;
}

export interface Project {
  project_id: string;
  name: string;
  workspace_id: string;
  created_at: number;
  last_modified: number | null;
  origin: string | null;
}

export interface ModelParamOption {
  label: string;
  value: string;
  description?: string;
}

export interface ModelParam {
  name: string;
  required: boolean;
  type: 'string' | 'string[]' | 'bool' | 'int' | 'int?' | 'seed' | 'float' | 'dict';
  default?: string | number | boolean | null;
  description?: string;
  label?: string;
  min?: number;
  max?: number;
  options?: ModelParamOption[];
}

export interface Model {
  model_id: string;
  name: string;
  provider: string;
  type: ModelType;
  capabilities: string[];
  estimated_credits: number;
  estimated_seconds: number;
  params: ModelParam[];
  beta?: boolean;
}

export interface ErrorField {
  field: string;
  message: string;
}

export interface ErrorEnvelope {
  error: { code: string; message: string; fields?: ErrorField[] };
}

// ---- Server options and control types ----

export type LastCursorStyle = 'null' | 'omit' | 'empty';
/** `us` and `ns` are not in the contract; other servers send them, and clients must cope. */
export type TimeUnit = 'ms' | 's' | 'us' | 'ns';
export type ProgressScale = 100 | 1;

export interface DatasetOptions {
  seed?: number;
  workspaces?: number;
  projectsPerWorkspace?: number;
  generationsPerProject?: number;
  /** Adds one project without generations (last_modified and origin null) to the last workspace. */
  emptyProject?: boolean;
}

export interface FakeFloraOptions {
  port?: number;
  apiKey?: string;
  dataset?: 'test' | 'demo' | DatasetOptions;
  seed?: number;
  clock?: 'manual' | 'real';
  startTime?: number;
  lastCursor?: LastCursorStyle;
  timeUnit?: TimeUnit;
  progressScale?: ProgressScale;
  /** How POST /generate answers a repeated idempotency key; default `duplicate`. */
  idempotency?: IdempotencyStyle;
  /** Each workspace's credit balance at start (POST /generate charges a model's estimated credits); default 10 000. */
  credits?: number;
  /**
   * Whether `GET /runs/{runId}` also answers for a technique run (UNCONFIRMED in the contract).
   * Default false: 404, so a client that reaches a technique run only through that route fails;
   * the technique route `GET /techniques/{techniqueId}/runs/{runId}` answers either way.
   */
  runsRouteAnswersTechniqueRuns?: boolean;
  log?: (line: string) => void;
  /**
   * Serve https with this key and certificate (PEM) instead of plain http; `origin` is then
   * `https://127.0.0.1:<port>`, so the certificate must name IP 127.0.0.1.
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export type FormatOptions = Pick<Required<FakeFloraOptions>, 'lastCursor' | 'timeUnit' | 'progressScale'>;
/** The options `setOptions` (and `POST /_fake/options`) change while the server runs. */
export type RuntimeOptions = Pick<
  FakeFloraOptions,
  'lastCursor' | 'timeUnit' | 'progressScale' | 'runsRouteAnswersTechniqueRuns'
>;

export const ROUTE_NAMES = [
  'GET /generations',
  'GET /runs/:id',
  'GET /workspaces',
  'GET /projects',
  'GET /projects/:id',
  'GET /models',
  'POST /generate',
  'GET /technique-runs',
  'GET /techniques/:id/runs/:runId',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export type Fault =
  | {
      kind: 'status';
      status: number;
      code: string;
      message?: string;
      fields?: ErrorField[];
      /** Raw `retry-after` header value: delta seconds or an HTTP date. */
      retryAfter?: string;
    }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'malformed-json' }
  | { kind: 'missing-list' }
  | { kind: 'invalid-item' }
  /** `status` replaces the default new status `queued` (e.g. `cancelled`, `expired`). */
  | { kind: 'unknown-enum'; status?: string }
  | { kind: 'reset' }
  | { kind: 'repeat-cursor' }
  | { kind: 'cycle-cursor' }
  | { kind: 'hold' }
  | { kind: 'html' }
  /** 200 with exactly this JSON body (before auth, like a proxy). */
  | { kind: 'json'; body: unknown }
  /** A normal page whose `meta` is replaced by `meta`; without a `meta` key the page has none. */
  | { kind: 'meta'; meta?: unknown }
  /** A normal page whose items leave out `outputs` (optional in a list item, flora-api.md §2); the run's detail still has them. */
  | { kind: 'no-outputs' }
  /**
   * 200 JSON of `bytes` bytes (a list page padded with a long string), streamed in 64 KB chunks;
   * `announce: false` leaves out `content-length`. Stops writing when the client hangs up.
   */
  | { kind: 'large-body'; bytes: number; announce?: boolean };

export type FaultKind = Fault['kind'];

export interface InjectOptions {
  /** How many matching requests the fault applies to; default 1, `Infinity` = until cleared. */
  times?: number;
  /**
   * Only requests whose query has these values match (e.g. `{ project_id }`: one project's
   * pages, not the poller's status lists on the same route).
   */
  query?: Record<string, string>;
}

export type AuthState = 'none' | 'valid' | 'invalid';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  route: RouteName | null;
  /** `null` while unanswered, and forever for `hang` / `reset` faults. */
  status: number | null;
  authorization: AuthState;
  fault: FaultKind | null;
  /** Server clock (ms) when the request arrived. */
  time: number;
  /** `large-body` only: bytes written before the answer ended or the client hung up (set then). */
  bytesSent?: number;
  /** The Proxy-Authorization header, when one arrived (it never should: it is for proxies only). */
  proxyAuthorization?: string;
}

export interface GenerationFilter {
  workspace_id?: string;
  project_id?: string;
  status?: GenerationStatus;
  /** Technique runs only (GET /technique-runs): of this technique. */
  technique_id?: string;
}

/** A technique run as GET /technique-runs lists it: a generation's fields plus its technique. */
export interface TechniqueRun extends Omit<Generation, 'generation_id' | 'model'> {
  technique_run_id: string;
  technique: { technique_id: string; name: string };
}

/**
 * How a repeated idempotency key is answered (UNCONFIRMED in the contract, so both exist):
 * `duplicate` (reference/SDK): 409 idempotency_duplicate within 2 h; `replay` (guide): the first
 * answer again within 24 h with `idempotent-replayed: true`, and 422 idempotency_conflict when the
 * same key comes with another body.
 */
export type IdempotencyStyle = 'duplicate' | 'replay';

export interface StartGenerationsOptions {
  /** Time from start to finish; default 60 000 ms. */
  durationMs?: number;
  finalStatus?: 'completed' | 'failed';
  /** Output type produced on completion; default `imageUrl`. */
  outputType?: OutputType;
  /** Run i finishes `i * staggerMs` after run 0, so they settle one by one; default 0. */
  staggerMs?: number;
}

/**
 * Input of `addGeneration`. Times are milliseconds on the server clock whatever `timeUnit` says.
 * `status` defaults to `completed`. For `pending`/`running` the run follows a schedule:
 * it starts after `startInMs` (pending only, default 10 s; `Infinity` = never) and finishes
 * `durationMs` (default 60 s) after starting, ending as `finalStatus` (default `completed`).
 * `null` for an optional field means "leave the key out of the item".
 */
export interface AddProjectInput {
  workspace_id: string;
  name: string;
  /** `prj_…`; a fresh id when left out. */
  project_id?: string;
}

export interface AddGenerationInput {
  project_id: string;
  run_id?: string;
  status?: GenerationStatus;
  /** Defaults to now; a future value keeps the item invisible until then. */
  created_at?: number;
  started_at?: number | null;
  completed_at?: number | null;
  charged_cost?: number | null;
  error_code?: string;
  error_message?: string;
  /** Defaults to `{ model_id: 't2i-flux-2-pro' }`; `null` = no `model` key. */
  model?: { model_id: string | null } | null;
  /** Used verbatim (`url` as given). Default: one generated PNG served by the fake. */
  outputs?: Output[];
  /** Set to `false` to leave `poll_url` out of the item. */
  poll_url?: boolean;
  startInMs?: number;
  durationMs?: number;
  finalStatus?: 'completed' | 'failed';
  /** Makes it a technique run: listed by GET /technique-runs (not GET /generations), without `model`. */
  technique?: { technique_id: string; name: string };
  /** Output type made on completion when `outputs` is not given; default `imageUrl`. */
  outputType?: OutputType;
}

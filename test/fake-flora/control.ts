import { z } from 'zod';
import { errorBody } from './api';
import type {
  AddGenerationInput,
  AddProjectInput,
  Fault,
  Generation,
  GenerationFilter,
  IdempotencyStyle,
  InjectOptions,
  Model,
  Project,
  RequestLogEntry,
  RouteName,
  RuntimeOptions,
  StartGenerationsOptions,
  TechniqueRun,
  Workspace,
} from './types';
import { GENERATION_STATUSES, OUTPUT_TYPES, ROUTE_NAMES } from './types';
import type { ArmedFault } from './faults';

// The HTTP face of the control interface (/_fake/*), for tests in another process such as the
// VS Code extension host. Bodies are validated here; behaviour is FakeFlora's own methods.

export const CONTROL_PREFIX = '/_fake';

export interface ControlTarget {
  now(): number;
  advance(ms: number): void;
  inject(route: RouteName, fault: Fault, opts?: InjectOptions): void;
  clearFaults(): void;
  faults(): ArmedFault[];
  requestCount(route?: RouteName): number;
  requests(): RequestLogEntry[];
  resetCounts(): void;
  setOptions(partial: RuntimeOptions): void;
  startGenerations(projectId: string, count: number, opts?: StartGenerationsOptions): Generation[];
  addProject(input: AddProjectInput): Project;
  addGeneration(input: AddGenerationInput): Generation;
  addTechniqueRun(
    input: AddGenerationInput & { technique: { technique_id: string; name: string } },
  ): TechniqueRun;
  techniqueRuns(filter?: GenerationFilter): TechniqueRun[];
  credits(workspaceId: string): number;
  setCredits(workspaceId: string, credits: number): void;
  setIdempotency(style: IdempotencyStyle): void;
  submissions(): ReadonlyArray<{ run_id: string; body: Record<string, unknown> }>;
  workspaces(): Workspace[];
  projects(workspaceId?: string): Project[];
  generations(filter?: GenerationFilter): Generation[];
  models(): Model[];
  reset(): void;
}

export interface ControlResult {
  status: number;
  body: unknown;
}

const routeSchema = z.enum(ROUTE_NAMES);
const errorFieldSchema = z.object({ field: z.string(), message: z.string() });

const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    code: z.string(),
    message: z.string().optional(),
    fields: z.array(errorFieldSchema).optional(),
    retryAfter: z.string().optional(),
  }),
  z.object({ kind: z.literal('delay'), ms: z.number().min(0).max(600_000) }),
  z.object({ kind: z.literal('hang') }),
  z.object({ kind: z.literal('malformed-json') }),
  z.object({ kind: z.literal('missing-list') }),
  z.object({ kind: z.literal('invalid-item') }),
  z.object({ kind: z.literal('unknown-enum'), status: z.string().optional() }),
  z.object({ kind: z.literal('reset') }),
  z.object({ kind: z.literal('repeat-cursor') }),
  z.object({ kind: z.literal('cycle-cursor') }),
  z.object({ kind: z.literal('hold') }),
  z.object({ kind: z.literal('html') }),
  z.object({ kind: z.literal('json'), body: z.unknown() }),
  z.object({ kind: z.literal('meta'), meta: z.unknown().optional() }),
  z.object({ kind: z.literal('no-outputs') }),
  z.object({
    kind: z.literal('large-body'),
    bytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024 * 1024),
    announce: z.boolean().optional(),
  }),
]);

/** JSON has no Infinity: `null` or `-1` mean "forever". */
const timesSchema = z
  .union([z.number().int().min(-1), z.null()])
  .optional()
  .transform((t) => (t === undefined ? 1 : t === null || t === -1 ? Number.POSITIVE_INFINITY : t))
  .refine((t) => t > 0, 'times must be positive, or null/-1 for forever');

const injectSchema = z.object({
  route: routeSchema,
  fault: faultSchema,
  times: timesSchema,
  query: z.record(z.string(), z.string()).optional(),
});
const advanceSchema = z.object({ ms: z.number().min(0) });
const optionsSchema = z.object({
  lastCursor: z.enum(['null', 'omit', 'empty']).optional(),
  timeUnit: z.enum(['ms', 's', 'us', 'ns']).optional(),
  progressScale: z.union([z.literal(100), z.literal(1)]).optional(),
  runsRouteAnswersTechniqueRuns: z.boolean().optional(),
});
const statusSchema = z.enum(GENERATION_STATUSES);
const startSchema = z.object({
  project_id: z.string(),
  count: z.number().int().min(1).max(10_000),
  durationMs: z.number().positive().optional(),
  finalStatus: z.enum(['completed', 'failed']).optional(),
  outputType: z.enum(OUTPUT_TYPES).optional(),
  staggerMs: z.number().min(0).optional(),
});
const addProjectSchema = z.object({
  workspace_id: z.string(),
  name: z.string(),
  project_id: z.string().optional(),
});
const addSchema = z.object({
  project_id: z.string(),
  run_id: z.string().optional(),
  status: statusSchema.optional(),
  created_at: z.number().optional(),
  started_at: z.number().nullable().optional(),
  completed_at: z.number().nullable().optional(),
  charged_cost: z.number().nullable().optional(),
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  model: z.object({ model_id: z.string().nullable() }).nullable().optional(),
  outputs: z
    .array(z.object({ output_id: z.string(), type: z.enum(OUTPUT_TYPES), url: z.string() }))
    .optional(),
  poll_url: z.boolean().optional(),
  /** null = never starts */
  startInMs: z.number().min(0).nullable().optional(),
  durationMs: z.number().positive().optional(),
  finalStatus: z.enum(['completed', 'failed']).optional(),
});

const techniqueRunSchema = z.object({
  ...addSchema.shape,
  technique: z.object({ technique_id: z.string().startsWith('tech_'), name: z.string() }),
});
const creditsSchema = z.object({ workspace_id: z.string(), credits: z.number().min(0) });
const idempotencySchema = z.object({ style: z.enum(['duplicate', 'replay']) });

function bad(message: string): ControlResult {
  return { status: 400, body: errorBody('input_validation_error', message) };
}

function parse<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; result: ControlResult } {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, result: bad(z.prettifyError(r.error)) };
}

function routeOf(query: URLSearchParams): RouteName | undefined | null {
  const raw = query.get('route');
  if (raw === null) return undefined;
  return ROUTE_NAMES.find((r) => r === raw) ?? null;
}

export function handleControl(
  target: ControlTarget,
  method: string,
  subpath: string,
  query: URLSearchParams,
  body: unknown,
): ControlResult {
  const key = `${method} ${subpath}`;
  try {
    switch (key) {
      case 'POST /advance': {
        const p = parse(advanceSchema, body);
        if (!p.ok) return p.result;
        target.advance(p.value.ms);
        return { status: 200, body: { now: target.now() } };
      }
      case 'POST /inject': {
        const p = parse(injectSchema, body);
        if (!p.ok) return p.result;
        target.inject(p.value.route, p.value.fault, { times: p.value.times, query: p.value.query });
        return { status: 200, body: { ok: true } };
      }
      case 'GET /faults':
        return {
          status: 200,
          body: {
            faults: target
              .faults()
              .map((f) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : null })),
          },
        };
      case 'POST /clear-faults':
        target.clearFaults();
        return { status: 200, body: { ok: true } };
      case 'GET /counts': {
        const route = routeOf(query);
        if (route === null) return bad('unknown route');
        if (route !== undefined) return { status: 200, body: { [route]: target.requestCount(route) } };
        const counts: Record<string, number> = {};
        for (const r of ROUTE_NAMES) counts[r] = target.requestCount(r);
        return { status: 200, body: counts };
      }
      case 'POST /reset-counts':
        target.resetCounts();
        return { status: 200, body: { ok: true } };
      case 'GET /requests':
        return { status: 200, body: { requests: target.requests() } };
      case 'POST /options': {
        const p = parse(optionsSchema, body);
        if (!p.ok) return p.result;
        target.setOptions(p.value);
        return { status: 200, body: { ok: true } };
      }
      case 'POST /start-generations': {
        const p = parse(startSchema, body);
        if (!p.ok) return p.result;
        const { project_id, count, ...opts } = p.value;
        return { status: 200, body: { generations: target.startGenerations(project_id, count, opts) } };
      }
      case 'POST /add-project': {
        const p = parse(addProjectSchema, body);
        if (!p.ok) return p.result;
        return { status: 200, body: { project: target.addProject(p.value) } };
      }
      case 'POST /add-generation': {
        const p = parse(addSchema, body);
        if (!p.ok) return p.result;
        const { startInMs, ...rest } = p.value;
        const input: AddGenerationInput = { ...rest };
        if (startInMs !== undefined) input.startInMs = startInMs ?? Number.POSITIVE_INFINITY;
        return { status: 200, body: { generation: target.addGeneration(input) } };
      }
      case 'POST /add-technique-run': {
        const p = parse(techniqueRunSchema, body);
        if (!p.ok) return p.result;
        const { startInMs, ...rest } = p.value;
        const input: AddGenerationInput & { technique: { technique_id: string; name: string } } = { ...rest };
        if (startInMs !== undefined) input.startInMs = startInMs ?? Number.POSITIVE_INFINITY;
        return { status: 200, body: { technique_run: target.addTechniqueRun(input) } };
      }
      case 'POST /credits': {
        const p = parse(creditsSchema, body);
        if (!p.ok) return p.result;
        target.setCredits(p.value.workspace_id, p.value.credits);
        return { status: 200, body: { ok: true } };
      }
      case 'POST /idempotency': {
        const p = parse(idempotencySchema, body);
        if (!p.ok) return p.result;
        target.setIdempotency(p.value.style);
        return { status: 200, body: { ok: true } };
      }
      case 'GET /submissions':
        return { status: 200, body: { submissions: target.submissions() } };
      case 'GET /state':
        return {
          status: 200,
          body: {
            now: target.now(),
            workspaces: target.workspaces(),
            projects: target.projects(),
            generations: target.generations(),
            technique_runs: target.techniqueRuns(),
            models: target.models(),
          },
        };
      case 'POST /reset':
        target.reset();
        return { status: 200, body: { ok: true, now: target.now() } };
      default:
        return { status: 404, body: errorBody('not_found', `No control route ${key}.`) };
    }
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
}

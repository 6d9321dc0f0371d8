import { costFor, OutputMaker } from './dataset';
import { errorMessage } from './content';
import { Rng } from './prng';
import type { Dataset, GenerationRecord, OutputRecord, ProjectRecord } from './records';
import type {
  AddGenerationInput,
  AddProjectInput,
  FormatOptions,
  Generation,
  GenerationFilter,
  GenerationStatus,
  Model,
  Output,
  Project,
  RunDetail,
  StartGenerationsOptions,
  TechniqueRun,
  Workspace,
} from './types';

/** The server's own clock: frozen and moved by `advance` (manual) or Date.now() plus offsets (real). */
export class Clock {
  private offset = 0;

  constructor(
    readonly mode: 'manual' | 'real',
    private readonly start: number,
  ) {}

  now(): number {
    return (this.mode === 'real' ? Date.now() : this.start) + this.offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('advance(ms) needs a finite, non-negative number');
    this.offset += ms;
  }
}

export interface RunState {
  status: GenerationStatus;
  /** 0..1 */
  fraction: number;
}

export function stateAt(rec: GenerationRecord, now: number): RunState {
  if (now < rec.startAt) return { status: 'pending', fraction: 0 };
  if (now < rec.finishAt) {
    const span = rec.finishAt - rec.startAt;
    return {
      status: 'running',
      fraction: Number.isFinite(span) && span > 0 ? (now - rec.startAt) / span : 0,
    };
  }
  return { status: rec.final, fraction: 1 };
}

function time(ms: number, fmt: FormatOptions): number {
  // Schedules may be fractional (real clock, random offsets); the API shows whole units.
  if (fmt.timeUnit === 's') return Math.floor(ms / 1000);
  if (fmt.timeUnit === 'us') return Math.floor(ms) * 1000;
  if (fmt.timeUnit === 'ns') return Math.floor(ms) * 1_000_000;
  return Math.floor(ms);
}

function progress(fraction: number, fmt: FormatOptions): number {
  // Floor keeps progress monotonic and below the maximum until the run actually finishes.
  return fmt.progressScale === 1 ? Math.floor(fraction * 1000) / 1000 : Math.floor(fraction * 100);
}

function outputView(o: OutputRecord, origin: string): Output {
  return { output_id: o.output_id, type: o.type, url: o.local ? origin + o.value : o.value };
}

type RunFields = Pick<
  RunDetail,
  'started_at' | 'completed_at' | 'charged_cost' | 'error_code' | 'error_message' | 'outputs' | 'poll_url'
>;

/** The fields every list item (a generation, a technique run) starts with, in the contract's order. */
function listItemBase(
  rec: GenerationRecord,
  run: RunDetail,
): Pick<Generation, 'run_id' | 'status' | 'progress' | 'created_at' | 'workspace_id' | 'project_id'> {
  return {
    run_id: rec.run_id,
    status: run.status,
    progress: run.progress,
    created_at: run.created_at,
    workspace_id: rec.workspace_id,
    project_id: rec.project_id,
  };
}

/**
 * Copies the run's optional fields that its state carries onto a list item, in the contract's key
 * order (which makes logs easier to read); `middle` adds the item's own fields before `outputs`.
 */
function withRunFields<T extends RunFields>(item: T, run: RunDetail, middle?: () => void): T {
  if (run.started_at !== undefined) item.started_at = run.started_at;
  if (run.completed_at !== undefined) item.completed_at = run.completed_at;
  if (run.charged_cost !== undefined) item.charged_cost = run.charged_cost;
  if (run.error_code !== undefined) item.error_code = run.error_code;
  if (run.error_message !== undefined) item.error_message = run.error_message;
  middle?.();
  if (run.outputs !== undefined) item.outputs = run.outputs;
  if (run.poll_url !== undefined) item.poll_url = run.poll_url;
  return item;
}

/** Holds the dataset and derives what the API shows at the clock's current time. */
export class FloraStore {
  private records = new Map<string, GenerationRecord>();
  private readonly projectsById = new Map<string, ProjectRecord>();
  private nextSeq: number;
  private readonly rng: Rng;
  private readonly outputs: OutputMaker;

  constructor(
    private readonly dataset: Dataset,
    readonly clock: Clock,
    seed: number,
  ) {
    for (const r of dataset.generations) this.records.set(r.run_id, r);
    for (const p of dataset.projects) this.projectsById.set(p.project_id, p);
    this.nextSeq = Math.max(0, ...dataset.generations.map((r) => r.seq)) + 1;
    // A separate stream so ids added by tests don't depend on how the dataset consumed its RNG.
    this.rng = new Rng(seed ^ 0x5eed);
    this.outputs = new OutputMaker(this.rng);
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Visible records (created_at reached), newest first: generations, or with `kind: 'technique'`
   * technique runs (the contract assumes GET /generations does not list those), or with
   * `kind: 'any'` both (a project's activity).
   */
  visible(
    filter: GenerationFilter = {},
    kind: 'generation' | 'technique' | 'any' = 'generation',
  ): GenerationRecord[] {
    const now = this.now();
    const out: GenerationRecord[] = [];
    for (const r of this.records.values()) {
      if (r.created_at > now) continue;
      if (kind !== 'any' && (r.technique !== undefined) !== (kind === 'technique')) continue;
      if (filter.technique_id !== undefined && r.technique?.technique_id !== filter.technique_id) continue;
      if (filter.workspace_id !== undefined && r.workspace_id !== filter.workspace_id) continue;
      if (filter.project_id !== undefined && r.project_id !== filter.project_id) continue;
      if (filter.status !== undefined && stateAt(r, now).status !== filter.status) continue;
      out.push(r);
    }
    return out.sort((a, b) => b.created_at - a.created_at || b.seq - a.seq);
  }

  findRun(runId: string): GenerationRecord | undefined {
    const r = this.records.get(runId);
    return r && r.created_at <= this.now() ? r : undefined;
  }

  generationView(rec: GenerationRecord, fmt: FormatOptions, origin: string): Generation {
    const run = this.runView(rec, fmt, origin);
    // Key order follows the contract's table, which makes logs and snapshots easier to read.
    const item: Generation = { generation_id: rec.run_id, ...listItemBase(rec, run) };
    return withRunFields(item, run, () => {
      if (rec.model !== undefined) item.model = { ...rec.model };
    });
  }

  techniqueRunView(rec: GenerationRecord, fmt: FormatOptions, origin: string): TechniqueRun {
    const run = this.runView(rec, fmt, origin);
    const item: TechniqueRun = {
      technique_run_id: rec.run_id,
      ...listItemBase(rec, run),
      technique: { ...(rec.technique ?? { technique_id: 'tech_unknown', name: 'Technique' }) },
    };
    return withRunFields(item, run);
  }

  runView(rec: GenerationRecord, fmt: FormatOptions, origin: string): RunDetail {
    const { status, fraction } = stateAt(rec, this.now());
    const run: RunDetail = {
      run_id: rec.run_id,
      status,
      progress: progress(fraction, fmt),
      created_at: time(rec.created_at, fmt),
    };
    if (status !== 'pending' && !rec.omit.started_at) run.started_at = time(rec.startAt, fmt);
    const terminal = status === 'completed' || status === 'failed';
    if (terminal && !rec.omit.completed_at) run.completed_at = time(rec.finishAt, fmt);
    if (terminal && rec.charged_cost !== undefined) run.charged_cost = rec.charged_cost;
    if (status === 'failed') {
      run.error_code = rec.error_code ?? 'provider_error';
      run.error_message = rec.error_message ?? errorMessage(run.error_code);
    }
    if (status === 'completed' && !rec.omit.outputs)
      run.outputs = rec.outputs.map((o) => outputView(o, origin));
    // A technique run's poll_url points at its technique's route (flora-api.md §3).
    const path = rec.technique
      ? `/techniques/${encodeURIComponent(rec.technique.technique_id)}/runs/`
      : '/runs/';
    if (!rec.omit.poll_url) run.poll_url = `${origin}/api/v1${path}${encodeURIComponent(rec.run_id)}`;
    return run;
  }

  workspaces(fmt: FormatOptions): Workspace[] {
    return this.dataset.workspaces.map((w) => ({
      ...w,
      created_at: w.created_at === null ? null : time(w.created_at, fmt),
    }));
  }

  hasWorkspace(workspaceId: string): boolean {
    return this.dataset.workspaces.some((w) => w.workspace_id === workspaceId);
  }

  /** Projects in "recent activity" order: last_modified desc, never-modified last. */
  projects(fmt: FormatOptions, workspaceId?: string): Project[] {
    const latest = new Map<string, number>();
    for (const r of this.visible({}, 'any')) {
      if (!latest.has(r.project_id)) latest.set(r.project_id, r.created_at);
    }
    const rows = this.dataset.projects
      .filter((p) => workspaceId === undefined || p.workspace_id === workspaceId)
      .map((p) => {
        const activity = latest.get(p.project_id);
        const modified =
          activity === undefined
            ? p.last_modified
            : Math.max(activity, p.last_modified ?? Number.NEGATIVE_INFINITY);
        return { p, modified };
      });
    rows.sort(
      (a, b) =>
        (b.modified ?? Number.NEGATIVE_INFINITY) - (a.modified ?? Number.NEGATIVE_INFINITY) ||
        b.p.created_at - a.p.created_at ||
        a.p.project_id.localeCompare(b.p.project_id),
    );
    return rows.map(({ p, modified }) => ({
      project_id: p.project_id,
      name: p.name,
      workspace_id: p.workspace_id,
      created_at: time(p.created_at, fmt),
      last_modified: modified === null ? null : time(modified, fmt),
      origin: p.origin,
    }));
  }

  project(projectId: string): ProjectRecord | undefined {
    return this.projectsById.get(projectId);
  }

  models(): Model[] {
    return this.dataset.models.map((m) => structuredClone(m));
  }

  newRunId(): string {
    let id = this.rng.id('run');
    while (this.records.has(id)) id = this.rng.id('run');
    return id;
  }

  /** A new project, newest of its workspace (created and last modified now). */
  addProject(input: AddProjectInput): ProjectRecord {
    if (!this.hasWorkspace(input.workspace_id)) throw new Error(`unknown workspace_id ${input.workspace_id}`);
    const projectId = input.project_id ?? this.rng.id('prj');
    if (!projectId.startsWith('prj_')) throw new Error('project_id must start with prj_');
    if (this.projectsById.has(projectId)) throw new Error(`project_id ${projectId} already exists`);
    const now = this.now();
    const record: ProjectRecord = {
      project_id: projectId,
      name: input.name,
      workspace_id: input.workspace_id,
      created_at: now,
      last_modified: now,
      origin: 'api',
    };
    this.dataset.projects.push(record);
    this.projectsById.set(projectId, record);
    return record;
  }

  addGeneration(input: AddGenerationInput): GenerationRecord {
    const project = this.projectsById.get(input.project_id);
    if (!project) throw new Error(`unknown project_id ${input.project_id}`);
    const runId = input.run_id ?? this.newRunId();
    if (this.records.has(runId)) throw new Error(`run_id ${runId} already exists`);
    if (!runId.startsWith('run_')) throw new Error('run_id must start with run_');
    const now = this.now();
    const status = input.status ?? 'completed';
    const created = input.created_at ?? now;
    const duration = input.durationMs ?? 60_000;

    let startAt: number;
    let finishAt: number;
    let final: 'completed' | 'failed';
    if (status === 'pending') {
      startAt = now + (input.startInMs ?? 10_000);
      finishAt = startAt + duration;
      final = input.finalStatus ?? 'completed';
    } else if (status === 'running') {
      startAt = input.started_at ?? now;
      finishAt = Math.max(now + 1, startAt + duration);
      final = input.finalStatus ?? 'completed';
    } else {
      startAt = input.started_at ?? created;
      finishAt = Math.min(now, input.completed_at ?? now);
      if (startAt > finishAt) startAt = finishAt;
      final = status;
    }

    const record: GenerationRecord = {
      run_id: runId,
      workspace_id: project.workspace_id,
      project_id: project.project_id,
      seq: this.nextSeq++,
      created_at: created,
      startAt,
      finishAt,
      final,
      outputs: input.outputs
        ? input.outputs.map((o) => ({ output_id: o.output_id, type: o.type, value: o.url, local: false }))
        : this.outputs.make(input.outputType ?? 'imageUrl'),
      omit: {
        started_at: input.started_at === null,
        completed_at: input.completed_at === null,
        poll_url: input.poll_url === false,
      },
    };
    if (input.technique) record.technique = { ...input.technique };
    else if (input.model !== null) record.model = input.model ?? { model_id: 't2i-flux-2-pro' };
    if (input.charged_cost !== null) {
      record.charged_cost =
        input.charged_cost ??
        (final === 'completed' ? costFor(this.rng, input.outputType ?? 'imageUrl') : undefined);
    }
    if (final === 'failed') {
      record.error_code = input.error_code ?? 'provider_error';
      record.error_message = input.error_message ?? errorMessage(record.error_code);
    }
    this.records.set(runId, record);
    return record;
  }

  startGenerations(projectId: string, count: number, opts: StartGenerationsOptions = {}): GenerationRecord[] {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
    const now = this.now();
    const duration = opts.durationMs ?? 60_000;
    if (!(duration > 0)) throw new RangeError('durationMs must be positive');
    const out: GenerationRecord[] = [];
    for (let i = 0; i < count; i++) {
      const type = opts.outputType ?? 'imageUrl';
      const record = this.addGeneration({
        project_id: projectId,
        status: 'running',
        // Distinct, increasing timestamps so created_at alone already orders them.
        created_at: now - (count - 1 - i),
        started_at: now,
        durationMs: duration + i * (opts.staggerMs ?? 0),
        finalStatus: opts.finalStatus ?? 'completed',
        outputs: [],
      });
      record.outputs = this.outputs.make(type, 1);
      if (record.final === 'completed') record.charged_cost = costFor(this.rng, type);
      out.push(record);
    }
    return out;
  }
}

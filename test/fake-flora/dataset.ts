import {
  HOSTILE_TEXT,
  LOWER_CASE_ERROR_CODES,
  TEXT_OUTPUTS,
  UPPER_CASE_ERROR_CODES,
  errorMessage,
} from './content';
import { IMAGE_SIZES, audioPath, documentPath, imagePath, videoPath } from './media';
import { MODEL_CATALOG, RETIRED_MODEL_IDS, cloneModel, modelsOfType } from './models';
import { Rng } from './prng';
import type { Dataset, GenerationRecord, OutputRecord, ProjectRecord } from './records';
import type { DatasetOptions, ModelType, OutputType, Workspace } from './types';

export const DEFAULT_SEED = 1;
/** 2026-07-15T12:00:00Z: a fixed "now" so test datasets are identical run to run. */
export const DEFAULT_START_TIME = Date.UTC(2026, 6, 15, 12, 0, 0);

export const DEFAULT_TEST_DATASET: Required<DatasetOptions> = {
  seed: DEFAULT_SEED,
  workspaces: 2,
  projectsPerWorkspace: 3,
  generationsPerProject: 10,
  emptyProject: true,
};

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** Creates output records; numbers the media files so each output looks (or sounds) different. */
export class OutputMaker {
  private counter = 0;
  private textCounter = 0;

  constructor(private readonly rng: Rng) {}

  make(type: OutputType, count = 1): OutputRecord[] {
    return Array.from({ length: count }, () => this.one(type));
  }

  text(value: string): OutputRecord {
    return { output_id: this.rng.id('out'), type: 'text', value, local: false };
  }

  private one(type: OutputType): OutputRecord {
    if (type === 'text') {
      const value = TEXT_OUTPUTS[this.textCounter++ % TEXT_OUTPUTS.length];
      return this.text(value);
    }
    const n = ++this.counter;
    let value: string;
    if (type === 'imageUrl') {
      const [w, h] = IMAGE_SIZES[n % IMAGE_SIZES.length];
      value = imagePath(n, w, h);
    } else if (type === 'videoUrl') value = videoPath(n);
    else if (type === 'audioUrl') value = audioPath(n);
    else value = documentPath(n);
    return { output_id: this.rng.id('out'), type, value, local: true };
  }
}

export function modelTypeFor(output: OutputType): ModelType {
  switch (output) {
    case 'imageUrl':
      return 'image';
    case 'videoUrl':
      return 'video';
    case 'audioUrl':
      return 'audio';
    default:
      return 'text';
  }
}

/** Cost in USD with cent-fraction precision, loosely scaled by output kind. */
export function costFor(rng: Rng, type: OutputType): number {
  const base = type === 'videoUrl' ? 0.6 : type === 'imageUrl' ? 0.06 : type === 'audioUrl' ? 0.03 : 0.01;
  return Math.round(base * rng.range(0.6, 1.8) * 10000) / 10000;
}

type Kind =
  | { live: 'pending' | 'running'; final: 'completed'; type: OutputType }
  | { live: 'running'; final: 'failed'; code: 'upper' | 'lower' }
  | { live: null; final: 'completed'; type: OutputType }
  | { live: null; final: 'failed'; code: 'upper' | 'lower' };

// Position j in a project (0 = newest) picks the kind, so every project holds every status and
// every output type once generationsPerProject >= 10, and counts per status are easy to state.
const KINDS: readonly Kind[] = [
  { live: 'pending', final: 'completed', type: 'imageUrl' },
  { live: 'running', final: 'completed', type: 'imageUrl' },
  { live: 'running', final: 'failed', code: 'upper' },
  { live: null, final: 'completed', type: 'imageUrl' },
  { live: null, final: 'failed', code: 'lower' },
  { live: null, final: 'completed', type: 'videoUrl' },
  { live: null, final: 'completed', type: 'audioUrl' },
  { live: null, final: 'completed', type: 'text' },
  { live: null, final: 'failed', code: 'upper' },
  { live: null, final: 'completed', type: 'documentUrl' },
];

/**
 * The small, predictable dataset used by tests. With the defaults: 2 workspaces, 3 projects each
 * plus one empty project, 10 generations per project (60 in all: 6 pending, 12 running,
 * 30 completed, 12 failed). All live items settle within about two minutes of `now`.
 */
export function buildTestDataset(options: DatasetOptions, now: number): Dataset {
  const opts = { ...DEFAULT_TEST_DATASET, ...options };
  const rng = new Rng(opts.seed);
  const outputs = new OutputMaker(rng);

  const workspaces: Workspace[] = [];
  const projects: ProjectRecord[] = [];
  for (let w = 0; w < opts.workspaces; w++) {
    const ws: Workspace = {
      workspace_id: rng.id('ws'),
      name: `Test Workspace ${w + 1}`,
      // The contract allows a null created_at; exercise it on the second workspace.
      created_at: w === 1 ? null : now - (200 - w) * DAY,
      role: w === 0 ? 'owner' : 'member',
    };
    workspaces.push(ws);
    for (let p = 0; p < opts.projectsPerWorkspace; p++) {
      projects.push({
        project_id: rng.id('prj'),
        name: `Project ${String.fromCharCode(65 + p)}${w + 1}`,
        workspace_id: ws.workspace_id,
        created_at: now - (100 - p) * DAY,
        last_modified: now - (100 - p) * DAY,
        origin: p % 3 === 2 ? null : p % 3 === 0 ? 'app' : 'api',
      });
    }
  }
  const filledProjects = [...projects];
  const lastWorkspace = workspaces[workspaces.length - 1];
  if (opts.emptyProject && lastWorkspace) {
    projects.push({
      project_id: rng.id('prj'),
      name: 'Empty project',
      workspace_id: lastWorkspace.workspace_id,
      created_at: now - 3 * DAY,
      last_modified: null,
      origin: null,
    });
  }

  const P = filledProjects.length;
  const liveSlots = Math.min(3, opts.generationsPerProject) * P;
  const generations: GenerationRecord[] = [];
  let olderAt = now - 10 * MINUTE;
  // Index g runs newest to oldest, interleaving projects, so the newest page mixes projects.
  for (let j = 0; j < opts.generationsPerProject; j++) {
    for (let p = 0; p < P; p++) {
      const g = j * P + p;
      const project = filledProjects[p];
      const kind = KINDS[j % KINDS.length];
      let created: number;
      if (g < liveSlots) created = now - 30 * SECOND - g * 20 * SECOND;
      else {
        olderAt -= Math.round(rng.range(20, 80) * MINUTE);
        created = olderAt;
      }
      const outputType: OutputType = 'type' in kind ? kind.type : p % 2 === 0 ? 'imageUrl' : 'text';
      const stagger = (p % 12) * 5 * SECOND;

      let startAt: number;
      let finishAt: number;
      if (kind.live === 'pending') {
        startAt = now + 20 * SECOND + stagger;
        finishAt = startAt + MINUTE;
      } else if (kind.live === 'running') {
        startAt = created + 5 * SECOND;
        finishAt = now + (kind.final === 'completed' ? 60 : 90) * SECOND + stagger;
      } else {
        startAt = created + rng.int(2, 20) * SECOND;
        finishAt = startAt + rng.int(8, 240) * SECOND;
      }

      const record: GenerationRecord = {
        run_id: rng.id('run'),
        workspace_id: project.workspace_id,
        project_id: project.project_id,
        seq: 0,
        created_at: created,
        startAt,
        finishAt,
        final: kind.final,
        outputs: [],
        omit: {},
      };

      const variant = g % 9;
      if (variant === 6) record.model = undefined;
      else if (variant === 7) record.model = { model_id: null };
      else if (variant === 8) record.model = { model_id: RETIRED_MODEL_IDS[g % RETIRED_MODEL_IDS.length] };
      else {
        const candidates = modelsOfType(modelTypeFor(outputType));
        record.model = { model_id: candidates[g % candidates.length].model_id };
      }

      if (kind.final === 'completed') {
        const count = outputType === 'imageUrl' ? 1 + (g % 4) : 1;
        record.outputs =
          outputType === 'text' && j === 7 && p === 0
            ? [outputs.text(HOSTILE_TEXT)]
            : outputs.make(outputType, count);
        if (g % 5 !== 2) record.charged_cost = costFor(rng, outputType);
        if (g % 7 === 3) record.omit.started_at = true;
      } else {
        const codes = kind.code === 'upper' ? UPPER_CASE_ERROR_CODES : LOWER_CASE_ERROR_CODES;
        const code = kind.live
          ? p % 2 === 0
            ? 'GENERATION_PROVIDER_TIMEOUT'
            : 'provider_error'
          : codes[p % codes.length];
        record.error_code = code;
        record.error_message = errorMessage(code);
        if (g % 2 === 0) record.charged_cost = 0;
      }
      if (g % 11 === 4) record.omit.completed_at = true;
      if (g % 13 === 5) record.omit.poll_url = true;
      generations.push(record);
    }
  }
  // seq grows with age reversed so that, on equal created_at, the later insert is newer.
  generations.forEach((r, i) => (r.seq = generations.length - i));

  return { workspaces, projects, models: MODEL_CATALOG.map(cloneModel), generations };
}

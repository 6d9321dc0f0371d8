import { HOSTILE_TEXT, LOWER_CASE_ERROR_CODES, UPPER_CASE_ERROR_CODES, errorMessage } from './content';
import { OutputMaker, costFor, modelTypeFor } from './dataset';
import { MODEL_CATALOG, RETIRED_MODEL_IDS, cloneModel, modelsOfType } from './models';
import { Rng } from './prng';
import type { Dataset, GenerationRecord, ProjectRecord } from './records';
import type { OutputType, Workspace } from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEMO_HISTORY_SIZE = 320;
/** Generations that appear after start, one every ~45 s, so a live view keeps changing for a while. */
export const DEMO_FUTURE_COUNT = 16;
export const DEMO_FUTURE_INTERVAL_MS = 45 * SECOND;

interface DemoProject {
  name: string;
  origin: string | null;
  weight: number;
  /** Output mix this project leans towards. */
  mix: ReadonlyArray<readonly [OutputType, number]>;
}

const IMAGE_HEAVY = [
  ['imageUrl', 8],
  ['videoUrl', 1],
  ['text', 1],
] as const;
const MOTION = [
  ['videoUrl', 5],
  ['imageUrl', 3],
  ['audioUrl', 2],
] as const;
const MIXED = [
  ['imageUrl', 4],
  ['videoUrl', 2],
  ['audioUrl', 1.5],
  ['text', 1.5],
  ['documentUrl', 1],
] as const;

const WORKSPACES: ReadonlyArray<{
  name: string;
  role: string;
  ageDays: number | null;
  projects: DemoProject[];
}> = [
  {
    name: 'Brand Studio',
    role: 'owner',
    ageDays: 410,
    projects: [
      { name: 'Spring Campaign 2026', origin: 'app', weight: 5, mix: IMAGE_HEAVY },
      { name: 'Logo Explorations', origin: 'app', weight: 3, mix: IMAGE_HEAVY },
      { name: 'Product Shots — Sneakers', origin: 'api', weight: 4, mix: MIXED },
      {
        name: 'Copy & Taglines',
        origin: 'api',
        weight: 2,
        mix: [
          ['text', 3],
          ['documentUrl', 2],
          ['imageUrl', 1],
        ],
      },
    ],
  },
  {
    name: 'Motion Lab',
    role: 'member',
    ageDays: 160,
    projects: [
      { name: 'Title Sequence', origin: 'app', weight: 3, mix: MOTION },
      { name: 'Music Video Concepts', origin: 'app', weight: 3, mix: MOTION },
      {
        name: 'Sound Design',
        origin: 'api',
        weight: 2,
        mix: [
          ['audioUrl', 5],
          ['videoUrl', 1],
        ],
      },
    ],
  },
  {
    name: 'Personal',
    role: 'owner',
    ageDays: null,
    projects: [
      { name: 'Sketchbook', origin: null, weight: 2, mix: MIXED },
      {
        name: 'Bedtime Stories',
        origin: 'app',
        weight: 1,
        mix: [
          ['text', 3],
          ['audioUrl', 2],
          ['imageUrl', 2],
        ],
      },
      { name: 'Untitled project', origin: null, weight: 0, mix: MIXED },
    ],
  },
];

/** Hours in the last three weeks, weighted towards working hours so the history looks lived in. */
function historyTime(rng: Rng, now: number): number {
  for (;;) {
    const t = now - rng.range(3 * MINUTE, 21 * DAY);
    const hour = new Date(t).getUTCHours();
    const weight = hour >= 8 && hour <= 19 ? 1 : 0.25;
    if (rng.chance(weight)) return t;
  }
}

/**
 * The demo dataset: readable workspaces and projects, a few hundred generations over the last
 * three weeks, a handful of live ones finishing within a few minutes, and more arriving every ~45 s.
 */
/** FLORA techniques (saved workflows) the demo's technique runs use, with what they make. */
const TECHNIQUES: ReadonlyArray<{ name: string; type: OutputType }> = [
  { name: 'Product Photo Relight', type: 'imageUrl' },
  { name: 'Storyboard to Animatic', type: 'videoUrl' },
  { name: 'Brand Style Transfer', type: 'imageUrl' },
  { name: 'Podcast Intro Mixer', type: 'audioUrl' },
  { name: 'Campaign Copy Variants', type: 'text' },
];
export const DEMO_TECHNIQUE_RUNS = 36;

/**
 * Technique runs (listed by GET /technique-runs), from their own random stream so that adding
 * them leaves every generation of the demo as it was. Two are running when the demo starts.
 */
function addTechniqueRuns(
  into: GenerationRecord[],
  projectInfo: ReadonlyArray<{ record: ProjectRecord; def: DemoProject }>,
  seed: number,
  now: number,
): void {
  const rng = new Rng(seed ^ 0x7ec4);
  const outputs = new OutputMaker(rng);
  const techniques = TECHNIQUES.map((t) => ({ ...t, technique_id: rng.id('tech') }));
  for (let i = 0; i < DEMO_TECHNIQUE_RUNS; i++) {
    const project = rng.pick(projectInfo).record;
    const technique = rng.pick(techniques);
    const live = i < 2;
    const created = live ? now - rng.range(20, 60) * SECOND : historyTime(rng, now);
    const startAt = created + rng.range(1, 10) * SECOND;
    const finishAt = live ? now + (60 + i * 45) * SECOND : startAt + rng.range(30, 600) * SECOND;
    const failed = !live && rng.chance(0.1);
    const record: GenerationRecord = {
      run_id: rng.id('run'),
      workspace_id: project.workspace_id,
      project_id: project.project_id,
      seq: 0,
      created_at: created,
      startAt,
      finishAt,
      final: failed ? 'failed' : 'completed',
      outputs: failed ? [] : outputs.make(technique.type, technique.type === 'imageUrl' ? 2 : 1),
      technique: { technique_id: technique.technique_id, name: technique.name },
      omit: {},
    };
    if (failed) {
      record.error_code = rng.pick(LOWER_CASE_ERROR_CODES);
      record.error_message = errorMessage(record.error_code);
    } else record.charged_cost = Math.round(costFor(rng, technique.type) * 3 * 10_000) / 10_000;
    into.push(record);
  }
}

export function buildDemoDataset(seed: number, now: number): Dataset {
  const rng = new Rng(seed);
  const outputs = new OutputMaker(rng);
  const workspaces: Workspace[] = [];
  const projects: ProjectRecord[] = [];
  const projectInfo: Array<{ record: ProjectRecord; def: DemoProject }> = [];

  for (const ws of WORKSPACES) {
    const workspace: Workspace = {
      workspace_id: rng.id('ws'),
      name: ws.name,
      created_at: ws.ageDays === null ? null : now - ws.ageDays * DAY,
      role: ws.role,
    };
    workspaces.push(workspace);
    for (const def of ws.projects) {
      const created = now - rng.range(22, ws.ageDays ?? 90) * DAY;
      const record: ProjectRecord = {
        project_id: rng.id('prj'),
        name: def.name,
        workspace_id: workspace.workspace_id,
        created_at: created,
        last_modified: def.weight === 0 ? null : created,
        origin: def.origin,
      };
      projects.push(record);
      if (def.weight > 0) projectInfo.push({ record, def });
    }
  }

  const generations: GenerationRecord[] = [];
  let hostileUsed = false;

  const make = (created: number, startAt: number, finishAt: number, final: 'completed' | 'failed'): void => {
    const { record: project, def } = rng.weighted(projectInfo.map((p) => [p, p.def.weight] as const));
    const type = rng.weighted(def.mix);
    const record: GenerationRecord = {
      run_id: rng.id('run'),
      workspace_id: project.workspace_id,
      project_id: project.project_id,
      seq: 0,
      created_at: created,
      startAt,
      finishAt,
      final,
      outputs: [],
      omit: {},
    };
    const roll = rng.float();
    if (roll < 0.04) record.model = { model_id: rng.pick(RETIRED_MODEL_IDS) };
    else if (roll < 0.06) record.model = { model_id: null };
    else if (roll < 0.1) record.model = undefined;
    else record.model = { model_id: rng.pick(modelsOfType(modelTypeFor(type))).model_id };

    if (final === 'completed') {
      if (type === 'text' && !hostileUsed) {
        hostileUsed = true;
        record.outputs = [outputs.text(HOSTILE_TEXT)];
      } else {
        record.outputs = outputs.make(
          type,
          type === 'imageUrl'
            ? rng.weighted([
                [1, 5],
                [2, 2],
                [4, 3],
              ])
            : 1,
        );
      }
      if (!rng.chance(0.05)) record.charged_cost = costFor(rng, type);
    } else {
      const code = rng.chance(0.5) ? rng.pick(UPPER_CASE_ERROR_CODES) : rng.pick(LOWER_CASE_ERROR_CODES);
      record.error_code = code;
      record.error_message = errorMessage(code);
      if (rng.chance(0.5)) record.charged_cost = 0;
    }
    if (rng.chance(0.03)) record.omit.started_at = true;
    generations.push(record);
  };

  // Finished history.
  for (let i = 0; i < DEMO_HISTORY_SIZE; i++) {
    const created = historyTime(rng, now);
    const startAt = created + rng.range(1, 20) * SECOND;
    make(created, startAt, startAt + rng.range(6, 300) * SECOND, rng.chance(0.1) ? 'failed' : 'completed');
  }
  // Live right now: running ones finish over the next ~2.5 minutes, pending ones start soon.
  for (let i = 0; i < 4; i++) {
    const created = now - rng.range(10, 90) * SECOND;
    make(created, created + 4 * SECOND, now + (20 + i * 40) * SECOND, i === 2 ? 'failed' : 'completed');
  }
  for (let i = 0; i < 2; i++) {
    const created = now - rng.range(2, 8) * SECOND;
    const startAt = now + (15 + i * 25) * SECOND;
    make(created, startAt, startAt + rng.range(40, 90) * SECOND, 'completed');
  }
  // Arrivals after start; they stay invisible until their created_at.
  for (let k = 1; k <= DEMO_FUTURE_COUNT; k++) {
    const created = now + k * DEMO_FUTURE_INTERVAL_MS + rng.range(-5, 5) * SECOND;
    const startAt = created + rng.range(3, 8) * SECOND;
    make(created, startAt, startAt + rng.range(20, 90) * SECOND, k % 5 === 3 ? 'failed' : 'completed');
  }

  addTechniqueRuns(generations, projectInfo, seed, now);

  generations.sort((a, b) => a.created_at - b.created_at);
  generations.forEach((r, i) => (r.seq = i + 1));
  // Projects' own activity predates their generations; views take the later of the two.
  for (const p of projects) {
    if (p.last_modified !== null) p.last_modified = Math.min(p.last_modified, now - 21 * DAY);
  }

  return { workspaces, projects, models: MODEL_CATALOG.map(cloneModel), generations };
}

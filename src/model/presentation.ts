/**
 * What a generation and its outputs are called, and how their facts read: the one source for the
 * tree rows and their tooltips, the pickers, the status bar, the preview and saved file names, so
 * that they agree. No `vscode`: words go through `l10n.t` of @vscode/l10n (see format.ts).
 */
import * as l10n from '@vscode/l10n';
import type { Generation, GenerationOutput, GenerationStatus, OutputKind } from '../api/types';
import { absoluteTime, cost, duration, relativeTime } from './format';

/** Getters: each read translates with the bundle configured by then (never at import time). */
export const STATUS_LABELS: Readonly<Record<GenerationStatus, string>> = {
  get pending() {
    return l10n.t('Pending');
  },
  get running() {
    return l10n.t('Running');
  },
  get completed() {
    return l10n.t('Completed');
  },
  get failed() {
    return l10n.t('Failed');
  },
  get unknown() {
    return l10n.t('Unknown status');
  },
};

/** The word for an output's kind ("Image"); an output's own name is outputLabel's. */
export const OUTPUT_LABELS: Readonly<Record<OutputKind, string>> = {
  get image() {
    return l10n.t('Image');
  },
  get video() {
    return l10n.t('Video');
  },
  get audio() {
    return l10n.t('Audio');
  },
  get text() {
    return l10n.t('Text');
  },
  get document() {
    return l10n.t('Document');
  },
  get unknown() {
    return l10n.t('Output');
  },
};

/**
 * What a run is called when its name is known: a technique run's is its technique's name, a
 * generation's its model's display name (`modelName`, from the model catalog, or its id).
 */
export function runName(g: Pick<Generation, 'technique'>, modelName: string | undefined): string | undefined {
  return g.technique ? g.technique.name : modelName;
}

/**
 * A run's name wherever it is shown (tree, tooltip, preview, pickers, status bar,
 * notifications): runName, else "Generation".
 */
export function generationTitle(g: Pick<Generation, 'technique'>, modelName: string | undefined): string {
  return runName(g, modelName) ?? l10n.t('Generation');
}

/** "Failed"; a status FLORA's enum lacks says what FLORA called it: "Unknown status (cancelled)". */
export function statusText(g: Pick<Generation, 'status' | 'rawStatus'>): string {
  return STATUS_LABELS[g.status] + (g.status === 'unknown' ? ` (${g.rawStatus})` : '');
}

/**
 * "42%". Progress is clamped to 0–100 once, where FLORA's answer is read (schemas.ts toPercent);
 * here it is only rounded for reading.
 */
export function progressText(g: Pick<Generation, 'progress'>): string {
  return `${Math.round(g.progress)}%`;
}

/** statusText, and the progress while it runs: "Running · 42%". */
export function statusWithProgress(g: Pick<Generation, 'status' | 'rawStatus' | 'progress'>): string {
  return g.status === 'running' ? `${statusText(g)} · ${progressText(g)}` : statusText(g);
}

/** How long a finished run took, when both ends are known and in order; else undefined. */
export function runDuration(
  g: Pick<Generation, 'createdAt' | 'startedAt' | 'completedAt'>,
): string | undefined {
  const start = g.startedAt ?? g.createdAt;
  // An unknown start (createdAt 0) or clock skew makes no duration worth showing.
  if (!g.completedAt || !start || g.completedAt < start) return undefined;
  return duration(g.completedAt - start);
}

/**
 * A tree row's second line: "5m ago · 42% · $0.04". Failed runs are generally not charged, so
 * "$0" on them is noise; an unknown status says FLORA's word ("cancelled"), never passes for done.
 */
export function generationDescription(g: Generation, now: number): string {
  const parts = [relativeTime(g.createdAt, now)];
  if (g.status === 'running') parts.push(progressText(g));
  if (g.status === 'pending') parts.push(l10n.t('queued'));
  if (g.status === 'failed') parts.push(l10n.t('failed'));
  if (g.status === 'unknown') parts.push(g.rawStatus || l10n.t('unknown status'));
  if (g.cost !== undefined && !(g.status === 'failed' && g.cost === 0)) parts.push(cost(g.cost));
  return parts.join(' · ');
}

/** One fact about a generation: "Cost: $0.04". */
export interface GenerationFact {
  label: string;
  value: string;
  /** A second reading, shown smaller: the model id beside its name, the relative time. */
  hint?: string;
  /** An id: shown in a monospace font. */
  mono?: boolean;
}

export interface GenerationNames {
  /** The model's display name, when the models are loaded. */
  modelName: string | undefined;
  projectName: string | undefined;
  now: number;
  /** The prompt, for a generation started from this extension (the API returns none). */
  prompt?: string;
}

/**
 * Everything worth knowing about a generation, in order: what the preview lists and the tree's
 * tooltip reads (the tooltip shows the status in its heading, and no hints).
 */
export function generationFacts(g: Generation, names: GenerationNames): GenerationFact[] {
  const title = generationTitle(g, names.modelName);
  const facts: GenerationFact[] = [];
  const add = (label: string, value: string | undefined, extra: Partial<GenerationFact> = {}): void => {
    if (value !== undefined && value !== '') facts.push({ label, value, ...extra });
  };
  add(l10n.t('Status'), statusWithProgress(g));
  if (g.technique) add(l10n.t('Technique'), title);
  else add(l10n.t('Model'), title, g.modelId && g.modelId !== title ? { hint: g.modelId } : {});
  add(l10n.t('Prompt'), names.prompt);
  add(l10n.t('Cost'), g.cost !== undefined ? cost(g.cost) : undefined);
  add(l10n.t('Created'), absoluteTime(g.createdAt), { hint: relativeTime(g.createdAt, names.now) });
  add(l10n.t('Started'), g.startedAt !== undefined ? absoluteTime(g.startedAt) : undefined);
  add(l10n.t('Completed'), g.completedAt !== undefined ? absoluteTime(g.completedAt) : undefined);
  add(l10n.t('Duration'), runDuration(g));
  add(l10n.t('Project'), names.projectName ?? g.projectId);
  add(g.technique ? l10n.t('Technique run id') : l10n.t('Generation id'), g.id, { mono: true });
  if (g.runId !== g.id) add(l10n.t('Run id'), g.runId, { mono: true });
  if (g.modelId) add(l10n.t('Model id'), g.modelId, { mono: true });
  if (g.technique) add(l10n.t('Technique id'), g.technique.id, { mono: true });
  add(l10n.t('Project id'), g.projectId, { mono: true });
  return facts;
}

/** What went wrong, in FLORA's words when it gave any; undefined when nothing did. */
export function generationError(
  g: Pick<Generation, 'status' | 'errorMessage' | 'errorCode'>,
): { message: string; code?: string } | undefined {
  if (g.errorMessage || g.errorCode) {
    return { message: g.errorMessage || l10n.t('The run failed.'), code: g.errorCode };
  }
  return g.status === 'failed' ? { message: l10n.t('The run failed; FLORA gave no reason.') } : undefined;
}

/**
 * The number an output carries among its generation's outputs: its place among those of its own
 * kind, and only when that kind repeats (an image and a video are "Image" and "Video"; two images
 * are "Image 1" and "Image 2"). Undefined when it needs none or is not among `all`.
 */
export function outputNumber(
  o: Pick<GenerationOutput, 'id' | 'kind'>,
  all: readonly Pick<GenerationOutput, 'id' | 'kind'>[],
): number | undefined {
  const same = all.filter((x) => x.kind === o.kind);
  if (same.length < 2) return undefined;
  // By identity first: two outputs FLORA sent with one id still get numbers of their own.
  const i = same.includes(o) ? same.indexOf(o) : same.findIndex((x) => x.id === o.id);
  return i < 0 ? undefined : i + 1;
}

/** An output's name wherever it is shown: "Image", "Image 2" (see outputNumber). */
export function outputLabel(
  o: Pick<GenerationOutput, 'id' | 'kind'>,
  all: readonly Pick<GenerationOutput, 'id' | 'kind'>[],
): string {
  const n = outputNumber(o, all);
  return n === undefined ? OUTPUT_LABELS[o.kind] : `${OUTPUT_LABELS[o.kind]} ${n}`;
}

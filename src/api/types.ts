/** The domain shapes the rest of the extension sees: normalized, camelCase, no wire quirks. */

export const KNOWN_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type KnownStatus = (typeof KNOWN_STATUSES)[number];
/** `unknown` keeps an item whose status FLORA added after this version, instead of dropping it. */
export type GenerationStatus = KnownStatus | 'unknown';

export type OutputKind = 'image' | 'video' | 'audio' | 'text' | 'document' | 'unknown';

export interface GenerationOutput {
  id: string;
  kind: OutputKind;
  /** The type string exactly as FLORA sent it (`imageUrl`, …). */
  rawType: string;
  /** A URL for media and documents; the generated text itself for `text` outputs. */
  url: string;
}

/** What both the history list and the run detail say about a run. */
export interface RunState {
  runId: string;
  status: GenerationStatus;
  /** The status string exactly as FLORA sent it. */
  rawStatus: string;
  /** 0–100. */
  progress: number;
  /** Unix milliseconds; 0 when FLORA sent no usable time (format.ts shows it as "unknown time"). */
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  /** USD. */
  cost?: number;
  errorCode?: string;
  errorMessage?: string;
  outputs: GenerationOutput[];
  pollUrl?: string;
}

export interface Generation extends RunState {
  /** Same id space as `runId`. */
  id: string;
  workspaceId: string;
  projectId: string;
  /** Absent when FLORA sent no model or a null id; always absent for a technique run. */
  modelId?: string;
  /**
   * Set for a technique run (`GET /technique-runs`), absent for a generation: a technique run is
   * the same object otherwise, so every view shows it as it is. Its `id` and `runId` are its
   * `run_id`, the id its detail routes take.
   */
  technique?: TechniqueRef;
}

/** The technique (a saved FLORA workflow) a technique run ran. */
export interface TechniqueRef {
  /** `tech_…`: with the run id it names the run's detail route. */
  id: string;
  /** FLORA's name of the technique; its id when FLORA sent none. */
  name: string;
}

export interface Workspace {
  id: string;
  name: string;
  createdAt?: number;
  role: string;
}

export interface Project {
  id: string;
  name: string;
  workspaceId: string;
  createdAt?: number;
  lastModified?: number;
  origin?: string;
}

export interface Model {
  id: string;
  name: string;
  provider?: string;
  type?: string;
  /** What a run is estimated to cost in credits, and take in seconds (`GET /models`). */
  estimatedCredits?: number;
  estimatedSeconds?: number;
  beta?: boolean;
  /** The model's parameters by name, for `POST /generate`'s `params`. */
  params?: ModelParam[];
}

/** One of a model's `params[]` (flora-api.md §4); `type` as FLORA sent it (`int`, `string[]`…). */
export interface ModelParam {
  name: string;
  required: boolean;
  type: string;
  label?: string;
  description?: string;
  min?: number;
  max?: number;
  default?: unknown;
  options?: Array<{ label: string; value: string | number | boolean; description?: string }>;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
  /** FLORA's estimate of all matching items; approximate by contract. */
  totalEstimate?: number;
  /** Items that did not match the contract and were left out of `items`. */
  skipped: SkippedItem[];
  requestId?: string;
}

export interface SkippedItem {
  index: number;
  id?: string;
  reason: string;
}

/*
 * Three notions of "done", decided here once:
 * - active (pending, running): followed by the poller and counted as running.
 * - finished (everything else, `unknown` included): not followed, not counted as running, and
 *   announced when it ends while watched. FLORA's enum has no other status, so one it adds later
 *   (`cancelled`, `canceled`, `expired`…) is most likely final; it is shown with its own word
 *   (`rawStatus`), never as "completed".
 * - terminal (completed, failed): known to be final. A late answer that says pending or running
 *   never undoes it. An `unknown` status is not terminal: its finality is not known (FLORA might
 *   add a `queued` before pending), so a later answer that says running is believed.
 */

/** Completed or failed: known to be final. */
export function isTerminal(status: GenerationStatus): boolean {
  return status === 'completed' || status === 'failed';
}

/** Pending or running: followed and counted as running. */
export function isActive(status: GenerationStatus): boolean {
  return status === 'pending' || status === 'running';
}

/** Anything not pending or running, `unknown` included: treated as ended, not as active. */
export function isFinished(status: GenerationStatus): boolean {
  return !isActive(status);
}

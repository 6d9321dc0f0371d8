import type { Model, OutputType, Project, Workspace } from './types';

// Internal, time-independent records. What the API shows is derived from them at the server's
// current time (see views.ts), so a generation's whole life is fixed by its schedule.

export interface OutputRecord {
  output_id: string;
  type: OutputType;
  /** A path served by the fake (`/media/…`, `local`), an absolute URL, or the text itself (`text`). */
  value: string;
  local: boolean;
}

export interface GenerationRecord {
  run_id: string;
  workspace_id: string;
  project_id: string;
  /** Insertion order; breaks created_at ties so ordering (and therefore paging) is total. */
  seq: number;
  /** Invisible to the API until the clock reaches it, which is how "new" generations appear. */
  created_at: number;
  /** pending before this instant; `Infinity` = pending forever. */
  startAt: number;
  /** running in [startAt, finishAt), then `final`; `Infinity` = running forever. */
  finishAt: number;
  final: 'completed' | 'failed';
  /** Shown only once completed. */
  outputs: OutputRecord[];
  /** Shown only once terminal. */
  charged_cost?: number;
  error_code?: string;
  error_message?: string;
  /** Absent = no `model` key in the item. */
  model?: { model_id: string | null };
  /** Set for a technique run: listed by GET /technique-runs only, with no `model`. */
  technique?: { technique_id: string; name: string };
  /** What POST /generate was asked (never shown: FLORA does not return prompts). */
  prompt?: string;
  /** Optional fields this item leaves out even when its state would carry them. */
  omit: { started_at?: boolean; completed_at?: boolean; poll_url?: boolean; outputs?: boolean };
}

export interface ProjectRecord extends Omit<Project, 'last_modified'> {
  /** Activity before the dataset's generations; the view takes the later of this and the newest generation. */
  last_modified: number | null;
}

export interface Dataset {
  workspaces: Workspace[];
  projects: ProjectRecord[];
  models: Model[];
  generations: GenerationRecord[];
}

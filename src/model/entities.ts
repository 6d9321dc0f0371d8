/**
 * What the store knows, by id: workspaces, projects, generations and models, whatever list holds
 * them, with the filter and the views it gives (the workspaces and projects to show). One rule
 * merges two answers about one generation, and a bound keeps the generations a view no longer
 * needs from piling up. The lists (which ids, in which order) are PagedLists; this file knows ids
 * only through what the store passes in.
 */
import {
  isActive,
  isTerminal,
  type Generation,
  type KnownStatus,
  type Model,
  type Project,
  type Workspace,
} from '../api/types';
import { insertIds } from './pagedList';

export interface Filter {
  status?: KnownStatus;
  workspaceId?: string;
  projectId?: string;
}

/**
 * Generations kept beyond those a view needs (on a loaded list, pending or running, or retained
 * by an open preview), least recently seen evicted first. The store holds at most
 * `ids on loaded lists + pending/running + retained + GENERATION_CACHE_SLACK` generations.
 */
export const GENERATION_CACHE_SLACK = 200;

/** Where a generation's id stands on the lists: on one, or read by a load that has not ended. */
export interface Listed {
  has(id: string): boolean;
  isReading(id: string): boolean;
  readonly ids: readonly string[];
}

export class Entities {
  readonly workspaces = new Map<string, Workspace>();
  readonly projects = new Map<string, Project>();
  /** In the order last seen (least recent first): the eviction order. */
  readonly generations = new Map<string, Generation>();
  readonly models = new Map<string, Model>();
  /** Open previews (and anything else) that need a generation kept: id → number of holders. */
  private readonly retained = new Map<string, number>();

  constructor(private readonly cacheSlack: number) {}

  /** Stores a generation as the most recently seen. */
  remember(g: Generation): void {
    this.generations.delete(g.id);
    this.generations.set(g.id, g);
  }

  /**
   * Merges an answer about a generation into what is known and stores it as the most recently
   * seen; an unchanged generation keeps its object (the tree tells unchanged rows by it).
   * Returns what was known before and what is known now.
   */
  merge(g: Generation): { old: Generation | undefined; now: Generation } {
    const old = this.generations.get(g.id);
    const merged = mergeGeneration(old, g);
    const now = old && sameGeneration(old, merged) ? old : merged;
    this.remember(now);
    return { old, now };
  }

  /** Keeps a generation while the handle is not disposed. Idempotent dispose. */
  retain(id: string): { dispose(): void } {
    this.retained.set(id, (this.retained.get(id) ?? 0) + 1);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        const n = (this.retained.get(id) ?? 1) - 1;
        if (n > 0) this.retained.set(id, n);
        else this.retained.delete(id);
      },
    };
  }

  /**
   * Forgets generations no view needs: not on a list, not being read onto one, not pending or
   * running (the poller settles those), not retained; the `cacheSlack` most recently seen stay.
   */
  evict(lists: readonly Listed[]): void {
    const slack = this.cacheSlack;
    if (this.generations.size <= slack) return;
    // Nothing to evict while the lists hold all but `slack` of them (the common case while pages
    // load): checked from the lists' lengths, without visiting their ids.
    let listed = 0;
    for (const list of lists) listed += list.ids.length;
    if (this.generations.size <= listed + slack) return;
    const spare: string[] = [];
    for (const [id, g] of this.generations) {
      if (this.retained.has(id) || isActive(g.status) || lists.some((l) => l.has(id))) continue;
      if (lists.some((l) => l.isReading(id))) continue;
      spare.push(id);
    }
    for (let i = 0; i < spare.length - slack; i++) this.generations.delete(spare[i]);
  }

  /** Puts `g`'s id before the first older one (new generations land near the top: cheap). */
  placeByTime(ids: string[], id: string): void {
    const g = this.generations.get(id);
    if (!g) return;
    const at = ids.findIndex((other) => (this.generations.get(other)?.createdAt ?? 0) < g.createdAt);
    insertIds(ids, at === -1 ? ids.length : at, g.id);
  }

  /** The workspaces of `ids` the store knows, after the filter. */
  visibleWorkspaces(ids: readonly string[], filter: Filter): Workspace[] {
    const all = ids.map((id) => this.workspaces.get(id)).filter((w): w is Workspace => !!w);
    const only = filter.workspaceId;
    return only ? all.filter((w) => w.id === only) : all;
  }

  /** The projects to show under a workspace whose list holds `ids`, after the filter. */
  visibleProjects(workspaceId: string, ids: readonly string[], filter: Filter): Project[] {
    const only = filter.projectId;
    if (only) {
      const p = this.projects.get(only);
      return p && p.workspaceId === workspaceId ? [p] : [];
    }
    return ids.map((id) => this.projects.get(id)).filter((p): p is Project => !!p);
  }

  /** The generations of `ids` the store knows, in that order. */
  generationsOf(ids: readonly string[]): Generation[] {
    const out: Generation[] = [];
    for (const id of ids) {
      const g = this.generations.get(id);
      if (g) out.push(g);
    }
    return out;
  }

  clear(): void {
    this.workspaces.clear();
    this.projects.clear();
    this.generations.clear();
    this.models.clear();
  }
}

export function normalizeFilter(f: Filter): Filter {
  const out: Filter = {};
  if (f.status) out.status = f.status;
  if (f.workspaceId) out.workspaceId = f.workspaceId;
  if (f.projectId) out.projectId = f.projectId;
  return out;
}

export function matchesFilter(g: Generation, f: Filter): boolean {
  return (
    (!f.status || g.status === f.status) &&
    (!f.projectId || g.projectId === f.projectId) &&
    (!f.workspaceId || g.workspaceId === f.workspaceId)
  );
}

/**
 * One rule for every merge: fields the newer answer lacks are kept, outputs are kept when the
 * newer answer (a list item) has none for the same status, and a finished run never goes back to
 * pending or running because an older answer arrived late.
 */
export function mergeGeneration(old: Generation | undefined, next: Generation): Generation {
  if (!old) return next;
  if (isTerminal(old.status) && isActive(next.status)) return old;
  // A run only moves forward (pending → running → finished) and its progress only grows while
  // it runs, so (status, progress) orders two answers about one run without knowing which left
  // FLORA first: an answer behind what the store holds is older, and is not applied.
  if (old.status === 'running' && next.status === 'pending') return old;
  const merged: Generation = { ...old };
  for (const [k, v] of Object.entries(next) as Array<[keyof Generation, unknown]>) {
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  }
  if (old.status === 'running' && next.status === 'running') {
    merged.progress = Math.max(old.progress, next.progress);
  }
  if (next.outputs.length === 0 && old.outputs.length > 0 && next.status === old.status) {
    merged.outputs = old.outputs;
  }
  return merged;
}

export function sameGeneration(a: Generation, b: Generation): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

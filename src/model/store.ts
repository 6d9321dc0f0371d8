/**
 * The one owner of remote state. Views read from it and ask it for more; only the store calls
 * the client. Lists remember how many pages they had, so a refresh re-walks that many pages and
 * merges by id (expansion and "Load more" progress survive). A failed load keeps the last good
 * data, marks it stale and records the error for the views to show.
 */
import * as l10n from '@vscode/l10n';
import type { FloraApi } from '../api/client';
import { ConnectionError, FloraError } from '../api/errors';
import { silentLogger, type Logger } from '../api/logger';
import { walkPages } from '../api/pagination';
import {
  isActive,
  isTerminal,
  type Generation,
  type KnownStatus,
  type Model,
  type Page,
  type Project,
  type RunState,
  type Workspace,
} from '../api/types';
import { Emitter } from './events';
import { submitGeneration, type Submission, type SubmitOptions, type SubmitOutcome } from './generate';

export interface Filter {
  status?: KnownStatus;
  workspaceId?: string;
  projectId?: string;
}

export interface ListState {
  /**
   * The list's ids in order. The store grows this array in place ("Load more" appends a page, a
   * live insert splices one id in), so that a change costs what it adds, not the list's length:
   * copy it to keep what it holds now.
   */
  readonly ids: readonly string[];
  readonly nextCursor?: string;
  readonly pagesLoaded: number;
  /** At least one load succeeded: `ids` is real data, not "not loaded yet". */
  readonly loaded: boolean;
  readonly loading: boolean;
  /** The last load or refresh failed; `ids` still holds the last good data. */
  readonly error?: FloraError;
  /** `ids` may be out of date (a refresh failed, or it came from the startup cache). */
  readonly stale: boolean;
  readonly totalEstimate?: number;
  /**
   * Items FLORA sent in the pages of the latest load or refresh that did not match the API and
   * were left out (accumulated over "Load more"): the view says they exist instead of "empty".
   */
  readonly skipped: number;
}

export type StoreChange =
  | { kind: 'root' }
  | { kind: 'workspace'; id: string }
  | { kind: 'project'; id: string }
  | { kind: 'generation'; id: string }
  | { kind: 'models' }
  | { kind: 'filter' };

export type ConnectionState =
  | { state: 'ok' }
  | { state: 'unauthorized'; error: FloraError }
  | { state: 'offline'; error: FloraError }
  | { state: 'rate_limited'; error: FloraError }
  | { state: 'error'; error: FloraError };

/** What the store keeps across restarts (no secrets: ids, names, states, output URLs). */
export interface StoreSnapshot {
  version: 1;
  filter: Filter;
  workspaces: Workspace[];
  projects: Project[];
  generations: Generation[];
  models: Model[];
  projectLists: Array<[string, SavedList]>;
  generationLists: Array<[string, SavedList]>;
}

interface SavedList {
  ids: string[];
  nextCursor?: string;
  pagesLoaded: number;
}

export interface StoreOptions {
  pageSize: () => number;
  logger?: Logger;
  /** Generations kept beyond what views need (default GENERATION_CACHE_SLACK). */
  cacheSlack?: number;
}

const EMPTY: ListState = {
  ids: Object.freeze([]),
  pagesLoaded: 0,
  loaded: false,
  loading: false,
  stale: false,
  skipped: 0,
};

/**
 * Failures that every further request of a refresh would meet alike (FLORA down or unreachable,
 * the key refused, the rate limit): the refresh stops at the first, keeping the last good data.
 * With the client's default of 2 retries inside a call, a refresh sends at most 3 requests while
 * FLORA is failing (plus those that succeeded before the failure began).
 */
// Not 'permission': a 403 is one workspace's (a removed member, a read-only role), not FLORA's.
const STOPS_REFRESH = new Set<FloraError['kind']>([
  'authentication',
  'rate_limit',
  'server',
  'connection',
  'timeout',
]);

/**
 * How far live inserts (the poller's new generations) may grow a loaded list past the pages it
 * loaded: a list holds at most `pagesLoaded × pageSize + LIVE_INSERT_SLACK` ids. Items pushed
 * past that are dropped from the end; FLORA's cursor is kept, so "Load more" finds them again.
 */
export const LIVE_INSERT_SLACK = 50;

/**
 * Generations kept beyond those a view needs (on a loaded list, pending or running, or retained
 * by an open preview), least recently seen evicted first. The store holds at most
 * `ids on loaded lists + pending/running + retained + GENERATION_CACHE_SLACK` generations.
 */
export const GENERATION_CACHE_SLACK = 200;

/** A "Load more" whose page holds only items already shown reads on, up to this many pages. */
const MORE_PAGES_MAX = 10;

export function listKey(kind: 'workspace' | 'project', id: string): string {
  return `${kind}:${id}`;
}

export class Store {
  private readonly changes = new Emitter<StoreChange>((err) => this.listenerFailed(err));
  /** Fires after every change; one event per thing that changed. */
  readonly onDidChange = this.changes.event;
  private readonly connectionChanges = new Emitter<ConnectionState>((err) => this.listenerFailed(err));
  readonly onDidChangeConnection = this.connectionChanges.event;

  private root: ListState = EMPTY;
  private readonly workspaceById = new Map<string, Workspace>();
  private readonly projectLists = new Map<string, ListState>();
  private readonly projectById = new Map<string, Project>();
  private readonly generationLists = new Map<string, ListState>();
  private readonly generationById = new Map<string, Generation>();
  private readonly modelById = new Map<string, Model>();
  private modelsRequested = false;
  private currentFilter: Filter = {};
  private connectionState: ConnectionState = { state: 'ok' };
  private readonly inflight = new Map<string, Promise<void>>();
  /** The last queued operation per list, so operations on one list run in turn. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Bumped when everything is dropped (sign-out, key change, filter), so late answers are ignored. */
  private epoch = 0;
  /** Bumped when the status filter changes: generation lists loaded before are not the answer. */
  private generationEpoch = 0;
  /** Bumped on every filter change: a filtered project's lookup answers only its own filter. */
  private filterEpoch = 0;
  /** Cursors each list followed since its first page, so a cycle across "Load more" ends it. */
  private readonly followedCursors = new Map<string, Set<string>>();
  /** Open previews (and anything else) that need a generation kept: id → number of holders. */
  private readonly retained = new Map<string, number>();
  /** What each generation walk in progress has read and not yet put on its list: not evicted. */
  private readonly reading = new Set<ReadonlySet<string>>();
  private readonly logger: Logger;

  /** Logs what a listener of this object's events threw; the other listeners still ran. */
  private listenerFailed(err: unknown): void {
    const what = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.logger.error(`A listener of the ${this.constructor.name} failed: ${what}`);
  }

  constructor(
    private readonly api: FloraApi,
    private readonly options: StoreOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  // ---------------------------------------------------------------- reads

  get filter(): Filter {
    return this.currentFilter;
  }

  get connection(): ConnectionState {
    return this.connectionState;
  }

  workspaceList(): ListState {
    return this.root;
  }

  /** The workspaces to show, after the filter. */
  visibleWorkspaces(): Workspace[] {
    const all = this.root.ids.map((id) => this.workspaceById.get(id)).filter((w): w is Workspace => !!w);
    const only = this.currentFilter.workspaceId;
    return only ? all.filter((w) => w.id === only) : all;
  }

  workspace(id: string): Workspace | undefined {
    return this.workspaceById.get(id);
  }

  projectList(workspaceId: string): ListState {
    return this.projectLists.get(workspaceId) ?? EMPTY;
  }

  /** The projects to show under a workspace, after the filter. */
  visibleProjects(workspaceId: string): Project[] {
    const only = this.currentFilter.projectId;
    if (only) {
      const p = this.projectById.get(only);
      return p && p.workspaceId === workspaceId ? [p] : [];
    }
    return this.projectList(workspaceId)
      .ids.map((id) => this.projectById.get(id))
      .filter((p): p is Project => !!p);
  }

  project(id: string): Project | undefined {
    return this.projectById.get(id);
  }

  generationList(projectId: string): ListState {
    return this.generationLists.get(projectId) ?? EMPTY;
  }

  generations(projectId: string): Generation[] {
    const out: Generation[] = [];
    for (const id of this.generationList(projectId).ids) {
      const g = this.generationById.get(id);
      if (g) out.push(g);
    }
    return out;
  }

  generation(id: string): Generation | undefined {
    return this.generationById.get(id);
  }

  /** Every generation the store knows, whatever list holds it. */
  allGenerations(): Generation[] {
    return [...this.generationById.values()];
  }

  modelName(modelId: string | undefined): string | undefined {
    if (!modelId) return undefined;
    return this.modelById.get(modelId)?.name ?? modelId;
  }

  // ---------------------------------------------------------------- loads

  /** Loads the workspace list unless it is loaded (or loading); never throws. */
  ensureWorkspaces(): Promise<void> {
    if (this.root.loaded) return Promise.resolve();
    return this.loadWorkspaces();
  }

  loadWorkspaces(): Promise<void> {
    return this.once('root', async (epoch) => {
      this.root = { ...this.root, loading: true };
      try {
        const list = await this.api.listWorkspaces();
        if (epoch !== this.epoch) return;
        for (const w of list) this.workspaceById.set(w.id, w);
        this.root = {
          ids: list.map((w) => w.id),
          pagesLoaded: 1,
          loaded: true,
          loading: false,
          stale: false,
          skipped: 0,
        };
        this.succeeded();
        // Only once FLORA answers: during an outage a refresh costs no extra request for names.
        void this.ensureModels();
      } catch (err) {
        if (epoch !== this.epoch) return;
        this.root = { ...this.root, loading: false, error: asFloraError(err), stale: this.root.loaded };
        this.failed(err);
      }
      this.changes.fire({ kind: 'root' });
    });
  }

  ensureProjects(workspaceId: string): Promise<void> {
    const only = this.currentFilter.projectId;
    if (only) return this.ensureProject(only);
    if (this.projectList(workspaceId).loaded) return Promise.resolve();
    return this.loadProjects(workspaceId, 'first');
  }

  loadMoreProjects(workspaceId: string): Promise<void> {
    return this.loadProjects(workspaceId, 'more');
  }

  ensureGenerations(projectId: string): Promise<void> {
    if (this.generationList(projectId).loaded) return Promise.resolve();
    return this.loadGenerations(projectId, 'first');
  }

  loadMoreGenerations(projectId: string): Promise<void> {
    return this.loadGenerations(projectId, 'more');
  }

  /**
   * Loads further pages of a project until the end, `maxPages` more pages, or cancellation;
   * reports progress after each page. Items stay as loaded when it stops early.
   */
  async loadAllGenerations(
    projectId: string,
    options: { maxPages: number; signal?: AbortSignal; onPage?: (loaded: number, estimate?: number) => void },
  ): Promise<void> {
    // Started for this key and status filter: after a change, the list it loaded is gone and
    // going on would load another list the user never asked to load in full.
    const epoch = this.epoch;
    const generationEpoch = this.generationEpoch;
    for (let i = 0; i < options.maxPages; i++) {
      if (options.signal?.aborted) return;
      if (epoch !== this.epoch || generationEpoch !== this.generationEpoch) return;
      const before = this.generationList(projectId);
      if (before.loaded && !before.nextCursor) return;
      await this.loadGenerations(projectId, before.loaded ? 'more' : 'first');
      const after = this.generationList(projectId);
      options.onPage?.(after.ids.length, after.totalEstimate);
      if (after.error) return;
    }
  }

  /**
   * Re-reads everything that is loaded: the workspaces, each loaded project list and each
   * loaded generation list, as many pages as each had. Lists are refreshed in turn, not all at
   * once, so a refresh never bursts many requests at FLORA.
   */
  async refresh(): Promise<void> {
    // A key change (clear) ends this refresh: the lists loaded since belong to the new key.
    const epoch = this.epoch;
    await this.loadWorkspaces();
    // A rejected key, a rate limit, a failing or unreachable FLORA would fail every further list
    // the same way: stop at the first sign instead of spending requests to learn it again.
    // Bound while FLORA fails: one call's tries (1 + the client's retries, 3 by default).
    if (this.shouldStopRefreshing(this.root, epoch)) return;
    // A list whose first load failed is tried again too: its error row's Retry leads here.
    for (const workspaceId of [...this.projectLists.keys()]) {
      const list = this.projectList(workspaceId);
      if (list.loaded) await this.loadProjects(workspaceId, 'refresh');
      else if (list.error) await this.ensureProjects(workspaceId);
      else continue;
      if (this.shouldStopRefreshing(this.projectList(workspaceId), epoch)) return;
    }
    for (const projectId of [...this.generationLists.keys()]) {
      const list = this.generationList(projectId);
      if (list.loaded) await this.loadGenerations(projectId, 'refresh');
      else if (list.error) await this.loadGenerations(projectId, 'first');
      else continue;
      if (this.shouldStopRefreshing(this.generationList(projectId), epoch)) return;
    }
  }

  /** After one list's load: did it (or anything since) fail in a way every list would? */
  private shouldStopRefreshing(list: ListState, epoch: number): boolean {
    if (epoch !== this.epoch) return true;
    const state = this.connectionState.state;
    if (state === 'unauthorized' || state === 'rate_limited' || state === 'offline') return true;
    return !!list.error && STOPS_REFRESH.has(list.error.kind);
  }

  /** Re-reads one project's generation list (as many pages as it had). */
  refreshGenerations(projectId: string): Promise<void> {
    return this.loadGenerations(projectId, this.generationList(projectId).loaded ? 'refresh' : 'first');
  }

  /** Re-reads one workspace's project list (as many pages as it had). */
  refreshProjects(workspaceId: string): Promise<void> {
    return this.loadProjects(workspaceId, this.projectList(workspaceId).loaded ? 'refresh' : 'first');
  }

  /** Fetches one run's detail and merges it into the generation (outputs, final status, cost). */
  async refreshGeneration(id: string): Promise<void> {
    const known = this.generationById.get(id);
    const epoch = this.epoch;
    try {
      const run = await this.api.getRun(known?.runId ?? id, { pollUrl: known?.pollUrl });
      if (epoch !== this.epoch) return;
      this.applyRun(id, run);
      this.succeeded();
    } catch (err) {
      if (epoch === this.epoch) this.failed(err);
      throw err;
    }
  }

  // ---------------------------------------------------------------- updates from outside (the poller)

  /** Merges generations seen elsewhere (poll results); inserts new ones into loaded lists. */
  applyGenerations(items: readonly Generation[]): void {
    const touchedLists = new Set<string>();
    for (const g of items) {
      const old = this.generationById.get(g.id);
      const merged = mergeGeneration(old, g);
      const changed = !old || !sameGeneration(old, merged);
      this.remember(g.id, changed ? merged : old);
      const list = this.generationLists.get(g.projectId);
      if (list?.loaded && !membersOf(list.ids).has(g.id) && this.matchesFilter(merged)) {
        const ids = list.ids as string[]; // the store's own array (see ListState.ids)
        insertByTime(ids, merged, this.generationById);
        this.generationLists.set(g.projectId, this.capped(list, ids));
        touchedLists.add(g.projectId);
      } else if (old && changed) {
        this.changes.fire({ kind: 'generation', id: g.id });
      }
    }
    for (const projectId of touchedLists) this.changes.fire({ kind: 'project', id: projectId });
    this.evict();
  }

  /**
   * Keeps a generation in the store while the handle is not disposed (an open preview), even
   * when no loaded list holds it any more. Idempotent dispose; several holders may retain one id.
   */
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

  /** Listeners subscribed to the store's events now (leak checks). */
  get listenerCount(): number {
    return this.changes.listenerCount + this.connectionChanges.listenerCount;
  }

  /** How many generations the store holds now (for bounds in tests and logs). */
  get generationCount(): number {
    return this.generationById.size;
  }

  /** A list after a live insert: no longer than its pages plus LIVE_INSERT_SLACK. */
  private capped(list: ListState, ids: string[]): ListState {
    const cap = Math.max(1, list.pagesLoaded) * this.pageSize() + LIVE_INSERT_SLACK;
    if (ids.length <= cap) return { ...list, ids };
    truncateIds(ids, cap);
    // Dropped from the end: with a cursor, "Load more" reaches them again. A list that was
    // complete has no cursor to offer, so it is marked stale: a refresh brings FLORA's cursor.
    // A keyset cursor (FLORA does not say which kind it uses) would not bring the dropped items
    // back either: the list is marked stale, so the next refresh re-reads its pages.
    return { ...list, ids, stale: true };
  }

  /** Stores a generation as the most recently seen (the eviction order is least recent first). */
  private remember(id: string, g: Generation): void {
    this.generationById.delete(id);
    this.generationById.set(id, g);
  }

  /**
   * Forgets generations no view needs: not on a loaded list, not pending or running (the
   * poller settles those), not retained; the GENERATION_CACHE_SLACK most recently seen stay.
   */
  private evict(): void {
    const slack = this.options.cacheSlack ?? GENERATION_CACHE_SLACK;
    if (this.generationById.size <= slack) return;
    // Nothing to evict while the lists hold all but `slack` of them (the common case while pages
    // load): checked from the lists' lengths, without visiting their ids.
    let listed = 0;
    for (const list of this.generationLists.values()) listed += list.ids.length;
    if (this.generationById.size <= listed + slack) return;
    const lists = [...this.generationLists.values()].map((l) => membersOf(l.ids));
    const reading = [...this.reading];
    const spare: string[] = [];
    for (const [id, g] of this.generationById) {
      if (this.retained.has(id) || isActive(g.status) || lists.some((m) => m.has(id))) continue;
      if (reading.some((r) => r.has(id))) continue;
      spare.push(id);
    }
    for (let i = 0; i < spare.length - slack; i++) this.generationById.delete(spare[i]);
  }

  /** Merges a run detail into the generation it belongs to. */
  applyRun(id: string, run: RunState): void {
    const old = this.generationById.get(id);
    if (!old) return;
    const merged = mergeGeneration(old, {
      ...run,
      id: old.id,
      workspaceId: old.workspaceId,
      projectId: old.projectId,
      modelId: old.modelId,
    });
    if (sameGeneration(old, merged)) return;
    this.generationById.set(id, merged);
    this.changes.fire({ kind: 'generation', id });
  }

  /** FLORA no longer answers for this run (404): it is shown as such and no longer followed. */
  markUnavailable(id: string): void {
    const old = this.generationById.get(id);
    if (!old || !isActive(old.status)) return;
    this.generationById.set(id, {
      ...old,
      status: 'unknown',
      rawStatus: 'unavailable',
      errorMessage: old.errorMessage ?? 'FLORA no longer returns this run.',
    });
    this.changes.fire({ kind: 'generation', id });
  }

  setFilter(filter: Filter): void {
    const next = normalizeFilter(filter);
    if (JSON.stringify(next) === JSON.stringify(this.currentFilter)) return;
    const statusChanged = next.status !== this.currentFilter.status;
    this.currentFilter = next;
    this.filterEpoch++;
    if (statusChanged) {
      // Generation lists were loaded under the old status filter: they are not the new answer.
      // Workspace and project lists are unaffected and keep loading.
      this.generationEpoch++;
      this.generationLists.clear();
      for (const key of [...this.followedCursors.keys()])
        if (key.startsWith('generations:')) this.followedCursors.delete(key);
      for (const key of [...this.inflight.keys()])
        if (key.startsWith('generations:')) this.inflight.delete(key);
      for (const key of [...this.chains.keys()]) if (key.startsWith('generations:')) this.chains.delete(key);
    }
    this.changes.fire({ kind: 'filter' });
    this.changes.fire({ kind: 'root' });
  }

  /** Forgets everything (sign-out, another key, another base URL). */
  clear(): void {
    this.epoch++;
    this.inflight.clear();
    this.chains.clear();
    this.followedCursors.clear();
    this.root = EMPTY;
    this.workspaceById.clear();
    this.projectLists.clear();
    this.projectById.clear();
    this.generationLists.clear();
    this.generationById.clear();
    this.modelById.clear();
    this.modelsRequested = false;
    this.setConnection({ state: 'ok' });
    this.changes.fire({ kind: 'root' });
  }

  /**
   * The loaded state, for showing at once on the next start. Bounded: generation lists are
   * kept in the order they were loaded until `maxGenerations` items are in.
   */
  snapshot(maxGenerations = 1000): StoreSnapshot {
    const save = (l: ListState): SavedList => ({
      ids: [...l.ids],
      nextCursor: l.nextCursor,
      pagesLoaded: l.pagesLoaded,
    });
    const generationLists: Array<[string, SavedList]> = [];
    const generations: Generation[] = [];
    for (const [projectId, list] of this.generationLists) {
      if (!list.loaded) continue;
      if (generations.length + list.ids.length > maxGenerations) break;
      generationLists.push([projectId, save(list)]);
      generations.push(...this.generations(projectId));
    }
    return {
      version: 1,
      filter: this.currentFilter,
      workspaces: this.root.ids.map((id) => this.workspaceById.get(id)).filter((w): w is Workspace => !!w),
      projects: [...this.projectById.values()],
      generations,
      models: [...this.modelById.values()],
      projectLists: [...this.projectLists].filter(([, l]) => l.loaded).map(([id, l]) => [id, save(l)]),
      generationLists,
    };
  }

  /**
   * Shows a snapshot at once, every list marked stale until a refresh confirms it. Ignored
   * when data is already loaded, or when it was taken under another status filter.
   */
  restore(snapshot: StoreSnapshot): boolean {
    if (snapshot.version !== 1 || this.root.loaded) return false;
    if ((snapshot.filter.status ?? null) !== (this.currentFilter.status ?? null)) return false;
    const load = (l: SavedList): ListState => ({
      ...l,
      loaded: true,
      loading: false,
      stale: true,
      skipped: 0,
    });
    for (const w of snapshot.workspaces) this.workspaceById.set(w.id, w);
    for (const p of snapshot.projects) this.projectById.set(p.id, p);
    for (const g of snapshot.generations) this.generationById.set(g.id, g);
    for (const m of snapshot.models) this.modelById.set(m.id, m);
    // Copies: the store changes its lists' arrays in place, never the snapshot's.
    for (const [id, l] of snapshot.projectLists) this.projectLists.set(id, load({ ...l, ids: [...l.ids] }));
    for (const [id, l] of snapshot.generationLists)
      this.generationLists.set(id, load({ ...l, ids: [...l.ids] }));
    this.root = load({ ids: snapshot.workspaces.map((w) => w.id), pagesLoaded: 1 });
    this.changes.fire({ kind: 'root' });
    return true;
  }

  dispose(): void {
    this.epoch++;
    this.changes.dispose();
    this.connectionChanges.dispose();
  }

  // ---------------------------------------------------------------- internals

  private async ensureModels(): Promise<void> {
    if (this.modelsRequested) return;
    this.modelsRequested = true;
    const epoch = this.epoch;
    try {
      const models = await this.api.listModels();
      if (epoch !== this.epoch) return;
      for (const m of models) this.modelById.set(m.id, m);
      this.changes.fire({ kind: 'models' });
    } catch (err) {
      if (epoch !== this.epoch) return;
      // Names are a nicety: without them items show the model id. Try again on the next refresh.
      this.modelsRequested = false;
      this.logger.warn(`Could not load model names: ${describeError(err)}`);
    }
  }

  private async ensureProject(projectId: string): Promise<void> {
    if (this.projectById.has(projectId)) return;
    await this.once(`project:${projectId}`, async (epoch) => {
      const filterEpoch = this.filterEpoch;
      const ws = this.currentFilter.workspaceId;
      try {
        const p = await this.api.getProject(projectId);
        if (epoch !== this.epoch) return;
        this.projectById.set(p.id, p);
        this.succeeded();
        // The lookup's earlier failure, shown under the workspaces, is over.
        for (const [id, list] of this.projectLists) {
          if (list.error && !list.loaded) this.projectLists.set(id, { ...list, error: undefined });
        }
        this.changes.fire({ kind: 'workspace', id: p.workspaceId });
      } catch (err) {
        // Asked for another filter: its failure is not this filter's to show.
        if (epoch !== this.epoch || filterEpoch !== this.filterEpoch) return;
        this.failed(err);
        // Shown under the filtered workspace (or every workspace when the filter names only the
        // project), so the filter does not just look empty and is not asked for again until Retry.
        for (const id of ws ? [ws] : this.root.ids) {
          const list = this.projectList(id);
          this.projectLists.set(id, { ...list, error: asFloraError(err), stale: list.loaded });
          this.changes.fire({ kind: 'workspace', id });
        }
      }
    });
  }

  private loadProjects(workspaceId: string, mode: 'first' | 'more' | 'refresh'): Promise<void> {
    return this.loadList({
      key: `projects:${workspaceId}`,
      epoch: () => 0,
      mode,
      get: () => this.projectList(workspaceId),
      set: (s) => this.projectLists.set(workspaceId, s),
      fetch: (cursor) => this.api.listProjects({ workspaceId, cursor, limit: this.pageSize() }),
      store: (p) => this.projectById.set(p.id, p),
      idOf: (p: Project) => p.id,
      changed: () => this.changes.fire({ kind: 'workspace', id: workspaceId }),
    });
  }

  private loadGenerations(projectId: string, mode: 'first' | 'more' | 'refresh'): Promise<void> {
    // What the walk has read is not on the list until it ends: kept from eviction meanwhile.
    const read = new Set<string>();
    return this.loadList({
      key: `generations:${projectId}`,
      epoch: () => this.generationEpoch,
      mode,
      get: () => this.generationList(projectId),
      set: (s) => this.generationLists.set(projectId, s),
      fetch: (cursor) =>
        this.api.listGenerations({
          projectId,
          status: this.currentFilter.status,
          cursor,
          limit: this.pageSize(),
        }),
      store: (g) => {
        // An unchanged generation keeps its object: the tree tells unchanged rows by it.
        const old = this.generationById.get(g.id);
        const merged = mergeGeneration(old, g);
        this.remember(g.id, old && merged !== old && sameGeneration(old, merged) ? old : merged);
        if (!read.size) this.reading.add(read);
        read.add(g.id);
      },
      release: () => this.reading.delete(read),
      idOf: (g: Generation) => g.id,
      insert: (ids, id) => {
        const g = this.generationById.get(id);
        if (g) insertByTime(ids, g, this.generationById);
      },
      changed: () => this.changes.fire({ kind: 'project', id: projectId }),
    });
  }

  private loadList<T>(spec: {
    key: string;
    /** A second epoch for this kind of list (the status filter invalidates generation lists). */
    epoch: () => number;
    mode: 'first' | 'more' | 'refresh';
    get: () => ListState;
    set: (s: ListState) => void;
    fetch: (cursor: string | undefined) => Promise<Page<T>>;
    store: (item: T) => void;
    idOf: (item: T) => string;
    /** Called when the load ended, whatever the outcome. */
    release?: () => void;
    /** Puts an id inserted meanwhile (by the poller) back into a freshly loaded list, in place. */
    insert?: (ids: string[], id: string) => void;
    changed: () => void;
  }): Promise<void> {
    return this.serialized(spec.key, spec.mode, async () => {
      const epoch = this.epoch;
      const listEpoch = spec.epoch();
      const current = () => epoch === this.epoch && listEpoch === spec.epoch();
      const before = spec.get();
      if (spec.mode === 'more' && !before.nextCursor) return;
      const more = spec.mode === 'more';
      spec.set({ ...before, loading: true });
      // Only "Load more" announces its start (its row turns into "Loading…"). A first load or a
      // refresh is shown by the view's own progress; announcing it would make the tree re-ask for
      // the very children it is waiting for.
      if (more) spec.changed();
      // What the list held when a first load or refresh began (it re-reads every page anyway):
      // ids inserted live while it runs are told apart from those its answer no longer has.
      const started = more ? undefined : new Set(before.ids);
      try {
        const pages = more ? MORE_PAGES_MAX : Math.max(1, spec.mode === 'refresh' ? before.pagesLoaded : 1);
        const ids: string[] = [];
        // Every cursor the list followed since its first page: one coming back is a cycle. "More"
        // adds this walk's cursors to the list's set once it succeeds (no copy of the set a page);
        // a first load or refresh starts a new set.
        const followed = (more && this.followedCursors.get(spec.key)) || new Set<string>();
        const walkCursors = new Set<string>();
        if (more && before.nextCursor) walkCursors.add(before.nextCursor);
        let cursor: string | undefined;
        let estimate: number | undefined;
        let walked = 0;
        let skipped = 0;
        // Within one walk the pager drops repeated ids and cursors itself; against the pages of
        // earlier "Load more" clicks, the list's own set of ids and `followed` are checked here,
        // so a page costs what it holds, not what the list holds.
        for await (const page of walkPages((c) => spec.fetch(c), spec.idOf, {
          maxPages: pages,
          logger: this.logger,
          cursor: more ? before.nextCursor : undefined,
        })) {
          if (!current()) return;
          // "More" continues the list: what it already holds is not added twice.
          const shown = more ? membersOf(spec.get().ids) : undefined;
          const items = shown ? page.items.filter((item) => !shown.has(spec.idOf(item))) : page.items;
          items.forEach(spec.store);
          for (const item of items) ids.push(spec.idOf(item));
          cursor = page.nextCursor;
          if (cursor !== undefined && (followed.has(cursor) || walkCursors.has(cursor))) {
            this.logger.warn(
              `FLORA returned a cursor it had already returned; stopped paging after ${walked + 1} pages.`,
            );
            cursor = undefined;
          }
          if (cursor !== undefined) walkCursors.add(cursor);
          estimate = page.totalEstimate ?? estimate;
          skipped += page.skipped.length;
          walked++;
          if (cursor === undefined) break;
          // "More" is one page, unless that page held only items already shown (new ones at the
          // top shift FLORA's offsets): then it reads on until something new appears.
          if (more && (items.length > 0 || page.skipped.length > 0)) break;
        }
        if (!current()) return;
        for (const c of walkCursors) followed.add(c);
        this.followedCursors.set(spec.key, followed);
        // Merge into the list as it is now: the poller may have inserted items meanwhile.
        const now = spec.get();
        let next: ListState;
        if (more) {
          // Appended in place (see ListState.ids): ids inserted live meanwhile are not added twice.
          const merged = now.ids as string[];
          appendIds(merged, ids);
          next = {
            ids: merged,
            nextCursor: cursor,
            pagesLoaded: now.pagesLoaded + walked,
            loaded: true,
            loading: false,
            stale: now.stale,
            totalEstimate: estimate ?? now.totalEstimate,
            skipped: now.skipped + skipped,
          };
        } else {
          // Ids inserted live while this walk ran are newer than its answer: they stay.
          const got = membersOf(ids);
          for (const id of now.ids) {
            if (started?.has(id) || got.has(id)) continue;
            if (spec.insert) spec.insert(ids, id);
            else insertIds(ids, 0, id);
          }
          next = {
            ids,
            nextCursor: cursor,
            pagesLoaded: walked,
            loaded: true,
            loading: false,
            stale: false,
            totalEstimate: estimate,
            skipped,
          };
        }
        spec.set(next);
        this.succeeded();
      } catch (err) {
        if (!current()) return;
        const now = spec.get();
        spec.set({ ...now, loading: false, error: asFloraError(err), stale: now.loaded });
        this.failed(err);
      } finally {
        spec.release?.();
      }
      this.evict();
      spec.changed();
    });
  }

  /**
   * Runs list operations one after the other per list (a "Load more" never races a refresh of
   * the same list), and shares a request already queued or running for the same list and mode.
   */
  private serialized(list: string, mode: string, task: () => Promise<void>): Promise<void> {
    const key = `${list}:${mode}`;
    const queued = this.inflight.get(key);
    if (queued) return queued;
    const previous = this.chains.get(list) ?? Promise.resolve();
    const p = previous.then(task, task).finally(() => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
      if (this.chains.get(list) === p) this.chains.delete(list);
    });
    this.inflight.set(key, p);
    this.chains.set(list, p);
    return p;
  }

  private pageSize(): number {
    const n = Math.round(this.options.pageSize());
    return Number.isFinite(n) ? Math.min(100, Math.max(1, n)) : 20;
  }

  /** Runs `task` unless the same key is already running, in which case its promise is shared. */
  private once(key: string, task: (epoch: number) => Promise<void>): Promise<void> {
    const running = this.inflight.get(key);
    if (running) return running;
    const epoch = this.epoch;
    const p = task(epoch).finally(() => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    });
    this.inflight.set(key, p);
    return p;
  }

  private matchesFilter(g: Generation): boolean {
    const f = this.currentFilter;
    return (
      (!f.status || g.status === f.status) &&
      (!f.projectId || g.projectId === f.projectId) &&
      (!f.workspaceId || g.workspaceId === f.workspaceId)
    );
  }

  private succeeded(): void {
    if (this.connectionState.state !== 'ok') this.setConnection({ state: 'ok' });
  }

  private failed(err: unknown): void {
    const error = asFloraError(err);
    if (error.kind === 'cancelled') return;
    this.logger.warn(`FLORA request failed: ${describeError(error)}`);
    this.setConnection(connectionStateFor(error));
  }

  private setConnection(state: ConnectionState): void {
    this.connectionState = state;
    this.connectionChanges.fire(state);
  }

  // ---------------------------------------------------------------- Generate (issue 13 §1)

  private promptLookup: (generationId: string) => string | undefined = () => undefined;

  /** Where the prompts of generations started here are remembered (the API returns none). */
  setPromptLookup(lookup: (generationId: string) => string | undefined): void {
    this.promptLookup = lookup;
  }

  /** The prompt of a generation started from this extension, when remembered. */
  promptOf(generationId: string): string | undefined {
    return this.promptLookup(generationId);
  }

  /** The models of one type for the Generate flow (`GET /models?type=`: asked fresh, the catalog changes); their names are kept. */
  async modelsOfType(type: string, signal?: AbortSignal): Promise<Model[]> {
    const models = await this.api.listModels({ type }, { signal });
    for (const m of models) this.modelById.set(m.id, m);
    return models;
  }

  /**
   * Sends a confirmed submission (see submitGeneration) and puts its row at once at the top of
   * its project, pending; the poller follows it from there.
   */
  async submitGeneration(
    submission: Submission,
    options: Pick<SubmitOptions, 'signal' | 'sleep' | 'onWait'> & {
      /** Told before the row is shown (so that what it remembers, the prompt, shows with it). */
      accepted?: (outcome: SubmitOutcome) => void;
    },
  ): Promise<SubmitOutcome> {
    const projectId = submission.request.projectId;
    const newest = this.generations(projectId)[0]?.createdAt ?? 0;
    const outcome = await submitGeneration(this.api, submission, {
      ...options,
      knownIds: new Set(this.generationById.keys()),
      createdAt: Math.max(Date.now(), newest + 1),
    });
    options.accepted?.(outcome);
    if (outcome.generation) this.applyGenerations([outcome.generation]);
    return outcome;
  }
}

/** Decided by the error's kind, never by its message. */
export function connectionStateFor(error: FloraError): ConnectionState {
  switch (error.kind) {
    case 'authentication':
    case 'permission':
      return { state: 'unauthorized', error };
    case 'rate_limit':
      return { state: 'rate_limited', error };
    case 'connection':
    case 'timeout':
      return { state: 'offline', error };
    default:
      return { state: 'error', error };
  }
}

function normalizeFilter(f: Filter): Filter {
  const out: Filter = {};
  if (f.status) out.status = f.status;
  if (f.workspaceId) out.workspaceId = f.workspaceId;
  if (f.projectId) out.projectId = f.projectId;
  return out;
}

export function asFloraError(err: unknown): FloraError {
  if (err instanceof FloraError) return err;
  return new ConnectionError(err instanceof Error ? err.message : l10n.t('Unexpected failure.'), {
    cause: err,
  });
}

export function describeError(err: unknown): string {
  const e = asFloraError(err);
  const parts = [e.message];
  if (e.code) parts.push(`code ${e.code}`);
  if (e.status) parts.push(`HTTP ${e.status}`);
  if (e.requestId) parts.push(e.requestId);
  return parts.join(' · ');
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

function sameGeneration(a: Generation, b: Generation): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Puts `g`'s id before the first older one (new generations land near the top: cheap). */
function insertByTime(ids: string[], g: Generation, byId: Map<string, Generation>): void {
  const at = ids.findIndex((id) => (byId.get(id)?.createdAt ?? 0) < g.createdAt);
  insertIds(ids, at === -1 ? ids.length : at, g.id);
}

// The store's list arrays change in place (see ListState.ids); each has a Set of its ids beside
// it, built the first time it is asked for and kept in step by the three functions below, so a
// membership test costs the same at any length.
const memberSets = new WeakMap<readonly string[], Set<string>>();

/** The ids of `ids`, as a set. */
function membersOf(ids: readonly string[]): ReadonlySet<string> {
  return setOf(ids);
}

function setOf(ids: readonly string[]): Set<string> {
  let set = memberSets.get(ids);
  if (!set) {
    set = new Set(ids);
    memberSets.set(ids, set);
  }
  return set;
}

/** Appends the ids `ids` does not hold yet. */
function appendIds(ids: string[], added: readonly string[]): void {
  const set = setOf(ids);
  for (const id of added) {
    if (set.has(id)) continue;
    ids.push(id);
    set.add(id);
  }
}

/** Inserts `id` at `at` (the caller checked that `ids` does not hold it). */
function insertIds(ids: string[], at: number, id: string): void {
  ids.splice(at, 0, id);
  memberSets.get(ids)?.add(id);
}

/** Drops the ids past `length`. */
function truncateIds(ids: string[], length: number): void {
  const set = memberSets.get(ids);
  if (set) for (let i = length; i < ids.length; i++) set.delete(ids[i]);
  ids.length = length;
}

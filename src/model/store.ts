/**
 * The one owner of remote state, and the facade the views and the poller use. Views read from it
 * and ask it for more; it calls the client for them (the poller calls it for live status). It holds the entities by id
 * (entities.ts), one PagedList per loaded list (pagedList.ts: paging, de-duplication, refresh of
 * every loaded page, tickets that drop late answers), and saves and restores them
 * (snapshot.ts). A failed load keeps the last good data, marks it stale and records the error
 * for the views to show.
 */
import type { FloraApi, GenerationQuery, RunRef } from '../api/client';
import { clampPageSize } from '../api/pageSize';
import {
  asFloraError,
  connectionStateFor,
  describeError,
  FAILS_EVERY_REQUEST,
  type ConnectionState,
} from '../api/errors';
import { silentLogger, type Logger } from '../api/logger';
import {
  isActive,
  type Generation,
  type Model,
  type Page,
  type Project,
  type RunState,
  type Workspace,
} from '../api/types';
import {
  Entities,
  GENERATION_CACHE_SLACK,
  matchesFilter,
  mergeGeneration,
  normalizeFilter,
  sameGeneration,
  type Filter,
} from './entities';
import { Emitter } from './events';
import { HistoryMerge, type MergedHistory } from './history';
import { EMPTY_LIST, PagedList, type ListState } from './pagedList';
import { restoreSnapshot, takeSnapshot, type StoreSnapshot } from './snapshot';
import { Tickets } from './tickets';
import { submitGeneration, type Submission, type SubmitOptions, type SubmitOutcome } from './generate';

export type { Filter } from './entities';
export type { ListState } from './pagedList';
export type { StoreSnapshot } from './snapshot';

export type StoreChange =
  | { kind: 'root' }
  | { kind: 'workspace'; id: string }
  | { kind: 'project'; id: string }
  | { kind: 'generation'; id: string }
  | { kind: 'models' }
  | { kind: 'filter' };

export interface StoreOptions {
  pageSize: () => number;
  logger?: Logger;
  /** Generations kept beyond what views need (default GENERATION_CACHE_SLACK). */
  cacheSlack?: number;
}

/** Pages "reveal" loads at most to bring an item held back by the other list into the merge. */
const REVEAL_MAX_PAGES = 10;

export class Store {
  private readonly changes = new Emitter<StoreChange>((err) => this.listenerFailed(err));
  /** Fires after every change; one event per thing that changed. */
  readonly onDidChange = this.changes.event;
  private readonly connectionChanges = new Emitter<ConnectionState>((err) => this.listenerFailed(err));
  readonly onDidChangeConnection = this.connectionChanges.event;

  private root: ListState = EMPTY_LIST;
  private readonly entities: Entities;
  /** A workspace's projects, by workspace id. */
  private readonly projectLists = new Map<string, PagedList<Project>>();
  /** A project's generations, by project id. */
  private readonly generationLists = new Map<string, PagedList<Generation>>();
  /** A project's technique runs, by project id (shown merged with its generations: history.ts). */
  private readonly techniqueLists = new Map<string, PagedList<Generation>>();
  /** The last merge of a project's two lists, kept while neither list's state changed. */
  private readonly merged = new Map<
    string,
    { merge: HistoryMerge; of: readonly ListState[]; history?: MergedHistory }
  >();
  private modelsRequested = false;
  private currentFilter: Filter = {};
  private connectionState: ConnectionState = { state: 'ok' };
  /** Loads outside the paged lists (workspaces, a filtered project), by key, while in flight. */
  private readonly inflight = new Map<string, Promise<void>>();
  /** Invalidated when everything is dropped (sign-out, key change), so late answers are ignored. */
  private readonly tickets = new Tickets();
  /** Invalidated on every filter change: a filtered project's lookup answers only its own filter. */
  private readonly filterTickets = new Tickets();
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
    this.entities = new Entities(options.cacheSlack ?? GENERATION_CACHE_SLACK);
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
    return this.entities.visibleWorkspaces(this.root.ids, this.currentFilter);
  }

  workspace(id: string): Workspace | undefined {
    return this.entities.workspaces.get(id);
  }

  projectList(workspaceId: string): ListState {
    return this.projectLists.get(workspaceId)?.state ?? EMPTY_LIST;
  }

  /** The projects to show under a workspace, after the filter. */
  visibleProjects(workspaceId: string): Project[] {
    return this.entities.visibleProjects(workspaceId, this.projectList(workspaceId).ids, this.currentFilter);
  }

  project(id: string): Project | undefined {
    return this.entities.projects.get(id);
  }

  /**
   * A project's history as one list: its generations and its technique runs merged newest first,
   * as far as both lists' loaded pages allow (history.ts). `nextCursor` says whether there is more.
   */
  generationList(projectId: string): ListState {
    return this.history(projectId).state;
  }

  /** A project's two lists apart (what generationList merges): for tests and diagnostics. */
  historyLists(projectId: string): { generations: ListState; techniqueRuns: ListState } {
    return {
      generations: this.generationLists.get(projectId)?.state ?? EMPTY_LIST,
      techniqueRuns: this.techniqueLists.get(projectId)?.state ?? EMPTY_LIST,
    };
  }

  /** The generations and technique runs a project shows, newest first (see generationList). */
  generations(projectId: string): Generation[] {
    return this.entities.generationsOf(this.generationList(projectId).ids);
  }

  private history(projectId: string): MergedHistory {
    const of = [
      this.generationLists.get(projectId)?.state ?? EMPTY_LIST,
      this.techniqueLists.get(projectId)?.state ?? EMPTY_LIST,
    ];
    let known = this.merged.get(projectId);
    // A list replaces its state object on every change (a live insert, a page, a refresh).
    if (known?.history && known.of.every((s, i) => s === of[i])) return known.history;
    if (!known) this.merged.set(projectId, (known = { merge: new HistoryMerge(), of }));
    known.of = of;
    known.history = known.merge.update(of, (id) => this.entities.generations.get(id)?.createdAt ?? 0);
    return known.history;
  }

  /** A project's two lists: generations, technique runs (made on first use). */
  private listsOf(projectId: string): [PagedList<Generation>, PagedList<Generation>] {
    return [this.generationListOf(projectId), this.techniqueListOf(projectId)];
  }

  generation(id: string): Generation | undefined {
    return this.entities.generations.get(id);
  }

  /** Every generation the store knows, whatever list holds it. */
  allGenerations(): Generation[] {
    return [...this.entities.generations.values()];
  }

  modelName(modelId: string | undefined): string | undefined {
    if (!modelId) return undefined;
    return this.entities.models.get(modelId)?.name ?? modelId;
  }

  // ---------------------------------------------------------------- loads

  /** Loads the workspace list unless it is loaded (or loading); never throws. */
  ensureWorkspaces(): Promise<void> {
    if (this.root.loaded) return Promise.resolve();
    return this.loadWorkspaces();
  }

  loadWorkspaces(): Promise<void> {
    return this.dedupeInFlight('root', async () => {
      const ticket = this.tickets.take();
      this.root = { ...this.root, loading: true };
      try {
        const list = await this.api.listWorkspaces();
        if (!ticket.valid) return;
        for (const w of list) this.entities.workspaces.set(w.id, w);
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
        if (!ticket.valid) return;
        this.root = { ...this.root, loading: false, error: asFloraError(err), stale: this.root.loaded };
        this.failed(err);
      }
      this.changes.fire({ kind: 'root' });
    });
  }

  ensureProjects(workspaceId: string): Promise<void> {
    const only = this.currentFilter.projectId;
    if (only) return this.ensureProject(only);
    return this.projectListOf(workspaceId).ensure();
  }

  loadMoreProjects(workspaceId: string): Promise<void> {
    return this.projectListOf(workspaceId).load('more');
  }

  /** The first page of both of a project's lists, unless loaded: two requests on first expansion. */
  ensureGenerations(projectId: string): Promise<void> {
    const lists = this.listsOf(projectId);
    if (lists.every((l) => l.state.loaded)) return Promise.resolve();
    // One promise while in flight: the tree shows one progress bar per load, however often it asks.
    return this.dedupeInFlight(`history:${projectId}`, async () => {
      await Promise.all(lists.map((l) => l.ensure()));
    });
  }

  /**
   * "Load more" of a project: the next page of the list(s) whose oldest loaded item holds the
   * merged view back (history.ts); the other list already has what comes next.
   */
  loadMoreGenerations(projectId: string): Promise<void> {
    const lists = this.listsOf(projectId);
    const { holdingBack } = this.history(projectId);
    return Promise.all(
      holdingBack.map((i) => (lists[i].state.loaded ? lists[i].load('more') : lists[i].load('first'))),
    ).then(() => undefined);
  }

  /**
   * Loads further pages of a project until the end, `maxPages` more pages, or cancellation;
   * reports progress after each page. Items stay as loaded when it stops early.
   */
  async loadAllGenerations(
    projectId: string,
    options: { maxPages: number; signal?: AbortSignal; onPage?: (loaded: number, estimate?: number) => void },
  ): Promise<void> {
    // Started for this key and status filter: after a change the list it loaded is gone (another
    // list stands in its place), and going on would load a list the user never asked to load in full.
    const [generations, techniqueRuns] = this.listsOf(projectId);
    for (let i = 0; i < options.maxPages; i++) {
      if (options.signal?.aborted) return;
      if (this.generationLists.get(projectId) !== generations) return;
      if (this.techniqueLists.get(projectId) !== techniqueRuns) return;
      const before = this.generationList(projectId);
      if (before.loaded && !before.nextCursor) return;
      const { holdingBack } = this.history(projectId);
      if (before.loaded) await this.loadMoreGenerations(projectId);
      else await this.ensureGenerations(projectId);
      const after = this.generationList(projectId);
      options.onPage?.(after.ids.length, after.totalEstimate);
      // A list that failed stops it, the technique runs too (their error is not the merged one).
      const loaded = before.loaded ? holdingBack : [0];
      if (after.error || loaded.some((at) => [generations, techniqueRuns][at].state.error)) return;
    }
  }

  /**
   * Re-reads everything that is loaded: the workspaces, each loaded project list and each
   * loaded generation list, as many pages as each had. Lists are refreshed in turn, not all at
   * once, so a refresh never bursts many requests at FLORA.
   */
  async refresh(): Promise<void> {
    // A key change (clear) ends this refresh: the lists loaded since belong to the new key.
    const ticket = this.tickets.take();
    await this.loadWorkspaces();
    // A rejected key, a rate limit, a failing or unreachable FLORA would fail every further list
    // the same way: stop at the first sign instead of spending requests to learn it again.
    // Bound while FLORA fails: one call's tries (1 + the client's retries, 3 by default).
    if (this.shouldStopRefreshing(this.root, ticket.valid)) return;
    // A list whose first load failed is tried again too: its error row's Retry leads here.
    for (const workspaceId of [...this.projectLists.keys()]) {
      // Looked up again: a list dropped meanwhile (a key change) is not re-read.
      const list = this.projectLists.get(workspaceId);
      if (!list) continue;
      if (list.state.loaded) await list.load('refresh');
      else if (list.state.error) await this.ensureProjects(workspaceId);
      else continue;
      if (this.shouldStopRefreshing(this.projectList(workspaceId), ticket.valid)) return;
    }
    // A project's two lists (generations, technique runs) are re-read one after the other.
    for (const projectId of [...this.generationLists.keys()]) {
      for (const lists of [this.generationLists, this.techniqueLists]) {
        // Looked up again: a list dropped meanwhile (a status filter change) is not re-read.
        const list = lists.get(projectId);
        if (!list) continue;
        if (list.state.loaded) await list.load('refresh');
        else if (list.state.error) await list.load('first');
        else continue;
        if (this.shouldStopRefreshing(list.state, ticket.valid)) return;
      }
    }
  }

  /** After one list's load: did it (or anything since) fail in a way every list would? */
  private shouldStopRefreshing(list: ListState, current: boolean): boolean {
    if (!current) return true;
    const state = this.connectionState.state;
    if (state === 'unauthorized' || state === 'rate_limited' || state === 'offline') return true;
    return !!list.error && FAILS_EVERY_REQUEST.has(list.error.kind);
  }

  /** Re-reads one project's generations and technique runs (as many pages as each had). */
  async refreshGenerations(projectId: string): Promise<void> {
    for (const list of this.listsOf(projectId)) await list.refresh();
  }

  /** Re-reads one workspace's project list (as many pages as it had). */
  refreshProjects(workspaceId: string): Promise<void> {
    return this.projectListOf(workspaceId).refresh();
  }

  /** Fetches one run's detail and merges it into the generation (outputs, final status, cost). */
  async refreshGeneration(id: string): Promise<void> {
    const known = this.entities.generations.get(id);
    const ticket = this.tickets.take();
    try {
      // A technique run's detail is on its technique's route (client.ts getRunOf).
      const run = await this.api.getRunOf(known ?? { runId: id });
      if (!ticket.valid) return;
      this.applyRun(id, run);
      this.succeeded();
    } catch (err) {
      if (ticket.valid) this.failed(err);
      throw err;
    }
  }

  // ---------------------------------------------------------------- updates from outside (the poller)

  /** Merges generations seen elsewhere (poll results); inserts new ones into loaded lists. */
  applyGenerations(items: readonly Generation[]): void {
    const touchedLists = new Set<string>();
    for (const g of items) {
      const { old, now } = this.entities.merge(g);
      const list = (now.technique ? this.techniqueLists : this.generationLists).get(g.projectId);
      if (list && matchesFilter(now, this.currentFilter) && list.insertLive(g.id)) {
        touchedLists.add(g.projectId);
      } else if (old && now !== old) {
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
    return this.entities.retain(id);
  }

  /** Merges a run detail into the generation it belongs to. */
  applyRun(id: string, run: RunState): void {
    const old = this.entities.generations.get(id);
    if (!old) return;
    const merged = mergeGeneration(old, {
      ...run,
      id: old.id,
      workspaceId: old.workspaceId,
      projectId: old.projectId,
      modelId: old.modelId,
    });
    if (sameGeneration(old, merged)) return;
    // In place: a run detail does not make a generation recently seen (the eviction order).
    this.entities.generations.set(id, merged);
    this.changes.fire({ kind: 'generation', id });
  }

  /** FLORA no longer answers for this run (404): it is shown as such and no longer followed. */
  markUnavailable(id: string): void {
    const old = this.entities.generations.get(id);
    if (!old || !isActive(old.status)) return;
    this.entities.generations.set(id, {
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
    this.filterTickets.invalidate();
    if (statusChanged) {
      // Generation lists were loaded under the old status filter: they are not the new answer.
      // Workspace and project lists are unaffected and keep loading.
      this.dropRunLists();
    }
    this.changes.fire({ kind: 'filter' });
    this.changes.fire({ kind: 'root' });
  }

  /** Forgets everything (sign-out, another key, another base URL). */
  clear(): void {
    this.tickets.invalidate();
    this.inflight.clear();
    this.dropLists();
    this.root = EMPTY_LIST;
    this.entities.clear();
    this.modelsRequested = false;
    this.setConnection({ state: 'ok' });
    this.changes.fire({ kind: 'root' });
  }

  /**
   * The loaded state, for showing at once on the next start. Bounded: generation lists are
   * kept in the order they were loaded until `maxGenerations` items are in.
   */
  snapshot(maxGenerations = 1000): StoreSnapshot {
    return takeSnapshot(
      {
        filter: this.currentFilter,
        entities: this.entities,
        workspaceIds: this.root.ids,
        projectLists: this.projectLists,
        generationLists: this.generationLists,
        techniqueLists: this.techniqueLists,
      },
      maxGenerations,
    );
  }

  /**
   * Shows a snapshot at once, every list marked stale until a refresh confirms it. Ignored
   * when data is already loaded, or when it was taken under another status filter.
   */
  restore(snapshot: StoreSnapshot): boolean {
    if (this.root.loaded) return false;
    const root = restoreSnapshot(snapshot, {
      filter: this.currentFilter,
      entities: this.entities,
      projectList: (id) => this.projectListOf(id),
      generationList: (id) => this.generationListOf(id),
      techniqueList: (id) => this.techniqueListOf(id),
    });
    if (!root) return false;
    this.root = root;
    this.changes.fire({ kind: 'root' });
    return true;
  }

  dispose(): void {
    this.tickets.invalidate();
    for (const list of this.projectLists.values()) list.dispose();
    for (const list of this.generationLists.values()) list.dispose();
    for (const list of this.techniqueLists.values()) list.dispose();
    this.changes.dispose();
    this.connectionChanges.dispose();
  }

  // ---------------------------------------------------------------- internals

  private dropLists(): void {
    for (const list of this.projectLists.values()) list.dispose();
    this.projectLists.clear();
    this.dropRunLists();
  }

  /** The projects' generation and technique-run lists, and their merges (each its project's history). */
  private dropRunLists(): void {
    for (const list of this.generationLists.values()) list.dispose();
    for (const list of this.techniqueLists.values()) list.dispose();
    this.generationLists.clear();
    this.techniqueLists.clear();
    this.merged.clear();
  }

  /** A workspace's project list, made on first use. */
  private projectListOf(workspaceId: string): PagedList<Project> {
    let list = this.projectLists.get(workspaceId);
    if (!list) {
      list = new PagedList<Project>(
        {
          fetchPage: (cursor) => this.api.listProjects({ workspaceId, cursor, limit: this.pageSize() }),
          idOf: (p) => p.id,
          keep: (p) => this.entities.projects.set(p.id, p),
          pageSize: () => this.pageSize(),
          succeeded: () => this.succeeded(),
          failed: (err) => this.failed(err),
          settled: () => this.evict(),
          changed: () => this.changes.fire({ kind: 'workspace', id: workspaceId }),
        },
        this.logger,
      );
      this.projectLists.set(workspaceId, list);
    }
    return list;
  }

  /** A project's generation list (under the current status filter), made on first use. */
  private generationListOf(projectId: string): PagedList<Generation> {
    return this.runListOf(this.generationLists, projectId, (query) => this.api.listGenerations(query));
  }

  /** A project's technique-run list (under the current status filter), made on first use. */
  private techniqueListOf(projectId: string): PagedList<Generation> {
    return this.runListOf(this.techniqueLists, projectId, (query) => this.api.listTechniqueRuns(query));
  }

  private runListOf(
    lists: Map<string, PagedList<Generation>>,
    projectId: string,
    fetch: (query: GenerationQuery) => Promise<Page<Generation>>,
  ): PagedList<Generation> {
    let list = lists.get(projectId);
    if (!list) {
      list = new PagedList<Generation>(
        {
          fetchPage: (cursor) =>
            fetch({
              projectId,
              status: this.currentFilter.status,
              cursor,
              limit: this.pageSize(),
            }),
          idOf: (g) => g.id,
          // An unchanged generation keeps its object: the tree tells unchanged rows by it.
          keep: (g) => void this.entities.merge(g),
          place: (ids, id) => this.entities.placeByTime(ids, id),
          pageSize: () => this.pageSize(),
          succeeded: () => this.succeeded(),
          failed: (err) => this.failed(err),
          settled: () => this.evict(),
          changed: () => this.changes.fire({ kind: 'project', id: projectId }),
        },
        this.logger,
      );
      lists.set(projectId, list);
    }
    return list;
  }

  private evict(): void {
    this.entities.evict([...this.generationLists.values(), ...this.techniqueLists.values()]);
  }

  private pageSize(): number {
    return clampPageSize(this.options.pageSize());
  }

  /** Runs `task` unless a task of the same key is in flight, whose promise is shared then. */
  private dedupeInFlight(key: string, task: () => Promise<void>): Promise<void> {
    const running = this.inflight.get(key);
    if (running) return running;
    const p = task().finally(() => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    });
    this.inflight.set(key, p);
    return p;
  }

  private async ensureModels(): Promise<void> {
    if (this.modelsRequested) return;
    this.modelsRequested = true;
    const ticket = this.tickets.take();
    try {
      const models = await this.api.listModels();
      if (!ticket.valid) return;
      for (const m of models) this.entities.models.set(m.id, m);
      this.changes.fire({ kind: 'models' });
    } catch (err) {
      if (!ticket.valid) return;
      // Names are a nicety: without them items show the model id. Try again on the next refresh.
      this.modelsRequested = false;
      this.logger.warn(`Could not load model names: ${describeError(err)}`);
    }
  }

  private async ensureProject(projectId: string): Promise<void> {
    if (this.entities.projects.has(projectId)) return;
    await this.dedupeInFlight(`project:${projectId}`, async () => {
      const ticket = this.tickets.take();
      const filterTicket = this.filterTickets.take();
      const ws = this.currentFilter.workspaceId;
      try {
        const p = await this.api.getProject(projectId);
        if (!ticket.valid) return;
        this.entities.projects.set(p.id, p);
        this.succeeded();
        // The lookup's earlier failure, shown under the workspaces, is over.
        for (const list of this.projectLists.values()) list.clearUnloadedError();
        this.changes.fire({ kind: 'workspace', id: p.workspaceId });
      } catch (err) {
        // Asked for another filter: its failure is not this filter's to show.
        if (!ticket.valid || !filterTicket.valid) return;
        this.failed(err);
        // Shown under the filtered workspace (or every workspace when the filter names only the
        // project), so the filter does not just look empty and is not asked for again until Retry.
        for (const id of ws ? [ws] : this.root.ids) {
          this.projectListOf(id).fail(asFloraError(err));
          this.changes.fire({ kind: 'workspace', id });
        }
      }
    });
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
    for (const m of models) this.entities.models.set(m.id, m);
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
      knownIds: new Set(this.entities.generations.keys()),
      createdAt: Math.max(Date.now(), newest + 1),
    });
    options.accepted?.(outcome);
    if (outcome.generation) this.applyGenerations([outcome.generation]);
    return outcome;
  }

  // ---------------------------------------------------------------- asked for by src/ui (issue 12 §1)
  // src/ui never calls the client: what it needs of FLORA beyond the lists, it asks here.

  /**
   * Loads the lists on the way to generation `id` and, when no loaded page holds it (older than
   * what is loaded, or hidden by the filter), puts the store's copy (the poller's) into its
   * project's list, so the tree has a row for it. False when the store does not know `id`.
   */
  async ensureGenerationListed(id: string): Promise<boolean> {
    const g = this.generation(id);
    if (!g) return false;
    await this.ensureWorkspaces();
    await this.ensureProjects(g.workspaceId);
    await this.ensureGenerations(g.projectId);
    if (!this.generationList(g.projectId).ids.includes(g.id)) this.applyGenerations([g]);
    // In its own list but held back by the other's pages (older than what that list has loaded,
    // while it has more): load on, a few pages at most, so that the tree has its row to reveal.
    for (let page = 0; page < REVEAL_MAX_PAGES; page++) {
      const { generations, techniqueRuns } = this.historyLists(g.projectId);
      const own = this.generation(id)?.technique ? techniqueRuns : generations;
      const merged = this.generationList(g.projectId);
      if (!own.ids.includes(id) || merged.ids.includes(id) || !merged.nextCursor) break;
      const { holdingBack } = this.history(g.projectId);
      const lists = this.listsOf(g.projectId);
      await this.loadMoreGenerations(g.projectId);
      if (holdingBack.some((i) => lists[i].state.error)) break;
    }
    return true;
  }

  /** A workspace's projects whose name matches `query` (the project picker); not kept. */
  async searchProjects(workspaceId: string, query: string | undefined, limit: number): Promise<Project[]> {
    return (await this.api.listProjects({ workspaceId, query, limit })).items;
  }

  /**
   * FLORA's answer for a run, exactly as sent (Show Run Details): `GET /runs/{id}` for a
   * generation, its technique's route for a technique run; not kept.
   */
  runDetails(run: RunRef): Promise<unknown> {
    return this.api.getRunJsonOf(run);
  }
}

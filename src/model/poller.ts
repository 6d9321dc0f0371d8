/**
 * The polling engine: follows every pending and running generation and technique run at a
 * constant request cost.
 *
 * - Active (something pending or running): each tick asks `GET /generations?status=running` and
 *   `?status=pending`, and `GET /technique-runs?status=running` and `?status=pending` (limit 100;
 *   further pages only when a page is full, at most 10 per status and kind), whatever the number
 *   of jobs. The technique lists are skipped while no technique run is pending or running, except
 *   every TECHNIQUE_CHECK_EVERY-th active tick (so one started elsewhere is seen within that many
 *   ticks, and the idle check reads both kinds): 2 requests a tick then, 4 when technique runs are
 *   followed. Past 1,000 of a status the walk goes on from its cursor on the next tick, so N jobs
 *   are all seen within ceil(N / 1000) ticks. Ids not seen in a whole walk of both lists of their
 *   kind finished: each gets one detail request for its final state (`GET /runs/{id}`, or its
 *   technique's route for a technique run: client.ts getRunOf), at most 10 a tick. So a tick costs
 *   at most MAX_REQUESTS_PER_ACTIVE_TICK (50) requests, whatever the count.
 * - Idle: the newest page of each kind every idle interval (2 requests), so work started
 *   elsewhere appears on its own.
 * - Unfocused window: slower; focus: an immediate catch-up tick.
 * - 429 → Retry-After or exponential backoff to 5 min; 5xx/network alike; 401/403 → stop until
 *   `restart()` (the key changed). A failure of the technique lists alone (403/404: a plan or role
 *   without techniques) skips them for a while, logged once; generations are followed on. Never two ticks at once; at most two requests in flight (a kind's two status lists, then the
 *   other kind's).
 * Time is injected (timers and clock), so tests drive it without waiting.
 */
import type { FloraApi } from '../api/client';
import { asFloraError, describeError, FAILS_EVERY_REQUEST, type FloraError } from '../api/errors';
import { silentLogger, type Logger } from '../api/logger';
import { isActive, type Generation } from '../api/types';
import { clampPageSize, MAX_PAGE_SIZE } from '../api/pageSize';
import { walkPages } from '../api/pagination';
import { Emitter } from './events';
import type { Store } from './store';
import { Tickets, type Ticket } from './tickets';

/** Thrown inside a tick whose ticket restart/stop made stale. */
class Superseded extends Error {}

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface PollerSettings {
  enabled(): boolean;
  /** While something is pending or running. */
  activeIntervalMs(): number;
  /** While nothing is: a light check for work started elsewhere. */
  idleIntervalMs(): number;
}

export const MIN_ACTIVE_INTERVAL_MS = 2_000;
export const UNFOCUSED_ACTIVE_INTERVAL_MS = 30_000;
export const UNFOCUSED_IDLE_INTERVAL_MS = 300_000;
export const MAX_BACKOFF_MS = 300_000;
const STATUS_PAGE = MAX_PAGE_SIZE;
/** Bound on pages per status per tick; a longer list is walked on over the next ticks. */
export const MAX_STATUS_PAGES = 10;
/** Bound on `GET /runs/{id}` per tick; more finished jobs are settled on the next ticks. */
export const MAX_RUN_FETCHES_PER_TICK = 10;
/** What one active tick may cost, however many jobs run: four status walks and the settles. */
export const MAX_REQUESTS_PER_ACTIVE_TICK = 4 * MAX_STATUS_PAGES + MAX_RUN_FETCHES_PER_TICK;
/**
 * While no technique run is pending or running, the technique lists are read on every this-many
 * active ticks only (the first active tick included): a technique run started elsewhere while
 * generations run is seen within this many ticks.
 */
export const TECHNIQUE_CHECK_EVERY = 4;

const WALKED_STATUSES = ['running', 'pending'] as const;
type WalkedStatus = (typeof WALKED_STATUSES)[number];
/** The two kinds of run, each with its own lists: `GET /generations`, `GET /technique-runs`. */
const KINDS = ['generation', 'technique'] as const;
type Kind = (typeof KINDS)[number];
const kindOf = (g: Pick<Generation, 'technique'>): Kind => (g.technique ? 'technique' : 'generation');

/** Where the walk of one status list stands across ticks. */
interface StatusWalk {
  /** Where the next tick goes on; undefined = from the first page. */
  cursor?: string;
  /** The tick the current walk began. */
  startedAt: number;
  /** The tick the latest complete walk (first page to last) began; -Infinity before one ends. */
  completedFrom: number;
}

function freshWalks(): Record<Kind, Record<WalkedStatus, StatusWalk>> {
  const walks = () => ({
    running: { startedAt: 0, completedFrom: Number.NEGATIVE_INFINITY },
    pending: { startedAt: 0, completedFrom: Number.NEGATIVE_INFINITY },
  });
  return { generation: walks(), technique: walks() };
}

export interface RunningSummary {
  pending: Generation[];
  running: Generation[];
}

export type PollerState =
  | { state: 'off' }
  | { state: 'idle'; nextAt?: number }
  | { state: 'active'; nextAt?: number }
  | { state: 'backoff'; until: number; error: FloraError }
  | { state: 'stopped'; error: FloraError };

export interface PollerOptions {
  api: Pick<FloraApi, 'listGenerations' | 'listTechniqueRuns' | 'getRunOf'>;
  store: Store;
  settings: PollerSettings;
  timers?: Timers;
  logger?: Logger;
  /** [0, 1): jitter source, injectable for deterministic tests. */
  random?: () => number;
  /** Page size of the idle check. */
  idlePageSize?: () => number;
}

export class Poller {
  private readonly runningChanged = new Emitter<RunningSummary>((err) => this.listenerFailed(err));
  /** The pending and running generations after each tick that changed them. */
  readonly onDidChangeRunning = this.runningChanged.event;
  private readonly finished = new Emitter<Generation[]>((err) => this.listenerFailed(err));
  /** Generations seen running or pending by this poller that have now completed or failed. */
  readonly onDidFinish = this.finished.event;
  private readonly stateChanged = new Emitter<PollerState>((err) => this.listenerFailed(err));
  readonly onDidChangeState = this.stateChanged.event;

  private readonly timers: Timers;
  private readonly logger: Logger;

  /** Logs what a listener of this object's events threw; the other listeners still ran. */
  private listenerFailed(err: unknown): void {
    const what = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.logger.error(`A listener of the ${this.constructor.name} failed: ${what}`);
  }
  private readonly random: () => number;
  /** Seen pending or running by this poller and not yet known to have finished. */
  private active = new Map<string, Generation>();
  /** The tick each followed job was last seen pending or running (in a list or its detail). */
  private readonly lastSeen = new Map<string, number>();
  private tickCount = 0;
  private walks = freshWalks();
  /** The active tick that last read the technique lists. */
  private techniqueCheckedAt = Number.NEGATIVE_INFINITY;
  /** The technique lists failed on their own (techniqueListsFailed): skipped until then. */
  private techniqueSkippedUntil = Number.NEGATIVE_INFINITY;
  private techniqueFailures = 0;
  /** Runs FLORA answered 404 for: not asked about again. */
  private readonly vanished = new Set<string>();
  private summary: RunningSummary = { pending: [], running: [] };
  private timer: unknown;
  private ticking: Promise<void> | undefined;
  private focused = true;
  private failures = 0;
  private current: PollerState = { state: 'off' };
  private started = false;
  private disposed = false;
  /** Invalidated by restart/stop: a tick that began before drops its results (another key answered them). */
  private readonly tickets = new Tickets();
  /** A tick was asked for while one ran: another follows right after it. */
  private again = false;
  private lastTickAt = Number.NEGATIVE_INFINITY;
  /** Watched jobs that left the running lists and are not announced yet (survives a failed settle). */
  private readonly toAnnounce = new Set<string>();
  private readonly storeSub: { dispose(): void };

  constructor(private readonly options: PollerOptions) {
    this.timers = options.timers ?? systemTimers;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    // A tree load that reveals pending or running work wakes an idle poller at once.
    this.storeSub = options.store.onDidChange(() => {
      if (this.current.state === 'idle' && this.storeHasActiveWork()) this.schedule(0);
    });
  }

  get state(): PollerState {
    return this.current;
  }

  get running(): RunningSummary {
    return this.summary;
  }

  /** Starts (or restarts after a key change) with an immediate tick. */
  start(): void {
    this.started = true;
    this.failures = 0;
    this.schedule(0);
  }

  /** Same as start: the key or the base URL changed, so whatever stopped polling may be gone. */
  restart(): void {
    this.forget();
    this.start();
  }

  /** Signed out or turned off: nothing is followed, and nothing stays counted. */
  stop(): void {
    this.started = false;
    this.cancelTimer();
    this.forget();
    this.setState({ state: 'off' });
  }

  private forget(): void {
    this.tickets.invalidate();
    this.active.clear();
    this.lastSeen.clear();
    this.walks = freshWalks();
    this.techniqueCheckedAt = Number.NEGATIVE_INFINITY;
    this.techniqueSkippedUntil = Number.NEGATIVE_INFINITY;
    this.techniqueFailures = 0;
    this.vanished.clear();
    this.toAnnounce.clear();
    this.publish([]);
  }

  setFocused(focused: boolean): void {
    const was = this.focused;
    this.focused = focused;
    if (
      !was &&
      focused &&
      this.started &&
      (this.current.state === 'active' || this.current.state === 'idle')
    ) {
      // Catch up at once, unless the last tick is recent enough for the focused pace anyway.
      const due = this.lastTickAt + this.interval();
      this.schedule(Math.max(0, Math.min(due - this.timers.now(), this.interval())));
    }
  }

  /** Settings changed: re-plan the next tick with the new interval. */
  reschedule(): void {
    if (!this.started) return;
    if (!this.options.settings.enabled()) {
      this.cancelTimer();
      this.setState({ state: 'off' });
      return;
    }
    if (this.current.state === 'off') this.schedule(0);
    else if (this.current.state === 'active' || this.current.state === 'idle') this.schedule(this.interval());
  }

  /** Resolves when no tick is running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  /** Runs a tick now unless one is running (tests and the "catch up" paths). */
  tickNow(): Promise<void> {
    this.cancelTimer();
    return this.runTick();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.storeSub.dispose();
    this.runningChanged.dispose();
    this.finished.dispose();
    this.stateChanged.dispose();
  }

  // ------------------------------------------------------------ ticking

  private schedule(ms: number): void {
    if (this.disposed || !this.started) return;
    if (!this.options.settings.enabled()) {
      this.setState({ state: 'off' });
      return;
    }
    this.cancelTimer();
    const at = this.timers.now() + ms;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.runTick();
    }, ms);
    if (this.current.state === 'active' || this.current.state === 'idle') {
      this.setState({ ...this.current, nextAt: at });
    }
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private runTick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    });
    return this.ticking;
  }

  private async tick(): Promise<void> {
    if (this.disposed || !this.options.settings.enabled()) return;
    const ticket = this.tickets.take();
    this.lastTickAt = this.timers.now();
    const wasActive = this.active.size > 0 || this.storeHasActiveWork();
    try {
      if (wasActive) await this.activeTick(ticket);
      else await this.idleTick(ticket);
      this.failures = 0;
    } catch (err) {
      // An error of a stale tick (the old key's 401, say) says nothing about the new key.
      if (err instanceof Superseded || !ticket.valid) return;
      this.onError(asFloraError(err));
      return;
    }
    const nowActive = this.active.size > 0 || this.storeHasActiveWork();
    this.setState({ state: nowActive ? 'active' : 'idle' });
    this.schedule(this.interval());
  }

  /**
   * Two requests per tick and kind walked (one per status) up to 100 jobs of a status; at most
   * MAX_REQUESTS_PER_ACTIVE_TICK whatever the number (see the file comment).
   */
  private async activeTick(ticket: Ticket): Promise<void> {
    const tick = ++this.tickCount;
    const kinds = KINDS.filter((kind) => kind === 'generation' || this.techniqueListsDue(tick));
    let walked: Array<{ kind: Kind; status: WalkedStatus; items: Generation[]; next?: string }> = [];
    let techniqueRead = false;
    // One kind after the other: at most two requests in flight.
    for (const kind of kinds) {
      try {
        walked = walked.concat(
          await Promise.all(WALKED_STATUSES.map((status) => this.walkStatus(kind, status))),
        );
        if (kind === 'technique') techniqueRead = true;
      } catch (err) {
        // A failure of the technique lists alone (a plan or role without techniques) does not
        // stop following generations: those lists are skipped for a while (techniqueListsFailed).
        if (kind === 'technique' && ticket.valid && this.techniqueListsFailed(err)) continue;
        // A cursor may not outlive a failure (expired, another key): start over next time.
        if (ticket.valid) this.walks = freshWalks();
        throw err;
      }
    }
    this.check(ticket);
    if (techniqueRead) {
      this.techniqueCheckedAt = tick;
      this.techniqueListsAnswered();
    }
    const seen = new Map<string, Generation>();
    for (const { kind, status, items, next } of walked) {
      const walk = this.walks[kind][status];
      if (walk.cursor === undefined) walk.startedAt = tick;
      walk.cursor = next;
      if (next === undefined) walk.completedFrom = walk.startedAt;
      for (const g of items) seen.set(g.id, g);
    }
    this.options.store.applyGenerations([...seen.values()]);
    for (const g of seen.values()) {
      this.lastSeen.set(g.id, tick);
      this.active.set(g.id, g);
    }
    // Finished = not seen in a whole walk of both lists of its kind that began after it was last
    // seen. A job merely beyond the pages read so far is not finished: its walk has not ended yet.
    const horizon = (kind: Kind) =>
      Math.min(this.walks[kind].running.completedFrom, this.walks[kind].pending.completedFrom);
    const horizons = { generation: horizon('generation'), technique: horizon('technique') };
    const unseenRun = (g: Generation) =>
      (this.lastSeen.get(g.id) ?? Number.NEGATIVE_INFINITY) < horizons[kindOf(g)];
    for (const [id, g] of [...this.active]) {
      if (!unseenRun(g)) continue;
      // Seen pending or running by this poller, now in neither list: finished while watched.
      this.active.delete(id);
      this.toAnnounce.add(id);
    }
    this.publishActive();
    // Everything the store still shows as active but FLORA no longer lists gets its final state:
    // watched jobs, and those the tree (or last session's cache) showed, which are settled
    // without being announced — they may have finished long before anyone watched. Watched ones
    // first; at most MAX_RUN_FETCHES_PER_TICK a tick, the rest on the next ticks.
    const gone = this.options.store
      .allGenerations()
      .filter((g) => isActive(g.status) && !this.vanished.has(g.id) && unseenRun(g))
      .sort((a, b) => Number(this.toAnnounce.has(b.id)) - Number(this.toAnnounce.has(a.id)))
      .slice(0, MAX_RUN_FETCHES_PER_TICK);
    const done = await this.settle(gone, ticket);
    const doneIds = new Set(done.map((g) => g.id));
    for (const g of gone) {
      if (doneIds.has(g.id) || this.vanished.has(g.id)) continue;
      // Its detail says it still runs (the lists' offsets moved under the walk): follow it on.
      this.lastSeen.set(g.id, tick);
      if (this.toAnnounce.delete(g.id)) this.active.set(g.id, this.options.store.generation(g.id) ?? g);
    }
    const finished = done.filter((g) => this.toAnnounce.delete(g.id));
    this.forgetSettled();
    if (finished.length) this.finished.fire(finished);
  }

  /**
   * Whether this active tick reads the technique lists: always while a technique run is pending
   * or running (or a walk of them is half way), else every TECHNIQUE_CHECK_EVERY-th tick.
   */
  private techniqueListsDue(tick: number): boolean {
    if (this.timers.now() < this.techniqueSkippedUntil) return false;
    if (tick - this.techniqueCheckedAt >= TECHNIQUE_CHECK_EVERY) return true;
    const walks = this.walks.technique;
    if (walks.running.cursor !== undefined || walks.pending.cursor !== undefined) return true;
    for (const g of this.active.values()) if (g.technique) return true;
    return this.options.store
      .allGenerations()
      .some((g) => g.technique && isActive(g.status) && !this.vanished.has(g.id));
  }

  /**
   * A technique list failed. True when the failure is the technique lists' own (FLORA refused or
   * does not have them: 403, 404, a bad request): it is logged once, those lists are skipped for
   * a while (doubling up to MAX_BACKOFF_MS) and generations are followed on. False for what would
   * fail every request (rate limit, outage, network, rejected key): the tick fails as a whole.
   */
  private techniqueListsFailed(err: unknown): boolean {
    if (err instanceof Superseded) return false;
    const e = asFloraError(err);
    if (e.kind === 'cancelled' || FAILS_EVERY_REQUEST.has(e.kind)) return false;
    this.walks.technique = freshWalks().technique;
    this.techniqueFailures++;
    // From TECHNIQUE_CHECK_EVERY active ticks, doubling: a passing failure costs little, a plan
    // without techniques ends up costing a request every few minutes.
    const first =
      Math.max(MIN_ACTIVE_INTERVAL_MS, this.options.settings.activeIntervalMs()) * TECHNIQUE_CHECK_EVERY;
    const wait = Math.min(MAX_BACKOFF_MS, first * 2 ** (this.techniqueFailures - 1));
    this.techniqueSkippedUntil = this.timers.now() + wait;
    const message = `Technique runs cannot be listed (${describeError(e)}); generations are still followed, technique runs are asked for again later.`;
    if (this.techniqueFailures === 1) this.logger.warn(message);
    else this.logger.debug(message);
    return true;
  }

  /** The technique lists answered: a failure before is over. */
  private techniqueListsAnswered(): void {
    if (this.techniqueFailures > 0) this.logger.info('Technique runs are listed again.');
    this.techniqueFailures = 0;
    this.techniqueSkippedUntil = Number.NEGATIVE_INFINITY;
  }

  /** Up to MAX_STATUS_PAGES pages of one status of one kind, from where the last tick stopped. */
  private async walkStatus(
    kind: Kind,
    status: WalkedStatus,
  ): Promise<{ kind: Kind; status: WalkedStatus; items: Generation[]; next?: string }> {
    const items: Generation[] = [];
    let next: string | undefined;
    const api = this.options.api;
    // The poller has its own backoff: no retries inside the call, so a 429 costs one request.
    const list = (cursor: string | undefined) =>
      kind === 'technique'
        ? api.listTechniqueRuns({ status, limit: STATUS_PAGE, cursor }, { maxRetries: 0 })
        : api.listGenerations({ status, limit: STATUS_PAGE, cursor }, { maxRetries: 0 });
    const pages = walkPages(list, (g) => g.id, {
      maxPages: MAX_STATUS_PAGES,
      logger: this.logger,
      cursor: this.walks[kind][status].cursor,
    });
    for await (const page of pages) {
      items.push(...page.items);
      next = page.nextCursor;
    }
    return { kind, status, items, next };
  }

  /** Drops the bookkeeping of jobs no longer followed, so it stays as small as the active set. */
  private forgetSettled(): void {
    if (this.lastSeen.size <= this.active.size) return;
    const stillActive = new Set(
      this.options.store
        .allGenerations()
        .filter((g) => isActive(g.status))
        .map((g) => g.id),
    );
    for (const id of [...this.lastSeen.keys()])
      if (!this.active.has(id) && !stillActive.has(id)) this.lastSeen.delete(id);
  }

  private publishActive(): void {
    const current: Generation[] = [];
    for (const [id, g] of this.active) {
      const latest = this.options.store.generation(id) ?? g;
      if (isActive(latest.status)) current.push(latest);
    }
    this.publish(current);
  }

  /**
   * One `GET /runs/{id}` per finished generation, two at a time; returns those now terminal.
   * A list-wide failure (rate limit, outage, rejected key) stops it at once; a failure of one
   * run (gone, forbidden, malformed) marks that run unavailable and the others go on.
   */
  private async settle(gone: Generation[], ticket: Ticket): Promise<Generation[]> {
    const done: Generation[] = [];
    const queue = [...gone];
    let failure: FloraError | undefined;
    const worker = async () => {
      for (let g = queue.shift(); g && !failure; g = queue.shift()) {
        try {
          // A technique run's detail is on its technique's route (client.ts getRunOf).
          const detail = await this.options.api.getRunOf(g, { maxRetries: 0 });
          this.check(ticket);
          this.options.store.applyRun(g.id, detail);
          const merged = this.options.store.generation(g.id) ?? { ...g, ...detail };
          if (!isActive(merged.status)) done.push(merged);
        } catch (err) {
          if (err instanceof Superseded) throw err;
          const e = asFloraError(err);
          if (FAILS_EVERY_REQUEST.has(e.kind)) {
            failure ??= e;
            return;
          }
          this.vanished.add(g.id);
          this.toAnnounce.delete(g.id);
          this.options.store.markUnavailable(g.id);
          this.logger.warn(`Run ${g.runId} can no longer be followed: ${describeError(e)}`);
        }
      }
    };
    const results = await Promise.allSettled([worker(), worker()]);
    this.check(ticket);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    if (failure) throw failure;
    return done;
  }

  /** Throws when restart/stop happened since the tick began: its answers belong to another key. */
  private check(ticket: Ticket): void {
    if (!ticket.valid || this.disposed) throw new Superseded();
  }

  private async idleTick(ticket: Ticket): Promise<void> {
    const limit = clampPageSize(this.options.idlePageSize?.());
    const api = this.options.api;
    // The newest of each kind: generations and technique runs started elsewhere both appear.
    const skipTechniques = this.timers.now() < this.techniqueSkippedUntil;
    let techniqueRead = false;
    const pages = await Promise.all([
      api.listGenerations({ limit }, { maxRetries: 0 }),
      skipTechniques
        ? { items: [] }
        : api.listTechniqueRuns({ limit }, { maxRetries: 0 }).then(
            (page) => ((techniqueRead = true), page),
            (err: unknown) => {
              if (ticket.valid && this.techniqueListsFailed(err)) return { items: [] };
              throw err;
            },
          ),
    ]);
    this.check(ticket);
    if (techniqueRead) this.techniqueListsAnswered();
    const items = pages.flatMap((p) => p.items);
    this.options.store.applyGenerations(items);
    const active = items.filter((g) => isActive(g.status));
    if (active.length) {
      // Work started elsewhere: follow it from the next (immediate) active tick.
      for (const g of active) {
        this.active.set(g.id, g);
        this.lastSeen.set(g.id, this.tickCount);
      }
      this.publish([...this.active.values()]);
    }
  }

  private interval(): number {
    // Jobs still to settle (beyond this tick's share of GET /runs) keep the active pace too.
    const active = this.active.size > 0 || this.storeHasActiveWork();
    const base = active
      ? Math.max(MIN_ACTIVE_INTERVAL_MS, this.options.settings.activeIntervalMs())
      : Math.max(MIN_ACTIVE_INTERVAL_MS, this.options.settings.idleIntervalMs());
    if (this.focused) return base;
    return Math.max(base, active ? UNFOCUSED_ACTIVE_INTERVAL_MS : UNFOCUSED_IDLE_INTERVAL_MS);
  }

  private onError(error: FloraError): void {
    if (error.kind === 'authentication' || error.kind === 'permission') {
      this.logger.warn(`Polling stopped until the API key changes: ${describeError(error)}`);
      this.cancelTimer();
      this.setState({ state: 'stopped', error });
      return;
    }
    if (error.kind === 'cancelled') return;
    this.failures++;
    const base = this.interval();
    const exp = Math.min(MAX_BACKOFF_MS, base * 2 ** (this.failures - 1));
    const jittered = exp * (0.75 + 0.25 * this.random());
    // Never sooner than the normal pace (jitter must not undercut the unfocused floor).
    const wait = Math.min(MAX_BACKOFF_MS, Math.max(base, error.retryAfterMs ?? 0, jittered));
    this.logger.warn(`Polling failed (${describeError(error)}); next try in ${Math.round(wait / 1000)} s.`);
    this.setState({ state: 'backoff', until: this.timers.now() + wait, error });
    this.schedule(wait);
  }

  private publish(active: Generation[]): void {
    const next: RunningSummary = {
      pending: active.filter((g) => g.status === 'pending'),
      running: active.filter((g) => g.status !== 'pending'),
    };
    const key = (s: RunningSummary) => JSON.stringify([s.pending, s.running]);
    if (key(next) === key(this.summary)) return;
    this.summary = next;
    this.runningChanged.fire(next);
  }

  private storeHasActiveWork(): boolean {
    return this.options.store.allGenerations().some((g) => isActive(g.status) && !this.vanished.has(g.id));
  }

  private setState(state: PollerState): void {
    this.current = state;
    this.stateChanged.fire(state);
  }
}

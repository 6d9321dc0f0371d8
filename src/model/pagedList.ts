/**
 * One cursor-paged list of FLORA (a workspace's projects, a project's generations, later a
 * project's technique runs): its ids in order, its cursor, how many pages it loaded, and the
 * loads that change it (first page, "Load more", refresh of every loaded page). The Store owns one
 * per list and keeps the items themselves; a list knows ids only.
 *
 * - Loads of one list run in turn (a "Load more" never races a refresh of the same list), and a
 *   load asked for while the same kind is queued or running shares its promise.
 * - A refresh re-reads as many pages as the list had and merges by id: ids inserted live while it
 *   ran stay; "Load more" appends only ids the list does not hold.
 * - Each load takes a ticket; `dispose()` (the list is dropped: sign-out, a status filter change)
 *   invalidates it, and the answer is dropped without touching the store.
 * - Live inserts may grow a list past its pages by LIVE_INSERT_SLACK at most.
 */
import { asFloraError, type FloraError } from '../api/errors';
import type { Logger } from '../api/logger';
import { walkPages } from '../api/pagination';
import type { Page } from '../api/types';
import { Tickets, type Ticket } from './tickets';

export interface ListState {
  /**
   * The list's ids in order. The list grows this array in place ("Load more" appends a page, a
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

/** What a list keeps across restarts (see snapshot.ts). */
export interface SavedList {
  ids: string[];
  nextCursor?: string;
  pagesLoaded: number;
}

export const EMPTY_LIST: ListState = {
  ids: Object.freeze([]),
  pagesLoaded: 0,
  loaded: false,
  loading: false,
  stale: false,
  skipped: 0,
};

/**
 * How far live inserts (the poller's new generations) may grow a loaded list past the pages it
 * loaded: a list holds at most `pagesLoaded × pageSize + LIVE_INSERT_SLACK` ids. Items pushed
 * past that are dropped from the end; FLORA's cursor is kept, so "Load more" finds them again.
 */
export const LIVE_INSERT_SLACK = 50;

/** A "Load more" whose page holds only items already shown reads on, up to this many pages. */
export const MORE_PAGES_MAX = 10;

/** First page, one more page, or every loaded page again. */
export type LoadMode = 'first' | 'more' | 'refresh';

/** What a list needs from its owner: FLORA's pages, and where the items and outcomes go. */
export interface PagedListSource<T> {
  /** One page at `cursor` (the first page when undefined). */
  fetchPage(cursor: string | undefined): Promise<Page<T>>;
  idOf(item: T): string;
  /** Takes a page's item into the owner's entity maps, before the list holds its id. */
  keep(item: T): void;
  /** Puts an id inserted live into `ids` where it belongs (default: at the top). */
  place?(ids: string[], id: string): void;
  /** The page size asked of FLORA (for the cap on live inserts). */
  pageSize(): number;
  /** A load's answer is on the list (not called for a dropped, stale answer). */
  succeeded(): void;
  /** A load failed; the list kept its last good ids (not called for a dropped, stale answer). */
  failed(err: unknown): void;
  /** After a load's outcome is on the list, before `changed`. */
  settled?(): void;
  /** The list's state changed. */
  changed(): void;
}

export class PagedList<T> {
  private current: ListState = EMPTY_LIST;
  private readonly tickets = new Tickets();
  /** The last queued load, so loads run in turn. */
  private chain: Promise<void> | undefined;
  private readonly inflight = new Map<LoadMode, Promise<void>>();
  /** Cursors followed since the first page, so a cycle across "Load more" ends the list. */
  private followed = new Set<string>();
  private disposed = false;
  /** What the walk in progress has read and not yet put on the list. */
  private walking: ReadonlySet<string> = new Set();

  constructor(
    private readonly source: PagedListSource<T>,
    private readonly logger: Logger,
  ) {}

  get state(): ListState {
    return this.current;
  }

  get ids(): readonly string[] {
    return this.current.ids;
  }

  has(id: string): boolean {
    return membersOf(this.current.ids).has(id);
  }

  /** Ids the load in progress has read and not yet put on the list (the owner keeps their items). */
  isReading(id: string): boolean {
    return this.walking.has(id);
  }

  /** The first page, unless loaded. */
  ensure(): Promise<void> {
    return this.current.loaded ? Promise.resolve() : this.load('first');
  }

  /** Every loaded page again, or the first page when nothing is loaded. */
  refresh(): Promise<void> {
    return this.load(this.current.loaded ? 'refresh' : 'first');
  }

  load(mode: LoadMode): Promise<void> {
    if (this.disposed) return Promise.resolve();
    // Taken when the load is asked for: a load still queued when the list is dropped never starts.
    const ticket = this.tickets.take();
    return this.serialized(mode, () => this.walk(mode, ticket));
  }

  /**
   * Inserts an id seen live (the poller) into a loaded list that lacks it, where `place` puts it;
   * returns whether it did. The list then holds at most its pages plus LIVE_INSERT_SLACK.
   */
  insertLive(id: string): boolean {
    const list = this.current;
    if (!list.loaded || this.has(id)) return false;
    const ids = list.ids as string[]; // the list's own array (see ListState.ids)
    this.place(ids, id);
    const cap = Math.max(1, list.pagesLoaded) * this.source.pageSize() + LIVE_INSERT_SLACK;
    if (ids.length <= cap) {
      this.current = { ...list, ids };
      return true;
    }
    truncateIds(ids, cap);
    // Dropped from the end: with a cursor, "Load more" reaches them again. A list that was
    // complete has no cursor to offer, so it is marked stale: a refresh brings FLORA's cursor.
    // A keyset cursor (FLORA does not say which kind it uses) would not bring the dropped items
    // back either: the list is marked stale, so the next refresh re-reads its pages.
    this.current = { ...list, ids, stale: true };
    return true;
  }

  /** Shows a failure that happened outside the list's own loads; the ids stay. */
  fail(error: FloraError): void {
    this.current = { ...this.current, error, stale: this.current.loaded };
  }

  /** Forgets an error shown on a list that never loaded (what failed is over). */
  clearUnloadedError(): void {
    if (this.current.error && !this.current.loaded) this.current = { ...this.current, error: undefined };
  }

  save(): SavedList {
    const l = this.current;
    return { ids: [...l.ids], nextCursor: l.nextCursor, pagesLoaded: l.pagesLoaded };
  }

  /** Shows saved ids at once, stale until a refresh confirms them. */
  restore(saved: SavedList): void {
    // A copy: the list changes its array in place, never the snapshot's.
    this.current = {
      ids: [...saved.ids],
      nextCursor: saved.nextCursor,
      pagesLoaded: saved.pagesLoaded,
      loaded: true,
      loading: false,
      stale: true,
      skipped: 0,
    };
  }

  /** The list is dropped: a load in flight drops its answer, and nothing queued waits on it. */
  dispose(): void {
    this.disposed = true;
    this.tickets.invalidate();
    this.inflight.clear();
    this.chain = undefined;
  }

  private place(ids: string[], id: string): void {
    if (this.source.place) this.source.place(ids, id);
    else insertIds(ids, 0, id);
  }

  /**
   * Runs loads one after the other (a "Load more" never races a refresh), and shares a load
   * already queued or running for the same mode.
   */
  private serialized(mode: LoadMode, task: () => Promise<void>): Promise<void> {
    const queued = this.inflight.get(mode);
    if (queued) return queued;
    const previous = this.chain ?? Promise.resolve();
    const p = previous.then(task, task).finally(() => {
      if (this.inflight.get(mode) === p) this.inflight.delete(mode);
      if (this.chain === p) this.chain = undefined;
    });
    this.inflight.set(mode, p);
    this.chain = p;
    return p;
  }

  private async walk(mode: LoadMode, ticket: Ticket): Promise<void> {
    if (!ticket.valid) return;
    const source = this.source;
    const before = this.current;
    const more = mode === 'more';
    if (more && !before.nextCursor) return;
    this.current = { ...before, loading: true };
    // Only "Load more" announces its start (its row turns into "Loading…"). A first load or a
    // refresh is shown by the view's own progress; announcing it would make the tree re-ask for
    // the very children it is waiting for.
    if (more) source.changed();
    // What the list held when a first load or refresh began (it re-reads every page anyway):
    // ids inserted live while it runs are told apart from those its answer no longer has.
    const started = more ? undefined : new Set(before.ids);
    const read = new Set<string>();
    this.walking = read;
    try {
      const pages = more ? MORE_PAGES_MAX : Math.max(1, mode === 'refresh' ? before.pagesLoaded : 1);
      const ids: string[] = [];
      // Every cursor the list followed since its first page: one coming back is a cycle. "More"
      // adds this walk's cursors to the list's set once it succeeds (no copy of the set a page);
      // a first load or refresh starts a new set.
      const followed = more ? this.followed : new Set<string>();
      const walkCursors = new Set<string>();
      if (more && before.nextCursor) walkCursors.add(before.nextCursor);
      let cursor: string | undefined;
      let estimate: number | undefined;
      let walked = 0;
      let skipped = 0;
      // Within one walk the pager drops repeated ids and cursors itself; against the pages of
      // earlier "Load more" clicks, the list's own set of ids and `followed` are checked here,
      // so a page costs what it holds, not what the list holds.
      for await (const page of walkPages(
        (c) => source.fetchPage(c),
        (item) => source.idOf(item),
        {
          maxPages: pages,
          logger: this.logger,
          cursor: more ? before.nextCursor : undefined,
        },
      )) {
        if (!ticket.valid) return;
        // "More" continues the list: what it already holds is not added twice.
        const shown = more ? membersOf(this.current.ids) : undefined;
        const items = shown ? page.items.filter((item) => !shown.has(source.idOf(item))) : page.items;
        for (const item of items) {
          source.keep(item);
          const id = source.idOf(item);
          read.add(id);
          ids.push(id);
        }
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
      if (!ticket.valid) return;
      for (const c of walkCursors) followed.add(c);
      this.followed = followed;
      // Merge into the list as it is now: the poller may have inserted items meanwhile.
      const now = this.current;
      if (more) {
        // Appended in place (see ListState.ids): ids inserted live meanwhile are not added twice.
        const merged = now.ids as string[];
        appendIds(merged, ids);
        this.current = {
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
          this.place(ids, id);
        }
        this.current = {
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
      source.succeeded();
    } catch (err) {
      if (!ticket.valid) return;
      const now = this.current;
      this.current = { ...now, loading: false, error: asFloraError(err), stale: now.loaded };
      source.failed(err);
    } finally {
      if (this.walking === read) this.walking = new Set();
    }
    source.settled?.();
    source.changed();
  }
}

// A list's array changes in place (see ListState.ids); each has a Set of its ids beside it, built
// the first time it is asked for and kept in step by the functions below, so a membership test
// costs the same at any length.
const memberSets = new WeakMap<readonly string[], Set<string>>();

/** The ids of `ids`, as a set. */
export function membersOf(ids: readonly string[]): ReadonlySet<string> {
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
export function insertIds(ids: string[], at: number, id: string): void {
  ids.splice(at, 0, id);
  memberSets.get(ids)?.add(id);
}

/** Drops the ids past `length`. */
function truncateIds(ids: string[], length: number): void {
  const set = memberSets.get(ids);
  if (set) for (let i = length; i < ids.length; i++) set.delete(ids[i]);
  ids.length = length;
}

/**
 * A project's history is two FLORA lists, each newest first and each paged on its own:
 * `GET /generations?project_id=…` and `GET /technique-runs?project_id=…`. The tree shows them as
 * one list, newest first. This file decides what that one list holds, from the two lists' states
 * alone (no `vscode`, no requests):
 *
 * - The frontier rule: an item is shown only when it is newer than or equal to the oldest loaded
 *   item of every list that still has more pages (a list not loaded yet has all its pages to come
 *   and holds everything back). Otherwise an item of the other list not loaded yet could belong
 *   above it, and would later appear in the middle of what was shown.
 * - "Load more" loads the next page of the list(s) whose frontier holds the merge back (the
 *   newest frontier); the other list's items below it are already loaded and wait.
 * - An id shown once only (the first list wins a tie on time, so the order is stable).
 * - Each list's own order is FLORA's and is kept: an item's time for the merge is its creation
 *   time, capped by the times of the items above it in its list, and an item with no usable time
 *   (0) is as old as the one above it (the top of its list when none is). So a list whose times
 *   are out of order or unknown is shown in its own order, never hidden.
 */
import type { FloraError } from '../api/errors';
import type { ListState } from './pagedList';

/** The lists of a project, in the order a tie on time puts them (generations first). */
export type HistoryLists = readonly ListState[];

export interface MergedHistory {
  /** What the project shows: the merged ListState the tree and the gallery read. */
  state: ListState;
  /** The indexes of the lists whose next page "Load more" should load (empty: nothing more). */
  holdingBack: number[];
}

/** The items' creation times (Unix ms; 0 when unknown), by id. */
export type CreatedAt = (id: string) => number;

/** An item's time for the merge: its own, capped by `floor` (the item above it); 0 = unknown. */
function capped(time: number, floor: number): number {
  return time > 0 ? Math.min(time, floor) : floor;
}

/** Merges `lists` by creation time, newest first, under the frontier rule (see the file comment). */
export function mergeHistory(lists: HistoryLists, createdAt: CreatedAt): MergedHistory {
  return new HistoryMerge().update(lists, createdAt);
}

/**
 * One project's merge, kept between updates so that a "Load more" costs what its page adds, not
 * what the project already shows: when the lists only grew at their ends since the last update
 * (a page appended) the merge goes on from where it stopped; anything else (a refresh, a live
 * insert above what was merged, a list dropped) merges again from the top.
 */
export class HistoryMerge {
  /** The merged ids, grown in place while the merge goes on (see ListState.ids). */
  private ids: string[] = [];
  private seen = new Set<string>();
  /** Per list: its ids array when last merged, how many of them were taken, the last one taken. */
  private from: Array<{ ids: readonly string[]; at: number; last?: string; floor: number }> = [];
  private cutoff = Number.NEGATIVE_INFINITY;
  private lastTime = Number.POSITIVE_INFINITY;
  /** The list the last merged id came from (a tie on time goes to the first list). */
  private lastList = -1;

  /**
   * Per list: the oldest known time of its ids (the lowest known creation time), read
   * incrementally, with the id read last to tell whether the list only grew at its end.
   */
  private oldest: Array<{ ids: readonly string[]; scanned: number; last?: string; time: number }> = [];

  update(lists: HistoryLists, createdAt: CreatedAt): MergedHistory {
    const frontiers = lists.map((l, i) => this.frontierOf(l, i, createdAt));
    const cutoff = Math.max(...frontiers);
    if (!this.canGoOn(lists, cutoff, createdAt)) this.restart(lists);
    this.cutoff = cutoff;
    this.mergeOn(lists, createdAt);

    const holdingBack =
      cutoff === Number.NEGATIVE_INFINITY ? [] : frontiers.flatMap((f, i) => (f === cutoff ? [i] : []));
    const loadedAll = lists.every((l) => l.loaded || l.error);
    const estimates = lists.map((l) => l.totalEstimate).filter((e): e is number => e !== undefined);
    // The first list's (the generations') error is the project's. Another list's failure (technique
    // runs refused for a plan or role without them) does not put "Showing earlier data" over the
    // generations: it is shown only when no list has anything to show.
    const error: FloraError | undefined =
      lists[0]?.error ?? (lists.some((l) => l.loaded) ? undefined : lists.find((l) => l.error)?.error);
    const state: ListState = {
      ids: this.ids,
      // Only whether there is more counts for the views; which list goes on is HistoryLists' business.
      nextCursor: holdingBack.length
        ? holdingBack.map((i) => lists[i].nextCursor ?? '').join(' ') || 'more'
        : undefined,
      pagesLoaded: lists.reduce((n, l) => n + l.pagesLoaded, 0),
      loaded: loadedAll && lists.some((l) => l.loaded),
      loading: lists.some((l) => l.loading),
      error,
      stale: lists.some((l) => l.stale),
      totalEstimate: estimates.length ? estimates.reduce((a, b) => a + b, 0) : undefined,
      skipped: lists.reduce((n, l) => n + l.skipped, 0),
    };
    return { state, holdingBack };
  }

  /**
   * Whether the merge may go on from where it stopped: the same lists (same arrays), each still
   * holding what was taken of it where it was, no item waiting that a fresh merge would put above
   * the last one merged (newer, or as new from a list before its list),
   * and a frontier that did not move up (that would hide what is shown).
   */
  private canGoOn(lists: HistoryLists, cutoff: number, createdAt: CreatedAt): boolean {
    if (this.from.length !== lists.length || cutoff > this.cutoff) return false;
    for (let i = 0; i < lists.length; i++) {
      const ids = lists[i].ids;
      const from = this.from[i];
      if (ids !== from.ids || ids.length < from.at) return false;
      if (from.at > 0 && ids[from.at - 1] !== from.last) return false;
      // Each list is newest first: its next item is its newest not merged.
      let at = from.at;
      let floor = from.floor;
      while (at < ids.length && this.seen.has(ids[at])) floor = capped(createdAt(ids[at++]), floor);
      if (at >= ids.length) continue;
      const t = capped(createdAt(ids[at]), floor);
      if (t > this.lastTime || (t === this.lastTime && i < this.lastList)) return false;
    }
    return true;
  }

  /**
   * The time below which list `i` may not let items show: +Infinity when it has loaded nothing
   * and still has pages to come; -Infinity when it has no more pages (or failed before loading).
   */
  private frontierOf(list: ListState, i: number, createdAt: CreatedAt): number {
    // A list that failed before loading anything does not hold the others back: its error is shown.
    if (!list.loaded) return list.error ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (!list.nextCursor) return Number.NEGATIVE_INFINITY;
    // Its last item's merge time is the oldest known time of the list. The array changes in
    // place: a page appended at its end, an id placed live anywhere in it, its tail cut to the
    // cap. When the id read last is still where it was, nothing was placed above it or cut, so
    // only the ids after it are read; otherwise (an id placed above it, which may be the first
    // known time of a list of unknown times, or a cut that dropped the oldest) all are read again.
    const ids = list.ids;
    let o = this.oldest[i];
    if (!o || o.ids !== ids || ids.length < o.scanned || (o.scanned > 0 && ids[o.scanned - 1] !== o.last)) {
      o = { ids, scanned: 0, time: Number.POSITIVE_INFINITY };
      this.oldest[i] = o;
    }
    for (let at = o.scanned; at < ids.length; at++) o.time = capped(createdAt(ids[at]), o.time);
    o.scanned = ids.length;
    o.last = ids[ids.length - 1];
    return o.time;
  }

  private restart(lists: HistoryLists): void {
    // A new array: whoever kept the old one (see ListState.ids) keeps what it held.
    this.ids = [];
    this.seen = new Set();
    this.from = lists.map((l) => ({ ids: l.ids, at: 0, floor: Number.POSITIVE_INFINITY }));
    this.lastTime = Number.POSITIVE_INFINITY;
    this.lastList = -1;
  }

  /** A k-way merge of lists that are each newest first, down to the cutoff; ties keep the lists' order. */
  private mergeOn(lists: HistoryLists, createdAt: CreatedAt): void {
    const from = this.from;
    for (;;) {
      let best = -1;
      let bestTime = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < lists.length; i++) {
        const ids = lists[i].ids;
        const f = from[i];
        while (f.at < ids.length && this.seen.has(ids[f.at])) {
          f.floor = capped(createdAt(ids[f.at]), f.floor);
          f.last = ids[f.at++];
        }
        if (f.at >= ids.length) continue;
        const t = capped(createdAt(ids[f.at]), f.floor);
        if (best === -1 || t > bestTime) {
          best = i;
          bestTime = t;
        }
      }
      if (best === -1 || bestTime < this.cutoff) return;
      const f = from[best];
      const id = lists[best].ids[f.at++];
      f.last = id;
      f.floor = bestTime;
      this.seen.add(id);
      this.ids.push(id);
      this.lastTime = bestTime;
      this.lastList = best;
    }
  }
}

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

/**
 * The time below which items are not shown yet, and which lists hold it: +Infinity when a list
 * has loaded nothing and still has pages to come; -Infinity when no list has more pages.
 */
function frontierOf(list: ListState, createdAt: CreatedAt): number {
  // A list that failed before loading anything does not hold the others back: its error is shown.
  if (!list.loaded) return list.error ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (!list.nextCursor) return Number.NEGATIVE_INFINITY;
  const ids = list.ids;
  // The list keeps its ids newest first (FLORA's order; live inserts are placed by time).
  return ids.length ? createdAt(ids[ids.length - 1]) : Number.POSITIVE_INFINITY;
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
  private from: Array<{ ids: readonly string[]; at: number; last?: string }> = [];
  private cutoff = Number.NEGATIVE_INFINITY;
  private lastTime = Number.POSITIVE_INFINITY;

  update(lists: HistoryLists, createdAt: CreatedAt): MergedHistory {
    const frontiers = lists.map((l) => frontierOf(l, createdAt));
    const cutoff = Math.max(...frontiers);
    if (!this.canGoOn(lists, cutoff, createdAt)) this.restart(lists);
    this.cutoff = cutoff;
    this.mergeOn(lists, createdAt);

    const holdingBack =
      cutoff === Number.NEGATIVE_INFINITY ? [] : frontiers.flatMap((f, i) => (f === cutoff ? [i] : []));
    const loadedAll = lists.every((l) => l.loaded || l.error);
    const estimates = lists.map((l) => l.totalEstimate).filter((e): e is number => e !== undefined);
    const error: FloraError | undefined = lists.find((l) => l.error)?.error;
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
   * holding what was taken of it where it was, no newer item waiting than the last one merged,
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
      while (at < ids.length && this.seen.has(ids[at])) at++;
      if (at < ids.length && createdAt(ids[at]) > this.lastTime) return false;
    }
    return true;
  }

  private restart(lists: HistoryLists): void {
    // A new array: whoever kept the old one (see ListState.ids) keeps what it held.
    this.ids = [];
    this.seen = new Set();
    this.from = lists.map((l) => ({ ids: l.ids, at: 0 }));
    this.lastTime = Number.POSITIVE_INFINITY;
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
        while (f.at < ids.length && this.seen.has(ids[f.at])) f.last = ids[f.at++];
        if (f.at >= ids.length) continue;
        const t = createdAt(ids[f.at]);
        if (best === -1 || t > bestTime) {
          best = i;
          bestTime = t;
        }
      }
      if (best === -1 || bestTime < this.cutoff) return;
      const f = from[best];
      const id = lists[best].ids[f.at++];
      f.last = id;
      this.seen.add(id);
      this.ids.push(id);
      this.lastTime = bestTime;
    }
  }
}

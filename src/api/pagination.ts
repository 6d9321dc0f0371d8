import type { Logger } from './logger';
import type { Page } from './types';

export interface WalkOptions {
  /** Stop after this many pages even if FLORA has more. */
  maxPages?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Cursor to start from (page 1 when absent). */
  cursor?: string;
  /** Ids already shown from earlier pages (when continuing a walk); a Set is read, never copied. */
  seenIds?: ReadonlySet<string> | Iterable<string>;
  /**
   * Cursors already followed by earlier walks of the same list (when continuing it across calls,
   * as "Load more" does): one of them coming back is a cycle, and ends the walk like a repeat.
   */
  seenCursors?: Iterable<string>;
}

/**
 * Walks a cursor-paginated list page by page, the way FLORA's own SDK does: the next request is
 * the same query plus `cursor = meta.next_cursor`; the walk ends on an empty page or a missing,
 * null or empty cursor. Two defences the SDK lacks: a cursor seen before ends the walk (with a
 * warning) instead of looping forever, and an id already yielded on an earlier page is dropped,
 * so newly inserted items that shift offsets do not show twice.
 */
export async function* walkPages<T>(
  fetchPage: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  idOf: (item: T) => string,
  options: WalkOptions = {},
): AsyncGenerator<Page<T>, void, undefined> {
  const seenCursors = new Set<string>(options.seenCursors);
  // The caller's ids are consulted where they are (a "Load more" walks one page per call, and
  // copying the ids already shown on every call cost O(shown) a page); this walk's own go here.
  const earlier =
    options.seenIds instanceof Set ? (options.seenIds as ReadonlySet<string>) : new Set(options.seenIds);
  const seenIds = new Set<string>();
  let cursor = options.cursor;
  let pages = 0;
  for (;;) {
    if (cursor !== undefined) seenCursors.add(cursor);
    const page = await fetchPage(cursor, options.signal);
    pages++;
    // A plain loop; the page's own array is kept unless a repeat has to be dropped.
    let fresh = page.items;
    for (let i = 0; i < page.items.length; i++) {
      const item = page.items[i];
      const id = idOf(item);
      if (earlier.has(id) || seenIds.has(id)) {
        if (fresh === page.items) fresh = page.items.slice(0, i);
        continue;
      }
      seenIds.add(id);
      if (fresh !== page.items) fresh.push(item);
    }
    const next = page.nextCursor;
    const rawCount = page.items.length + page.skipped.length;
    const repeats = next !== undefined && seenCursors.has(next);
    if (repeats) {
      options.logger?.warn(
        `FLORA returned a cursor it had already returned; stopped paging after ${pages} pages.`,
      );
    }
    const more = rawCount > 0 && next !== undefined && !repeats;
    yield { ...page, items: fresh, nextCursor: more ? next : undefined };
    if (!more) return;
    if (options.maxPages !== undefined && pages >= options.maxPages) return;
    cursor = next;
  }
}

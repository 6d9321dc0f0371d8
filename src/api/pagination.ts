import type { Logger } from './logger';
import type { Page } from './types';

export interface WalkOptions {
  /** Stop after this many pages even if FLORA has more. */
  maxPages?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Cursor to start from (page 1 when absent). */
  cursor?: string;
  /** Ids already shown from earlier pages (when continuing a walk). */
  seenIds?: Iterable<string>;
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
  const seenIds = new Set<string>(options.seenIds);
  let cursor = options.cursor;
  let pages = 0;
  for (;;) {
    if (cursor !== undefined) seenCursors.add(cursor);
    const page = await fetchPage(cursor, options.signal);
    pages++;
    const fresh = page.items.filter((item) => {
      const id = idOf(item);
      if (seenIds.has(id)) return false;
      seenIds.add(id);
      return true;
    });
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

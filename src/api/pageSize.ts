/**
 * The one page-size rule: FLORA answers 1 to 100 items a page, 20 unless asked. The setting, the
 * store, the poller and the client all read it from here. No `vscode` import.
 */
export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Whether FLORA accepts `limit` as a page size: a whole number from 1 to 100. */
export function isPageSize(limit: number): boolean {
  return Number.isInteger(limit) && limit >= MIN_PAGE_SIZE && limit <= MAX_PAGE_SIZE;
}

/** Any value as a page size FLORA accepts: rounded into 1–100; 20 for anything that is not a number. */
export function clampPageSize(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, Math.round(value)))
    : DEFAULT_PAGE_SIZE;
}

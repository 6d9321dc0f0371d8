/** Pure text formatting: times, durations, costs, snippets, links, notification texts. */
import * as l10n from '@vscode/l10n';
import { isFinished, type Generation } from '../api/types';

// Every word here goes through `l10n.t` (the @vscode/l10n runtime: this layer never imports
// vscode); extension.ts hands it VS Code's bundle at activation.
const UNITS: ReadonlyArray<readonly [number, (n: number) => string]> = [
  [365 * 86_400_000, (n) => l10n.t('{0}y ago', n)],
  [30 * 86_400_000, (n) => l10n.t('{0}mo ago', n)],
  [7 * 86_400_000, (n) => l10n.t('{0}w ago', n)],
  [86_400_000, (n) => l10n.t('{0}d ago', n)],
  [3_600_000, (n) => l10n.t('{0}h ago', n)],
  [60_000, (n) => l10n.t('{0}m ago', n)],
];

/** The largest time a Date can hold (±8.64e15 ms); beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

/**
 * Whether `ms` is a time worth showing. The api layer turns a time it cannot read into undefined,
 * and a required one (`createdAt`) into 0; both, and anything a Date cannot hold, are "unknown".
 * Every formatter below is total: it answers any number (or undefined) with text, never throws.
 */
export function isKnownTime(ms: number | undefined): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 && ms <= MAX_DATE_MS;
}

const unknownTime = (): string => l10n.t('unknown time');

/** What relativeTime says, as a number: equal keys, equal text. Cheap: no text is made. */
const UNKNOWN_KEY = -1;
const FUTURE_KEY = -2;
const JUST_NOW_KEY = -3;
/** Room for the count of each unit in a key (unit index × this + count). */
const KEY_STRIDE = 1e7;

/**
 * Which text relativeTime(time, now) is, as a number, without making the text (a tree re-read
 * asks this of every row on screen): two calls with equal keys answer the same text.
 */
export function relativeTimeKey(time: number | undefined, now: number): number {
  if (!isKnownTime(time) || !Number.isFinite(now)) return UNKNOWN_KEY;
  const diff = now - time;
  // A little clock skew is "just now"; a time further ahead says so rather than "just now".
  if (diff < -5 * 60_000) return FUTURE_KEY;
  if (diff < 45_000) return JUST_NOW_KEY;
  for (let unit = 0; unit < UNITS.length; unit++) {
    const ms = UNITS[unit][0];
    if (diff >= ms) return unit * KEY_STRIDE + Math.min(KEY_STRIDE - 1, Math.floor(diff / ms));
  }
  // 45–59 s: "1m ago".
  return (UNITS.length - 1) * KEY_STRIDE + Math.max(1, Math.round(diff / 60_000));
}

/** "just now", "5m ago", "3h ago", "2d ago"; "unknown time" for a time FLORA did not give usably. */
export function relativeTime(time: number | undefined, now: number): string {
  const key = relativeTimeKey(time, now);
  if (key === UNKNOWN_KEY) return l10n.t('unknown time');
  if (key === FUTURE_KEY) return l10n.t('in the future');
  if (key === JUST_NOW_KEY) return l10n.t('just now');
  const unit = Math.floor(key / KEY_STRIDE);
  return UNITS[unit][1](key - unit * KEY_STRIDE);
}

/** "850 ms", "42 s", "3 min 5 s", "2 h 4 min"; "unknown duration" for a negative or non-finite span. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return l10n.t('unknown duration');
  if (ms < 1000) return l10n.t('{0} ms', Math.round(ms));
  const s = Math.round(ms / 1000);
  if (s < 60) return l10n.t('{0} s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? l10n.t('{0} min {1} s', m, s % 60) : l10n.t('{0} min', m);
  const h = Math.floor(m / 60);
  return m % 60 ? l10n.t('{0} h {1} min', h, m % 60) : l10n.t('{0} h', h);
}

/** USD with enough digits for sub-cent costs: "$0.04", "$0.0035", "$1.20"; "unknown cost" for NaN/∞. */
export function cost(usd: number | undefined): string {
  if (usd === undefined || !Number.isFinite(usd)) return l10n.t('unknown cost');
  if (usd < 0) return `-${cost(-usd)}`;
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '< $0.0001';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  // toFixed switches to exponent notation from 1e21 on; no real cost gets there, but it stays text.
  return `$${usd.toFixed(2)}`;
}

/** "2026-07-15 12:00:00 UTC"; "unknown time" for a time FLORA did not give usably. */
export function absoluteTime(ms: number | undefined): string {
  if (!isKnownTime(ms)) return unknownTime();
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** Collapses white space and cuts to `max` characters with an ellipsis. */
export function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Only http(s) URLs may be opened or shown as links; anything else (javascript:, data:, file:) is refused. */
export function safeHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export type NotifyMode = 'none' | 'failed' | 'all';

/**
 * The toast for one generation that finished while watched, or undefined when `mode` does not
 * ask for it. A status FLORA's enum lacks (`cancelled`, `expired`…) is named with its own word and
 * counts as "not completed": it is announced in `failed` mode too, as a warning.
 */
export function finishNotice(
  g: Pick<Generation, 'status' | 'rawStatus' | 'errorMessage'>,
  names: { model: string; project?: string },
  mode: NotifyMode,
): { text: string; warning: boolean } | undefined {
  if (mode === 'none' || !isFinished(g.status)) return undefined;
  if (g.status === 'completed' && mode !== 'all') return undefined;
  const subject = names.project
    ? l10n.t('FLORA: {0} in {1}', names.model, names.project)
    : l10n.t('FLORA: {0}', names.model);
  if (g.status === 'completed') return { text: l10n.t('{0} completed.', subject), warning: false };
  if (g.status === 'failed') {
    const text = g.errorMessage
      ? l10n.t('{0} failed: {1}', subject, g.errorMessage)
      : l10n.t('{0} failed.', subject);
    return { text, warning: true };
  }
  const status = snippet(g.rawStatus, 40);
  const text = g.errorMessage
    ? l10n.t('{0} ended with status “{1}”: {2}', subject, status, g.errorMessage)
    : l10n.t('{0} ended with status “{1}”.', subject, status);
  return { text, warning: true };
}

/** One toast for several finished at once: "3 generations finished (1 failed, 1 cancelled)". */
export function groupedFinishNotice(gens: ReadonlyArray<Pick<Generation, 'status' | 'rawStatus'>>): string {
  const failed = gens.filter((g) => g.status === 'failed').length;
  if (failed === gens.length) return l10n.t('FLORA: {0} generations failed.', gens.length);
  const others = new Map<string, number>();
  for (const g of gens) {
    if (g.status !== 'unknown') continue;
    const word = snippet(g.rawStatus, 20);
    others.set(word, (others.get(word) ?? 0) + 1);
  }
  const notes = [
    ...(failed ? [l10n.t('{0} failed', failed)] : []),
    ...[...others].map(([word, n]) => l10n.t('{0} {1}', n, word)),
  ];
  return notes.length
    ? l10n.t('FLORA: {0} generations finished ({1}).', gens.length, notes.join(', '))
    : l10n.t('FLORA: {0} generations finished.', gens.length);
}

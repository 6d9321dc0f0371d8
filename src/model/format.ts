/** Pure text formatting for tree rows, tooltips and the status bar. */
import { isFinished, type Generation, type GenerationOutput, type GenerationStatus } from '../api/types';

const UNITS: Array<[number, string]> = [
  [365 * 86_400_000, 'y'],
  [30 * 86_400_000, 'mo'],
  [7 * 86_400_000, 'w'],
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
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

export const UNKNOWN_TIME = 'unknown time';

/** "just now", "5m ago", "3h ago", "2d ago"; "unknown time" for a time FLORA did not give usably. */
export function relativeTime(time: number | undefined, now: number): string {
  if (!isKnownTime(time) || !Number.isFinite(now)) return UNKNOWN_TIME;
  const diff = now - time;
  // A little clock skew is "just now"; a time further ahead says so rather than "just now".
  if (diff < -5 * 60_000) return 'in the future';
  if (diff < 45_000) return 'just now';
  for (const [ms, unit] of UNITS) {
    if (diff >= ms) return `${Math.floor(diff / ms)}${unit} ago`;
  }
  return `${Math.max(1, Math.round(diff / 60_000))}m ago`;
}

/** "850 ms", "42 s", "3 min 5 s", "2 h 4 min"; "unknown duration" for a negative or non-finite span. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return 'unknown duration';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** USD with enough digits for sub-cent costs: "$0.04", "$0.0035", "$1.20"; "unknown cost" for NaN/∞. */
export function cost(usd: number | undefined): string {
  if (usd === undefined || !Number.isFinite(usd)) return 'unknown cost';
  if (usd < 0) return `-${cost(-usd)}`;
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '< $0.0001';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  // toFixed switches to exponent notation from 1e21 on; no real cost gets there, but it stays text.
  return `$${usd.toFixed(2)}`;
}

/** "2026-07-15 12:00:00 UTC"; "unknown time" for a time FLORA did not give usably. */
export function absoluteTime(ms: number | undefined): string {
  if (!isKnownTime(ms)) return UNKNOWN_TIME;
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export const STATUS_LABELS: Record<GenerationStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  unknown: 'Unknown status',
};

export const OUTPUT_LABELS: Record<GenerationOutput['kind'], string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  text: 'Text',
  document: 'Document',
  unknown: 'Output',
};

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
  const subject = `FLORA: ${names.model}${names.project ? ` in ${names.project}` : ''}`;
  const reason = g.errorMessage ? `: ${g.errorMessage}` : '.';
  if (g.status === 'completed') return { text: `${subject} completed.`, warning: false };
  if (g.status === 'failed') return { text: `${subject} failed${reason}`, warning: true };
  return { text: `${subject} ended with status “${snippet(g.rawStatus, 40)}”${reason}`, warning: true };
}

/** One toast for several finished at once: "3 generations finished (1 failed, 1 cancelled)". */
export function groupedFinishNotice(gens: ReadonlyArray<Pick<Generation, 'status' | 'rawStatus'>>): string {
  const failed = gens.filter((g) => g.status === 'failed').length;
  if (failed === gens.length) return `FLORA: ${gens.length} generations failed.`;
  const others = new Map<string, number>();
  for (const g of gens) {
    if (g.status !== 'unknown') continue;
    const word = snippet(g.rawStatus, 20);
    others.set(word, (others.get(word) ?? 0) + 1);
  }
  const notes = [...(failed ? [`${failed} failed`] : []), ...[...others].map(([word, n]) => `${n} ${word}`)];
  return `FLORA: ${gens.length} generations finished${notes.length ? ` (${notes.join(', ')})` : ''}.`;
}

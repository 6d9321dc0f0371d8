/** Pure text formatting for tree rows, tooltips and the status bar. */
import type { GenerationOutput, GenerationStatus } from '../api/types';

const UNITS: Array<[number, string]> = [
  [365 * 86_400_000, 'y'],
  [30 * 86_400_000, 'mo'],
  [7 * 86_400_000, 'w'],
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
];

/** "just now", "5m ago", "3h ago", "2d ago". */
export function relativeTime(time: number, now: number): string {
  const diff = now - time;
  if (diff < 45_000) return 'just now';
  for (const [ms, unit] of UNITS) {
    if (diff >= ms) return `${Math.floor(diff / ms)}${unit} ago`;
  }
  return `${Math.max(1, Math.round(diff / 60_000))}m ago`;
}

/** "850 ms", "42 s", "3 min 5 s", "2 h 4 min". */
export function duration(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** USD with enough digits for sub-cent costs: "$0.04", "$0.0035", "$1.20". */
export function cost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

export function absoluteTime(ms: number): string {
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

/**
 * Pure view models for the preview webviews: what a generation or a project gallery shows, built
 * from the store's data. No `vscode` import, so it is unit-tested directly.
 */
import * as l10n from '@vscode/l10n';
import { isActive, type Generation, type GenerationOutput } from '../../api/types';
import {
  OUTPUT_LABELS,
  STATUS_LABELS,
  absoluteTime,
  cost,
  duration,
  relativeTime,
  safeHttpUrl,
} from '../../model/format';
import type { DetailRow, GalleryView, GenerationView, OutputView } from './messages';

export interface ViewContext {
  modelName(modelId: string | undefined): string | undefined;
  projectName(projectId: string): string | undefined;
  /** The prompt of a generation started from this extension, when remembered. */
  promptOf?(generationId: string): string | undefined;
  now: number;
}

export function generationView(g: Generation, ctx: ViewContext): GenerationView {
  const title = ctx.modelName(g.modelId) ?? l10n.t('Generation');
  const statusLabel = STATUS_LABELS[g.status] + (g.status === 'unknown' ? ` (${g.rawStatus})` : '');
  const took = runDuration(g);
  const summary = [
    relativeTime(g.createdAt, ctx.now),
    g.cost !== undefined ? cost(g.cost) : undefined,
    took,
  ].filter((s): s is string => !!s);

  const details: DetailRow[] = [];
  const add = (label: string, value: string | undefined, extra: Partial<DetailRow> = {}): void => {
    if (value !== undefined && value !== '') details.push({ label, value, ...extra });
  };
  add(
    l10n.t('Status'),
    statusLabel + (g.status === 'running' ? ` · ${Math.round(clampProgress(g.progress))}%` : ''),
  );
  add(l10n.t('Model'), title, g.modelId && g.modelId !== title ? { hint: g.modelId } : {});
  add(l10n.t('Prompt'), ctx.promptOf?.(g.id));
  add(l10n.t('Cost'), g.cost !== undefined ? cost(g.cost) : undefined);
  add(l10n.t('Created'), absoluteTime(g.createdAt), { hint: relativeTime(g.createdAt, ctx.now) });
  add(l10n.t('Started'), g.startedAt !== undefined ? absoluteTime(g.startedAt) : undefined);
  add(l10n.t('Completed'), g.completedAt !== undefined ? absoluteTime(g.completedAt) : undefined);
  add(l10n.t('Duration'), took);
  add(l10n.t('Project'), ctx.projectName(g.projectId) ?? g.projectId);
  add(l10n.t('Generation id'), g.id, { mono: true });
  if (g.runId !== g.id) add(l10n.t('Run id'), g.runId, { mono: true });
  if (g.modelId) add(l10n.t('Model id'), g.modelId, { mono: true });
  add(l10n.t('Project id'), g.projectId, { mono: true });

  const error =
    g.errorMessage || g.errorCode
      ? { message: g.errorMessage || l10n.t('The run failed.'), code: g.errorCode }
      : g.status === 'failed'
        ? { message: l10n.t('The run failed; FLORA gave no reason.') }
        : undefined;

  return {
    id: g.id,
    runId: g.runId,
    projectId: g.projectId,
    title,
    status: g.status,
    statusLabel,
    active: isActive(g.status),
    progress: clampProgress(g.progress),
    summary: summary.join(' · '),
    details,
    error,
    outputs: outputViews(g.outputs),
  };
}

export function outputViews(outputs: readonly GenerationOutput[]): OutputView[] {
  const totals = new Map<string, number>();
  for (const o of outputs) totals.set(o.kind, (totals.get(o.kind) ?? 0) + 1);
  const seen = new Map<string, number>();
  return outputs.map((o) => {
    const n = (seen.get(o.kind) ?? 0) + 1;
    seen.set(o.kind, n);
    const label = (totals.get(o.kind) ?? 0) > 1 ? `${OUTPUT_LABELS[o.kind]} ${n}` : OUTPUT_LABELS[o.kind];
    if (o.kind === 'text') {
      return { id: o.id, kind: o.kind, rawType: o.rawType, label, text: o.url, canSave: true };
    }
    const url = safeHttpUrl(o.url);
    if (!url) {
      return { id: o.id, kind: o.kind, rawType: o.rawType, label, raw: o.url, canSave: false };
    }
    return {
      id: o.id,
      kind: o.kind,
      rawType: o.rawType,
      label,
      src: url.toString(),
      host: url.hostname,
      fileName: fileNameOf(url),
      canSave: true,
    };
  });
}

export interface GalleryInput {
  projectId: string;
  projectName?: string;
  generations: readonly Generation[];
  hasMore: boolean;
  loading: boolean;
  totalEstimate?: number;
  error?: string;
}

export function galleryView(input: GalleryInput, ctx: ViewContext): GalleryView {
  const items = [...input.generations]
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((g) => generationView(g, ctx));
  const n = items.length;
  const countLabel =
    input.totalEstimate !== undefined && input.hasMore
      ? l10n.t('{0} of about {1} generations', n, input.totalEstimate)
      : n === 1
        ? input.hasMore
          ? l10n.t('1+ generation')
          : l10n.t('1 generation')
        : input.hasMore
          ? l10n.t('{0}+ generations', n)
          : l10n.t('{0} generations', n);
  return {
    projectId: input.projectId,
    title: input.projectName ?? input.projectId,
    items,
    hasMore: input.hasMore,
    loading: input.loading,
    countLabel,
    error: input.error,
  };
}

function runDuration(g: Generation): string | undefined {
  if (g.completedAt === undefined) return undefined;
  const span = g.completedAt - (g.startedAt ?? g.createdAt);
  // Clock skew or an unknown start makes no duration worth a summary slot.
  return span >= 0 && Number.isFinite(span) ? duration(span) : undefined;
}

function clampProgress(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

/** The last path segment, decoded, when it looks like a file name ("report.pdf"). */
export function fileNameOf(url: URL): string | undefined {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  name = name.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return name.length > 0 && name.length <= 200 ? name : undefined;
}

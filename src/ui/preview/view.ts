/**
 * Pure view models for the preview webviews: what a generation or a project gallery shows, built
 * from the store's data. No `vscode` import, so it is unit-tested directly.
 */
import * as l10n from '@vscode/l10n';
import { isActive, type Generation, type GenerationOutput } from '../../api/types';
import { cost, relativeTime, safeHttpUrl } from '../../model/format';
import {
  generationError,
  generationFacts,
  generationTitle,
  outputLabel,
  runDuration,
  statusText,
} from '../../model/presentation';
import type { DetailRow, GalleryView, GenerationView, OutputView } from './messages';

export interface ViewContext {
  modelName(modelId: string | undefined): string | undefined;
  projectName(projectId: string): string | undefined;
  /** The prompt of a generation started from this extension, when remembered. */
  promptOf?(generationId: string): string | undefined;
  now: number;
}

export function generationView(g: Generation, ctx: ViewContext): GenerationView {
  const modelName = ctx.modelName(g.modelId);
  const took = runDuration(g);
  const summary = [
    relativeTime(g.createdAt, ctx.now),
    g.cost !== undefined ? cost(g.cost) : undefined,
    took,
  ].filter((s): s is string => !!s);
  const details: DetailRow[] = generationFacts(g, {
    modelName,
    projectName: ctx.projectName(g.projectId),
    now: ctx.now,
    prompt: ctx.promptOf?.(g.id),
  });
  return {
    id: g.id,
    runId: g.runId,
    projectId: g.projectId,
    title: generationTitle(g, modelName),
    status: g.status,
    statusLabel: statusText(g),
    active: isActive(g.status),
    progress: g.progress,
    summary: summary.join(' · '),
    details,
    error: generationError(g),
    outputs: outputViews(g.outputs),
  };
}

export function outputViews(outputs: readonly GenerationOutput[]): OutputView[] {
  return outputs.map((o) => {
    const label = outputLabel(o, outputs);
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

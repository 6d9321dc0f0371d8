/**
 * What dragging generations and outputs out of the tree carries, and the Markdown a FLORA output
 * URL becomes when dropped into a Markdown file. Pure (no `vscode`): unit-tested directly.
 */
import * as l10n from '@vscode/l10n';
import type { Generation, GenerationOutput } from '../../api/types';
import { safeHttpUrl } from '../../model/format';
import { OUTPUT_LABELS, runName } from '../../model/presentation';

/** The tree nodes a drag can start from (a structural subset of FloraNode). */
export type DragSource =
  | { kind: 'generation'; generationId: string }
  | { kind: 'output'; generationId: string; outputId: string }
  | { kind: string };

export interface OutputLookup {
  generation(id: string): Generation | undefined;
  allGenerations(): Generation[];
  modelName(modelId: string | undefined): string | undefined;
}

export interface DragPayload {
  /** http(s) URLs of media and documents (for `text/uri-list`). */
  uris: string[];
  /** The same URLs, and the text of text outputs (for `text/plain`). */
  texts: string[];
}

export function dragPayload(
  store: Pick<OutputLookup, 'generation'>,
  sources: readonly DragSource[],
): DragPayload {
  const payload: DragPayload = { uris: [], texts: [] };
  const add = (o: GenerationOutput): void => {
    if (o.kind === 'text') {
      payload.texts.push(o.url);
      return;
    }
    const url = safeHttpUrl(o.url);
    if (!url || payload.uris.includes(url.toString())) return;
    payload.uris.push(url.toString());
    payload.texts.push(url.toString());
  };
  for (const s of sources) {
    if (s.kind === 'generation' && 'generationId' in s) {
      for (const o of store.generation(s.generationId)?.outputs ?? []) add(o);
    } else if (s.kind === 'output' && 'outputId' in s) {
      const o = store.generation(s.generationId)?.outputs.find((x) => x.id === s.outputId);
      if (o) add(o);
    }
  }
  return payload;
}

/** Splits a `text/uri-list` value into its URIs (comments and blank lines dropped). */
export function parseUriList(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/**
 * `![Flux Pro image](https://…)` for images and `[Flux Pro video](https://…)` for the rest, one per
 * line; undefined unless every URI is a FLORA output the store knows (other drops are not ours).
 */
export function markdownForUris(store: OutputLookup, uris: readonly string[]): string | undefined {
  if (uris.length === 0) return undefined;
  const byUrl = new Map<string, { g: Generation; o: GenerationOutput }>();
  for (const g of store.allGenerations()) {
    for (const o of g.outputs) {
      const url = o.kind === 'text' ? undefined : safeHttpUrl(o.url);
      if (url) byUrl.set(url.toString(), { g, o });
    }
  }
  const lines: string[] = [];
  for (const uri of uris) {
    const found = byUrl.get(safeHttpUrl(uri)?.toString() ?? '');
    if (!found) return undefined;
    const { g, o } = found;
    const text = escapeLinkText(
      l10n.t(
        '{0} {1}',
        runName(g, store.modelName(g.modelId)) ?? 'FLORA',
        OUTPUT_LABELS[o.kind].toLowerCase(),
      ),
    );
    const target = escapeLinkTarget(uri);
    lines.push(o.kind === 'image' ? `![${text}](${target})` : `[${text}](${target})`);
  }
  return lines.join('\n');
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\[\]*_`<>]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

/** Parentheses and spaces would end or break a Markdown link target. */
function escapeLinkTarget(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Where a generation started from an editor puts its result, without UI: the selection's offsets
 * carried through later edits of the document (pure arithmetic over the edits' offsets), and the
 * text inserted for each kind of output in each kind of file.
 */
import type { GenerationOutput } from '../api/types';
import { safeHttpUrl, snippet } from './format';

/** One edit of a document, as VS Code reports it (offsets in the text before the edit). */
export interface TextEdit {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface TrackedRange {
  start: number;
  end: number;
  /** An edit touched the text inside the range: the result should not replace it without asking. */
  touched: boolean;
}

/**
 * The range after `edits`, applied one after another (VS Code lists one event's edits so that
 * this order is right). Text inserted exactly at the start goes before the range and text at the
 * end after it; an edit inside or across the range marks it touched and the range then covers
 * what the edit left of it and the edit's new text.
 */
export function trackRange(range: TrackedRange, edits: readonly TextEdit[]): TrackedRange {
  let { start, end, touched } = range;
  for (const e of edits) {
    const editStart = e.rangeOffset;
    const editEnd = e.rangeOffset + e.rangeLength;
    const delta = e.text.length - e.rangeLength;
    if (editEnd <= start) {
      // Wholly before the range, an insertion at its start included: the range moves.
      start += delta;
      end += delta;
    } else if (editStart >= end) {
      // Wholly after it, an insertion at its end included: nothing moves.
    } else {
      touched = true;
      const newStart = Math.min(start, editStart);
      end = Math.max(newStart, end <= editEnd ? editStart + e.text.length : end + delta);
      start = newStart;
    }
  }
  return { start, end, touched };
}

/**
 * What the result does to the selection it was started from: it replaces the selection only when
 * that was the prompt (the submitted prompt, trimmed, is the selected text, trimmed); otherwise
 * the selected text is the user's own and the result goes after it.
 */
export function placement(selectedText: string, prompt: string): 'replace' | 'after' {
  const selected = selectedText.trim();
  return selected && selected === prompt.trim() ? 'replace' : 'after';
}

/**
 * The text put after a selection that is kept: on a line of its own, so it does not run into the
 * selected text (`const x = 1;![…](…)`). `midLine` says the selection ends before its line's end
 * or after text on it, i.e. not at the start of a line.
 */
export function textAfterSelection(text: string, midLine: boolean): string {
  return midLine ? `\n${text}` : text;
}

/**
 * Markdown files get a Markdown image (images) or link (other media); other files the bare URL.
 * A media output is inserted only with an http(s) URL (format.safeHttpUrl): any other scheme
 * (`javascript:`, `command:`, `file:`, `data:`) is left out, and with nothing left the text is
 * empty (the caller says there is nothing to insert).
 */
export function insertionText(
  outputs: readonly GenerationOutput[],
  options: { markdown: boolean; prompt?: string },
): string {
  const parts: string[] = [];
  for (const o of outputs) {
    if (o.kind === 'text') {
      parts.push(o.url); // a text output's `url` is the generated text itself (flora-api.md §6)
      continue;
    }
    const url = o.url.trim();
    if (!safeHttpUrl(url)) continue;
    if (!options.markdown) {
      parts.push(url);
      continue;
    }
    const alt = markdownLabel(options.prompt ?? '') || o.kind;
    const target = markdownDestination(url);
    parts.push(o.kind === 'image' ? `![${alt}](${target})` : `[${alt}](${target})`);
  }
  return parts.join('\n');
}

/**
 * A URL as a Markdown link destination, without angle brackets (CommonMark allows no line break
 * inside them): whitespace, `(`, `)`, `<`, `>`, `[`, `]` and `\` (which would escape what follows)
 * are percent-encoded, which a URL means the same way.
 */
export function markdownDestination(url: string): string {
  return url.replace(/[\s()<>[\]\\]/gu, (c) =>
    Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
      '',
    ),
  );
}

/** A prompt as a Markdown image's alt text or a link's label: one line, brackets escaped, bounded. */
export function markdownLabel(text: string): string {
  return snippet(text, 100).replace(/([\\[\]])/g, '\\$1');
}

/**
 * Dragging generations and outputs from the tree into an editor inserts their URLs
 * (`text/uri-list`, `text/plain`); into a Markdown file, an image becomes `![label](url)`.
 */
import * as vscode from 'vscode';
import type { Store } from '../../model/store';
import type { FloraNode } from '../nodes';
import { dragPayload, markdownForUris, parseUriList } from './dropText';

export class OutputDragAndDropController implements vscode.TreeDragAndDropController<FloraNode> {
  readonly dragMimeTypes = ['text/uri-list', 'text/plain'];
  /** Nothing can be dropped onto the tree. */
  readonly dropMimeTypes: readonly string[] = [];

  constructor(private readonly store: Store) {}

  handleDrag(source: readonly FloraNode[], dataTransfer: vscode.DataTransfer): void {
    const { uris, texts } = dragPayload(this.store, source);
    if (uris.length) dataTransfer.set('text/uri-list', new vscode.DataTransferItem(uris.join('\r\n')));
    if (texts.length) dataTransfer.set('text/plain', new vscode.DataTransferItem(texts.join('\n')));
  }
}

export const MARKDOWN_DROP_KIND = vscode.DocumentDropOrPasteEditKind.Empty.append(
  'markdown',
  'link',
  'flora',
);

/** In Markdown, a dropped FLORA output becomes an image (or a link) with a readable label. */
export class MarkdownOutputDropProvider implements vscode.DocumentDropEditProvider {
  constructor(private readonly store: Store) {}

  async provideDocumentDropEdits(
    _document: vscode.TextDocument,
    _position: vscode.Position,
    dataTransfer: vscode.DataTransfer,
    token: vscode.CancellationToken,
  ): Promise<vscode.DocumentDropEdit | undefined> {
    const list = await dataTransfer.get('text/uri-list')?.asString();
    if (!list || token.isCancellationRequested) return undefined;
    const markdown = markdownForUris(this.store, parseUriList(list));
    if (!markdown) return undefined;
    return new vscode.DocumentDropEdit(
      markdown,
      vscode.l10n.t('Insert FLORA output as Markdown'),
      MARKDOWN_DROP_KIND,
    );
  }
}

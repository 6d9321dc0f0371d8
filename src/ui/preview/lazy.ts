/**
 * What activation loads of the preview feature: its commands, the panel serializers and the
 * markdown drop provider are registered at once, and the preview code itself (manager, panels,
 * save, downloads; bundled apart as dist/previews.js) is loaded when one of them is first used.
 */
import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { ROW_COMMANDS } from '../tree';
import { MARKDOWN_DROP_KIND, MarkdownOutputDropProvider } from './dragAndDrop';
import { GALLERY_VIEW_TYPE, PREVIEW_VIEW_TYPE } from './messages';
import type { PreviewManager } from './manager';

type PreviewModule = typeof import('./index.js');

/** Bundled, the build maps this import to a require() of dist/previews.js (esbuild.js). */
export function loadPreview(): Promise<PreviewModule> {
  return import('./index.js');
}

export function registerPreview(
  deps: Pick<Deps, 'store' | 'tree' | 'apiOrigin' | 'logger' | 'transport'>,
  context: vscode.ExtensionContext,
  now?: () => number,
): {
  disposables: vscode.Disposable[];
  previews: () => Promise<PreviewManager>;
  /** The manager once loaded (nothing to ask of it before: no preview was ever opened). */
  loaded: () => PreviewManager | undefined;
} {
  let manager: Promise<PreviewManager> | undefined;
  let current: PreviewManager | undefined;
  const previews = () =>
    (manager ??= loadPreview().then(
      (m) => (current = new m.PreviewManager(deps, context.extensionUri, now)),
    ));
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'flora.preview': async (node) => (await loadPreview()).previewGeneration(deps, await previews(), node),
    [ROW_COMMANDS.preview]: async () => {
      // Read now: the clicked row is only known until the next click.
      const row = deps.tree.clickedRow();
      return row ? (await loadPreview()).previewGeneration(deps, await previews(), row) : undefined;
    },
    'flora.previewProject': async (node) =>
      (await loadPreview()).previewProject(deps, await previews(), node),
    'flora.saveOutput': async (node, options) =>
      (await loadPreview()).saveOutputCommand(deps, await previews(), node, options),
  };
  const disposables: vscode.Disposable[] = [
    { dispose: () => void manager?.then((m) => m.dispose()) },
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        (await previews()).previewSerializer.deserializeWebviewPanel(panel, state),
    }),
    vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        (await previews()).gallerySerializer.deserializeWebviewPanel(panel, state),
    }),
    vscode.languages.registerDocumentDropEditProvider(
      { language: 'markdown' },
      new MarkdownOutputDropProvider(deps.store),
      { dropMimeTypes: ['text/uri-list'], providedDropEditKinds: [MARKDOWN_DROP_KIND] },
    ),
    ...Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
  return { disposables, previews, loaded: () => current };
}

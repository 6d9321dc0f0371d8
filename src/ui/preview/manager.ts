/**
 * Owns every preview and gallery panel: one panel per generation and per project (opening again
 * reveals the existing one), live updates from the store's events, and the serializers that bring
 * panels back after a window reload.
 */
import * as vscode from 'vscode';
import { isLoopbackHost } from '../../api/validate';
import type { StoreChange } from '../../model/store';
import { copyUrl, openUrl } from '../actions/outputs';
import type { Deps } from '../deps';
import { GALLERY_VIEW_TYPE, PanelStateSchema, PREVIEW_VIEW_TYPE } from './messages';
import { GalleryPanel, PreviewPanel, type PanelHost } from './panels';
import { saveOutput, type SaveOptions, type SaveResult } from './save';
import type { ViewContext } from './view';

export type PreviewDeps = Pick<Deps, 'store' | 'apiOrigin' | 'logger' | 'transport'>;

export interface OpenOptions {
  /** Keep the keyboard where it is (a click in the tree): default true. */
  preserveFocus?: boolean;
  /** Open beside the active editor (from the gallery) instead of in it. */
  beside?: boolean;
}

export class PreviewManager implements PanelHost, vscode.Disposable {
  private readonly previewPanels = new Map<string, PreviewPanel>();
  private readonly galleryPanels = new Map<string, GalleryPanel>();
  private readonly subscription: { dispose(): void };

  /** Brings a generation preview back after a reload (registered for `flora.preview`). */
  readonly previewSerializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: (panel, state) => Promise.resolve(this.restore(panel, state, 'preview')),
  };
  /** Brings a project gallery back after a reload (registered for `flora.gallery`). */
  readonly gallerySerializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: (panel, state) => Promise.resolve(this.restore(panel, state, 'gallery')),
  };

  constructor(
    private readonly deps: PreviewDeps,
    readonly extensionUri: vscode.Uri,
    /** The time relative times are shown against (injected by tests). */
    private readonly now: () => number = Date.now,
  ) {
    this.subscription = deps.store.onDidChange((e) => this.onStoreChange(e));
  }

  get store() {
    return this.deps.store;
  }

  get logger() {
    return this.deps.logger;
  }

  // ------------------------------------------------------------------ reads (also for tests)

  preview(generationId: string): PreviewPanel | undefined {
    return this.previewPanels.get(generationId);
  }

  gallery(projectId: string): GalleryPanel | undefined {
    return this.galleryPanels.get(projectId);
  }

  get previews(): PreviewPanel[] {
    return [...this.previewPanels.values()];
  }

  get galleries(): GalleryPanel[] {
    return [...this.galleryPanels.values()];
  }

  // ------------------------------------------------------------------ opening

  /** Shows a generation's preview: the open one if there is one, else a new panel. */
  openGeneration(generationId: string, options: OpenOptions = {}): PreviewPanel {
    const preserveFocus = options.preserveFocus ?? true;
    const open = this.previewPanels.get(generationId);
    if (open) {
      open.reveal(preserveFocus);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      vscode.l10n.t('FLORA Preview'),
      { viewColumn: options.beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus },
      { enableFindWidget: true },
    );
    return this.track(new PreviewPanel(panel, this, generationId));
  }

  /** Shows a project's gallery, loading its first page if the tree has not. */
  openProject(projectId: string, options: OpenOptions = {}): GalleryPanel {
    const preserveFocus = options.preserveFocus ?? false;
    const open = this.galleryPanels.get(projectId);
    if (open) {
      open.reveal(preserveFocus);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      GALLERY_VIEW_TYPE,
      vscode.l10n.t('FLORA Gallery'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      {},
    );
    return this.track(new GalleryPanel(panel, this, projectId));
  }

  /** The serializers' path, public so tests can restore into a panel of their own. */
  restore(panel: vscode.WebviewPanel, state: unknown, expected: 'preview' | 'gallery'): void {
    const parsed = PanelStateSchema.safeParse(state);
    if (!parsed.success || parsed.data.view !== expected) {
      // Nothing to show (the webview never saved a state): close it rather than show an empty tab.
      this.logger.info(`Closed a FLORA ${expected} that had no saved state to restore.`);
      // After VS Code has finished restoring it: disposing a panel mid-restore upsets the workbench.
      setTimeout(() => {
        panel.dispose();
      }, 0);
      return;
    }
    const s = parsed.data;
    if (s.view === 'preview') {
      this.previewPanels.get(s.generationId)?.dispose();
      this.track(
        new PreviewPanel(panel, this, s.generationId, {
          projectId: s.projectId,
          title: s.title,
          restored: true,
        }),
      );
    } else {
      this.galleryPanels.get(s.projectId)?.dispose();
      this.track(new GalleryPanel(panel, this, s.projectId, { title: s.title }));
    }
  }

  // ------------------------------------------------------------------ PanelHost

  allowLoopbackMedia(): boolean {
    const origin = this.deps.apiOrigin();
    if (!origin) return false;
    try {
      return isLoopbackHost(new URL(origin).hostname);
    } catch {
      return false;
    }
  }

  viewContext(): ViewContext {
    const store = this.deps.store;
    return {
      modelName: (id) => store.modelName(id),
      projectName: (id) => store.project(id)?.name,
      promptOf: (id) => store.promptOf(id),
      now: this.now(),
    };
  }

  async openOutput(generationId: string, outputId: string): Promise<boolean> {
    const output = this.output(generationId, outputId);
    if (!output || output.kind === 'text') return false;
    return openUrl(this.deps, output.url);
  }

  saveOutput(generationId: string, outputId: string, options?: SaveOptions): Promise<SaveResult> {
    return saveOutput(this.deps, generationId, outputId, options);
  }

  async copyOutput(generationId: string, outputId: string): Promise<void> {
    await copyUrl(this.deps, { kind: 'output', generationId, outputId });
  }

  openPreview(generationId: string, options: { beside: boolean }): void {
    this.openGeneration(generationId, { beside: options.beside, preserveFocus: false });
  }

  /**
   * Whether a preview or gallery is on screen (they show relative times). A hidden one needs no
   * tick: when shown again, its webview asks for its content, rendered against the time then.
   */
  get anyVisible(): boolean {
    return [...this.previewPanels.values(), ...this.galleryPanels.values()].some((p) => p.visible);
  }

  /**
   * Time moved on: every panel re-renders its relative times. A panel posts only when its
   * content reads differently, and the webview redraws only the items that changed.
   */
  refreshTimes(): void {
    this.updateAll();
  }

  dispose(): void {
    this.subscription.dispose();
    for (const p of [...this.previewPanels.values(), ...this.galleryPanels.values()]) p.dispose();
    this.previewPanels.clear();
    this.galleryPanels.clear();
  }

  // ------------------------------------------------------------------ internals

  private output(generationId: string, outputId: string) {
    return this.deps.store.generation(generationId)?.outputs.find((o) => o.id === outputId);
  }

  private track<T extends PreviewPanel | GalleryPanel>(panel: T): T {
    if (panel instanceof PreviewPanel) {
      this.previewPanels.set(panel.generationId, panel);
      panel.onDidDispose(() => {
        if (this.previewPanels.get(panel.generationId) === panel)
          this.previewPanels.delete(panel.generationId);
      });
    } else {
      this.galleryPanels.set(panel.projectId, panel);
      panel.onDidDispose(() => {
        if (this.galleryPanels.get(panel.projectId) === panel) this.galleryPanels.delete(panel.projectId);
      });
    }
    panel.update();
    return panel;
  }

  private onStoreChange(e: StoreChange): void {
    switch (e.kind) {
      case 'generation':
        this.previewPanels.get(e.id)?.update();
        for (const g of this.galleryPanels.values()) {
          if (this.deps.store.generation(e.id)?.projectId === g.projectId) g.update();
        }
        return;
      case 'project':
        // A list load replaces its generations without one event each: update their previews too.
        this.galleryPanels.get(e.id)?.update();
        for (const p of this.previewPanels.values()) if (p.projectId === e.id) p.update();
        return;
      case 'models':
        this.updateAll();
        return;
      case 'root':
      case 'filter':
        // Cleared (sign-out, another key or base URL) or refiltered: fetch again what panels show.
        for (const p of this.previewPanels.values()) p.ensureLoaded();
        for (const g of this.galleryPanels.values()) g.ensureLoaded();
        this.updateAll();
        return;
      case 'workspace':
        // Project names arrive with their workspace's project list.
        for (const g of this.galleryPanels.values()) g.update();
        return;
    }
  }

  private updateAll(): void {
    for (const p of this.previewPanels.values()) p.update();
    for (const g of this.galleryPanels.values()) g.update();
  }
}

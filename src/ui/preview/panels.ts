/**
 * The two webview panels: one generation's preview and one project's gallery. A panel owns its
 * `WebviewPanel`, sets the HTML shell once, and from then on only posts messages (live updates
 * never reload the page). It validates every message from its webview and hands the actions to
 * its host (the PreviewManager).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../api/logger';
import type { Store } from '../../model/store';
import { userFacingError } from '../errorView';
import { buildShellHtml, createNonce } from './html';
import { WebviewMessageSchema, type HostMessage, type WebviewMessage } from './messages';
import { galleryView, generationView, type ViewContext } from './view';

/** What panels need from the manager. */
export interface PanelHost {
  readonly store: Store;
  readonly logger: Logger;
  readonly extensionUri: vscode.Uri;
  /** Whether media may come from loopback http (the configured FLORA is loopback). */
  allowLoopbackMedia(): boolean;
  viewContext(): ViewContext;
  openOutput(generationId: string, outputId: string): Promise<unknown>;
  saveOutput(generationId: string, outputId: string): Promise<unknown>;
  copyOutput(generationId: string, outputId: string): Promise<unknown>;
  openPreview(generationId: string, options: { beside: boolean }): void;
}

/** Only the extension's media folders: the stylesheet (media/) and the bundled script (dist/media/). */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'media'),
    ],
  };
}

type Body = HostMessage extends infer M ? (M extends HostMessage ? Omit<M, 'revision'> : never) : never;

export abstract class FloraPanel implements vscode.Disposable {
  /** How many times the HTML was set (once per panel: updates are messages). */
  htmlLoads = 0;
  /** How many times the webview (re)started its script and said "ready". */
  readyCount = 0;
  /** The last message the webview confirmed it rendered (for tests and diagnostics). */
  lastRendered: HostMessage | undefined;
  private revision = 0;
  private lastBody: string | undefined;
  private readonly sent = new Map<number, HostMessage>();
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly renderEmitter = new vscode.EventEmitter<HostMessage>();
  /** Fires when the webview confirms it rendered a message. */
  readonly onDidRender = this.renderEmitter.event;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly host: PanelHost,
  ) {
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'flora.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
    );
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  reveal(preserveFocus: boolean): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Sends the current content when it differs from what was sent last (or always, when forced). */
  update(force = false): void {
    if (this.disposed) return;
    const body = this.content();
    const json = JSON.stringify(body);
    this.panel.title = this.title();
    if (!force && json === this.lastBody) return;
    this.lastBody = json;
    const message: HostMessage = { ...body, revision: ++this.revision };
    this.sent.set(message.revision, message);
    for (const r of this.sent.keys()) if (r < message.revision - 20) this.sent.delete(r);
    // A hidden webview drops messages; it says "ready" again when shown, and gets the content then.
    this.host.logger.trace(`${this.panel.viewType}: posting ${message.type} #${message.revision}`);
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.disposeEmitter.dispose();
    this.renderEmitter.dispose();
    this.panel.dispose();
  }

  protected load(view: 'preview' | 'gallery', data: Record<string, string>): void {
    const { webview } = this.panel;
    webview.html = buildShellHtml({
      view,
      title: this.title(),
      cspSource: webview.cspSource,
      nonce: createNonce(),
      allowLoopbackMedia: this.host.allowLoopbackMedia(),
      scriptUri: webview
        .asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'media', 'preview.js'))
        .toString(),
      styleUri: webview
        .asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, 'media', 'preview', 'preview.css'))
        .toString(),
      // The webview script translates its own words with @vscode/l10n from this bundle.
      data: vscode.l10n.bundle ? { ...data, l10n: JSON.stringify(vscode.l10n.bundle) } : data,
    });
    this.htmlLoads++;
    this.panel.title = this.title();
  }

  protected abstract content(): Body;
  protected abstract title(): string;
  /** Whether this panel shows that generation (a webview may act only on what it shows). */
  protected abstract shows(generationId: string): boolean;
  protected abstract handle(message: WebviewMessage): Promise<unknown>;

  /** Everything the webview sends comes through here (and tests send the same messages here). */
  receive(raw: unknown): void {
    const parsed = WebviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.host.logger.warn(
        `Ignored a malformed message from a FLORA preview: ${parsed.error.message.slice(0, 200)}`,
      );
      return;
    }
    const message = parsed.data;
    this.host.logger.trace(`${this.panel.viewType}: webview sent ${message.type}`);
    switch (message.type) {
      case 'ready':
        this.readyCount++;
        this.update(true);
        return;
      case 'rendered': {
        const shown = this.sent.get(message.revision);
        if (shown) {
          this.lastRendered = shown;
          this.renderEmitter.fire(shown);
        }
        return;
      }
      case 'open':
      case 'save':
      case 'copy':
      case 'preview':
        if (!this.shows(message.generationId)) {
          this.host.logger.warn(`Ignored a "${message.type}" for a generation this preview does not show.`);
          return;
        }
        break;
      default:
        break;
    }
    this.handle(message).catch((err: unknown) =>
      this.host.logger.error(
        `Preview action "${message.type}" failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }
}

/** One generation: its outputs and details, updated live from the store. */
export class PreviewPanel extends FloraPanel {
  private knownProjectId: string | undefined;
  private knownTitle: string | undefined;
  private restored: boolean;

  constructor(
    panel: vscode.WebviewPanel,
    host: PanelHost,
    readonly generationId: string,
    hints: { projectId?: string; title?: string; restored?: boolean } = {},
  ) {
    super(panel, host);
    this.knownProjectId = hints.projectId;
    this.knownTitle = hints.title;
    this.restored = !!hints.restored;
    // An open preview keeps its generation in the store, whatever the eviction of long sessions drops.
    this.disposables.push(host.store.retain(generationId));
    this.load('preview', { 'generation-id': generationId });
    this.ensureLoaded();
  }

  get projectId(): string | undefined {
    return this.host.store.generation(this.generationId)?.projectId ?? this.knownProjectId;
  }

  /** After a reload the store starts empty: ask it for the project's first page, where recent runs are. */
  ensureLoaded(): void {
    if (this.host.store.generation(this.generationId) || !this.knownProjectId) return;
    void this.host.store.ensureGenerations(this.knownProjectId);
  }

  protected title(): string {
    const g = this.host.store.generation(this.generationId);
    if (!g) return this.knownTitle ?? vscode.l10n.t('FLORA Preview');
    const view = generationView(g, this.host.viewContext());
    this.knownTitle = view.title;
    return g.status === 'completed' ? view.title : vscode.l10n.t('{0} ({1})', view.title, view.statusLabel);
  }

  protected content(): Body {
    const g = this.host.store.generation(this.generationId);
    if (g) {
      this.knownProjectId = g.projectId;
      this.restored = false;
      return { type: 'generation', view: generationView(g, this.host.viewContext()) };
    }
    return {
      type: 'missing',
      generationId: this.generationId,
      message: this.restored
        ? vscode.l10n.t(
            'Showing the state saved before the window reloaded. It updates when FLORA has loaded this generation.',
          )
        : vscode.l10n.t(
            'This generation is not loaded any more (signed out, filtered or refreshed away). Open it again from the FLORA view.',
          ),
    };
  }

  protected shows(generationId: string): boolean {
    return generationId === this.generationId;
  }

  protected async handle(message: WebviewMessage): Promise<unknown> {
    switch (message.type) {
      case 'open':
        return this.host.openOutput(message.generationId, message.outputId);
      case 'save':
        return this.host.saveOutput(message.generationId, message.outputId);
      case 'copy':
        return this.host.copyOutput(message.generationId, message.outputId);
      case 'refresh':
        if (this.host.store.generation(this.generationId))
          return this.host.store.refreshGeneration(this.generationId);
        this.ensureLoaded();
        return undefined;
      default:
        return undefined;
    }
  }
}

/** Every loaded generation of one project, newest first, as a keyboard-navigable grid. */
export class GalleryPanel extends FloraPanel {
  private knownTitle: string | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    host: PanelHost,
    readonly projectId: string,
    hints: { title?: string } = {},
  ) {
    super(panel, host);
    this.knownTitle = hints.title;
    this.load('gallery', { 'project-id': projectId });
    this.ensureLoaded();
  }

  ensureLoaded(): void {
    if (!this.host.store.generationList(this.projectId).loaded)
      void this.host.store.ensureGenerations(this.projectId);
  }

  protected title(): string {
    const name = this.host.store.project(this.projectId)?.name;
    if (name) this.knownTitle = name;
    return vscode.l10n.t('Gallery: {0}', this.knownTitle ?? this.projectId);
  }

  protected content(): Body {
    const store = this.host.store;
    const list = store.generationList(this.projectId);
    return {
      type: 'gallery',
      view: galleryView(
        {
          projectId: this.projectId,
          projectName: store.project(this.projectId)?.name ?? this.knownTitle,
          generations: store.generations(this.projectId),
          hasMore: !!list.nextCursor,
          loading: list.loading || (!list.loaded && !list.error),
          totalEstimate: list.totalEstimate,
          error: list.error ? userFacingError(list.error).title : undefined,
        },
        this.host.viewContext(),
      ),
    };
  }

  protected shows(generationId: string): boolean {
    return this.host.store.generation(generationId)?.projectId === this.projectId;
  }

  protected async handle(message: WebviewMessage): Promise<unknown> {
    const store = this.host.store;
    switch (message.type) {
      case 'preview':
        this.host.openPreview(message.generationId, { beside: true });
        return undefined;
      case 'loadMore':
        return store.loadMoreGenerations(this.projectId);
      case 'refresh':
        return store.refreshGenerations(this.projectId);
      case 'open':
        return this.host.openOutput(message.generationId, message.outputId);
      case 'save':
        return this.host.saveOutput(message.generationId, message.outputId);
      case 'copy':
        return this.host.copyOutput(message.generationId, message.outputId);
      default:
        return undefined;
    }
  }
}

/** The Generations tree: workspaces → projects → generations → outputs, read from the store. */
import * as vscode from 'vscode';
import type { Generation, GenerationOutput, GenerationStatus } from '../api/types';
import {
  OUTPUT_LABELS,
  STATUS_LABELS,
  absoluteTime,
  cost,
  duration,
  relativeTime,
  safeHttpUrl,
  snippet,
} from '../model/format';
import type { ListState, Store, StoreChange } from '../model/store';
import { userFacingError } from './errorView';
import {
  GenerationNode,
  LoadMoreNode,
  MessageNode,
  OutputNode,
  ProjectNode,
  WorkspaceNode,
  type FloraNode,
} from './nodes';

const STATUS_ICONS: Record<GenerationStatus, vscode.ThemeIcon> = {
  pending: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  running: new vscode.ThemeIcon('loading~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  unknown: new vscode.ThemeIcon('question'),
};

const OUTPUT_ICONS: Record<GenerationOutput['kind'], string> = {
  image: 'file-media',
  video: 'device-camera-video',
  audio: 'unmute',
  text: 'note',
  document: 'file-pdf',
  unknown: 'question',
};

export interface TreeOptions {
  hasKey: () => boolean;
  now?: () => number;
}

export class GenerationsTreeProvider implements vscode.TreeDataProvider<FloraNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FloraNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One instance per id, so getParent/reveal and VS Code's element identity line up. */
  private readonly nodes = new Map<string, FloraNode>();
  private pendingChanges = new Set<FloraNode | undefined>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: { dispose(): void };
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: TreeOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.subscription = store.onDidChange((e) => this.onStoreChange(e));
  }

  /** Re-renders the whole tree (key set or cleared, settings changed). */
  refreshAll(): void {
    this.queue(undefined);
  }

  // ------------------------------------------------------------ TreeDataProvider

  async getChildren(element?: FloraNode): Promise<FloraNode[]> {
    if (!element) return this.rootChildren();
    switch (element.kind) {
      case 'workspace':
        return this.workspaceChildren(element);
      case 'project':
        return this.projectChildren(element);
      case 'generation':
        return (this.store.generation(element.generationId)?.outputs ?? []).map((o) =>
          this.intern(new OutputNode(element.generationId, o.id, element)),
        );
      default:
        return [];
    }
  }

  getParent(element: FloraNode): FloraNode | undefined {
    switch (element.kind) {
      case 'workspace':
        return undefined;
      case 'project':
        return this.intern(new WorkspaceNode(element.workspaceId));
      case 'generation':
        return this.intern(new ProjectNode(element.projectId, element.workspaceId));
      case 'output':
      case 'loadMore':
        return element.parent;
      case 'message':
        return element.parent;
    }
  }

  getTreeItem(element: FloraNode): vscode.TreeItem {
    switch (element.kind) {
      case 'workspace':
        return this.workspaceItem(element);
      case 'project':
        return this.projectItem(element);
      case 'generation':
        return this.generationItem(element);
      case 'output':
        return this.outputItem(element);
      case 'loadMore':
        return this.loadMoreItem(element);
      case 'message':
        return this.messageItem(element);
    }
  }

  /** The node of a loaded generation, for `TreeView.reveal`. */
  generationNode(generationId: string): GenerationNode | undefined {
    const g = this.store.generation(generationId);
    return g ? this.intern(new GenerationNode(g.id, g.projectId, g.workspaceId)) : undefined;
  }

  /** The node of one output of a loaded generation. */
  outputNode(generationId: string, outputId: string): OutputNode | undefined {
    const parent = this.generationNode(generationId);
    return parent ? this.intern(new OutputNode(generationId, outputId, parent)) : undefined;
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  // ------------------------------------------------------------ children

  private async rootChildren(): Promise<FloraNode[]> {
    if (!this.options.hasKey()) return [];
    await this.store.ensureWorkspaces();
    const list = this.store.workspaceList();
    const nodes: FloraNode[] = [];
    const message = this.listMessage(undefined, list);
    if (message) nodes.push(message);
    const workspaces = this.store.visibleWorkspaces();
    nodes.push(...workspaces.map((w) => this.intern(new WorkspaceNode(w.id))));
    if (list.loaded && !list.error && workspaces.length === 0) {
      nodes.push(
        this.intern(
          new MessageNode(
            undefined,
            'empty',
            this.store.filter.workspaceId
              ? 'The filtered workspace is not available to this key'
              : 'This key sees no workspaces',
            'GET /workspaces returned no workspace for this API key.',
            this.store.filter.workspaceId
              ? { command: 'flora.clearFilter', title: 'Clear Filter' }
              : undefined,
          ),
        ),
      );
    }
    return nodes;
  }

  private async workspaceChildren(ws: WorkspaceNode): Promise<FloraNode[]> {
    await this.store.ensureProjects(ws.workspaceId);
    const list = this.store.projectList(ws.workspaceId);
    const nodes: FloraNode[] = [];
    const message = this.listMessage(ws, list);
    if (message) nodes.push(message);
    const projects = this.store.visibleProjects(ws.workspaceId);
    nodes.push(...projects.map((p) => this.intern(new ProjectNode(p.id, ws.workspaceId))));
    if (!this.store.filter.projectId && list.nextCursor) nodes.push(this.intern(new LoadMoreNode(ws)));
    if (list.loaded && !list.error && projects.length === 0) {
      nodes.push(this.intern(new MessageNode(ws, 'empty', 'No projects in this workspace', '')));
    }
    return nodes;
  }

  private async projectChildren(prj: ProjectNode): Promise<FloraNode[]> {
    await this.store.ensureGenerations(prj.projectId);
    const list = this.store.generationList(prj.projectId);
    const nodes: FloraNode[] = [];
    const message = this.listMessage(prj, list);
    if (message) nodes.push(message);
    const gens = this.store.generations(prj.projectId);
    nodes.push(...gens.map((g) => this.intern(new GenerationNode(g.id, prj.projectId, prj.workspaceId))));
    if (list.nextCursor) nodes.push(this.intern(new LoadMoreNode(prj)));
    if (list.loaded && !list.error && gens.length === 0) {
      const status = this.store.filter.status;
      nodes.push(
        this.intern(
          status
            ? new MessageNode(
                prj,
                'empty',
                `No ${status} generations in this project`,
                'The filter hides the others.',
                {
                  command: 'flora.clearFilter',
                  title: 'Clear Filter',
                },
              )
            : new MessageNode(prj, 'empty', 'No generations in this project yet', ''),
        ),
      );
    }
    return nodes;
  }

  /** An error row for a list: alone when nothing loaded, or above stale data. */
  private listMessage(
    parent: WorkspaceNode | ProjectNode | undefined,
    list: ListState,
  ): MessageNode | undefined {
    if (!list.error) return undefined;
    const e = userFacingError(list.error);
    if (list.loaded) {
      return this.intern(
        new MessageNode(parent, 'stale', `Showing earlier data: ${e.title}`, e.detail, e.action),
      );
    }
    return this.intern(new MessageNode(parent, 'error', e.title, e.detail, e.action));
  }

  // ------------------------------------------------------------ items

  private workspaceItem(node: WorkspaceNode): vscode.TreeItem {
    const w = this.store.workspace(node.workspaceId);
    const single = this.store.visibleWorkspaces().length === 1;
    const item = new vscode.TreeItem(
      w?.name ?? node.workspaceId,
      single ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.description = w?.role || undefined;
    item.contextValue = 'workspace';
    item.tooltip = tooltip([[w?.name ?? node.workspaceId, true], [`Workspace · ${node.workspaceId}`]]);
    return item;
  }

  private projectItem(node: ProjectNode): vscode.TreeItem {
    const p = this.store.project(node.projectId);
    const list = this.store.generationList(node.projectId);
    const item = new vscode.TreeItem(p?.name ?? node.projectId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('folder-library');
    if (list.loading) item.description = 'loading…';
    else if (list.loaded) item.description = `${list.ids.length}${list.nextCursor ? '+' : ''}`;
    item.contextValue = 'project';
    const lines: Array<[string, boolean?]> = [
      [p?.name ?? node.projectId, true],
      [`Project · ${node.projectId}`],
    ];
    if (p?.lastModified) lines.push([`Last activity ${absoluteTime(p.lastModified)}`]);
    if (list.totalEstimate !== undefined) lines.push([`About ${list.totalEstimate} generations`]);
    item.tooltip = tooltip(lines);
    return item;
  }

  private generationItem(node: GenerationNode): vscode.TreeItem {
    const g = this.store.generation(node.generationId);
    if (!g) {
      const gone = new vscode.TreeItem(node.generationId);
      gone.id = node.id;
      return gone;
    }
    const label = this.store.modelName(g.modelId) ?? 'Generation';
    const item = new vscode.TreeItem(
      label,
      g.outputs.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.iconPath = STATUS_ICONS[g.status];
    item.description = this.generationDescription(g);
    item.tooltip = this.generationTooltip(g, label);
    const links = g.outputs.some((o) => o.kind !== 'text' && safeHttpUrl(o.url));
    item.contextValue = [
      'generation',
      `status-${g.status}`,
      g.outputs.length ? 'hasOutputs' : '',
      links ? 'hasLinks' : '',
    ]
      .filter(Boolean)
      .join(' ');
    item.accessibilityInformation = {
      label: `${label}, ${STATUS_LABELS[g.status]}, ${item.description}`,
    };
    item.command = { command: 'flora.preview', title: 'Preview', arguments: [node] };
    return item;
  }

  private generationDescription(g: Generation): string {
    const parts = [relativeTime(g.createdAt, this.now())];
    if (g.status === 'running') parts.push(`${Math.round(g.progress)}%`);
    if (g.status === 'pending') parts.push('queued');
    if (g.status === 'failed') parts.push('failed');
    // Failed runs are generally not charged: "$0" on them is noise.
    if (g.cost !== undefined && !(g.status === 'failed' && g.cost === 0)) parts.push(cost(g.cost));
    return parts.join(' · ');
  }

  private generationTooltip(g: Generation, label: string): vscode.MarkdownString {
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**');
    md.appendText(label);
    md.appendMarkdown('** — ');
    md.appendText(STATUS_LABELS[g.status] + (g.status === 'unknown' ? ` (${g.rawStatus})` : ''));
    if (g.status === 'running') md.appendText(` · ${Math.round(g.progress)}%`);
    md.appendMarkdown('\n\n');
    const rows: Array<[string, string | undefined]> = [
      ['Model', g.modelId],
      ['Created', absoluteTime(g.createdAt)],
      ['Started', g.startedAt ? absoluteTime(g.startedAt) : undefined],
      ['Completed', g.completedAt ? absoluteTime(g.completedAt) : undefined],
      ['Duration', g.completedAt ? duration(g.completedAt - (g.startedAt ?? g.createdAt)) : undefined],
      ['Cost', g.cost !== undefined ? cost(g.cost) : undefined],
      ['Outputs', g.outputs.length ? String(g.outputs.length) : undefined],
      ['Run id', g.runId],
      ['Project', this.store.project(g.projectId)?.name ?? g.projectId],
    ];
    for (const [k, v] of rows) {
      if (v === undefined) continue;
      md.appendMarkdown(`${k}: `);
      md.appendText(v);
      md.appendMarkdown('  \n');
    }
    if (g.status === 'failed' && (g.errorMessage || g.errorCode)) {
      md.appendMarkdown('\n**Error:** ');
      md.appendText(g.errorMessage ?? '');
      if (g.errorCode) md.appendText(` (${g.errorCode})`);
    }
    return md;
  }

  private outputItem(node: OutputNode): vscode.TreeItem {
    const g = this.store.generation(node.generationId);
    const o = g?.outputs.find((x) => x.id === node.outputId);
    const item = new vscode.TreeItem(
      o && g ? outputLabel(o, g.outputs) : node.outputId,
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    if (!o) return item;
    item.iconPath = new vscode.ThemeIcon(OUTPUT_ICONS[o.kind]);
    const url = o.kind === 'text' ? undefined : safeHttpUrl(o.url);
    item.description = o.kind === 'text' ? undefined : url ? url.hostname : 'not a web link';
    item.contextValue = ['output', `kind-${o.kind}`, url ? 'hasUrl' : '', o.kind === 'text' ? 'isText' : '']
      .filter(Boolean)
      .join(' ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${OUTPUT_LABELS[o.kind]}** \n\n`);
    md.appendText(o.kind === 'text' ? snippet(o.url, 600) : o.url);
    item.tooltip = md;
    item.command = { command: 'flora.openOutput', title: 'Open Output', arguments: [node] };
    return item;
  }

  private loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
    const list =
      node.parent.kind === 'workspace'
        ? this.store.projectList(node.parent.workspaceId)
        : this.store.generationList(node.parent.projectId);
    const loading = list.loading;
    const item = new vscode.TreeItem(
      loading ? 'Loading…' : 'Load more…',
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
    item.description =
      list.totalEstimate !== undefined ? `${list.ids.length} of about ${list.totalEstimate}` : undefined;
    item.contextValue = node.parent.kind === 'project' ? 'loadMore loadMoreGenerations' : 'loadMore';
    item.command = loading ? undefined : { command: 'flora.loadMore', title: 'Load More', arguments: [node] };
    return item;
  }

  private messageItem(node: MessageNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.iconPath =
      node.messageKind === 'error'
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
        : node.messageKind === 'stale'
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon('info');
    const md = new vscode.MarkdownString();
    md.appendText(node.detail || node.label);
    if (node.action) md.appendMarkdown(`\n\n_Click to ${node.action.title.toLowerCase()}._`);
    item.tooltip = md;
    item.contextValue = `message message-${node.messageKind}`;
    if (node.action) {
      item.command = {
        command: node.action.command,
        title: node.action.title,
        arguments: node.action.arguments,
      };
      item.description = node.action.title;
    }
    return item;
  }

  // ------------------------------------------------------------ change plumbing

  private intern<T extends FloraNode>(node: T): T {
    const known = this.nodes.get(node.id);
    if (known && known.kind === node.kind && sameMessage(known, node)) return known as T;
    this.nodes.set(node.id, node);
    return node;
  }

  private onStoreChange(e: StoreChange): void {
    switch (e.kind) {
      case 'root':
      case 'filter':
      case 'models':
        this.queue(undefined);
        return;
      case 'workspace':
        this.queueKnown(`ws:${e.id}`);
        return;
      case 'project':
        this.queueKnown(`prj:${e.id}`);
        return;
      case 'generation':
        this.queueKnown(`gen:${e.id}`);
        return;
    }
  }

  private queueKnown(id: string): void {
    const node = this.nodes.get(id);
    // A node VS Code never received needs no update: it is read fresh when first shown.
    if (node) this.queue(node);
  }

  /** Coalesces bursts of store events into one tree update per node (a whole-tree one wins). */
  private queue(node: FloraNode | undefined): void {
    this.pendingChanges.add(node);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const batch = this.pendingChanges;
      this.pendingChanges = new Set();
      if (batch.has(undefined)) this.changed.fire(undefined);
      else for (const n of batch) this.changed.fire(n);
    }, 30);
  }
}

function sameMessage(a: FloraNode, b: FloraNode): boolean {
  if (a.kind !== 'message' || b.kind !== 'message') return true;
  return a.label === b.label && a.detail === b.detail;
}

/** "Image", or "Image 2" when the generation has several of that kind. */
function outputLabel(o: GenerationOutput, all: readonly GenerationOutput[]): string {
  if (o.kind === 'text') return `Text: ${snippet(o.url, 48)}`;
  const same = all.filter((x) => x.kind === o.kind);
  return same.length > 1 ? `${OUTPUT_LABELS[o.kind]} ${same.indexOf(o) + 1}` : OUTPUT_LABELS[o.kind];
}

/** A plain tooltip whose lines come from the API: every line is escaped. */
function tooltip(lines: Array<[string, boolean?]>): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  lines.forEach(([text, bold], i) => {
    if (i) md.appendMarkdown('  \n');
    if (bold) md.appendMarkdown('**');
    md.appendText(text);
    if (bold) md.appendMarkdown('**');
  });
  return md;
}

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
import { generationRowInputs, RowMemo } from '../model/rows';
import type { ListState, Store, StoreChange } from '../model/store';
import { VIEW_ID } from './actions/paging';
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
  text: 'note', // l10n-ignore: a codicon name
  document: 'file-pdf',
  unknown: 'question',
};

/**
 * What a click on a row runs: hidden commands without arguments, acting on the clicked (selected)
 * row. The palette's and context menus' `flora.preview` / `flora.openOutput` / `flora.loadMore`
 * keep taking a node or an id.
 */
export const ROW_COMMANDS = {
  preview: 'flora.row.preview',
  openOutput: 'flora.row.openOutput',
  loadMore: 'flora.row.loadMore',
} as const;

export interface TreeOptions {
  hasKey: () => boolean;
  now?: () => number;
}

/**
 * How this provider stays in step with VS Code's tree (what the extension host does, read from
 * VS Code 1.100's `ExtHostTreeView`):
 *
 * - A row's click command with arguments is cached in the extension host per render and disposed
 *   when that row, or any ancestor, is refreshed; the row stays on screen with the dead command id
 *   until the workbench re-fetches it ("Actual command not found"). So click commands here carry
 *   no arguments (`ROW_COMMANDS`): their handlers act on the row the click selected.
 * - Refreshing a row that has children disposes the children at once, and a children fetch that
 *   overlaps a refresh of its parent registers the children under the replaced parent node: the
 *   next fetch then fails with "Element with id … is already registered" and the rows go blank,
 *   or a row keeps a stale item that no longer updates. Only a whole-tree refresh cancels fetches
 *   in flight. So: when the rows under a parent change (Load more, Load All, refresh, a new
 *   generation), the whole tree is refreshed (coalesced); when only a row's own content changes
 *   (a progress tick), only that row is, and only if what it shows changed; `getChildren` never
 *   waits on the network (it starts loads and answers from the store at once); and no list
 *   hands VS Code one id twice.
 */
export class GenerationsTreeProvider implements vscode.TreeDataProvider<FloraNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FloraNode | FloraNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /**
   * One instance per id, so getParent/reveal and VS Code's element identity line up. Rebuilt from
   * what VS Code asks for after every whole-tree refresh, so it holds only rows on screen.
   */
  private nodes = new Map<string, FloraNode>();
  /** The generation rows of `nodes` by generation id: a project's re-read builds no id per row. */
  private generationNodes = new Map<string, GenerationNode>();
  /** What each row showed when VS Code last read it: a change that shows nothing new is not sent. */
  private shown = new Map<string, string>();
  /** What each generation row VS Code holds was built from: an unchanged row is not rebuilt. */
  private readonly rows = new RowMemo();
  /** The child ids handed to VS Code per parent ('' = root): the structure VS Code holds. */
  private structure = new Map<string, string>();
  private pendingChanges = new Set<FloraNode | undefined>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: { dispose(): void };
  private readonly now: () => number;
  /** The row the user last selected: the target of an argument-less click command. */
  private selected: FloraNode | undefined;

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

  /**
   * Time moved on ("just now" → "1m ago"): only the generation rows VS Code shows whose text now
   * reads differently are refreshed, from the store, without asking FLORA.
   */
  refreshTimes(): void {
    for (const id of [...this.shown.keys()]) if (id.startsWith('gen:')) this.queueRow(id);
  }

  // ------------------------------------------------------------ TreeDataProvider

  /** Answers at once from the store (never waits on FLORA); loads what is missing in the background. */
  getChildren(element?: FloraNode): FloraNode[] {
    const children = unique(this.children(element));
    this.structure.set(element?.id ?? '', children.map((c) => c.id).join('\n'));
    return children;
  }

  private children(element: FloraNode | undefined): FloraNode[] {
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
    // Taken before building: a minute turning in between makes the next check rebuild, not miss.
    const inputs = this.rowInputs(element);
    const item = this.buildItem(element);
    this.shown.set(element.id, signature(item));
    if (element.kind === 'generation') {
      if (inputs) this.rows.remember(element.generationId, inputs);
      else this.rows.forget(element.generationId);
    }
    return item;
  }

  /**
   * The row a row-click command (`ROW_COMMANDS`, run without arguments) acts on: the one the click
   * selected. The selection the extension host resolves can be empty for a moment while VS Code
   * re-reads the tree, so the last selection event is the fallback.
   */
  clickedRow(): FloraNode | undefined {
    return this.view?.selection[0] ?? this.selected;
  }

  /** Follows the view's selection, so that a row-click command knows its row. */
  attach(view: vscode.TreeView<FloraNode>): vscode.Disposable {
    this.view = view;
    return view.onDidChangeSelection((e) => {
      this.selected = e.selection[0];
    });
  }

  private view: vscode.TreeView<FloraNode> | undefined;

  private buildItem(element: FloraNode): vscode.TreeItem {
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

  private rootChildren(): FloraNode[] {
    if (!this.options.hasKey()) return [];
    const list = this.store.workspaceList();
    if (!list.loaded && !list.error) {
      this.load(this.store.ensureWorkspaces());
      return [this.loadingRow(undefined)];
    }
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
              ? vscode.l10n.t('The filtered workspace is not available to this key')
              : vscode.l10n.t('This key sees no workspaces'),
            vscode.l10n.t('GET /workspaces returned no workspace for this API key.'),
            this.store.filter.workspaceId
              ? { command: 'flora.clearFilter', title: vscode.l10n.t('Clear Filter') }
              : undefined,
          ),
        ),
      );
    }
    return nodes;
  }

  private workspaceChildren(ws: WorkspaceNode): FloraNode[] {
    const list = this.store.projectList(ws.workspaceId);
    const only = this.store.filter.projectId;
    const missing = only ? !this.store.project(only) && !list.error : !list.loaded && !list.error;
    if (missing) {
      this.load(this.store.ensureProjects(ws.workspaceId));
      return [this.loadingRow(ws)];
    }
    const nodes: FloraNode[] = [];
    const message = this.listMessage(ws, list);
    if (message) nodes.push(message);
    const projects = this.store.visibleProjects(ws.workspaceId);
    nodes.push(...projects.map((p) => this.intern(new ProjectNode(p.id, ws.workspaceId))));
    if (!this.store.filter.projectId && list.nextCursor) nodes.push(this.intern(new LoadMoreNode(ws)));
    if (list.loaded && !list.error && projects.length === 0) {
      nodes.push(
        this.intern(new MessageNode(ws, 'empty', vscode.l10n.t('No projects in this workspace'), '')),
      );
    }
    return nodes;
  }

  private projectChildren(prj: ProjectNode): FloraNode[] {
    const list = this.store.generationList(prj.projectId);
    if (!list.loaded && !list.error) {
      this.load(this.store.ensureGenerations(prj.projectId));
      return [this.loadingRow(prj)];
    }
    const nodes: FloraNode[] = [];
    const message = this.listMessage(prj, list);
    if (message) nodes.push(message);
    const gens = this.store.generations(prj.projectId);
    if (list.skipped > 0) {
      // Items FLORA sent that could not be read: never "no generations", never a blank view.
      nodes.push(
        this.intern(
          new MessageNode(
            prj,
            'skipped',
            list.skipped === 1
              ? vscode.l10n.t('1 generation could not be read')
              : vscode.l10n.t('{0} generations could not be read', list.skipped),
            vscode.l10n.t(
              'FLORA sent items this version cannot read; they are skipped and logged. Show Logs for the details.',
            ),
            { command: 'flora.showLogs', title: vscode.l10n.t('Show Logs') },
          ),
        ),
      );
    }
    for (const g of gens) {
      const known = this.generationNodes.get(g.id);
      nodes.push(known ?? this.intern(new GenerationNode(g.id, prj.projectId, prj.workspaceId)));
    }
    if (list.nextCursor) nodes.push(this.intern(new LoadMoreNode(prj)));
    if (list.loaded && !list.error && gens.length === 0 && list.skipped === 0) {
      const status = this.store.filter.status;
      nodes.push(
        this.intern(
          status
            ? new MessageNode(
                prj,
                'empty',
                vscode.l10n.t('No {0} generations in this project', status),
                vscode.l10n.t('The filter hides the others.'),
                {
                  command: 'flora.clearFilter',
                  title: vscode.l10n.t('Clear Filter'),
                },
              )
            : new MessageNode(prj, 'empty', vscode.l10n.t('No generations in this project yet'), ''),
        ),
      );
    }
    return nodes;
  }

  /** Shows the view's progress bar while a first load runs; its end is announced by the store. */
  private load(done: Promise<void>): void {
    // The store shares a load in flight: one progress bar per load, however often it is asked.
    if (this.progressShown.has(done)) return;
    this.progressShown.add(done);
    void vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => done);
  }

  private readonly progressShown = new WeakSet<Promise<void>>();

  private loadingRow(parent: WorkspaceNode | ProjectNode | undefined): MessageNode {
    return this.intern(
      new MessageNode(parent, 'loading', vscode.l10n.t('Loading…'), vscode.l10n.t('Asking FLORA…')),
    );
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
        new MessageNode(
          parent,
          'stale',
          vscode.l10n.t('Showing earlier data: {0}', e.title),
          e.detail,
          e.action,
        ),
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
    item.tooltip = tooltip([
      [w?.name ?? node.workspaceId, true],
      [vscode.l10n.t('Workspace · {0}', node.workspaceId)],
    ]);
    return item;
  }

  private projectItem(node: ProjectNode): vscode.TreeItem {
    const p = this.store.project(node.projectId);
    const list = this.store.generationList(node.projectId);
    const item = new vscode.TreeItem(p?.name ?? node.projectId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('folder-library');
    // No "loading…" here: a project row that changes makes VS Code drop and re-fetch its rows.
    if (list.loaded) item.description = `${list.ids.length}${list.nextCursor ? '+' : ''}`;
    item.contextValue = 'project';
    const lines: Array<[string, boolean?]> = [
      [p?.name ?? node.projectId, true],
      [vscode.l10n.t('Project · {0}', node.projectId)],
    ];
    if (p?.lastModified) lines.push([vscode.l10n.t('Last activity {0}', absoluteTime(p.lastModified))]);
    if (list.totalEstimate !== undefined)
      lines.push([vscode.l10n.t('About {0} generations', list.totalEstimate)]);
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
    const label = this.store.modelName(g.modelId) ?? vscode.l10n.t('Generation');
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
    item.command = { command: ROW_COMMANDS.preview, title: vscode.l10n.t('Preview') };
    return item;
  }

  private generationDescription(g: Generation): string {
    const parts = [relativeTime(g.createdAt, this.now())];
    if (g.status === 'running') parts.push(`${Math.round(g.progress)}%`);
    if (g.status === 'pending') parts.push(vscode.l10n.t('queued'));
    if (g.status === 'failed') parts.push(vscode.l10n.t('failed'));
    // An unknown status says what FLORA called it ("cancelled"), never passes for completed.
    if (g.status === 'unknown') parts.push(g.rawStatus || vscode.l10n.t('unknown status'));
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
      [vscode.l10n.t('Model'), g.modelId],
      [vscode.l10n.t('Prompt'), this.store.promptOf(g.id)],
      [vscode.l10n.t('Created'), absoluteTime(g.createdAt)],
      [vscode.l10n.t('Started'), g.startedAt ? absoluteTime(g.startedAt) : undefined],
      [vscode.l10n.t('Completed'), g.completedAt ? absoluteTime(g.completedAt) : undefined],
      [vscode.l10n.t('Duration'), durationOf(g)],
      [vscode.l10n.t('Cost'), g.cost !== undefined ? cost(g.cost) : undefined],
      [vscode.l10n.t('Outputs'), g.outputs.length ? String(g.outputs.length) : undefined],
      [vscode.l10n.t('Run id'), g.runId],
      [vscode.l10n.t('Project'), this.store.project(g.projectId)?.name ?? g.projectId],
    ];
    for (const [k, v] of rows) {
      if (v === undefined) continue;
      md.appendMarkdown(vscode.l10n.t('{0}: ', k));
      md.appendText(v);
      md.appendMarkdown('  \n');
    }
    if (g.status === 'failed' && (g.errorMessage || g.errorCode)) {
      md.appendMarkdown(`\n**${vscode.l10n.t('Error:')}** `);
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
    item.description = o.kind === 'text' ? undefined : url ? url.hostname : vscode.l10n.t('not a web link');
    item.contextValue = ['output', `kind-${o.kind}`, url ? 'hasUrl' : '', o.kind === 'text' ? 'isText' : '']
      .filter(Boolean)
      .join(' ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${OUTPUT_LABELS[o.kind]}** \n\n`);
    md.appendText(o.kind === 'text' ? snippet(o.url, 600) : o.url);
    item.tooltip = md;
    item.command = { command: ROW_COMMANDS.openOutput, title: vscode.l10n.t('Open Output') };
    return item;
  }

  private loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
    const list =
      node.parent.kind === 'workspace'
        ? this.store.projectList(node.parent.workspaceId)
        : this.store.generationList(node.parent.projectId);
    const loading = list.loading;
    const item = new vscode.TreeItem(
      loading ? vscode.l10n.t('Loading…') : vscode.l10n.t('Load more…'),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
    item.description =
      list.totalEstimate !== undefined
        ? vscode.l10n.t('{0} of about {1}', list.ids.length, list.totalEstimate)
        : undefined;
    item.contextValue = node.parent.kind === 'project' ? 'loadMore loadMoreGenerations' : 'loadMore';
    item.command = loading
      ? undefined
      : { command: ROW_COMMANDS.loadMore, title: vscode.l10n.t('Load More') };
    return item;
  }

  private messageItem(node: MessageNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.iconPath =
      node.messageKind === 'loading'
        ? new vscode.ThemeIcon('loading~spin')
        : node.messageKind === 'error'
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
          : node.messageKind === 'stale'
            ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : new vscode.ThemeIcon('info');
    const md = new vscode.MarkdownString();
    md.appendText(node.detail || node.label);
    if (node.action)
      md.appendMarkdown(`\n\n_${vscode.l10n.t('Click to {0}.', node.action.title.toLowerCase())}_`);
    item.tooltip = md;
    item.contextValue = `message message-${node.messageKind}`;
    if (node.action) {
      item.command = { command: node.action.command, title: node.action.title };
      item.description = node.action.title;
    }
    return item;
  }

  // ------------------------------------------------------------ change plumbing

  private intern<T extends FloraNode>(node: T): T {
    const known = this.nodes.get(node.id);
    if (known && known.kind === node.kind && sameMessage(known, node)) return known as T;
    this.nodes.set(node.id, node);
    if (node.kind === 'generation') this.generationNodes.set(node.generationId, node);
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
        this.queueParent(`ws:${e.id}`);
        return;
      case 'project':
        this.queueParent(`prj:${e.id}`);
        return;
      case 'generation':
        this.queueRow(`gen:${e.id}`);
        return;
    }
  }

  /**
   * A list changed: when the rows under it are not the ones VS Code holds (or its own row reads
   * differently), the whole tree is refreshed; otherwise only the rows under it that read
   * differently ("Load more…" turning into "Loading…", a message row).
   */
  private queueParent(id: string): void {
    const node = this.nodes.get(id);
    // A node VS Code never received needs no update: it is read fresh when first shown.
    if (!node) return;
    if (this.rowChanged(node)) return this.queue(undefined);
    const held = this.structure.get(id);
    if (held === undefined) return; // never expanded: nothing under it is on screen
    // Compared before de-duplication (thousands of rows): `held` was de-duplicated, so the same
    // ids mean none repeats, and a repeat makes them differ (VS Code then re-reads, de-duplicated).
    const now = this.children(node);
    if (now.map((c) => c.id).join('\n') !== held) return this.queue(undefined);
    for (const child of now) {
      if (!this.rowChanged(child)) continue;
      // A message row is rebuilt as a new element when its text changes: VS Code knows only the old one.
      if (child.kind === 'message') return this.queue(undefined);
      this.queueLeafOrAll(child);
    }
  }

  /** A generation changed: its row is refreshed if it reads differently, the tree if its outputs did. */
  private queueRow(id: string): void {
    const node = this.nodes.get(id);
    if (!node || !this.rowChanged(node)) return;
    this.queueLeafOrAll(node);
  }

  /**
   * Refreshing a row also drops its children in VS Code: a row whose children are on screen is
   * refreshed with the whole tree, so that no fetch of them can interleave with it.
   */
  private queueLeafOrAll(node: FloraNode): void {
    const held = this.structure.get(node.id);
    if (held !== undefined && held !== '') this.queue(undefined);
    else this.queue(node);
  }

  /** Whether `node`'s row would read differently from what VS Code shows. */
  private rowChanged(node: FloraNode): boolean {
    const before = this.shown.get(node.id);
    if (before === undefined) return true;
    // A generation row built from the very same inputs reads the same: not rebuilt (a project of
    // thousands of rows is checked on every change of its list).
    const inputs = this.rowInputs(node);
    if (inputs && node.kind === 'generation' && !this.rows.changed(node.generationId, inputs)) return false;
    const changed = before !== signature(this.buildItem(node));
    if (!changed && inputs && node.kind === 'generation') this.rows.remember(node.generationId, inputs);
    return changed;
  }

  /** What a generation row reads (see generationRowInputs); undefined for other rows. */
  private rowInputs(node: FloraNode): readonly unknown[] | undefined {
    if (node.kind !== 'generation') return undefined;
    const g = this.store.generation(node.generationId);
    return g && generationRowInputs(this.store, g, this.now());
  }

  /** Coalesces bursts of store events into one tree update per row (a whole-tree one wins). */
  private queue(node: FloraNode | undefined): void {
    this.pendingChanges.add(node);
    this.flushTimer ??= setTimeout(() => this.flushNow(), 30);
  }

  /**
   * Hands VS Code the changes queued so far at once. `TreeView.reveal` waits for the refreshes
   * VS Code has been told of: call this before revealing a row that a queued change adds.
   */
  flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pendingChanges;
    if (batch.size === 0) return;
    this.pendingChanges = new Set();
    if (batch.has(undefined)) {
      // VS Code re-reads every row it shows: what the maps held for rows gone is dropped.
      this.nodes = new Map();
      this.generationNodes = new Map();
      this.shown = new Map();
      this.rows.clear();
      this.structure = new Map();
      this.changed.fire(undefined);
    } else {
      this.changed.fire([...batch].filter((n): n is FloraNode => !!n));
    }
  }
}

/** How long a finished run took, when both ends are known and in order. */
function durationOf(g: Generation): string | undefined {
  const start = g.startedAt ?? g.createdAt;
  if (!g.completedAt || !start || g.completedAt < start) return undefined;
  return duration(g.completedAt - start);
}

/** Everything a row shows or does: two items with the same signature render the same. */
function signature(item: vscode.TreeItem): string {
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
  return JSON.stringify([
    typeof item.label === 'string' ? item.label : item.label?.label,
    item.description,
    icon?.id,
    icon?.color?.id,
    tooltip,
    item.contextValue,
    item.collapsibleState,
    item.command?.command,
    item.accessibilityInformation?.label,
  ]);
}

/** The first of each id: VS Code refuses a list that holds one id twice. */
function unique(nodes: FloraNode[]): FloraNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => !seen.has(n.id) && !!seen.add(n.id));
}

function sameMessage(a: FloraNode, b: FloraNode): boolean {
  if (a.kind !== 'message' || b.kind !== 'message') return true;
  return a.label === b.label && a.detail === b.detail;
}

/** "Image", or "Image 2" when the generation has several of that kind. */
function outputLabel(o: GenerationOutput, all: readonly GenerationOutput[]): string {
  if (o.kind === 'text') return vscode.l10n.t('Text: {0}', snippet(o.url, 48));
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

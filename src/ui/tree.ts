/** The Generations tree: workspaces → projects → generations → outputs, read from the store. */
import * as vscode from 'vscode';
import {
  generationRow,
  generationRowInputs,
  loadMoreRow,
  messageRow,
  outputRow,
  projectRow,
  rowSignature,
  ShownRows,
  workspaceRow,
  type RowModel,
} from '../model/rows';
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

export { ROW_COMMANDS } from '../model/rows';

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
  /**
   * What each row read when VS Code last read it (and what a generation row was built from): a
   * change that shows nothing new is not sent, and an unchanged generation row is not rebuilt.
   */
  private readonly shown = new ShownRows();
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
    for (const id of this.shown.ids()) if (id.startsWith('gen:')) this.queueRow(id);
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
    const row = this.buildRow(element);
    this.shown.remember(element.id, rowSignature(row), inputs);
    return treeItem(element.id, row);
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

  /** What `element`'s row reads, from the store (rows.ts says how each kind reads). */
  private buildRow(element: FloraNode): RowModel {
    switch (element.kind) {
      case 'workspace':
        return workspaceRow(
          element.workspaceId,
          this.store.workspace(element.workspaceId),
          this.store.visibleWorkspaces().length === 1,
        );
      case 'project':
        return projectRow(
          element.projectId,
          this.store.project(element.projectId),
          this.store.generationList(element.projectId),
        );
      case 'generation': {
        const g = this.store.generation(element.generationId);
        const names = {
          modelName: g && this.store.modelName(g.modelId),
          projectName: g && this.store.project(g.projectId)?.name,
          prompt: g && this.store.promptOf(g.id),
        };
        return generationRow(element.generationId, g, names, this.now());
      }
      case 'output': {
        const outputs = this.store.generation(element.generationId)?.outputs ?? [];
        return outputRow(
          element.outputId,
          outputs.find((o) => o.id === element.outputId),
          outputs,
        );
      }
      case 'loadMore':
        return loadMoreRow(
          element.parent.kind,
          element.parent.kind === 'workspace'
            ? this.store.projectList(element.parent.workspaceId)
            : this.store.generationList(element.parent.projectId),
        );
      case 'message':
        return messageRow(element.messageKind, element.label, element.detail, element.action);
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
    // A generation row built from the very same inputs reads the same: not rebuilt (a project of
    // thousands of rows is checked on every change of its list).
    return this.shown.changed(node.id, this.rowInputs(node), () => rowSignature(this.buildRow(node)));
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
      this.shown.clear();
      this.structure = new Map();
      this.changed.fire(undefined);
    } else {
      this.changed.fire([...batch].filter((n): n is FloraNode => !!n));
    }
  }
}

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

/** The VS Code item of a row: a translation of `row`, nothing decided here. */
function treeItem(id: string, row: RowModel): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, row.collapsible && COLLAPSIBLE[row.collapsible]);
  item.id = id;
  if (row.icon) {
    item.iconPath = new vscode.ThemeIcon(
      row.icon.id,
      row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined,
    );
  }
  if (row.description !== undefined) item.description = row.description;
  if (row.tooltip) {
    const md = new vscode.MarkdownString();
    for (const piece of row.tooltip) {
      if ('markdown' in piece) md.appendMarkdown(piece.markdown);
      else md.appendText(piece.text);
    }
    item.tooltip = md;
  }
  if (row.contextValue !== undefined) item.contextValue = row.contextValue;
  if (row.command) item.command = { command: row.command.command, title: row.command.title };
  if (row.accessibilityLabel !== undefined) item.accessibilityInformation = { label: row.accessibilityLabel };
  return item;
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

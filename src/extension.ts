/** Composition root: reads settings and the key, builds client → store → views, registers commands. */
import * as vscode from 'vscode';
import { SwitchingClient } from './api/switchingClient';
import { Store, type Filter } from './model/store';
import { ApiKeyStore } from './ui/apiKey';
import { describeFilter, FILTER_STATE_KEY } from './ui/actions/filter';
import { RUN_SCHEME, RunDetailsProvider } from './ui/actions/outputs';
import { VIEW_ID } from './ui/actions/paging';
import { registerCommands } from './ui/commands';
import type { Deps } from './ui/deps';
import { createLogger } from './ui/logger';
import type { FloraNode } from './ui/nodes';
import { createSettings } from './ui/settings';
import { GenerationsTreeProvider } from './ui/tree';

/** What `activate` returns: used by the integration tests, and by other extensions if they like. */
export interface FloraExtensionApi {
  tree: GenerationsTreeProvider;
  view: vscode.TreeView<FloraNode>;
  store: Store;
}

export function activate(context: vscode.ExtensionContext): FloraExtensionApi {
  const { channel, logger } = createLogger();
  context.subscriptions.push(channel);
  const settings = createSettings();
  const keys = new ApiKeyStore(context.secrets);
  context.subscriptions.push(keys);

  let hasKey = !!process.env.FLORA_API_KEY?.trim();
  const api = new SwitchingClient(() => ({
    baseUrl: settings.apiBaseUrl(),
    apiKey: () => keys.get(),
    logger,
  }));
  context.subscriptions.push({ dispose: () => api.dispose() });
  const store = new Store(api, { pageSize: () => settings.pageSize(), logger });
  context.subscriptions.push(store);

  const saved = context.workspaceState.get<Filter>(FILTER_STATE_KEY);
  if (saved) store.setFilter(saved);

  const tree = new GenerationsTreeProvider(store, { hasKey: () => hasKey });
  context.subscriptions.push(tree);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(view);

  const deps: Deps = {
    store,
    api,
    keys,
    tree,
    view,
    channel,
    logger,
    workspaceState: context.workspaceState,
  };
  context.subscriptions.push(...registerCommands(deps));
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, new RunDetailsProvider(deps)),
  );

  const showFilter = () => {
    view.description = describeFilter(store.filter, store);
    void vscode.commands.executeCommand('setContext', 'flora.filterActive', !!view.description);
  };
  showFilter();
  context.subscriptions.push(
    store.onDidChange((e) => {
      if (e.kind === 'filter' || e.kind === 'root' || e.kind === 'workspace') showFilter();
    }),
    store.onDidChangeConnection(
      (c) => void vscode.commands.executeCommand('setContext', 'flora.state', c.state),
    ),
  );

  const onKeyChanged = async () => {
    hasKey = !!(await keys.get());
    await vscode.commands.executeCommand('setContext', 'flora.hasApiKey', hasKey);
    store.clear();
    tree.refreshAll();
  };
  void onKeyChanged();
  context.subscriptions.push(
    keys.onDidChange(() => void onKeyChanged()),
    settings.onDidChange((key) => {
      if (key === 'apiBaseUrl') {
        api.reconfigure();
        store.clear();
      } else if (key === 'pageSize') {
        void store.refresh();
      }
    }),
  );

  logger.info(`FLORA Generations activated (API ${settings.apiBaseUrl()}).`);
  return { tree, view, store };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

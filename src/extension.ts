/** Composition root: reads settings and the key, builds client → store → poller → views, registers commands. */
import * as vscode from 'vscode';
import { SwitchingClient } from './api/switchingClient';
import { Transport } from './api/transport';
import { MinuteTicker } from './model/minuteTicker';
import { Poller, systemTimers } from './model/poller';
import { Store, type Filter } from './model/store';
import { FILTER_STATE_KEY } from './ui/actions/filter';
import { openInBrowser, openOutput, RUN_SCHEME, RunDetailsProvider } from './ui/actions/outputs';
import { VIEW_ID } from './ui/actions/paging';
import { revealGeneration } from './ui/actions/running';
import { ApiKeyStore } from './ui/apiKey';
import { registerCommands } from './ui/commands';
import type { Deps } from './ui/deps';
import { configureL10n } from './ui/l10n';
import { createLogger } from './ui/logger';
import { readNetworkSettings } from './ui/network';
import type { FloraNode } from './ui/nodes';
import { OutputDragAndDropController } from './ui/preview/dragAndDrop';
import { registerPreview } from './ui/preview/lazy';
import type { PreviewManager } from './ui/preview/manager';
import { FinishNotifier } from './ui/notifications';
import { createSettings } from './ui/settings';
import { createSession, followSettings } from './ui/session';
import type { SnapshotCache } from './ui/snapshotCache';
import { RunningStatusBar } from './ui/statusBar';
import { GenerateController } from './ui/generate';
import { GenerationsTreeProvider } from './ui/tree';
import { followViewChrome } from './ui/viewChrome';

/**
 * What `activate` returns in test mode only (the integration tests drive the extension through
 * it). Outside tests it returns nothing: the store and client would hand the key to any extension.
 */
export interface FloraExtensionApi {
  tree: GenerationsTreeProvider;
  view: vscode.TreeView<FloraNode>;
  store: Store;
  poller: Poller;
  notifier: FinishNotifier;
  statusBar: RunningStatusBar;
  previews: PreviewManager;
  /** performance.now() marks of this activation (bench/startup.ts reads them). */
  timing: { activateMs: number };
  /** The time relative times are shown against: tests move it by `offsetMs` instead of waiting. */
  clock: { offsetMs: number; now(): number };
  /** The once-a-minute re-render of relative times (tests `poke` it after moving the clock). */
  ticker: MinuteTicker;
  /** The instant-start snapshot file, and a write of it now (instead of within 30 s). */
  snapshot: { cache: SnapshotCache; saveNow: () => Promise<void> };
  /** The Generate commands: tests script its prompter and read its insertions. */
  generate: GenerateController;
}

export async function activate(context: vscode.ExtensionContext): Promise<FloraExtensionApi | undefined> {
  const started = performance.now();
  configureL10n();
  const { channel, logger } = createLogger();
  const settings = createSettings();
  const keys = new ApiKeyStore(context.secrets);
  // One proxy-aware HTTP stack for API calls and downloads, loaded at the first request.
  const transport = new Transport(readNetworkSettings(), logger);
  const api = new SwitchingClient(() => ({
    baseUrl: settings.apiBaseUrl(),
    apiKey: () => keys.get(),
    logger,
    dispatcher: () => transport.dispatcher(),
  }));
  const store = new Store(api, { pageSize: () => settings.pageSize(), logger });
  const poller = new Poller({
    api,
    store,
    logger,
    settings: {
      // `session` is created right below; the poller asks this only once the session starts it.
      enabled: () => session.hasKey && settings.autoRefresh(),
      activeIntervalMs: () => settings.pollIntervalSeconds() * 1000,
      idleIntervalMs: () => settings.idleRefreshIntervalSeconds() * 1000,
    },
    idlePageSize: () => settings.pageSize(),
  });
  context.subscriptions.push(
    channel,
    keys,
    { dispose: () => api.dispose() },
    { dispose: () => void transport.close() },
    store,
    poller,
  );
  // The key, the base URL and the last session's tree (src/model/session.ts).
  const { session, cache } = createSession({
    context,
    keys,
    settings,
    store,
    poller,
    logger,
    probe: (key) => api.withOptions({ apiKey: () => key, maxRetries: 1, logger }),
    reconfigureClient: () => api.reconfigure(),
  });

  const saved = context.workspaceState.get<Filter>(FILTER_STATE_KEY);
  if (saved) store.setFilter(saved);

  // Date.now, unless a test moved it (offsetMs is 0 outside tests; only tests get this object).
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const tree = new GenerationsTreeProvider(store, { hasKey: () => session.hasKey, now: clock.now });
  const view = vscode.window.createTreeView(VIEW_ID, {
    treeDataProvider: tree,
    showCollapseAll: true,
    dragAndDropController: new OutputDragAndDropController(store),
  });
  const deps: Deps = {
    store,
    poller,
    session,
    apiOrigin: () => api.origin,
    transport,
    keys,
    tree,
    view,
    channel,
    logger,
    workspaceState: context.workspaceState,
  };
  const statusBar = new RunningStatusBar(poller, store, view);
  const notifier = new FinishNotifier(poller, store, () => settings.notifyOn(), {
    reveal: (id) => revealGeneration(deps, id),
    openOutput: (id) => {
      const g = store.generation(id);
      const first = g?.outputs[0];
      return first?.kind === 'text'
        ? openOutput(deps, tree.outputNode(id, first.id))
        : openInBrowser(deps, id);
    },
    failed: (err) =>
      logger.warn(`Notification action failed: ${err instanceof Error ? err.message : String(err)}`),
  });
  context.subscriptions.push(tree, view, tree.attach(view), statusBar, notifier, ...registerCommands(deps));
  const preview = registerPreview(deps, context, clock.now);
  context.subscriptions.push(...preview.disposables);

  // ---- Generate… (issue 13 §1); `account` is set below once the key is read
  const generate = new GenerateController({
    store,
    view,
    logger,
    channel,
    storage: context.globalState,
    account: () => session.currentAccount,
    apiBaseUrl: () => settings.apiBaseUrl(),
    insertAutomatically: () => settings.insertResultAutomatically(),
    reveal: (id) => revealGeneration(deps, id),
    now: clock.now,
  });
  context.subscriptions.push(generate, ...generate.register());

  // ---- relative times ("5m ago") move on by themselves while on screen, without a request
  const ticker = new MinuteTicker({
    isActive: () => view.visible || (preview.loaded()?.anyVisible ?? false),
    timers: { ...systemTimers, now: clock.now },
    onListenerError: (err) =>
      logger.error(`Updating relative times failed: ${err instanceof Error ? err.message : String(err)}`),
  });
  context.subscriptions.push(
    ticker,
    ticker.onDidTick(() => {
      tree.refreshTimes();
      preview.loaded()?.refreshTimes();
    }),
    view.onDidChangeVisibility(() => ticker.poke()),
    vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, new RunDetailsProvider(deps)),
    followViewChrome(view, store),
    session.onDidReload(() => tree.refreshAll()),
    ...followSettings({ settings, session, store, poller, transport }),
    vscode.window.onDidChangeWindowState((s) => poller.setFocused(s.focused)),
  );
  ticker.start();
  // Instant start: the last session's tree at once, then a refresh that confirms it.
  session.start();
  poller.setFocused(vscode.window.state.focused);

  const activateMs = performance.now() - started;
  logger.info(`FLORA Generations activated in ${activateMs.toFixed(1)} ms (API ${settings.apiBaseUrl()}).`);
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    tree,
    view,
    store,
    poller,
    notifier,
    statusBar,
    // Tests drive the previews directly: load them now (after the activation mark; outside
    // tests they load when a preview command first runs).
    previews: await preview.previews(),
    timing: { activateMs },
    clock,
    ticker,
    snapshot: { cache, saveNow: () => session.saveSnapshotNow() },
    generate,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Composition root: reads settings and the key, builds client → store → poller → views, registers commands. */
import * as vscode from 'vscode';
import { SwitchingClient } from './api/switchingClient';
import { Transport } from './api/transport';
import { MinuteTicker } from './model/minuteTicker';
import { Poller, systemTimers } from './model/poller';
import { Store, type Filter } from './model/store';
import { describeFilter, FILTER_STATE_KEY } from './ui/actions/filter';
import { openInBrowser, openOutput, RUN_SCHEME, RunDetailsProvider } from './ui/actions/outputs';
import { VIEW_ID } from './ui/actions/paging';
import { revealGeneration } from './ui/actions/running';
import { ApiKeyStore } from './ui/apiKey';
import { registerCommands } from './ui/commands';
import type { Deps } from './ui/deps';
import { configureL10n } from './ui/l10n';
import { createLogger } from './ui/logger';
import { onDidChangeNetworkSettings, readNetworkSettings } from './ui/network';
import type { FloraNode } from './ui/nodes';
import { OutputDragAndDropController } from './ui/preview/dragAndDrop';
import { registerPreview } from './ui/preview/lazy';
import type { PreviewManager } from './ui/preview/manager';
import { FinishNotifier } from './ui/notifications';
import { createSettings } from './ui/settings';
import { accountFingerprint, SnapshotCache } from './ui/snapshotCache';
import { RunningStatusBar } from './ui/statusBar';
import { GenerateController } from './ui/generate';
import { GenerationsTreeProvider } from './ui/tree';

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

/**
 * At most one snapshot write per this period: progress changes every poll tick, and the snapshot
 * only has to be recent enough to show something useful at the next start.
 */
const SNAPSHOT_THROTTLE_MS = 30_000;

export async function activate(context: vscode.ExtensionContext): Promise<FloraExtensionApi | undefined> {
  const started = performance.now();
  configureL10n();
  let hasKey = false;
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
      enabled: () => hasKey && settings.autoRefresh(),
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

  const saved = context.workspaceState.get<Filter>(FILTER_STATE_KEY);
  if (saved) store.setFilter(saved);

  // Date.now, unless a test moved it (offsetMs is 0 outside tests; only tests get this object).
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const tree = new GenerationsTreeProvider(store, { hasKey: () => hasKey, now: clock.now });
  const view = vscode.window.createTreeView(VIEW_ID, {
    treeDataProvider: tree,
    showCollapseAll: true,
    dragAndDropController: new OutputDragAndDropController(store),
  });
  const deps: Deps = {
    store,
    poller,
    api,
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
    account: () => account,
    apiBaseUrl: () => settings.apiBaseUrl(),
    insertAutomatically: () => settings.insertResultAutomatically(),
    reveal: (id) => revealGeneration(deps, id),
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
  );
  ticker.start();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, new RunDetailsProvider(deps)),
  );

  // ---- view chrome: filter description, stale-data message, context keys
  const renderViewChrome = () => {
    view.description = describeFilter(store.filter, store);
    const root = store.workspaceList();
    view.message =
      root.stale && !root.error
        ? vscode.l10n.t('Showing your last session’s data while FLORA is asked for the latest…')
        : undefined;
    void vscode.commands.executeCommand('setContext', 'flora.filterActive', !!view.description);
  };
  renderViewChrome();
  context.subscriptions.push(
    store.onDidChange((e) => {
      if (e.kind === 'filter' || e.kind === 'root' || e.kind === 'workspace') renderViewChrome();
    }),
  );

  // ---- instant start: last session's tree at once, then a refresh that confirms it
  const cache = new SnapshotCache(context.globalStorageUri, context.globalState, logger);
  let account: string | undefined;
  let snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  const saveSnapshot = (): Promise<void> => {
    if (snapshotTimer) clearTimeout(snapshotTimer);
    snapshotTimer = undefined;
    return account && store.workspaceList().loaded
      ? cache.save(account, store.snapshot())
      : Promise.resolve();
  };
  context.subscriptions.push(
    store.onDidChange(() => {
      snapshotTimer ??= setTimeout(() => void saveSnapshot(), SNAPSHOT_THROTTLE_MS);
    }),
    { dispose: () => snapshotTimer && clearTimeout(snapshotTimer) },
  );

  // ---- the key: the welcome view without one; everything reloads when it changes
  let currentKey: string | undefined;
  let keyBaseUrl: string | undefined;
  const reload = async (first: boolean) => {
    const key = await keys.get();
    // SecretStorage reports our own writes too: the same key at the same URL is no change.
    if (!first && key === currentKey && keyBaseUrl === settings.apiBaseUrl()) return;
    currentKey = key;
    keyBaseUrl = settings.apiBaseUrl();
    const nextAccount = key ? accountFingerprint(settings.apiBaseUrl(), key) : undefined;
    // The file is read while VS Code still starts (a local read, well before any FLORA answer).
    const snapshot = first && nextAccount ? await cache.load(nextAccount) : undefined;
    // Signed out, or another key or API: the last account's data is not kept on disk.
    if (!first || !key) {
      if (snapshotTimer) clearTimeout(snapshotTimer);
      snapshotTimer = undefined;
      void cache.delete();
    }
    hasKey = !!key;
    await vscode.commands.executeCommand('setContext', 'flora.hasApiKey', hasKey);
    store.clear();
    account = nextAccount;
    if (snapshot && store.restore(snapshot)) {
      logger.info(
        `Showing ${snapshot.generations.length} generations from the last session until refreshed.`,
      );
      void store.refresh();
    }
    tree.refreshAll();
    if (hasKey) poller.restart();
    else poller.stop();
  };
  // Key changes are handled one at a time, in order.
  let reloading = Promise.resolve();
  const onKeyChanged = (first: boolean) => {
    reloading = reloading
      .then(() => reload(first))
      .catch((err: unknown) =>
        logger.error(`Could not read the API key: ${err instanceof Error ? err.message : String(err)}`),
      );
  };
  onKeyChanged(true);
  context.subscriptions.push(
    keys.onDidChange(() => onKeyChanged(false)),
    settings.onDidChange((key) => {
      if (key === 'apiBaseUrl') {
        api.reconfigure();
        onKeyChanged(false);
      } else if (key === 'pageSize') {
        void store.refresh();
      } else if (key === 'autoRefresh' || key === 'pollInterval' || key === 'idleRefreshInterval') {
        if (settings.autoRefresh() && poller.state.state === 'off' && hasKey) poller.start();
        else poller.reschedule();
      }
    }),
    vscode.window.onDidChangeWindowState((s) => poller.setFocused(s.focused)),
    // A proxy setting changed: the next request goes through a new dispatcher; refresh now so the
    // tree does not wait for the next poll to recover (or to show what is wrong).
    onDidChangeNetworkSettings(() => {
      transport.configure(readNetworkSettings());
      if (hasKey) void store.refresh();
    }),
  );
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
    snapshot: { cache, saveNow: saveSnapshot },
    generate,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

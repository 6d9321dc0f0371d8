/**
 * VS Code's side of the session (src/model/session.ts): the key from SecretStorage, the snapshot
 * file in global storage, the `flora.hasApiKey` context key (the welcome view and the menus), and
 * the settings that change what a signed-in session does.
 */
import * as vscode from 'vscode';
import type { Logger } from '../api/logger';
import type { Transport } from '../api/transport';
import type { Poller } from '../model/poller';
import { Session, type KeyProbe } from '../model/session';
import type { Store } from '../model/store';
import type { ApiKeyStore } from './apiKey';
import { onDidChangeNetworkSettings, readNetworkSettings } from './network';
import type { Settings } from './settings';
import { SnapshotCache } from './snapshotCache';

export interface SessionParts {
  context: vscode.ExtensionContext;
  keys: ApiKeyStore;
  settings: Settings;
  store: Store;
  poller: Poller;
  logger: Logger;
  probe: (key: string) => KeyProbe;
  /** The base URL changed: the client is rebuilt before the session reloads. */
  reconfigureClient: () => void;
}

/** The session, reloading when the key or the base URL changes; `start()` it once the views listen. */
export function createSession(p: SessionParts): { session: Session; cache: SnapshotCache } {
  const cache = new SnapshotCache(p.context.globalStorageUri, p.context.globalState, p.logger);
  const session = new Session({
    key: () => p.keys.get(),
    baseUrl: () => p.settings.apiBaseUrl(),
    store: p.store,
    poller: p.poller,
    snapshots: cache,
    probe: p.probe,
    logger: p.logger,
    setHasKey: async (hasKey) => {
      await vscode.commands.executeCommand('setContext', 'flora.hasApiKey', hasKey);
    },
  });
  p.context.subscriptions.push(
    session,
    p.keys.onDidChange(() => session.keyChanged()),
    p.settings.onDidChange((key) => {
      if (key !== 'apiBaseUrl') return;
      p.reconfigureClient();
      session.keyChanged();
    }),
  );
  return { session, cache };
}

/**
 * The other settings, while the extension runs: the page size re-reads the lists, the polling
 * settings reschedule the poller, a proxy setting rebuilds the dispatcher and refreshes at once
 * (so the tree does not wait for the next poll to recover, or to show what is wrong).
 */
export function followSettings(p: {
  settings: Settings;
  session: Pick<Session, 'hasKey'>;
  store: Pick<Store, 'refresh'>;
  poller: Pick<Poller, 'state' | 'start' | 'reschedule'>;
  transport: Pick<Transport, 'configure'>;
}): vscode.Disposable[] {
  return [
    p.settings.onDidChange((key) => {
      if (key === 'pageSize') {
        void p.store.refresh();
      } else if (key === 'autoRefresh' || key === 'pollInterval' || key === 'idleRefreshInterval') {
        if (p.settings.autoRefresh() && p.poller.state.state === 'off' && p.session.hasKey) p.poller.start();
        else p.poller.reschedule();
      }
    }),
    onDidChangeNetworkSettings(() => {
      p.transport.configure(readNetworkSettings());
      if (p.session.hasKey) void p.store.refresh();
    }),
  ];
}

import type * as vscode from 'vscode';
import type { Logger } from '../api/logger';
import type { SwitchingClient } from '../api/switchingClient';
import type { Transport } from '../api/transport';
import type { Poller } from '../model/poller';
import type { Store } from '../model/store';
import type { ApiKeyStore } from './apiKey';
import type { FloraNode } from './nodes';
import type { GenerationsTreeProvider } from './tree';

/** What command handlers may use; passed in explicitly so each handler says what it needs. */
export interface Deps {
  store: Store;
  poller: Poller;
  api: SwitchingClient;
  /** The shared proxy-aware HTTP stack: downloads go through it too. */
  transport: Transport;
  keys: ApiKeyStore;
  tree: GenerationsTreeProvider;
  view: vscode.TreeView<FloraNode>;
  channel: vscode.LogOutputChannel;
  logger: Logger;
  workspaceState: vscode.Memento;
}

import type * as vscode from 'vscode';
import type { Logger } from '../api/logger';
import type { Transport } from '../api/transport';
import type { Poller } from '../model/poller';
import type { Session } from '../model/session';
import type { Store } from '../model/store';
import type { ApiKeyStore } from './apiKey';
import type { FloraNode } from './nodes';
import type { GenerationsTreeProvider } from './tree';

/**
 * What command handlers may use; passed in explicitly so each handler says what it needs (a
 * `Pick` of these). No client: what src/ui needs of FLORA it asks the store (or the session).
 */
export interface Deps {
  store: Store;
  poller: Poller;
  /** Checks a candidate key (the key itself lives in `keys`). */
  session: Pick<Session, 'checkKey'>;
  /** The origin of the configured API, when it is usable (the preview allows loopback media from it). */
  apiOrigin: () => string | undefined;
  /** The shared proxy-aware HTTP stack: downloads of output files go through it. */
  transport: Transport;
  keys: ApiKeyStore;
  tree: GenerationsTreeProvider;
  view: vscode.TreeView<FloraNode>;
  channel: vscode.LogOutputChannel;
  logger: Logger;
  workspaceState: vscode.Memento;
}

/** The view's chrome: the filter as its description, a message while last session's data shows. */
import * as vscode from 'vscode';
import type { Store } from '../model/store';
import { describeFilter } from './actions/filter';
import type { FloraNode } from './nodes';

/** Renders the chrome now and whenever the filter or the top of the tree changes. */
export function followViewChrome(view: vscode.TreeView<FloraNode>, store: Store): vscode.Disposable {
  const render = () => {
    view.description = describeFilter(store.filter, store);
    const root = store.workspaceList();
    view.message =
      root.stale && !root.error
        ? vscode.l10n.t('Showing your last session’s data while FLORA is asked for the latest…')
        : undefined;
    // The "Clear Filter" button's when-clause.
    void vscode.commands.executeCommand('setContext', 'flora.filterActive', !!view.description);
  };
  render();
  return store.onDidChange((e) => {
    if (e.kind === 'filter' || e.kind === 'root' || e.kind === 'workspace') render();
  });
}

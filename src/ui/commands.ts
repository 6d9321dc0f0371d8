/** Every `flora.*` command, registered in one place; each handler is one call into an action. */
import * as vscode from 'vscode';
import { clearApiKey, setApiKey } from './actions/auth';
import { applyFilter, pickFilter } from './actions/filter';
import { copyId, copyUrl, openInBrowser, openOutput, showRunDetails } from './actions/outputs';
import { loadAll, loadMore, refresh, refreshItem } from './actions/paging';
import { showRunning } from './actions/running';
import type { Deps } from './deps';
import type { FloraNode } from './nodes';
import { ROW_COMMANDS } from './tree';

export function registerCommands(deps: Deps): vscode.Disposable[] {
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'flora.refresh': () => refresh(deps),
    'flora.setApiKey': (key) => setApiKey(deps, key),
    'flora.clearApiKey': () => clearApiKey(deps),
    'flora.showLogs': () => deps.channel.show(true),
    'flora.filter': (filter) => pickFilter(deps, filter),
    'flora.clearFilter': () => applyFilter(deps, {}),
    'flora.loadMore': (node) => loadMore(deps, node),
    // Row clicks: no arguments (see GenerationsTreeProvider), the clicked row is the selection.
    [ROW_COMMANDS.loadMore]: () => onClickedRow(deps, (row) => loadMore(deps, row)),
    [ROW_COMMANDS.openOutput]: () => onClickedRow(deps, (row) => openOutput(deps, row)),
    'flora.loadAll': (node) => loadAll(deps, node),
    'flora.refreshItem': (node) => refreshItem(deps, node),
    'flora.openOutput': (node) => openOutput(deps, node),
    'flora.openSettings': () => vscode.commands.executeCommand('workbench.action.openSettings', 'flora.'),
    'flora.openInBrowser': (node) => openInBrowser(deps, node),
    'flora.copyUrl': (node) => copyUrl(deps, node),
    'flora.copyId': (node) => copyId(node),
    'flora.showRunDetails': (node) => showRunDetails(deps, node),
    'flora.showRunning': () => showRunning(deps),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}

/** Runs a row-click action on the clicked row; with none (a stray invocation), does nothing. */
function onClickedRow(deps: Deps, action: (row: FloraNode) => unknown): unknown {
  const row = deps.tree.clickedRow();
  return row ? action(row) : undefined;
}

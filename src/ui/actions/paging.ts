import * as vscode from 'vscode';
import { inertText } from '../../model/plainText';
import type { Deps } from '../deps';
import type { FloraNode } from '../nodes';

/** How many pages "Load All" fetches at most in one go (× the page size). */
export const LOAD_ALL_MAX_PAGES = 50;

export const VIEW_ID = 'flora.generations';

/** Re-reads what the tree shows and checks for running work at once (instead of at the next tick). */
export async function refresh(deps: Pick<Deps, 'store' | 'poller'>): Promise<void> {
  await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, async () => {
    await deps.store.refresh();
    // While FLORA fails, the refresh's own tries were the answer: no tick on top of them.
    if (deps.store.connection.state === 'ok') await deps.poller.tickNow();
  });
}

export async function loadMore(deps: Pick<Deps, 'store'>, node: unknown): Promise<void> {
  const n = node as FloraNode | undefined;
  if (n?.kind !== 'loadMore') return;
  if (n.parent.kind === 'workspace') await deps.store.loadMoreProjects(n.parent.workspaceId);
  else await deps.store.loadMoreGenerations(n.parent.projectId);
}

/** Loads every page of a project (bounded by LOAD_ALL_MAX_PAGES), with a cancellable progress notification. */
export async function loadAll(deps: Pick<Deps, 'store'>, node: unknown): Promise<void> {
  const n = node as FloraNode | undefined;
  const projectId =
    n?.kind === 'project'
      ? n.projectId
      : n?.kind === 'loadMore' && n.parent.kind === 'project'
        ? n.parent.projectId
        : undefined;
  if (!projectId) return;
  const name = deps.store.project(projectId)?.name ?? projectId;
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Loading all generations of {0}', inertText(name)),
      cancellable: true,
    },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        await deps.store.loadAllGenerations(projectId, {
          maxPages: LOAD_ALL_MAX_PAGES,
          signal: ac.signal,
          onPage: (loaded, estimate) =>
            progress.report({
              message: estimate
                ? vscode.l10n.t('{0} of about {1}', loaded, estimate)
                : vscode.l10n.t('{0} loaded', loaded),
            }),
        });
      } finally {
        sub.dispose();
      }
    },
  );
}

export async function refreshItem(deps: Pick<Deps, 'store'>, node: unknown): Promise<void> {
  const n = node as FloraNode | undefined;
  switch (n?.kind) {
    case 'generation':
      await deps.store.refreshGeneration(n.generationId).catch(() => undefined);
      return;
    case 'project':
      await deps.store.refreshGenerations(n.projectId);
      return;
    case 'workspace':
      await deps.store.refreshProjects(n.workspaceId);
      return;
    default:
      await deps.store.refresh();
  }
}

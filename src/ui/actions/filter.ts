import * as vscode from 'vscode';
import type { KnownStatus } from '../../api/types';
import { inertText } from '../../model/plainText';
import type { Filter, Store } from '../../model/store';
import type { Deps } from '../deps';

export const FILTER_STATE_KEY = 'flora.filter';

/** A function, so that the labels are translated when shown (not when the module loads). */
const statuses = (): Array<{ label: string; status?: KnownStatus; icon: string }> => [
  { label: vscode.l10n.t('Any status'), icon: 'list-flat' },
  { label: vscode.l10n.t('Pending'), status: 'pending', icon: 'clock' },
  { label: vscode.l10n.t('Running'), status: 'running', icon: 'loading~spin' },
  { label: vscode.l10n.t('Completed'), status: 'completed', icon: 'pass' },
  { label: vscode.l10n.t('Failed'), status: 'failed', icon: 'error' },
];

/** "failed · Brand Studio › Launch" — shown as the view's description while a filter is on. */
export function describeFilter(filter: Filter, store: Store): string | undefined {
  const parts: string[] = [];
  if (filter.status) parts.push(filter.status);
  if (filter.projectId) {
    const p = store.project(filter.projectId);
    const w = p ? store.workspace(p.workspaceId) : undefined;
    parts.push([w?.name, p?.name ?? filter.projectId].filter(Boolean).join(' › '));
  } else if (filter.workspaceId) {
    parts.push(store.workspace(filter.workspaceId)?.name ?? filter.workspaceId);
  }
  return parts.length ? vscode.l10n.t('Filter: {0}', parts.join(' · ')) : undefined;
}

export async function applyFilter(
  deps: Pick<Deps, 'store' | 'workspaceState'>,
  filter: Filter,
): Promise<void> {
  deps.store.setFilter(filter);
  await deps.workspaceState.update(FILTER_STATE_KEY, deps.store.filter);
}

/**
 * Filter…: status first, then optionally a workspace and a project. A filter object can be
 * passed instead (tests, keybindings): `{ status, workspaceId, projectId }`.
 */
export async function pickFilter(
  deps: Pick<Deps, 'store' | 'workspaceState'>,
  given?: unknown,
): Promise<void> {
  if (given && typeof given === 'object') {
    const f = given as Record<string, unknown>;
    const status = statuses().find((s) => s.status && s.status === f.status)?.status;
    await applyFilter(deps, {
      status,
      workspaceId: typeof f.workspaceId === 'string' ? f.workspaceId : undefined,
      projectId: typeof f.projectId === 'string' ? f.projectId : undefined,
    });
    return;
  }
  const current = deps.store.filter;
  const statusPick = await vscode.window.showQuickPick(
    statuses().map((s) => ({
      label: `$(${s.icon}) ${s.label}`,
      description: s.status === current.status ? vscode.l10n.t('current') : undefined,
      status: s.status,
    })),
    {
      title: vscode.l10n.t('Filter FLORA generations (1/2): status'),
      placeHolder: vscode.l10n.t('Show generations with status…'),
    },
  );
  if (!statusPick) return;

  await deps.store.ensureWorkspaces();
  const workspaces = deps.store.workspaceList().ids.map((id) => deps.store.workspace(id)!);
  type ScopeItem = vscode.QuickPickItem & { workspaceId?: string; pickProject?: boolean };
  const scopeItems: ScopeItem[] = [{ label: vscode.l10n.t('$(globe) All workspaces and projects') }];
  for (const w of workspaces) {
    scopeItems.push({
      label: `$(organization) ${inertText(w.name)}`,
      description: vscode.l10n.t('whole workspace'),
      workspaceId: w.id,
    });
    scopeItems.push({
      label: vscode.l10n.t('$(folder-library) {0}: one project…', inertText(w.name)),
      workspaceId: w.id,
      pickProject: true,
    });
  }
  const scope = await vscode.window.showQuickPick(scopeItems, {
    title: vscode.l10n.t('Filter FLORA generations (2/2): where'),
    placeHolder: vscode.l10n.t('Limit to a workspace or a project'),
  });
  if (!scope) return;
  let projectId: string | undefined;
  if (scope.pickProject && scope.workspaceId) {
    projectId = await pickProject(deps, scope.workspaceId);
    if (!projectId) return;
  }
  await applyFilter(deps, { status: statusPick.status, workspaceId: scope.workspaceId, projectId });
}

/** A project picker that searches FLORA (`GET /projects?query=`, through the store) as the user types. */
async function pickProject(deps: Pick<Deps, 'store'>, workspaceId: string): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { projectId: string }>();
  qp.title = vscode.l10n.t('Choose a project');
  qp.placeholder = vscode.l10n.t('Type to search projects by name');
  qp.matchOnDescription = true;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const search = (query: string) => {
    const mine = ++seq;
    qp.busy = true;
    deps.store
      .searchProjects(workspaceId, query || undefined, 50)
      .then((projects) => {
        if (mine !== seq) return;
        qp.items = projects.map((p) => ({
          label: inertText(p.name),
          description: inertText(p.id),
          projectId: p.id,
        }));
      })
      .catch((err: unknown) => {
        if (mine === seq) qp.items = [];
        qp.placeholder = vscode.l10n.t(
          'Search failed: {0}',
          err instanceof Error ? err.message : String(err),
        );
      })
      .finally(() => {
        if (mine === seq) qp.busy = false;
      });
  };
  qp.onDidChangeValue((v) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => search(v.trim()), 250);
  });
  search('');
  qp.show();
  try {
    return await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.projectId));
      qp.onDidHide(() => resolve(undefined));
    });
  } finally {
    if (timer) clearTimeout(timer);
    qp.dispose();
  }
}

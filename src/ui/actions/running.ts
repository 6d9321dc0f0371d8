import * as vscode from 'vscode';
import { inertText } from '../../model/plainText';
import { generationTitle } from '../../model/presentation';
import type { Deps } from '../deps';

/** Reveals a generation in the tree: loads its project's list if needed, then selects it. */
export async function revealGeneration(
  deps: Pick<Deps, 'store' | 'tree' | 'view'>,
  generationId: string,
): Promise<boolean> {
  // Not on a loaded page (older than what is loaded, or hidden by the filter), the store still
  // lists it, so the user sees what they picked.
  if (!(await deps.store.ensureGenerationListed(generationId))) return false;
  // The loads above queued tree changes: VS Code must know of them before it can reveal the row.
  deps.tree.flushNow();
  const node = deps.tree.generationNode(generationId);
  if (!node) return false;
  try {
    await deps.view.reveal(node, { select: true, focus: true, expand: false });
    return true;
  } catch {
    // The tree hides it (another workspace or project is filtered): say so instead of failing.
    const clearFilter = vscode.l10n.t('Clear Filter');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('This generation is hidden by the current filter.'),
      clearFilter,
    );
    if (choice === clearFilter) {
      await vscode.commands.executeCommand('flora.clearFilter');
      await deps.view.reveal(node, { select: true, focus: true }).then(undefined, () => undefined);
    }
    return false;
  }
}

/** The status-bar click: a QuickPick of pending and running jobs; picking one reveals it. */
export async function showRunning(deps: Pick<Deps, 'store' | 'tree' | 'view' | 'poller'>): Promise<void> {
  const { running, pending } = deps.poller.running;
  const jobs = [...running, ...pending];
  if (!jobs.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No FLORA generation is pending or running.'));
    return;
  }
  const pick = await vscode.window.showQuickPick(
    jobs.map((g) => ({
      label: `$(${g.status === 'pending' ? 'clock' : 'loading~spin'}) ${inertText(generationTitle(g, deps.store.modelName(g.modelId)))}`,
      description: inertText(deps.store.project(g.projectId)?.name ?? g.projectId),
      detail:
        g.status === 'pending' ? vscode.l10n.t('pending') : `${Math.round(g.progress)}% · ${inertText(g.id)}`,
      id: g.id,
    })),
    {
      title: vscode.l10n.t('FLORA: pending and running generations'),
      placeHolder: vscode.l10n.t('Pick one to reveal it in the tree'),
    },
  );
  if (pick) await revealGeneration(deps, pick.id);
}

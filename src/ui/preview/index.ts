/**
 * The output preview feature: generation previews, project galleries, "Save Output…". Loaded on
 * first use (bundled apart as dist/previews.js); lazy.ts registers its commands at activation.
 */
import * as vscode from 'vscode';
import { relativeTime, snippet } from '../../model/format';
import { generationTitle, outputLabel, STATUS_LABELS } from '../../model/presentation';
import { inertText } from '../../model/plainText';
import type { Deps } from '../deps';
import { configureL10n } from '../l10n';
import type { FloraNode } from '../nodes';
import type { PreviewManager } from './manager';
import type { SaveOptions, SaveResult } from './save';

export { PreviewManager } from './manager';

// This module is bundled apart (dist/previews.js) with its own copy of @vscode/l10n.
configureL10n();

/** A generation row, an output row, a generation id; or nothing, and the user picks from what is loaded. */
export async function previewGeneration(
  deps: Pick<Deps, 'store'>,
  previews: PreviewManager,
  arg: unknown,
): Promise<boolean> {
  const node = arg as FloraNode | undefined;
  let id: string | undefined;
  if (typeof arg === 'string') id = arg;
  else if (node?.kind === 'generation' || node?.kind === 'output') id = node.generationId;
  if (id) {
    previews.openGeneration(id, { preserveFocus: true });
    return true;
  }
  const store = deps.store;
  const all = store.allGenerations().sort((a, b) => b.createdAt - a.createdAt);
  if (all.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No FLORA generations are loaded yet: expand a project in the FLORA view first.'),
    );
    return false;
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    all.map((g) => ({
      label: inertText(generationTitle(g, store.modelName(g.modelId))),
      description: `${STATUS_LABELS[g.status]} · ${relativeTime(g.createdAt, now)}`,
      detail: inertText(`${store.project(g.projectId)?.name ?? g.projectId} · ${g.id}`),
      id: g.id,
    })),
    {
      title: vscode.l10n.t('Preview Generation'),
      placeHolder: vscode.l10n.t('Pick a loaded generation'),
      matchOnDescription: true,
      matchOnDetail: true,
    },
  );
  if (!picked) return false;
  previews.openGeneration(picked.id, { preserveFocus: false });
  return true;
}

/** A project row or a project id; or nothing, and the user picks a loaded project. */
export async function previewProject(
  deps: Pick<Deps, 'store'>,
  previews: PreviewManager,
  arg: unknown,
): Promise<boolean> {
  const node = arg as FloraNode | undefined;
  let id: string | undefined;
  if (typeof arg === 'string') id = arg;
  else if (node?.kind === 'project') id = node.projectId;
  if (!id) {
    const store = deps.store;
    const projects = store
      .visibleWorkspaces()
      .flatMap((w) => store.visibleProjects(w.id).map((p) => ({ p, w })));
    if (projects.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('No FLORA projects are loaded yet: open the FLORA view first.'),
      );
      return false;
    }
    const picked = await vscode.window.showQuickPick(
      projects.map(({ p, w }) => ({ label: inertText(p.name), description: inertText(w.name), id: p.id })),
      {
        title: vscode.l10n.t('Preview Project'),
        placeHolder: vscode.l10n.t('Pick a project to show as a gallery'),
        matchOnDescription: true,
      },
    );
    id = picked?.id;
  }
  if (!id) return false;
  previews.openProject(id);
  return true;
}

/** An output row (or `{ generationId, outputId }`); a generation row asks which output when it has several. */
export async function saveOutputCommand(
  deps: Pick<Deps, 'store'>,
  previews: PreviewManager,
  arg: unknown,
  options: unknown,
): Promise<SaveResult> {
  const node = arg as Partial<{ kind: string; generationId: string; outputId: string }> | undefined;
  const generationId = typeof node?.generationId === 'string' ? node.generationId : undefined;
  let outputId = typeof node?.outputId === 'string' ? node.outputId : undefined;
  if (generationId && !outputId) {
    const outputs = deps.store.generation(generationId)?.outputs ?? [];
    if (outputs.length === 1) outputId = outputs[0].id;
    else if (outputs.length > 1) {
      const picked = await vscode.window.showQuickPick(
        outputs.map((o) => ({
          label: outputLabel(o, outputs),
          description: inertText(o.kind === 'text' ? snippet(o.url, 60) : o.url),
          id: o.id,
        })),
        { title: vscode.l10n.t('Save which output?') },
      );
      outputId = picked?.id;
      if (!outputId) return { saved: false, reason: 'dismissed' };
    }
  }
  if (!generationId || !outputId) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Pick an output in the FLORA view to save it.'));
    return { saved: false, reason: 'no-output' };
  }
  return previews.saveOutput(generationId, outputId, saveOptions(options));
}

/** Only the two known options, with the right types: a command's arguments can come from anywhere. */
function saveOptions(raw: unknown): SaveOptions | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as { target?: unknown; maxBytes?: unknown };
  const out: SaveOptions = {};
  if (o.target instanceof vscode.Uri) out.target = o.target;
  if (typeof o.maxBytes === 'number' && o.maxBytes > 0) out.maxBytes = o.maxBytes;
  return out;
}

import * as vscode from 'vscode';
import type { Generation, GenerationOutput } from '../../api/types';
import { safeHttpUrl } from '../../model/format';
import { outputLabel } from '../../model/presentation';
import { inertText } from '../../model/plainText';
import type { Store } from '../../model/store';
import type { Deps } from '../deps';
import type { FloraNode } from '../nodes';

/** Resolves a tree node (or a generation id) to the generation and, for an output row, the output. */
function resolve(store: Store, node: unknown): { generation?: Generation; output?: GenerationOutput } {
  if (typeof node === 'string') return { generation: store.generation(node) };
  const n = node as FloraNode | undefined;
  if (n?.kind === 'generation') return { generation: store.generation(n.generationId) };
  if (n?.kind === 'output') {
    const generation = store.generation(n.generationId);
    return { generation, output: generation?.outputs.find((o) => o.id === n.outputId) };
  }
  return {};
}

/** Opens an output the way its kind wants: text in an editor, anything with an http(s) URL in the browser. */
export async function openOutput(deps: Pick<Deps, 'store' | 'logger'>, node: unknown): Promise<boolean> {
  const { output } = resolve(deps.store, node);
  if (!output) return false;
  if (output.kind === 'text') {
    const doc = await vscode.workspace.openTextDocument({ content: output.url, language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return true;
  }
  return openUrl(deps, output.url);
}

/** Opens an http(s) URL outside VS Code; any other scheme (javascript:, file:, command:) is refused. */
export async function openUrl(deps: Pick<Deps, 'logger'>, raw: string): Promise<boolean> {
  const url = safeHttpUrl(raw);
  if (!url) {
    deps.logger.warn(`Refused to open an output link that is not http(s): ${raw.slice(0, 80)}`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t('This output is not a web link (only http and https links are opened).'),
    );
    return false;
  }
  return vscode.env.openExternal(vscode.Uri.parse(url.toString(), true));
}

export async function openInBrowser(deps: Pick<Deps, 'store' | 'logger'>, node: unknown): Promise<boolean> {
  const { generation, output } = resolve(deps.store, node);
  if (output) return openUrl(deps, output.url);
  const links = (generation?.outputs ?? []).filter((o) => o.kind !== 'text');
  if (links.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('This generation has no output to open in a browser.'),
    );
    return false;
  }
  const choice =
    links.length === 1
      ? links[0]
      : (
          await vscode.window.showQuickPick(
            links.map((o) => ({
              label: outputLabel(o, generation?.outputs ?? links),
              description: inertText(o.url),
              o,
            })),
            { title: vscode.l10n.t('Open which output?') },
          )
        )?.o;
  return choice ? openUrl(deps, choice.url) : false;
}

export async function copyUrl(deps: Pick<Deps, 'store'>, node: unknown): Promise<void> {
  const { generation, output } = resolve(deps.store, node);
  const text = output ? output.url : (generation?.outputs ?? []).map((o) => o.url).join('\n');
  if (!text) return;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(
    output?.kind === 'text' ? vscode.l10n.t('FLORA: text copied') : vscode.l10n.t('FLORA: URL copied'),
    3000,
  );
}

export async function copyId(node: unknown): Promise<void> {
  const n = node as FloraNode | undefined;
  const id =
    n?.kind === 'generation'
      ? n.generationId
      : n?.kind === 'output'
        ? n.outputId
        : n?.kind === 'project'
          ? n.projectId
          : n?.kind === 'workspace'
            ? n.workspaceId
            : typeof node === 'string'
              ? node
              : undefined;
  if (!id) return;
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(vscode.l10n.t('FLORA: {0} copied', inertText(id)), 3000);
}

export const RUN_SCHEME = 'flora-run';

/**
 * Read-only documents holding a run's JSON exactly as FLORA returned it: `GET /runs/{id}` for a
 * generation, its technique's route for a technique run (whose technique id the URI's query
 * carries, so the document reads the same after the run left the store).
 */
export class RunDetailsProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly deps: Pick<Deps, 'store'>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.json$/, ''));
    const techniqueId = new URLSearchParams(uri.query).get('technique') ?? undefined;
    const known = this.deps.store.generation(runId);
    const technique = known?.technique ?? (techniqueId ? { id: techniqueId, name: techniqueId } : undefined);
    try {
      const body = await this.deps.store.runDetails({ runId, pollUrl: known?.pollUrl, technique });
      return `${JSON.stringify(body, null, 2)}\n`;
    } catch (err) {
      return `${JSON.stringify({ error: err instanceof Error ? err.message : String(err), run_id: runId }, null, 2)}\n`;
    }
  }
}

export async function showRunDetails(deps: Pick<Deps, 'store'>, node: unknown): Promise<void> {
  const { generation } = resolve(deps.store, node);
  const runId = generation?.runId ?? (typeof node === 'string' ? node : undefined);
  if (!runId) return;
  const technique = generation?.technique;
  const uri = vscode.Uri.from({
    scheme: RUN_SCHEME,
    path: `/${encodeURIComponent(runId)}.json`,
    query: technique ? new URLSearchParams({ technique: technique.id }).toString() : undefined,
  });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
}

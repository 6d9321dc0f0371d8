/**
 * The Generate commands (issue 13 §1): FLORA: Generate…, Generate in This Project… and Generate
 * from Selection. Runs the wizard, sends the confirmed submission through the store (only
 * src/model calls the client), maps FLORA's refusals to what the user can do about them, and
 * hands generations started from an editor to the InsertTracker.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../api/logger';
import type { Generation } from '../../api/types';
import { systemClock } from '../../api/clock';
import { billingUrl, describeGenerateFailure, failureNotice, Submission } from '../../model/generate';
import { GenerateMemory, type KeyValueStorage } from '../../model/generateMemory';
import { planParams, type FieldTarget } from '../../model/generateParams';
import { inertText } from '../../model/plainText';
import { asFloraError } from '../../api/errors';
import type { Store } from '../../model/store';
import type { FloraNode } from '../nodes';
import { InsertTracker } from './insert';
import { QuickInputPrompter, type Prompter } from './prompter';
import { runWizard, type Reopen, type WizardContext, type WizardState } from './wizard';

export interface GenerateDeps {
  store: Store;
  view: vscode.TreeView<FloraNode>;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  storage: KeyValueStorage;
  /** The account fingerprint (snapshotCache.accountFingerprint) of the current key, if any. */
  account: () => string | undefined;
  apiBaseUrl: () => string;
  insertAutomatically: () => boolean;
  reveal: (generationId: string) => Promise<boolean>;
  /** The extension's clock (the tests move it): a submission's time, by which a duplicate's row is told. */
  now?: () => number;
}

/** How a Generate command ended (the integration tests read it). */
export type GenerateResult =
  /** `duplicate`: FLORA had the submission already (its row, if any, was found by time and model). */
  | { status: 'started'; generationId?: string; duplicate?: boolean }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

export class GenerateController implements vscode.Disposable {
  /** Asks the flow's questions; the integration tests put a scripted one here. */
  prompter: Prompter = new QuickInputPrompter();
  readonly memory: GenerateMemory;
  readonly inserts: InsertTracker;

  constructor(private readonly deps: GenerateDeps) {
    this.memory = new GenerateMemory(deps.storage);
    deps.store.setPromptLookup((id) => this.memory.promptOf(deps.account(), id));
    this.inserts = new InsertTracker(deps.store, {
      automatic: deps.insertAutomatically,
      tell: (severity, message, actions) => this.prompter.tell(severity, message, actions),
      label: (g) => inertText(deps.store.modelName(g.modelId) ?? vscode.l10n.t('Your FLORA generation')),
    });
  }

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flora.generate', () =>
        this.generate({ editor: vscode.window.activeTextEditor }),
      ),
      vscode.commands.registerCommand('flora.generateInProject', (node?: FloraNode) =>
        this.generate(
          node?.kind === 'project' ? { projectId: node.projectId, workspaceId: node.workspaceId } : {},
        ),
      ),
      vscode.commands.registerCommand('flora.generateFromSelection', () =>
        this.generate({ editor: vscode.window.activeTextEditor, fromSelection: true }),
      ),
    ];
  }

  async generate(origin: {
    editor?: vscode.TextEditor;
    projectId?: string;
    workspaceId?: string;
    fromSelection?: boolean;
  }): Promise<GenerateResult> {
    const editor = origin.editor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    if (origin.fromSelection && !selected.trim()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the text to use as the prompt first.'));
      return { status: 'cancelled' };
    }
    const tracking = editor ? this.inserts.track(editor) : undefined;
    try {
      const ctx: WizardContext = {
        store: this.deps.store,
        prompter: this.prompter,
        memory: this.memory,
        account: this.deps.account(),
        fixedProjectId: origin.projectId,
        selectedProjectId: this.selectedProjectId(),
      };
      const state: WizardState = {
        prompt: selected.trim(),
        params: {},
        projectId: origin.projectId,
        workspaceId: origin.workspaceId,
      };
      let reopen: Reopen | undefined;
      for (;;) {
        const request = await runWizard(ctx, state, reopen);
        if (!request) return { status: 'cancelled' };
        const result = await this.send(new Submission(request, this.deps.now), state);
        if ('reopen' in result) {
          reopen = result.reopen;
          continue;
        }
        if (result.status === 'started' && result.generationId)
          // A duplicate's row was matched by time and model, not named by FLORA: always ask first.
          tracking?.attach(result.generationId, request.prompt, { ask: result.duplicate === true });
        return result;
      }
    } finally {
      tracking?.dispose();
    }
  }

  /** The project selected in the tree (a project row, or a generation's project). */
  private selectedProjectId(): string | undefined {
    const node = this.deps.view.selection[0];
    if (node?.kind === 'project' || node?.kind === 'generation') return node.projectId;
    return undefined;
  }

  /** One confirmed submission: sent, and sent again with the same key when the user tries again. */
  private async send(
    submission: Submission,
    state: WizardState,
  ): Promise<GenerateResult | { reopen: Reopen }> {
    const request = submission.request;
    for (;;) {
      try {
        let remembered: Promise<void> = Promise.resolve();
        const outcome = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('FLORA: starting the generation…'),
            cancellable: true,
          },
          async (progress, token) => {
            const abort = new AbortController();
            const cancelled = token.onCancellationRequested(() => abort.abort());
            try {
              return await this.deps.store.submitGeneration(submission, {
                signal: abort.signal,
                sleep: (ms, signal) => systemClock.sleep(ms, signal),
                // Remembered before the row shows, so its tooltip has the prompt from the start.
                accepted: (o) => {
                  remembered = this.memory.remember(this.deps.account(), {
                    generationId: o.generation?.id,
                    prompt: request.prompt,
                    type: request.type,
                    modelId: request.modelId,
                    projectId: request.projectId,
                  });
                },
                onWait: (ms) =>
                  progress.report({
                    message: vscode.l10n.t(
                      'FLORA’s rate limit: trying again in {0} s…',
                      Math.ceil(ms / 1000),
                    ),
                  }),
              });
            } finally {
              cancelled.dispose();
            }
          },
        );
        const g: Generation | undefined = outcome.generation;
        this.deps.logger.info(
          `Generate: ${outcome.kind === 'created' ? `FLORA started ${g?.id}` : `FLORA had this submission already${g ? ` (${g.id})` : ''}`}.`,
        );
        await remembered;
        if (g) {
          void this.deps.reveal(g.id);
        } else {
          void this.prompter.tell(
            'info',
            vscode.l10n.t(
              'FLORA had already received this generation (the first answer was lost on the way); it appears in its project shortly.',
            ),
            [],
          );
          void this.deps.store.refreshGenerations(request.projectId);
        }
        return { status: 'started', generationId: g?.id, duplicate: outcome.kind === 'duplicate' };
      } catch (err) {
        const error = asFloraError(err);
        this.deps.logger.warn(`Generate: ${error.kind} ${error.status ?? ''} ${error.code ?? ''}`.trim());
        if (error.kind === 'cancelled') {
          void this.prompter.tell(
            'info',
            vscode.l10n.t(
              'Stopped waiting for FLORA. If it had received the generation, it appears in its project.',
            ),
            [],
          );
          void this.deps.store.refreshGenerations(request.projectId);
          return { status: 'cancelled' };
        }
        const failure = describeGenerateFailure(error, state.model);
        if (failure.kind === 'field') {
          const step = stepFor(failure.target, state);
          if (step) return { reopen: { step, error: failure.message } };
        }
        if (failure.kind === 'credits') {
          const open = vscode.l10n.t('Open FLORA Billing');
          const url = billingUrl(this.deps.apiBaseUrl());
          const choice = await this.prompter.tell('error', failure.message, url ? [open] : []);
          if (choice === open && url) await vscode.env.openExternal(vscode.Uri.parse(url));
          return { status: 'failed', message: failure.message };
        }
        const message = failureNotice(failure);
        const again = vscode.l10n.t('Try Again');
        const logs = vscode.l10n.t('Show Logs');
        const choice = await this.prompter.tell('error', message, error.retryable ? [again, logs] : [logs]);
        if (choice === again) continue; // the same submission: the same key
        if (choice === logs) this.deps.channel.show(true);
        return { status: 'failed', message };
      }
    }
  }

  dispose(): void {
    this.inserts.dispose();
  }
}

/** The step a refused field is asked at. */
function stepFor(target: FieldTarget, state: WizardState): string | undefined {
  switch (target.kind) {
    case 'prompt':
      return 'prompt';
    case 'model':
      return 'model';
    case 'project':
      return 'project';
    case 'param': {
      const required = state.model
        ? planParams(state.model).required.some((p) => p.name === target.name)
        : false;
      return required ? `param:${target.name}` : `option:${target.name}`;
    }
    default:
      return undefined;
  }
}

/** Opt-in toasts for generations that finish while VS Code watches them (`flora.notifyOn`). */
import * as vscode from 'vscode';
import type { Generation } from '../api/types';
import { finishNotice, groupedFinishNotice } from '../model/format';
import type { Poller } from '../model/poller';
import { inertText } from '../model/plainText';
import { generationTitle } from '../model/presentation';
import { RecentIds } from '../model/recentIds';
import type { Store } from '../model/store';

export type NotifyOn = 'none' | 'failed' | 'all';

/** More finished at once than this become one grouped toast. */
const GROUP_AT = 3;
/** Ids remembered as announced (a run finishes once; this only guards against a repeat soon after). */
const NOTIFIED_CAPACITY = 1_000;

export interface NotifierActions {
  reveal(generationId: string): Promise<unknown>;
  openOutput(generationId: string): Promise<unknown>;
  /** An action failed: logged, never an unhandled rejection. */
  failed(err: unknown): void;
}

export class FinishNotifier implements vscode.Disposable {
  private readonly notified = new RecentIds(NOTIFIED_CAPACITY);
  private readonly subscription: { dispose(): void };
  private readonly notified$ = new vscode.EventEmitter<string>();
  /** Fires with the text of every notification shown. */
  readonly onDidNotify = this.notified$.event;

  constructor(
    poller: Poller,
    private readonly store: Store,
    private readonly setting: () => NotifyOn,
    private readonly actions: NotifierActions,
  ) {
    this.subscription = poller.onDidFinish((gens) => this.onFinished(gens));
  }

  private onFinished(gens: Generation[]): void {
    const mode = this.setting();
    if (mode === 'none') return;
    // A status FLORA's enum lacks (cancelled, expired…) is announced like a failure, by its own name.
    const fresh = gens.filter(
      (g) => !this.notified.has(g.id) && finishNotice(g, { model: '' }, mode) !== undefined,
    );
    if (!fresh.length) return;
    for (const g of fresh) this.notified.add(g.id);
    if (fresh.length > GROUP_AT) {
      this.grouped(fresh);
      return;
    }
    for (const g of fresh) this.single(g);
  }

  private single(g: Generation): void {
    const model = generationTitle(g, this.store.modelName(g.modelId));
    const project = this.store.project(g.projectId)?.name;
    const notice = finishNotice(g, { model, project }, 'all');
    if (!notice) return;
    const text = inertText(notice.text);
    this.remember(text);
    const open = vscode.l10n.t('Open');
    const openOutput = vscode.l10n.t('Open Output');
    const actions = g.outputs.length ? [open, openOutput] : [open];
    const show = notice.warning ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    show(text, ...actions)
      .then((choice) => {
        if (choice === open) return this.actions.reveal(g.id);
        if (choice === openOutput) return this.actions.openOutput(g.id);
        return undefined;
      })
      .then(undefined, (err: unknown) => this.actions.failed(err));
  }

  private grouped(gens: Generation[]): void {
    const text = inertText(groupedFinishNotice(gens));
    this.remember(text);
    const first = gens.find((g) => g.status !== 'completed') ?? gens[0];
    const open = vscode.l10n.t('Open');
    vscode.window
      .showInformationMessage(text, open)
      .then((choice) => (choice === open ? this.actions.reveal(first.id) : undefined))
      .then(undefined, (err: unknown) => this.actions.failed(err));
  }

  private remember(text: string): void {
    this.notified$.fire(text);
  }

  dispose(): void {
    this.subscription.dispose();
    this.notified$.dispose();
  }
}

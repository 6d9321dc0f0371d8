/** Opt-in toasts for generations that finish while VS Code watches them (`flora.notifyOn`). */
import * as vscode from 'vscode';
import type { Generation } from '../api/types';
import type { Poller } from '../model/poller';
import { inertText } from '../model/plainText';
import { RecentIds } from '../model/recentIds';
import type { Store } from '../model/store';

export type NotifyOn = 'none' | 'failed' | 'all';

/** More finished at once than this become one grouped toast. */
const GROUP_AT = 3;
/** Ids remembered as announced (a run finishes once; this only guards against a repeat soon after). */
const NOTIFIED_CAPACITY = 1_000;
/** Texts kept in `shown`. */
const SHOWN_CAPACITY = 100;

export interface NotifierActions {
  reveal(generationId: string): Promise<unknown>;
  openOutput(generationId: string): Promise<unknown>;
  /** An action failed: logged, never an unhandled rejection. */
  failed(err: unknown): void;
}

export class FinishNotifier implements vscode.Disposable {
  private readonly notified = new RecentIds(NOTIFIED_CAPACITY);
  private readonly subscription: { dispose(): void };
  /** What was shown, newest last (tests read it; nothing else does). */
  readonly shown: string[] = [];

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
    const fresh = gens.filter((g) => !this.notified.has(g.id) && (mode === 'all' || g.status === 'failed'));
    if (!fresh.length) return;
    for (const g of fresh) this.notified.add(g.id);
    if (fresh.length > GROUP_AT) {
      this.grouped(fresh);
      return;
    }
    for (const g of fresh) this.single(g);
  }

  private single(g: Generation): void {
    const model = this.store.modelName(g.modelId) ?? 'Generation';
    const project = this.store.project(g.projectId)?.name;
    const where = project ? ` in ${project}` : '';
    const failed = g.status === 'failed';
    const text = inertText(
      failed
        ? `FLORA: ${model}${where} failed${g.errorMessage ? `: ${g.errorMessage}` : '.'}`
        : `FLORA: ${model}${where} completed.`,
    );
    this.remember(text);
    const actions = g.outputs.length ? ['Open', 'Open Output'] : ['Open'];
    const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    show(text, ...actions)
      .then((choice) => {
        if (choice === 'Open') return this.actions.reveal(g.id);
        if (choice === 'Open Output') return this.actions.openOutput(g.id);
        return undefined;
      })
      .then(undefined, (err: unknown) => this.actions.failed(err));
  }

  private grouped(gens: Generation[]): void {
    const failed = gens.filter((g) => g.status === 'failed').length;
    const text =
      failed === gens.length
        ? `FLORA: ${gens.length} generations failed.`
        : `FLORA: ${gens.length} generations finished${failed ? ` (${failed} failed)` : ''}.`;
    this.remember(text);
    const first = gens.find((g) => g.status === 'failed') ?? gens[0];
    vscode.window
      .showInformationMessage(text, 'Open')
      .then((choice) => (choice === 'Open' ? this.actions.reveal(first.id) : undefined))
      .then(undefined, (err: unknown) => this.actions.failed(err));
  }

  private remember(text: string): void {
    this.shown.push(text);
    if (this.shown.length > SHOWN_CAPACITY) this.shown.splice(0, this.shown.length - SHOWN_CAPACITY);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

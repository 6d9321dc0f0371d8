/**
 * The Generate flow's questions, asked through an interface: the extension asks them with
 * QuickPicks and InputBoxes that have a Back button; the integration tests answer them with a
 * script through the same commands (see FloraExtensionApi.generate).
 */
import * as vscode from 'vscode';
import { inertText } from '../../model/plainText';

/** The answer "go back one step" (the Back button, or Alt+Left in VS Code's quick input). */
// Symbol.for: the same symbol in the extension's bundle and in a test bundle that imports this.
export const BACK: unique symbol = Symbol.for('flora.generate.back') as never;
export type Answer<T> = T | typeof BACK | undefined;

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  /** A group heading, not an answer. */
  separator?: boolean;
  value?: T;
}

export interface PickStep<T> {
  /** Which step this is (`type`, `model`, `param:duration`, `confirm`…): tests answer by it. */
  step: string;
  title: string;
  placeholder: string;
  /** A promise while they load (the pick shows busy meanwhile). */
  items: readonly PickItem<T>[] | Promise<readonly PickItem<T>[]>;
  /** The item selected at first (the value chosen before). */
  active?: T;
  back: boolean;
  /** FLORA's message about this step's earlier answer. */
  error?: string;
}

export interface InputStep {
  step: string;
  title: string;
  prompt: string;
  placeholder?: string;
  value: string;
  back: boolean;
  /** A message while the text is not acceptable; undefined when it is. */
  validate?: (text: string) => string | undefined;
  error?: string;
}

export interface Prompter {
  pick<T>(step: PickStep<T>): Promise<Answer<T>>;
  input(step: InputStep): Promise<Answer<string>>;
  /**
   * A message with buttons: an error, a refusal, a result ready to insert. Resolves with the
   * button chosen; with no buttons it resolves at once (the message stays on screen).
   */
  tell(
    severity: 'info' | 'warning' | 'error',
    message: string,
    actions: readonly string[],
  ): Promise<string | undefined>;
}

type ItemOf<T> = vscode.QuickPickItem & { value?: T };

/** The real thing: one QuickPick or InputBox per step, with Back from the second step on. */
export class QuickInputPrompter implements Prompter {
  async pick<T>(step: PickStep<T>): Promise<Answer<T>> {
    const qp = vscode.window.createQuickPick<ItemOf<T>>();
    qp.title = step.title;
    qp.placeholder = step.error !== undefined ? inertText(step.error) : step.placeholder;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.ignoreFocusOut = true;
    if (step.back) qp.buttons = [vscode.QuickInputButtons.Back];
    const disposables: vscode.Disposable[] = [qp];
    try {
      return await new Promise<Answer<T>>((resolve) => {
        let done = false;
        const finish = (a: Answer<T>) => {
          if (done) return;
          done = true;
          resolve(a);
        };
        disposables.push(
          qp.onDidTriggerButton((b) => {
            if (b === vscode.QuickInputButtons.Back) finish(BACK);
          }),
          qp.onDidAccept(() => {
            const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
            if (chosen && chosen.kind !== vscode.QuickPickItemKind.Separator) finish(chosen.value);
          }),
          qp.onDidHide(() => finish(undefined)),
        );
        qp.busy = true;
        qp.show();
        void Promise.resolve(step.items).then(
          (items) => {
            const mapped: Array<ItemOf<T>> = items.map((i) =>
              i.separator
                ? { label: i.label, kind: vscode.QuickPickItemKind.Separator }
                : { label: i.label, description: i.description, detail: i.detail, value: i.value },
            );
            qp.items = mapped;
            const active = mapped.find((m) => step.active !== undefined && m.value === step.active);
            if (active) qp.activeItems = [active];
            qp.busy = false;
          },
          () => finish(undefined),
        );
      });
    } finally {
      for (const d of disposables) d.dispose();
    }
  }

  async input(step: InputStep): Promise<Answer<string>> {
    const box = vscode.window.createInputBox();
    box.title = step.title;
    box.prompt = step.prompt;
    box.placeholder = step.placeholder;
    box.value = step.value;
    box.ignoreFocusOut = true;
    box.validationMessage =
      step.error !== undefined ? inertText(step.error) : step.value ? step.validate?.(step.value) : undefined;
    if (step.back) box.buttons = [vscode.QuickInputButtons.Back];
    const disposables: vscode.Disposable[] = [box];
    try {
      return await new Promise<Answer<string>>((resolve) => {
        let done = false;
        const finish = (a: Answer<string>) => {
          if (done) return;
          done = true;
          resolve(a);
        };
        disposables.push(
          box.onDidTriggerButton((b) => {
            if (b === vscode.QuickInputButtons.Back) finish(BACK);
          }),
          box.onDidChangeValue((text) => {
            box.validationMessage = step.validate?.(text);
          }),
          box.onDidAccept(() => {
            const problem = step.validate?.(box.value);
            box.validationMessage = problem;
            if (!problem) finish(box.value);
          }),
          box.onDidHide(() => finish(undefined)),
        );
        box.show();
      });
    } finally {
      for (const d of disposables) d.dispose();
    }
  }

  tell(
    severity: 'info' | 'warning' | 'error',
    message: string,
    actions: readonly string[],
  ): Promise<string | undefined> {
    const show =
      severity === 'error'
        ? vscode.window.showErrorMessage
        : severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    // The message may carry FLORA's text (an error message, a model name): never a link or an icon.
    const shown = show(inertText(message), ...actions);
    // Without buttons there is nothing to wait for (the promise settles only when it is closed).
    return actions.length ? Promise.resolve(shown) : Promise.resolve(undefined);
  }
}

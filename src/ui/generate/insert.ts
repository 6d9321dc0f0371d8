/**
 * The result where you were: a generation started from an editor remembers the selection's
 * position, follows it through later edits of the document, and when the generation completes
 * offers Insert (or inserts at once with `flora.insertResultAutomatically`). The result replaces
 * the selection when it was the prompt (generateInsert.placement), else goes after it; if the text
 * there was edited since, the user is asked.
 */
import * as vscode from 'vscode';
import { isFinished, type Generation } from '../../api/types';
import {
  insertionText,
  placement,
  textAfterSelection,
  trackRange,
  type TrackedRange,
} from '../../model/generateInsert';
import type { Store } from '../../model/store';

interface Anchor {
  uri: vscode.Uri;
  range: TrackedRange;
  markdown: boolean;
  /** The text selected when the flow started. */
  selected: string;
  prompt?: string;
  generationId?: string;
  /** Offer the result, never insert it at once (the generation may not be the one started here). */
  ask?: boolean;
  /** Keeps the generation in the store while its result is awaited (only a clear drops it). */
  hold?: { dispose(): void };
  /** Its run was read once because it completed without outputs (list items may omit them). */
  refreshed?: boolean;
}

export interface InsertOptions {
  automatic: () => boolean;
  tell: (
    severity: 'info' | 'warning',
    message: string,
    actions: readonly string[],
  ) => Promise<string | undefined>;
  label: (g: Generation) => string;
}

export class InsertTracker implements vscode.Disposable {
  private readonly anchors = new Set<Anchor>();
  private readonly subscriptions: vscode.Disposable[];
  /** Insertions done, in order (the integration tests wait on it). */
  readonly inserted: Array<{ generationId: string; uri: string; text: string }> = [];

  constructor(
    private readonly store: Store,
    private readonly options: InsertOptions,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length) return;
        for (const a of this.anchors) {
          if (a.uri.toString() === e.document.uri.toString()) a.range = trackRange(a.range, e.contentChanges);
        }
      }),
      // Closed, its later edits are not seen: the position can no longer be trusted without asking.
      vscode.workspace.onDidCloseTextDocument((d) => {
        for (const a of this.anchors)
          if (a.uri.toString() === d.uri.toString()) a.range = { ...a.range, touched: true };
      }),
      store.onDidChange(() => this.check()),
    ];
  }

  /** Starts following the editor's selection now (edits made while the flow is open count too). */
  track(editor: vscode.TextEditor): {
    attach(generationId: string, prompt: string, options?: { ask?: boolean }): void;
    dispose(): void;
  } {
    const doc = editor.document;
    const anchor: Anchor = {
      uri: doc.uri,
      range: {
        start: doc.offsetAt(editor.selection.start),
        end: doc.offsetAt(editor.selection.end),
        touched: false,
      },
      markdown: doc.languageId === 'markdown',
      selected: doc.getText(editor.selection),
    };
    this.anchors.add(anchor);
    return {
      attach: (generationId, prompt, options) => {
        anchor.generationId = generationId;
        anchor.prompt = prompt;
        anchor.ask = options?.ask;
        anchor.hold = this.store.retain(generationId);
        this.check();
      },
      dispose: () => {
        if (!anchor.generationId) this.anchors.delete(anchor);
      },
    };
  }

  get tracking(): number {
    return this.anchors.size;
  }

  private check(): void {
    for (const a of this.anchors) {
      if (!a.generationId) continue;
      const g = this.store.generation(a.generationId);
      if (!g) {
        // Retained, it is gone only when the store was cleared (sign-out, another key): not ours now.
        this.drop(a);
        continue;
      }
      if (!isFinished(g.status)) continue;
      if (g.status === 'completed' && !g.outputs.length && !a.refreshed) {
        // A list item may omit its outputs: the run's detail has them. Asked once; its answer
        // is looked at again once it is in (a failure ends the wait).
        a.refreshed = true;
        this.store.refreshGeneration(g.id).then(
          () => this.check(),
          () => this.drop(a),
        );
        continue;
      }
      this.drop(a);
      // A failure is announced by the finish notifications; there is nothing to insert.
      if (g.status === 'completed' && g.outputs.length) void this.offer(a, g);
    }
  }

  private drop(a: Anchor): void {
    this.anchors.delete(a);
    a.hold?.dispose();
  }

  private async offer(a: Anchor, g: Generation): Promise<void> {
    const text = insertionText(g.outputs, { markdown: a.markdown, prompt: a.prompt });
    const label = this.options.label(g);
    if (!text) {
      // Only http(s) addresses are inserted (generateInsert.insertionText): nothing else is put in a file.
      void this.options.tell(
        'warning',
        vscode.l10n.t('{0} is ready, but FLORA gave no web address for it to insert.', label),
        [],
      );
      return;
    }
    // Only a selection that was the prompt is replaced; other selected text is kept, the result after it.
    const where = placement(a.selected, a.prompt ?? '') === 'replace' ? 'replace' : 'at-end';
    if (!a.range.touched) {
      if (this.options.automatic() && !a.ask) return this.insert(a, g, text, where);
      const insert = vscode.l10n.t('Insert');
      const choice = await this.options.tell(
        'info',
        vscode.l10n.t('{0} is ready. Insert it where you started it?', label),
        [insert],
      );
      if (choice === insert) await this.insert(a, g, text, where);
      return;
    }
    const there = vscode.l10n.t('Insert There');
    const cursor = vscode.l10n.t('Insert at Cursor');
    const choice = await this.options.tell(
      'warning',
      vscode.l10n.t(
        '{0} is ready, but the text where you started it has changed since. Insert it there anyway?',
        label,
      ),
      [there, cursor],
    );
    if (choice === there) await this.insert(a, g, text, where === 'replace' ? 'at-start' : 'at-end');
    else if (choice === cursor) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      await editor.edit((b) => b.replace(editor.selection, text));
      this.inserted.push({ generationId: g.id, uri: editor.document.uri.toString(), text });
    }
  }

  private async insert(
    a: Anchor,
    g: Generation,
    text: string,
    mode: 'replace' | 'at-start' | 'at-end',
  ): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(a.uri);
    const start = doc.positionAt(a.range.start);
    const end = doc.positionAt(a.range.end);
    const edit = new vscode.WorkspaceEdit();
    if (mode === 'replace') edit.replace(a.uri, new vscode.Range(start, end), text);
    else if (mode === 'at-end') edit.insert(a.uri, end, textAfterSelection(text, end.character > 0));
    else edit.insert(a.uri, start, text);
    if (await vscode.workspace.applyEdit(edit)) {
      this.inserted.push({ generationId: g.id, uri: a.uri.toString(), text });
    } else {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Could not insert the result into {0}.', a.uri.toString()),
      );
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const a of this.anchors) a.hold?.dispose();
    this.anchors.clear();
  }
}

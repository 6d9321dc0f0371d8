/** "$(loading~spin) 3 running" in the status bar and a badge on the view, following the poller. */
import * as vscode from 'vscode';
import type { Generation } from '../api/types';
import { absoluteTime, duration } from '../model/format';
import { inertText } from '../model/plainText';
import { generationTitle, progressText } from '../model/presentation';
import type { Poller, PollerState, RunningSummary } from '../model/poller';
import type { Store } from '../model/store';
import type { FloraNode } from './nodes';

const MAX_TOOLTIP_JOBS = 12;

export class RunningStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(
    private readonly poller: Poller,
    private readonly store: Store,
    private readonly view: vscode.TreeView<FloraNode>,
    private readonly now: () => number = Date.now,
  ) {
    this.item = vscode.window.createStatusBarItem('flora.running', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('FLORA Running Generations');
    this.item.command = 'flora.showRunning';
    this.subscriptions.push(
      poller.onDidChangeRunning(() => this.render()),
      poller.onDidChangeState(() => this.render()),
      store.onDidChange((e) => {
        if (e.kind === 'models' || e.kind === 'root') this.render();
      }),
    );
    this.render();
  }

  render(): void {
    const { pending, running } = this.poller.running;
    const count = pending.length + running.length;
    this.view.badge = count ? { value: count, tooltip: this.countText(this.poller.running) } : undefined;
    if (!count) {
      this.item.hide();
      return;
    }
    this.item.text = vscode.l10n.t('$(loading~spin) {0} running', count);
    this.item.accessibilityInformation = {
      label: vscode.l10n.t('FLORA: {0}', this.countText(this.poller.running)),
    };
    this.item.tooltip = this.tooltip(this.poller.running, this.poller.state);
    this.item.show();
  }

  private countText(s: RunningSummary): string {
    return s.pending.length
      ? vscode.l10n.t('{0} running, {1} pending', s.running.length, s.pending.length)
      : vscode.l10n.t('{0} running', s.running.length);
  }

  private tooltip(s: RunningSummary, state: PollerState): vscode.MarkdownString {
    // Theme icons on from the start: appendText then escapes `$(…)` in what it appends, so only
    // the icons appended as Markdown below render. (Turned on after the API text, they rendered
    // `$(…)` in names as icons.)
    const md = new vscode.MarkdownString('', true);
    md.appendMarkdown('**FLORA** — '); // l10n-ignore: the product name
    md.appendText(this.countText(s));
    md.appendMarkdown('\n\n');
    const jobs = [...s.running, ...s.pending];
    for (const g of jobs.slice(0, MAX_TOOLTIP_JOBS)) {
      md.appendMarkdown('- ');
      md.appendText(inertText(this.jobLine(g)));
      md.appendMarkdown('\n');
    }
    if (jobs.length > MAX_TOOLTIP_JOBS)
      md.appendText(`${vscode.l10n.t('… and {0} more', jobs.length - MAX_TOOLTIP_JOBS)}\n`);
    if (state.state === 'backoff') {
      md.appendMarkdown('\n$(warning) ');
      md.appendText(
        vscode.l10n.t(
          'Updates paused: {0} Next try in {1} ({2}).',
          inertText(state.error.message),
          duration(Math.max(0, state.until - this.now())),
          absoluteTime(state.until),
        ),
      );
    } else if (state.state === 'stopped') {
      md.appendMarkdown('\n$(error) ');
      md.appendText(
        vscode.l10n.t('Updates stopped: {0} Set a valid API key to resume.', inertText(state.error.message)),
      );
    } else if (state.state === 'off') {
      md.appendMarkdown('\n');
      md.appendText(vscode.l10n.t('Automatic updates are off (flora.autoRefresh).'));
    }
    md.appendMarkdown(`\n\n_${vscode.l10n.t('Click to pick a job and reveal it.')}_`);
    return md;
  }

  private jobLine(g: Generation): string {
    const model = generationTitle(g, this.store.modelName(g.modelId));
    const project = this.store.project(g.projectId)?.name ?? g.projectId;
    const state = g.status === 'pending' ? vscode.l10n.t('pending') : progressText(g);
    return `${model} · ${project} · ${state}`;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}

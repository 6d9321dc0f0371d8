// Shared helpers of the integration suites: the extension's API, the fake FLORA server's control
// interface (over HTTP, since the server runs in the test runner's process), and tree reading.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import type { FloraNode } from '../../src/ui/nodes';
import type { Fault, Generation, Model, Project, RouteName, Workspace } from '../fake-flora/types';

export const EXTENSION_ID = 'flora-generations.flora-generations';

export async function floraApi(): Promise<FloraExtensionApi> {
  const ext = vscode.extensions.getExtension<FloraExtensionApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  const api = await ext.activate();
  assert.ok(api, 'the extension returns its test API only in ExtensionMode.Test');
  return api;
}

function origin(): string {
  const o = process.env.FLORA_FAKE_ORIGIN;
  assert.ok(o, 'FLORA_FAKE_ORIGIN is not set: run the suite through the test runner');
  return o;
}

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin()}/_fake${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} /_fake${path}: ${text}`);
  return JSON.parse(text) as T;
}

export interface FakeState {
  now: number;
  workspaces: Workspace[];
  projects: Project[];
  generations: Generation[];
  models: Model[];
}

export const fake = {
  state: () => control<FakeState>('GET', '/state'),
  reset: () => control('POST', '/reset'),
  advance: (ms: number) => control('POST', '/advance', { ms }),
  inject: (route: RouteName, fault: Fault, times: number | null = 1, query?: Record<string, string>) =>
    control('POST', '/inject', { route, fault, times, query }),
  clearFaults: () => control('POST', '/clear-faults'),
  counts: () => control<Record<RouteName, number>>('GET', '/counts'),
  resetCounts: () => control('POST', '/reset-counts'),
  addGeneration: (input: Record<string, unknown>) =>
    control<{ generation: Generation }>('POST', '/add-generation', input).then((r) => r.generation),
  startGenerations: (input: {
    project_id: string;
    count: number;
    durationMs?: number;
    finalStatus?: string;
  }) =>
    control<{ generations: Generation[] }>('POST', '/start-generations', input).then((r) => r.generations),
  addProject: (input: { workspace_id: string; name: string }) =>
    control<{ project: { project_id: string; name: string } }>('POST', '/add-project', input).then(
      (r) => r.project,
    ),
  addTechniqueRun: (input: Record<string, unknown>) =>
    control<{ technique_run: { technique_run_id: string; run_id: string } }>(
      'POST',
      '/add-technique-run',
      input,
    ).then((r) => r.technique_run),
  requests: () =>
    control<{ requests: Array<{ route: string; query: Record<string, string> }> }>('GET', '/requests').then(
      (r) => r.requests,
    ),
};

/** Polls `check` until it returns a value that is not undefined/false; generous by default (slow CI). */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Answers the Quick Pick (or dialog) `pending` shows with `command` (e.g.
 * `workbench.action.acceptSelectedQuickOpenItem`), trying again until it is open and answered.
 */
export async function answerQuickPick<T>(pending: Thenable<T>, command: string): Promise<T> {
  let settled = false;
  pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  await waitFor(`the Quick Pick to be answered (${command})`, async () => {
    if (settled) return true;
    await vscode.commands.executeCommand(command);
    return settled;
  });
  return pending;
}

export function labelOf(item: vscode.TreeItem): string {
  const { label } = item;
  if (label === undefined) return '';
  return typeof label === 'string' ? label : label.label;
}

export interface Row {
  node: FloraNode;
  item: vscode.TreeItem;
  label: string;
}

/**
 * The rows under `parent` as the view shows them once loaded: the tree answers at once with a
 * "Loading…" row while it asks FLORA, as VS Code sees it; this waits until that row is gone.
 */
export async function rows(api: FloraExtensionApi, parent?: FloraNode): Promise<Row[]> {
  const nodes = await waitFor('the rows to load', () => {
    const now = api.tree.getChildren(parent);
    return now.some((n) => n.kind === 'message' && n.messageKind === 'loading') ? undefined : now;
  });
  return nodes.map((node) => {
    const item = api.tree.getTreeItem(node);
    return { node, item, label: labelOf(item) };
  });
}

export async function row(api: FloraExtensionApi, label: string, parent?: FloraNode): Promise<Row> {
  const all = await rows(api, parent);
  const found = all.find((r) => r.label === label);
  assert.ok(found, `no row "${label}" among ${JSON.stringify(all.map((r) => r.label))}`);
  return found;
}

export function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('flora').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Back to a known state: fake reset, no filter, default page size, fresh data in the store. */
/**
 * A fresh start for the suites that follow live work: polling every 2 s, the dataset's own live
 * items settled (the fake's clock a day on), so each test decides what runs, and the poller started
 * again (an earlier suite may have stopped it on a rejected key) and idle. The fake's state then.
 */
export async function liveStart(api: FloraExtensionApi): Promise<FakeState> {
  await freshStart(api);
  await setSetting('pollInterval', 2);
  await fake.advance(24 * 3600_000);
  const state = await fake.state();
  api.poller.restart();
  await waitFor(
    'the poller to go idle',
    () =>
      api.poller.state.state === 'idle' &&
      api.poller.running.running.length + api.poller.running.pending.length === 0,
  );
  return state;
}

export async function freshStart(api: FloraExtensionApi): Promise<void> {
  await fake.reset();
  await vscode.commands.executeCommand('flora.clearFilter');
  await setSetting('pageSize', undefined);
  api.store.clear();
  await fake.resetCounts();
}

/**
 * What a mouse click on a row does: VS Code selects the row, then runs its command. Row commands
 * carry no arguments (VS Code disposes cached arguments on refreshes), so this checks that too.
 */
export async function clickRow(api: FloraExtensionApi, r: Row): Promise<unknown> {
  assert.ok(r.item.command, `the row "${r.label}" has a click command`);
  assert.equal(r.item.command.arguments, undefined, 'a row command carries no arguments');
  // The row is on screen once VS Code has taken the tree's latest refresh (coalesced, and
  // debounced by VS Code): until then a reveal of a row it does not hold yet fails; try again.
  await waitFor(`"${r.label}" revealed and selected`, async () => {
    await api.view.reveal(r.node, { select: true, focus: true });
    return api.view.selection[0]?.id === r.node.id;
  });
  return vscode.commands.executeCommand(r.item.command.command);
}

/** Runs Show Run Details on `node` and reads the JSON document it opens, once it is there. */
export async function showRunDetails(
  node: unknown,
): Promise<{ run_id?: string; status?: string; error?: string }> {
  await vscode.commands.executeCommand('flora.showRunDetails', node);
  const doc = await waitFor('the run details', () =>
    vscode.window.activeTextEditor?.document.uri.scheme === 'flora-run'
      ? vscode.window.activeTextEditor.document
      : undefined,
  );
  return waitFor('run JSON', () => {
    try {
      return JSON.parse(doc.getText()) as { run_id?: string; status?: string; error?: string };
    } catch {
      return undefined;
    }
  });
}

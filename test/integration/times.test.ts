// Relative times in the real extension host: when time moves on, the tree refreshes only the rows
// whose text changed and an open preview re-renders its times — without a request to FLORA.
// Time is moved through the test API's clock (a real minute is too long to wait).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import { relativeTime } from '../../src/model/format';
import type { FloraNode } from '../../src/ui/nodes';
import { fake, floraApi, freshStart, row, rows, waitFor } from './support';

let api: FloraExtensionApi;

suite('relative times', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    await freshStart(api);
  });

  test('the tree row and the open preview say a later time by themselves, and FLORA is not asked', async () => {
    const state = await fake.state();
    const g = [...state.generations].sort((a, b) => b.created_at - a.created_at)[0];
    const project = state.projects.find((p) => p.project_id === g.project_id)!;
    const workspace = state.workspaces.find((w) => w.workspace_id === project.workspace_id)!;
    const prj = await row(api, project.name, (await row(api, workspace.name)).node);
    const genRow = (await rows(api, prj.node)).find((r) => r.node.id === `gen:${g.generation_id}`);
    assert.ok(genRow, 'the newest generation is in the tree');
    const createdAt = api.store.generation(g.generation_id)!.createdAt;

    api.poller.stop();
    const events: Array<FloraNode | FloraNode[] | undefined> = [];
    const sub = api.tree.onDidChangeTreeData((e) => events.push(e));
    try {
      await vscode.commands.executeCommand('flora.preview', genRow.node);
      const panel = await waitFor('the preview to render', () => {
        const p = api.previews.preview(g.generation_id);
        return p?.lastRendered?.type === 'generation' ? p : undefined;
      });
      const before = relativeTime(createdAt, api.clock.now());
      assert.ok(String(genRow.item.description).startsWith(before), `${genRow.item.description}`);
      // Hand VS Code what opening the preview changed, then count from there.
      api.tree.flushNow();
      events.length = 0;
      await fake.resetCounts();

      // Move the clock until the row's text would read differently (a minute, an hour, a day…).
      const later = [60_000, 3_600_000, 86_400_000, 7 * 86_400_000, 31 * 86_400_000, 366 * 86_400_000]
        .map((ms) => relativeTime(createdAt, api.clock.now() + ms))
        .find((text) => text !== before);
      assert.ok(later);
      while (relativeTime(createdAt, api.clock.now()) !== later) api.clock.offsetMs += 60_000;
      api.ticker.poke();

      await waitFor('the tree to refresh the row', () =>
        events.some((e) => Array.isArray(e) && e.some((n) => n.id === genRow.node.id)),
      );
      assert.ok(String(api.tree.getTreeItem(genRow.node).description).startsWith(later));
      assert.ok(!events.includes(undefined), 'no whole-tree refresh for a time');
      await waitFor('the preview to render the later time', () => {
        const m = panel.lastRendered;
        return m?.type === 'generation' && m.view.summary.startsWith(later);
      });
      const counts = await fake.counts();
      assert.deepEqual(
        Object.entries(counts).filter(([, n]) => n > 0),
        [],
        'no request to FLORA',
      );
    } finally {
      sub.dispose();
      api.clock.offsetMs = 0;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      api.poller.restart();
    }
  });
});

// Technique runs in the real extension host: a project shows its generations and technique runs
// merged newest first, a technique run is named by its technique, follows live, and its run
// details come from its technique's route.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import {
  fake,
  floraApi,
  freshStart,
  liveStart,
  iconId,
  row,
  rows,
  setSetting,
  showRunDetails,
  waitFor,
} from './support';

let api: FloraExtensionApi;
const TECHNIQUE = { technique_id: 'tech_relight0001', name: 'Product Photo Relight' };
const MINUTE = 60_000;

suite('technique runs', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    await liveStart(api);
  });

  suiteTeardown(async () => {
    await setSetting('pollInterval', undefined);
    await freshStart(api);
  });

  test('a project shows generations and technique runs merged newest first; a technique run completes live and shows its JSON', async () => {
    const state = await fake.state();
    const workspace = state.workspaces[0];
    const project = await fake.addProject({
      workspace_id: workspace.workspace_id,
      name: 'Technique history',
    });
    const now = (await fake.state()).now;
    const expected: Array<{ id: string; at: number; technique: boolean }> = [];
    for (const m of [2, 5, 8]) {
      const g = await fake.addGeneration({
        project_id: project.project_id,
        created_at: now - m * MINUTE,
        status: 'completed',
      });
      expected.push({ id: g.generation_id, at: now - m * MINUTE, technique: false });
    }
    for (const m of [3, 6]) {
      const r = await fake.addTechniqueRun({
        project_id: project.project_id,
        created_at: now - m * MINUTE,
        status: 'completed',
        technique: TECHNIQUE,
      });
      expected.push({ id: r.technique_run_id, at: now - m * MINUTE, technique: true });
    }
    const running = await fake.addTechniqueRun({
      project_id: project.project_id,
      status: 'running',
      durationMs: 30_000,
      technique: TECHNIQUE,
    });
    expected.push({ id: running.technique_run_id, at: now, technique: true });
    expected.sort((a, b) => b.at - a.at);

    const ws = await row(api, workspace.name);
    const prj = await row(api, project.name, ws.node);
    const shown = (await rows(api, prj.node)).filter((r) => r.node.kind === 'generation');
    assert.deepEqual(
      shown.map((r) => (r.node.kind === 'generation' ? r.node.generationId : '')),
      expected.map((e) => e.id),
      'merged, newest first',
    );
    for (const [i, r] of shown.entries()) {
      if (expected[i].technique)
        assert.equal(r.label, TECHNIQUE.name, 'a technique run is named by its technique');
      else assert.notEqual(r.label, TECHNIQUE.name);
    }
    const tooltip = shown[0].item.tooltip;
    // MarkdownString.appendText writes spaces as &nbsp;.
    const tip = (tooltip as vscode.MarkdownString | undefined)?.value.replace(/&nbsp;/g, ' ') ?? '';
    assert.ok(tip.includes(TECHNIQUE.name), tip);
    assert.equal(iconId(shown[0].item), 'loading~spin', 'the running technique run spins');

    // It completes on the fake server's clock: the poller follows it and its row turns green.
    await waitFor('the technique run to be followed', () =>
      api.poller.running.running.some((g) => g.id === running.technique_run_id),
    );
    await fake.advance(30_000);
    await waitFor(
      'the technique run to complete',
      () => api.store.generation(running.technique_run_id)?.status === 'completed',
      60_000,
    );
    const node = api.tree.generationNode(running.technique_run_id);
    assert.ok(node);
    await waitFor('its row to show completed', () => iconId(api.tree.getTreeItem(node)) === 'pass');
    assert.equal(api.store.generationList(project.project_id).ids[0], running.technique_run_id, 'same place');

    // Show Run Details: the JSON of its technique's route.
    await fake.resetCounts();
    const json = await showRunDetails(node);
    assert.equal(json.error, undefined, JSON.stringify(json));
    assert.equal(json.run_id, running.run_id);
    assert.equal(json.status, 'completed');
    const reqs = await fake.requests();
    assert.ok(
      reqs.some((r) => r.route === 'GET /techniques/:id/runs/:runId'),
      'fetched from its technique route',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

// The history tree inside a real extension host, against the fake FLORA server: hierarchy and
// names, status icons, paging, refresh, filter, sign-in, error states, click-to-open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import {
  clickRow,
  fake,
  floraApi,
  freshStart,
  iconId,
  row,
  rows,
  setSetting,
  waitFor,
  type FakeState,
  showRunDetails,
} from './support';

const STATUS_ICON: Record<string, string> = {
  pending: 'clock',
  running: 'loading~spin',
  completed: 'pass',
  failed: 'error',
};

let api: FloraExtensionApi;
let state: FakeState;

/** The project with the most generations, and its workspace's name. */
function busiestProject(s: FakeState) {
  const counts = new Map<string, number>();
  for (const g of s.generations) counts.set(g.project_id, (counts.get(g.project_id) ?? 0) + 1);
  const projectId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const project = s.projects.find((p) => p.project_id === projectId)!;
  const workspace = s.workspaces.find((w) => w.workspace_id === project.workspace_id)!;
  return { project, workspace, generations: s.generations.filter((g) => g.project_id === projectId) };
}

async function projectRow(projectName: string, workspaceName: string) {
  const ws = await row(api, workspaceName);
  return row(api, projectName, ws.node);
}

suite('tree', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    await freshStart(api);
    state = await fake.state();
  });

  suiteTeardown(async () => {
    await freshStart(api);
  });

  test('shows workspaces → projects → generations by name, with status icons', async () => {
    const roots = await rows(api);
    assert.deepEqual(
      roots.map((r) => r.label),
      state.workspaces.map((w) => w.name),
    );
    const { project, workspace, generations } = busiestProject(state);
    const ws = await row(api, workspace.name);
    const projects = await rows(api, ws.node);
    assert.deepEqual(
      projects.map((r) => r.label),
      state.projects.filter((p) => p.workspace_id === workspace.workspace_id).map((p) => p.name),
    );
    const prj = await row(api, project.name, ws.node);
    const gens = (await rows(api, prj.node)).filter((r) => r.node.kind === 'generation');
    const names = new Map(state.models.map((m) => [m.model_id, m.name]));
    assert.equal(gens.length, Math.min(20, generations.length));
    gens.forEach((r, i) => {
      const g = generations[i];
      assert.equal(r.item.id, `gen:${g.generation_id}`);
      const modelId = g.model?.model_id;
      assert.equal(r.label, (modelId && names.get(modelId)) || modelId || 'Generation');
      assert.equal(iconId(r.item), STATUS_ICON[g.status], `${g.status} icon`);
    });
    // Tooltips carry the details, escaped, and failures say why.
    const failed = gens.find((r) => iconId(r.item) === 'error');
    if (failed) {
      const g = generations.find((x) => `gen:${x.generation_id}` === failed.item.id)!;
      const md = failed.item.tooltip as vscode.MarkdownString;
      assert.ok(md.value.includes('Failed'));
      if (g.error_code) assert.ok(md.value.includes(g.error_code.replace(/_/g, '\\_')), md.value);
    }
    // A generation with outputs expands to one row per output.
    const withOutputs = gens.find(
      (r) => r.item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed,
    );
    assert.ok(withOutputs, 'some generation has outputs');
    const outs = await rows(api, withOutputs.node);
    const g = generations.find((x) => `gen:${x.generation_id}` === withOutputs.item.id)!;
    assert.equal(outs.length, g.outputs?.length);
  });

  test('pages with "Load more…" until the last page, and a refresh keeps every loaded page', async () => {
    await setSetting('pageSize', 3);
    const { project, workspace, generations } = busiestProject(state);
    const prj = await projectRow(project.name, workspace.name);
    let children = await rows(api, prj.node);
    assert.equal(children.filter((r) => r.node.kind === 'generation').length, 3);
    let pages = 1;
    while (children.some((r) => r.node.kind === 'loadMore')) {
      const more = children.find((r) => r.node.kind === 'loadMore')!;
      assert.equal(more.item.command?.command, 'flora.row.loadMore');
      await clickRow(api, more);
      children = await rows(api, prj.node);
      pages++;
      assert.ok(pages < 50, 'paging ends');
    }
    const ids = children.filter((r) => r.node.kind === 'generation').map((r) => r.item.id);
    assert.deepEqual(
      ids,
      generations.map((g) => `gen:${g.generation_id}`),
    );

    await fake.resetCounts();
    await vscode.commands.executeCommand('flora.refresh');
    const after = await rows(api, prj.node);
    assert.deepEqual(
      after.filter((r) => r.node.kind === 'generation').map((r) => r.item.id),
      ids,
      'the same items, with the same ids, after refresh',
    );
    const reqs = (await fake.requests()).filter(
      (r) => r.route === 'GET /generations' && r.query.project_id === project.project_id,
    );
    assert.equal(reqs.length, pages, 'refresh re-reads the pages that were loaded, no more');
  });

  test('filters on the server, shows the filter, and clears it', async () => {
    const { project, workspace, generations } = busiestProject(state);
    await vscode.commands.executeCommand('flora.filter', { status: 'failed' });
    assert.match(api.view.description ?? '', /failed/);
    const prj = await projectRow(project.name, workspace.name);
    const gens = (await rows(api, prj.node)).filter((r) => r.node.kind === 'generation');
    const failed = generations.filter((g) => g.status === 'failed');
    assert.deepEqual(
      gens.map((r) => r.item.id),
      failed.slice(0, 20).map((g) => `gen:${g.generation_id}`),
    );
    assert.ok((await fake.requests()).some((r) => r.query.status === 'failed'));

    // A project without a match says so instead of looking empty.
    const empty = state.projects.find(
      (p) => !state.generations.some((g) => g.project_id === p.project_id && g.status === 'failed'),
    );
    if (empty) {
      const ws = state.workspaces.find((w) => w.workspace_id === empty.workspace_id)!;
      const r = await rows(api, (await projectRow(empty.name, ws.name)).node);
      assert.equal(r.length, 1);
      assert.match(r[0].label, /No failed generations/);
    }

    await vscode.commands.executeCommand('flora.clearFilter');
    assert.equal(api.view.description, undefined);
    const all = (await rows(api, (await projectRow(project.name, workspace.name)).node)).filter(
      (r) => r.node.kind === 'generation',
    );
    assert.equal(all.length, Math.min(20, generations.length));
  });

  test('signs in with a good key, refuses a bad one, and signs out', async () => {
    const envKey = process.env.FLORA_API_KEY;
    assert.ok(envKey);
    try {
      delete process.env.FLORA_API_KEY;
      await vscode.commands.executeCommand('flora.clearApiKey');
      await waitFor('the tree to empty (welcome view)', async () => (await rows(api)).length === 0);

      const refused = await vscode.commands.executeCommand<boolean>(
        'flora.setApiKey',
        'sk_live_not_a_real_key',
      );
      assert.equal(refused, false);
      assert.equal((await rows(api)).length, 0, 'a rejected key is not stored');

      const accepted = await vscode.commands.executeCommand<boolean>('flora.setApiKey', envKey);
      assert.equal(accepted, true);
      await waitFor(
        'workspaces after sign-in',
        async () => (await rows(api)).length === state.workspaces.length,
      );
    } finally {
      process.env.FLORA_API_KEY = envKey;
      await vscode.commands.executeCommand('flora.clearApiKey');
    }
  });

  test('shows errors as rows with a way forward, keeps stale data, and recovers', async () => {
    const names = state.workspaces.map((w) => w.name);
    assert.deepEqual(
      (await rows(api)).map((r) => r.label),
      names,
    );

    await fake.inject('GET /workspaces', { kind: 'status', status: 401, code: 'invalid_api_key' }, null);
    await vscode.commands.executeCommand('flora.refresh');
    let r = await rows(api);
    assert.match(r[0].label, /rejected the API key/);
    assert.equal(r[0].item.command?.command, 'flora.setApiKey');
    assert.deepEqual(
      r.slice(1).map((x) => x.label),
      names,
      'the last good data stays on screen',
    );

    await fake.clearFaults();
    await fake.inject('GET /workspaces', { kind: 'reset' }, null);
    await vscode.commands.executeCommand('flora.refresh');
    r = await rows(api);
    assert.match(r[0].label, /unreachable/);
    assert.equal(r[0].item.command?.command, 'flora.refresh');

    await fake.clearFaults();
    await fake.inject(
      'GET /workspaces',
      { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '120' },
      null,
    );
    await vscode.commands.executeCommand('flora.refresh');
    r = await rows(api);
    assert.match(r[0].label, /rate limiting; try again in 2 min/);

    await fake.clearFaults();
    await vscode.commands.executeCommand('flora.refresh');
    assert.deepEqual(
      (await rows(api)).map((x) => x.label),
      names,
      'recovered: no error row',
    );

    // Nothing loaded yet and FLORA down: the error row stands alone. The fault goes in first: the
    // view on screen asks for its rows again as soon as the store is cleared.
    await fake.inject('GET /workspaces', { kind: 'status', status: 500, code: 'unknown_error' }, null);
    api.store.clear();
    r = await rows(api);
    assert.equal(r.length, 1);
    assert.match(r[0].label, /server error/);
  });

  test('opens text outputs in an editor and refuses links that are not http(s)', async () => {
    const { project, workspace } = busiestProject(state);
    const text = 'A poem <script>alert(1)</script> about light';
    const g = await fake.addGeneration({
      project_id: project.project_id,
      status: 'completed',
      outputs: [
        { output_id: 'out_text1', type: 'text', url: text },
        { output_id: 'out_js1', type: 'imageUrl', url: 'javascript:alert(1)' },
      ],
    });
    const prj = await projectRow(project.name, workspace.name);
    const gen = await waitFor('the new generation row', async () =>
      (await rows(api, prj.node)).find((r) => r.item.id === `gen:${g.generation_id}`),
    );
    const outs = await rows(api, gen.node);
    assert.equal(outs.length, 2);
    const [textRow, jsRow] = outs;
    assert.equal(textRow.item.command?.command, 'flora.row.openOutput');
    assert.equal(await clickRow(api, textRow), true);
    await waitFor('the text in an editor', () => vscode.window.activeTextEditor?.document.getText() === text);
    assert.equal(await vscode.commands.executeCommand('flora.openOutput', jsRow.node), false);
    assert.equal(await vscode.commands.executeCommand('flora.openInBrowser', jsRow.node), false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('copies ids and shows the run JSON', async () => {
    const { project, workspace, generations } = busiestProject(state);
    const prj = await projectRow(project.name, workspace.name);
    const first = (await rows(api, prj.node)).find((r) => r.node.kind === 'generation')!;
    await vscode.commands.executeCommand('flora.copyId', first.node);
    assert.equal(await vscode.env.clipboard.readText(), generations[0].generation_id);
    const json = await showRunDetails(first.node);
    assert.equal(json.run_id, generations[0].run_id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a page whose every item is unreadable says so, and an unknown final status shows its word', async () => {
    const { project, workspace } = busiestProject(state);
    // Every item broken: the project must not claim to be empty, and must point to the log.
    // Aimed at this project's pages: the poller's status checks on the same route must not take it.
    const only = { project_id: project.project_id };
    await fake.inject(
      'GET /generations',
      {
        kind: 'json',
        body: { generations: [{ status: 42 }, { run_id: null }], meta: { next_cursor: null } },
      },
      1,
      only,
    );
    const prj = await projectRow(project.name, workspace.name);
    const labels = (await rows(api, prj.node)).map((r) => r.label);
    assert.ok(labels.includes('2 generations could not be read'), JSON.stringify(labels));
    assert.ok(!labels.some((l) => l.startsWith('No generations')), JSON.stringify(labels));

    // A status FLORA added later ("cancelled") reads as such, never as completed.
    await fake.inject('GET /generations', { kind: 'unknown-enum', status: 'cancelled' }, 1, only);
    await api.store.refreshGenerations(project.project_id);
    const cancelled = await waitFor('a cancelled row', async () =>
      (await rows(api, prj.node)).find((r) => String(r.item.description ?? '').includes('cancelled')),
    );
    assert.equal(iconId(cancelled.item), 'question');
  });

  test('a progress tick refreshes only the rows whose text changed, never the tree or a project', async () => {
    const { project, workspace, generations } = busiestProject(state);
    const started = await fake.startGenerations({
      project_id: project.project_id,
      count: 2,
      durationMs: 600_000,
    });
    const prj = await projectRow(project.name, workspace.name);
    // The rows as VS Code holds them: both live jobs listed.
    await waitFor('the started jobs listed', async () => {
      const listed = new Set((await rows(api, prj.node)).map((r) => r.node.id));
      return started.every((g) => listed.has(`gen:${g.generation_id}`)) ? true : undefined;
    });
    const fired: string[] = [];
    const sub = api.tree.onDidChangeTreeData((e) => {
      if (e === undefined) fired.push('<whole tree>');
      else for (const n of Array.isArray(e) ? e : [e]) fired.push(n.id);
    });
    try {
      await fake.advance(60_000); // both jobs move from 0 % to 10 %
      await api.poller.tickNow();
      await waitFor('the live rows refreshed', () =>
        started.every((g) => fired.includes(`gen:${g.generation_id}`)) ? true : undefined,
      );
    } finally {
      sub.dispose();
    }
    assert.ok(!fired.includes('<whole tree>'), `a tick refreshed the whole tree: ${JSON.stringify(fired)}`);
    assert.ok(
      fired.every((id) => id.startsWith('gen:')),
      `a tick refreshed a parent row: ${JSON.stringify(fired)}`,
    );
    // A generation that was already done reads the same: its row is left alone.
    const done = generations.filter((g) => g.status === 'completed' || g.status === 'failed');
    assert.ok(done.length > 0, 'the busiest project has finished generations');
    const refreshedDone = done.filter((g) => fired.includes(`gen:${g.generation_id}`));
    assert.deepEqual(
      refreshedDone.map((g) => g.generation_id),
      [],
      'finished rows were re-rendered',
    );
  });

  test('times out of range, ISO strings, odd numbers and meta variants never blank a project', async () => {
    const { project, workspace } = busiestProject(state);
    const base = { status: 'completed', workspace_id: project.workspace_id, project_id: project.project_id };
    await fake.inject(
      'GET /generations',
      {
        kind: 'json',
        body: {
          generations: [
            {
              ...base,
              generation_id: 'run_t1',
              run_id: 'run_t1',
              created_at: 1e20,
              started_at: 1e300,
              completed_at: -5,
              charged_cost: 1e308,
              progress: 1e9,
            },
            {
              ...base,
              generation_id: 'run_t2',
              run_id: 'run_t2',
              created_at: '2026-07-15T12:00:00Z',
              completed_at: 1784116800000000000,
            },
            {
              ...base,
              status: 'running',
              generation_id: 'run_t3',
              run_id: 'run_t3',
              created_at: 1784116800,
              progress: -3,
            },
          ],
          meta: { next_cursor: 7, total_estimate: 'many' },
        },
      },
      // Every read of this project's list gets this answer: a load that VS Code started for an
      // expanded row before the injection would otherwise take the real page.
      1000,
      { project_id: project.project_id },
    );
    const prj = await projectRow(project.name, workspace.name);
    await api.store.refreshGenerations(project.project_id);
    // `rows` reads every row through getTreeItem, as VS Code does: none may throw.
    const listed = await waitFor('the three odd generations listed', async () => {
      const all = await rows(api, prj.node);
      return all.filter((r) => r.node.kind === 'generation').length === 3 ? all : undefined;
    });
    const generationRows = listed.filter((r) => r.node.kind === 'generation');
    for (const r of generationRows) {
      assert.ok(!String(r.item.description).includes('NaN'), `"${String(r.item.description)}"`);
      assert.ok(!String(r.item.description).includes('Infinity'), `"${String(r.item.description)}"`);
    }
    // The numeric cursor still pages on.
    assert.ok(
      listed.some((r) => r.node.kind === 'loadMore'),
      'no "Load more…" for a numeric cursor',
    );
  });

  test('Retry on a project whose first page failed loads it', async () => {
    const { project, workspace } = busiestProject(state);
    // The first page fails on every try the client makes (1 + 2 retries); only this project's
    // requests, so that the poller's status checks on the same route cannot use the faults up.
    await fake.inject('GET /generations', { kind: 'status', status: 500, code: 'internal_error' }, 3, {
      project_id: project.project_id,
    });
    const prj = await projectRow(project.name, workspace.name);
    const failed = await rows(api, prj.node);
    const error = failed.find((r) => r.node.kind === 'message');
    assert.ok(error, `no error row: ${JSON.stringify(failed.map((r) => r.label))}`);
    assert.equal(error.item.command?.command, 'flora.refresh');
    await clickRow(api, error);
    await waitFor('the generations after Retry', async () =>
      (await rows(api, prj.node)).some((r) => r.node.kind === 'generation') ? true : undefined,
    );
  });
});

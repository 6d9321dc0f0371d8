// Live status in the real extension host: the poller follows running jobs at a constant request
// cost, the status bar and badge count them, finished jobs update in place and notify.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import {
  answerQuickPick,
  fake,
  floraApi,
  freshStart,
  liveStart,
  setSetting,
  waitFor,
  type FakeState,
} from './support';

let api: FloraExtensionApi;
let state: FakeState;

function counted(s: { running: unknown[]; pending: unknown[] }): number {
  return s.running.length + s.pending.length;
}

suite('live status', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    await setSetting('notifyOn', 'failed');
    state = await liveStart(api);
  });

  suiteTeardown(async () => {
    await setSetting('pollInterval', undefined);
    await setSetting('notifyOn', undefined);
    await freshStart(api);
  });

  test('counts running jobs in the status bar and badge, and counts down as they finish', async () => {
    const project = state.projects[0];
    const jobs = await fake.startGenerations({
      project_id: project.project_id,
      count: 3,
      durationMs: 60_000,
    });
    await fake.addGeneration({ project_id: project.project_id, status: 'pending', startInMs: null });
    // New work started elsewhere is found by the idle check; a refresh finds it at once.
    await vscode.commands.executeCommand('flora.refresh');
    await waitFor('4 jobs counted', () => counted(api.poller.running) === 4, 60_000);
    assert.equal(api.view.badge?.value, 4);
    assert.match(api.view.badge?.tooltip ?? '', /3 running, 1 pending/);

    // Jobs finish one after the other on the fake server's clock.
    await fake.advance(60_000);
    await waitFor('only the pending one left', () => counted(api.poller.running) === 1, 60_000);
    // The store learned of them through the poller even if the tree never loaded their project,
    // and each got its final state from one run fetch.
    await waitFor('the jobs to settle', () =>
      jobs.every((j) =>
        ['completed', 'failed'].includes(api.store.generation(j.generation_id)?.status ?? ''),
      ),
    );
    assert.equal(api.view.badge?.value, 1);
  });

  test('makes the same number of requests per tick for 1, 10 and 200 running jobs', async () => {
    const project = state.projects[1];
    const perTick: number[] = [];
    let started = 0;
    for (const count of [1, 10, 200]) {
      await fake.startGenerations({
        project_id: project.project_id,
        count: count - started,
        durationMs: 3_600_000,
      });
      started = count;
      await api.poller.tickNow();
      await waitFor(`${count} running`, () => api.poller.running.running.length === count, 60_000);
      // Count from between two ticks, over six ticks, so a tick cut by the window's edges cannot
      // tip the average.
      await api.poller.whenIdle();
      await fake.resetCounts();
      // Wait for several ticks' worth of pending-list requests: exactly one per tick.
      await waitFor(
        '6 ticks',
        async () => {
          const r = await fake.requests();
          // Generations' pending lists: the technique lists are asked with the same filter.
          return r.filter((x) => x.route === 'GET /generations' && x.query.status === 'pending').length >= 6;
        },
        60_000,
      );
      const reqs = await fake.requests();
      const ticks = reqs.filter((x) => x.route === 'GET /generations' && x.query.status === 'pending').length;
      const generations = reqs.filter((x) => x.route === 'GET /generations').length;
      assert.equal(reqs.filter((x) => x.route === 'GET /runs/:id').length, 0, 'no request per job');
      perTick.push(Math.round(generations / ticks));
    }
    // One request per status; one more only past 100 running.
    assert.deepEqual(perTick, [2, 2, 3]);
  });

  test('a finishing job updates its tree item in place and a failure notifies once', async () => {
    const project = state.projects[0];
    const [job] = await fake.startGenerations({
      project_id: project.project_id,
      count: 1,
      durationMs: 30_000,
      finalStatus: 'failed',
    });
    await api.store.ensureGenerations(project.project_id);
    await api.poller.tickNow();
    await waitFor('the job to be followed', () =>
      api.poller.running.running.some((g) => g.id === job.generation_id),
    );
    const node = api.tree.generationNode(job.generation_id);
    assert.ok(node);
    assert.equal((api.tree.getTreeItem(node).iconPath as vscode.ThemeIcon).id, 'loading~spin');
    const shown: string[] = [];
    const listening = api.notifier.onDidNotify((text) => shown.push(text));
    await fake.advance(30_000);
    await waitFor(
      'the item to turn failed',
      () => api.store.generation(job.generation_id)?.status === 'failed',
      60_000,
    );
    const item = api.tree.getTreeItem(api.tree.generationNode(job.generation_id)!);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.ok(
      api.store.generationList(project.project_id).ids.includes(job.generation_id),
      'same list, same place',
    );
    await waitFor('a failure notification', () => shown.length > 0);
    listening.dispose();
    assert.equal(shown.length, 1, 'one toast for one generation');
    assert.match(shown[0], /failed/);
  });

  test('the status bar’s pick reveals a running generation that no loaded page holds', async () => {
    const project = state.projects[0];
    const [job] = await fake.startGenerations({
      project_id: project.project_id,
      count: 1,
      durationMs: 3_600_000,
    });
    await api.poller.tickNow();
    await waitFor('the job followed', () =>
      api.poller.running.running.some((g) => g.id === job.generation_id),
    );
    // A newer generation fills the project's first (and only loaded) page of one.
    await fake.advance(1_000);
    await fake.addGeneration({ project_id: project.project_id, status: 'completed' });
    await api.store.ensureGenerations(project.project_id);
    assert.ok(api.store.generationList(project.project_id).ids.includes(job.generation_id));
    // The page size change re-reads the loaded lists in the background: waited for, so that its
    // answer (a page of one, without the job) cannot land after the pick below has listed the job.
    await setSetting('pageSize', 1);
    await waitFor('the project re-read with a page of one', () => {
      const list = api.store.generationList(project.project_id);
      return !list.loading && list.loaded && !list.ids.includes(job.generation_id);
    });
    // Each list's loads queue in order, so this one ends after that re-read has read them all.
    await api.store.refresh();

    // Pick the one running job in the Quick Pick (accepting it as a user would).
    const picked = vscode.commands.executeCommand('flora.showRunning');
    await answerQuickPick(picked, 'workbench.action.acceptSelectedQuickOpenItem');
    const selected = await waitFor('the job selected in the tree', () => {
      const s = api.view.selection[0];
      return s?.kind === 'generation' && s.generationId === job.generation_id ? s : undefined;
    });
    assert.ok(selected);
    assert.ok(
      api.store.generationList(project.project_id).ids.includes(job.generation_id),
      'listed in its project although older than the loaded page',
    );
  });

  test('backs off on 429 and says so; stops on 401 until the key changes', async () => {
    const project = state.projects[0];
    await fake.startGenerations({ project_id: project.project_id, count: 2, durationMs: 3_600_000 });
    await api.poller.tickNow();
    await waitFor('2 running', () => api.poller.running.running.length === 2, 60_000);

    await fake.inject(
      'GET /generations',
      { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '120' },
      null,
    );
    const backoff = await waitFor(
      'backoff',
      () => (api.poller.state.state === 'backoff' ? api.poller.state : undefined),
      60_000,
    );
    assert.ok(backoff.until - Date.now() > 100_000, 'Retry-After is honoured');
    api.statusBar.render();
    assert.equal(counted(api.poller.running), 2, 'the last known jobs stay counted');

    await fake.clearFaults();
    await fake.inject('GET /generations', { kind: 'status', status: 401, code: 'invalid_api_key' }, null);
    api.poller.restart();
    await waitFor('polling stopped', () => api.poller.state.state === 'stopped', 60_000);
    await fake.clearFaults();
  });
});

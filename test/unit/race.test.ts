import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { Store } from '../../src/model/store';
import { FakeFlora } from '../fake-flora';
import { pollerOn, useFakeFlora } from './helpers';

// A refresh answer that left FLORA before a poll tick arrives after it: the `hold` fault keeps
// the answer (computed on arrival) back until the test releases it.

const env = useFakeFlora({ settle: true });
let fake: FakeFlora;
let client: FloraClient;
beforeEach(() => ({ fake, client } = env));

function setup() {
  return pollerOn(client);
}

describe('Refresh and poller race', () => {
  it('an older refresh answer never moves a generation backwards', async () => {
    const prj = fake.projects()[0].project_id;
    const [running] = fake.startGenerations(prj, 1, { durationMs: 100_000 });
    const pending = fake.addGeneration({
      project_id: prj,
      status: 'pending',
      startInMs: 10_000,
      durationMs: 100_000,
    });
    const { timers, store, poller } = setup();
    await store.ensureGenerations(prj);
    fake.advance(5_000);
    fake.inject('GET /generations', { kind: 'hold' });
    const refreshing = store.refreshGenerations(prj);
    await fake.whenHeld();
    fake.advance(30_000);
    poller.start();
    await timers.runNext(poller, fake);
    const polled = store.generation(running.generation_id)!.progress;
    assert.ok(polled >= 30, `progress ${polled}`);
    assert.equal(store.generation(pending.generation_id)?.status, 'running');
    fake.release();
    await refreshing;
    assert.equal(store.generation(running.generation_id)?.progress, polled, 'progress never goes back');
    assert.equal(store.generation(pending.generation_id)?.status, 'running', 'never back to pending');
    poller.dispose();
  });

  it('a generation the poller inserted is not dropped by an older refresh answer', async () => {
    const prj = fake.projects()[0].project_id;
    const { timers, store, poller } = setup();
    await store.ensureGenerations(prj);
    fake.inject('GET /generations', { kind: 'hold' });
    const refreshing = store.refreshGenerations(prj);
    await fake.whenHeld();
    const [job] = fake.startGenerations(prj, 1, { durationMs: 100_000 });
    poller.start();
    await timers.runNext(poller, fake); // idle check finds it and inserts it
    assert.equal(store.generationList(prj).ids[0], job.generation_id);
    fake.release();
    await refreshing;
    const ids = store.generationList(prj).ids;
    assert.equal(ids[0], job.generation_id, 'still at the top');
    assert.equal(new Set(ids).size, ids.length);
    poller.dispose();
  });

  it('a project lookup answered after a filter change does not reach the new filter', async () => {
    const { store } = setup();
    const [ws1, ws2] = fake.workspaces().map((w) => w.workspace_id);
    const other = fake.projects(ws2)[0];
    store.setFilter({ workspaceId: ws1, projectId: 'prj_gone' });
    fake.inject('GET /projects/:id', { kind: 'hold' });
    const looking = store.ensureProjects(ws1);
    await fake.whenHeld();
    store.setFilter({ workspaceId: ws2, projectId: other.project_id });
    fake.release();
    await looking;
    assert.equal(store.projectList(ws2).error, undefined, 'the old 404 is not shown under the new filter');
    assert.equal(store.connection.state, 'ok');
  });
});

describe('Load All across a filter change', () => {
  it('stops instead of loading the new filter’s list', async () => {
    const store = new Store(client, { pageSize: () => 2 });
    const prj = fake.projects()[0].project_id;
    fake.inject('GET /generations', { kind: 'hold' });
    const loadingAll = store.loadAllGenerations(prj, { maxPages: 100 });
    await fake.whenHeld();
    store.setFilter({ status: 'failed' });
    fake.release();
    await loadingAll;
    assert.equal(store.generationList(prj).loaded, false, 'the new filter’s list is left to its view');
    assert.equal(
      fake.requests().filter((r) => r.query.status === 'failed').length,
      0,
      'no request under the new filter',
    );
  });
});

describe('Refresh across a key change', () => {
  it('an earlier refresh does not go on to re-read the new key’s lists', async () => {
    const store = new Store(client, { pageSize: () => 5 });
    await store.ensureWorkspaces();
    const ws = store.visibleWorkspaces()[0].id;
    await store.ensureProjects(ws);
    const prj = store.visibleProjects(ws)[0].id;
    await store.ensureGenerations(prj);
    fake.inject('GET /projects', { kind: 'hold' });
    const refreshing = store.refresh();
    await fake.whenHeld();
    store.clear(); // another key
    await store.ensureWorkspaces();
    await store.ensureGenerations(prj);
    fake.resetCounts();
    fake.release();
    await refreshing;
    assert.equal(fake.requestCount('GET /generations'), 0, 'the old refresh stopped at the key change');
  });
});

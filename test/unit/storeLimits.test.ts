import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import type { Generation } from '../../src/api/types';
import { GENERATION_CACHE_SLACK } from '../../src/model/entities';
import { LIVE_INSERT_SLACK } from '../../src/model/pagedList';
import { Store } from '../../src/model/store';
import { FakeFlora } from '../fake-flora';
import { fakeClient, MemoryLogger } from './helpers';

let fake: FakeFlora;
let client: FloraClient;
/** The client as the extension builds it: two retries inside a call (sleeps recorded, not slept). */
let retrying: FloraClient;
let pageSize = 5;

before(async () => {
  fake = await FakeFlora.start();
  client = fakeClient(fake, { maxRetries: 0 });
  retrying = fakeClient(fake, { maxRetries: 2 });
});
after(async () => {
  await client.close();
  await retrying.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  pageSize = 5;
});

function newStore(api: FloraClient = client): Store & { log: MemoryLogger } {
  const logger = new MemoryLogger();
  const store = new Store(api, { pageSize: () => pageSize, logger });
  return Object.assign(store, { log: logger });
}

/** Every workspace, project list and generation list loaded, as after a user expanded everything. */
async function loadEverything(store: Store): Promise<string[]> {
  await store.ensureWorkspaces();
  const projects: string[] = [];
  for (const w of store.visibleWorkspaces()) {
    await store.ensureProjects(w.id);
    for (const p of store.visibleProjects(w.id)) {
      await store.ensureGenerations(p.id);
      projects.push(p.id);
    }
  }
  return projects;
}

function assertNoDuplicates(ids: readonly string[]): void {
  assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(',')}`);
}

describe('Store under outages', () => {
  for (const [name, fault] of [
    ['a persistent 500', { kind: 'status', status: 500, code: 'internal_error' }],
    ['connection resets', { kind: 'reset' }],
  ] as const) {
    it(`one refresh during ${name} sends at most 3 requests and keeps every list`, async () => {
      const store = newStore(retrying);
      const projects = await loadEverything(store);
      assert.ok(projects.length >= 6);
      const before = new Map(projects.map((p) => [p, [...store.generationList(p).ids]]));
      for (const route of ['GET /workspaces', 'GET /projects', 'GET /generations', 'GET /models'] as const)
        fake.inject(route, fault, { times: Infinity });
      fake.resetCounts();
      await store.refresh();
      // 1 try + the client's 2 retries of the first request, then the refresh stops.
      assert.ok(fake.requestCount() <= 3, `${fake.requestCount()} requests`);
      for (const p of projects) assert.deepEqual(store.generationList(p).ids, before.get(p));
      assert.equal(store.workspaceList().stale, true);
      assert.ok(store.workspaceList().error);
      assert.notEqual(store.connection.state, 'ok');
    });
  }

  it('an outage that starts after the workspace list costs at most one failing call more', async () => {
    const store = newStore(retrying);
    const projects = await loadEverything(store);
    const before = new Map(projects.map((p) => [p, [...store.generationList(p).ids]]));
    const ws = store.visibleWorkspaces()[0].id;
    fake.inject(
      'GET /projects',
      { kind: 'status', status: 503, code: 'service_unavailable' },
      { times: Infinity },
    );
    fake.inject(
      'GET /generations',
      { kind: 'status', status: 503, code: 'service_unavailable' },
      { times: Infinity },
    );
    fake.resetCounts();
    await store.refresh();
    assert.ok(fake.requestCount() <= 1 + 3, `${fake.requestCount()} requests`);
    const failed = store.projectList(ws);
    assert.equal(failed.stale, true);
    assert.equal(failed.error?.kind, 'server');
    assert.ok(failed.ids.length > 0, 'the last good project list is kept');
    for (const p of projects) assert.deepEqual(store.generationList(p).ids, before.get(p));
  });
});

describe('Store paging', () => {
  it('ends the list when a cursor comes back across "Load more" clicks (A → B → A)', async () => {
    pageSize = 3;
    const store = newStore();
    const prj = fake.projects()[0].project_id;
    await store.ensureGenerations(prj);
    await store.loadMoreGenerations(prj);
    fake.inject('GET /generations', { kind: 'cycle-cursor' });
    fake.resetCounts();
    await store.loadMoreGenerations(prj);
    const list = store.generationList(prj);
    assert.equal(list.nextCursor, undefined, 'no "Load more" row that would go round in circles');
    assert.ok(store.log.lines.some((l) => l.startsWith('warn') && /cursor/i.test(l)));
    for (let i = 0; i < 5; i++) await store.loadMoreGenerations(prj);
    assert.equal(fake.requestCount('GET /generations'), 1);
    assert.equal(list.ids.length, 9);
    assertNoDuplicates(list.ids);
    // A refresh starts over: the list pages normally again.
    await store.refreshGenerations(prj);
    assert.ok(store.generationList(prj).nextCursor);
  });

  it('counts the items of the latest load that could not be read', async () => {
    const store = newStore();
    const prj = fake.projects()[0].project_id;
    await store.ensureGenerations(prj);
    assert.equal(store.generationList(prj).skipped, 0);
    fake.inject('GET /generations', { kind: 'invalid-item' });
    await store.loadMoreGenerations(prj);
    assert.equal(store.generationList(prj).skipped, 1, '"Load more" adds its skipped items');
    fake.inject('GET /generations', { kind: 'invalid-item' }, { times: 2 });
    await store.refreshGenerations(prj);
    assert.equal(store.generationList(prj).skipped, 2, 'a refresh counts its own pages');
    await store.refreshGenerations(prj);
    assert.equal(store.generationList(prj).skipped, 0);
  });
});

describe('Store size', () => {
  function finished(projectId: string, i: number, createdAt: number): Generation {
    const id = `run_old_${projectId}_${i}`;
    return {
      id,
      runId: id,
      status: 'completed',
      rawStatus: 'completed',
      progress: 100,
      createdAt,
      outputs: [],
      workspaceId: 'ws_x',
      projectId,
    };
  }

  it('evicts generations that no list, job or preview holds, and keeps retained ones', async () => {
    const store = newStore();
    const projects = await loadEverything(store);
    const onLists = projects.reduce((n, p) => n + store.generationList(p).ids.length, 0);
    const active = () =>
      store.allGenerations().filter((g) => g.status === 'pending' || g.status === 'running');
    // Eight hours of other projects' work, seen by the poller but on no loaded list.
    const kept = finished('prj_elsewhere', 0, 1);
    store.applyGenerations([kept]);
    const handle = store.retain(kept.id);
    for (let batch = 0; batch < 20; batch++) {
      store.applyGenerations(
        Array.from({ length: 500 }, (_, i) =>
          finished('prj_elsewhere', batch * 500 + i + 1, batch * 500 + i + 2),
        ),
      );
    }
    const size = store.allGenerations().length;
    assert.ok(
      size <= onLists + active().length + 1 + GENERATION_CACHE_SLACK,
      `${size} generations held, ${onLists} on lists`,
    );
    assert.ok(store.generation(kept.id), 'a retained generation (open preview) stays');
    for (const p of projects)
      for (const id of store.generationList(p).ids) assert.ok(store.generation(id), 'listed ones stay');
    handle.dispose();
    handle.dispose();
    store.applyGenerations(
      Array.from({ length: 300 }, (_, i) => finished('prj_elsewhere', 20_000 + i, 20_000 + i)),
    );
    assert.equal(store.generation(kept.id), undefined, 'released, then evicted');
  });

  it('caps how far live inserts grow a loaded list; "Load more" finds what was pushed out', async () => {
    pageSize = 8;
    const store = newStore();
    const prj = fake.projects()[0].project_id;
    await store.ensureGenerations(prj);
    assert.ok(store.generationList(prj).nextCursor);
    for (let i = 0; i < 80; i++) fake.addGeneration({ project_id: prj, created_at: fake.now() - 80 + i });
    // The poller's view of them: one page of the project's newest.
    const page = await client.listGenerations({ projectId: prj, limit: 100 });
    store.applyGenerations(page.items);
    const list = store.generationList(prj);
    assert.ok(list.ids.length <= pageSize + LIVE_INSERT_SLACK, `${list.ids.length} ids`);
    assert.ok(list.nextCursor, '"Load more" is still offered');
    const before = list.ids.length;
    await store.loadMoreGenerations(prj);
    const after = store.generationList(prj);
    assert.ok(after.ids.length > before);
    assertNoDuplicates(after.ids);
  });
});

describe('Store eviction during a load', () => {
  it('never evicts what a load in flight has read but not yet listed', async () => {
    pageSize = 3;
    const store = new Store(client, { pageSize: () => pageSize, cacheSlack: 0 });
    const prj = fake.projects()[0].project_id;
    await store.ensureGenerations(prj);
    await store.loadMoreGenerations(prj);
    const added = fake.addGeneration({ project_id: prj, created_at: fake.now() - 1 });
    fake.inject('GET /generations', { kind: 'delay', ms: 0 });
    fake.inject('GET /generations', { kind: 'hold' });
    const refreshing = store.refreshGenerations(prj);
    await fake.whenHeld(); // page 1 (with the new one) is read, page 2 is on its way
    const elsewhere = fake.generations().find((g) => g.project_id !== prj)!;
    store.applyGenerations(
      Array.from({ length: 50 }, (_, i) => ({
        id: `run_else_${i}`,
        runId: `run_else_${i}`,
        status: 'completed' as const,
        rawStatus: 'completed',
        progress: 100,
        createdAt: i,
        outputs: [],
        workspaceId: elsewhere.workspace_id,
        projectId: 'prj_elsewhere',
      })),
    );
    fake.release();
    await refreshing;
    const list = store.generationList(prj);
    assert.ok(list.ids.includes(added.generation_id));
    assert.equal(store.generations(prj).length, list.ids.length, 'every listed id has its generation');
  });
});

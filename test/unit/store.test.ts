import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FloraApi, FloraClient } from '../../src/api/client';
import { Store, type StoreChange } from '../../src/model/store';
import { FakeFlora } from '../fake-flora';
import { fakeClient, MemoryLogger } from './helpers';

let fake: FakeFlora;
let client: FloraClient;
let pageSize = 5;

before(async () => {
  fake = await FakeFlora.start();
  client = fakeClient(fake, { maxRetries: 0 });
});
after(async () => {
  await client.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  pageSize = 5;
});

function newStore(): Store & { events: StoreChange[] } {
  const store = new Store(client, { pageSize: () => pageSize, logger: new MemoryLogger() });
  const events: StoreChange[] = [];
  store.onDidChange((e) => events.push(e));
  return Object.assign(store, { events });
}

/** The biggest project of the dataset, so it has several pages. */
function bigProject(): string {
  const counts = new Map<string, number>();
  for (const g of fake.generations()) counts.set(g.project_id, (counts.get(g.project_id) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

describe('Store', () => {
  it('logs a listener that throws, and still tells the others', async () => {
    const logger = new MemoryLogger();
    const store = new Store(client, { pageSize: () => pageSize, logger });
    store.onDidChange(() => {
      throw new Error('a broken view');
    });
    const seen: StoreChange[] = [];
    store.onDidChange((e) => seen.push(e));
    await store.loadWorkspaces();
    assert.ok(
      seen.some((e) => e.kind === 'root'),
      'the second listener was told',
    );
    assert.ok(
      logger.lines.some((l) => l.startsWith('error ') && l.includes('a broken view')),
      `logged: ${JSON.stringify(logger.lines)}`,
    );
  });

  it('loads workspaces once, merging concurrent asks into one request', async () => {
    const store = newStore();
    await Promise.all([store.ensureWorkspaces(), store.ensureWorkspaces(), store.ensureWorkspaces()]);
    assert.equal(fake.requestCount('GET /workspaces'), 1);
    assert.deepEqual(
      store.visibleWorkspaces().map((w) => w.name),
      fake.workspaces().map((w) => w.name),
    );
  });

  it('pages a project with "load more" and keeps every loaded page across a refresh', async () => {
    pageSize = 3;
    const store = newStore();
    const prj = bigProject();
    const all = fake.generations({ project_id: prj }).map((g) => g.generation_id);
    assert.ok(all.length > 2 * pageSize, 'the project has more than two pages');
    await store.ensureGenerations(prj);
    await store.loadMoreGenerations(prj);
    assert.deepEqual(store.generationList(prj).ids, all.slice(0, 2 * pageSize));
    assert.ok(store.generationList(prj).nextCursor);

    const added = fake.addGeneration({ project_id: prj, status: 'running' });
    fake.resetCounts();
    await store.refresh();
    const ids = store.generationList(prj).ids;
    assert.equal(fake.requestCount('GET /generations'), 2, 'two pages were loaded, two are re-read');
    assert.equal(ids[0], added.generation_id, 'the new generation is at the top');
    assert.equal(store.historyLists(prj).generations.pagesLoaded, 2);
    assert.ok(ids.length >= 2 * pageSize);
  });

  it('keeps the last good data when a refresh fails, marks it stale, and recovers', async () => {
    const store = newStore();
    const prj = bigProject();
    await store.ensureWorkspaces();
    await store.ensureGenerations(prj);
    const before = [...store.generationList(prj).ids];
    fake.inject(
      'GET /generations',
      { kind: 'status', status: 503, code: 'service_unavailable' },
      { times: Infinity },
    );
    await store.refresh();
    const list = store.generationList(prj);
    assert.deepEqual(list.ids, before);
    assert.equal(list.stale, true);
    assert.equal(list.error?.kind, 'server');
    assert.equal(store.connection.state, 'error');
    fake.clearFaults();
    await store.refresh();
    assert.equal(store.generationList(prj).stale, false);
    assert.equal(store.generationList(prj).error, undefined);
    assert.equal(store.connection.state, 'ok');
  });

  it('reports a rejected key as unauthorized and stops the refresh there', async () => {
    const store = newStore();
    await store.ensureWorkspaces();
    await store.ensureGenerations(bigProject());
    fake.inject('GET /workspaces', { kind: 'status', status: 401, code: 'invalid_api_key' });
    fake.resetCounts();
    await store.refresh();
    assert.equal(store.connection.state, 'unauthorized');
    assert.equal(fake.requestCount('GET /generations'), 0, 'no more requests with a rejected key');
  });

  it('filters generations by status on the server and reloads lists under the new filter', async () => {
    const store = newStore();
    const prj = bigProject();
    await store.ensureGenerations(prj);
    store.setFilter({ status: 'failed' });
    assert.equal(store.generationList(prj).loaded, false, 'lists of the old filter are dropped');
    await store.ensureGenerations(prj);
    const failed = fake.generations({ project_id: prj, status: 'failed' }).map((g) => g.generation_id);
    assert.deepEqual(store.generationList(prj).ids, failed.slice(0, pageSize));
    assert.ok(fake.requests().some((r) => r.query.status === 'failed' && r.query.project_id === prj));
    assert.ok(store.events.some((e) => e.kind === 'filter'));
  });

  it('shows only the filtered project, fetching its name when its workspace was never listed', async () => {
    const store = newStore();
    const prj = fake.projects()[2];
    store.setFilter({ workspaceId: prj.workspace_id, projectId: prj.project_id });
    await store.ensureWorkspaces();
    await store.ensureProjects(prj.workspace_id);
    assert.deepEqual(
      store.visibleWorkspaces().map((w) => w.id),
      [prj.workspace_id],
    );
    assert.deepEqual(
      store.visibleProjects(prj.workspace_id).map((p) => p.name),
      [prj.name],
    );
    assert.equal(fake.requestCount('GET /projects'), 0, 'no project list was needed');
  });

  it('merges polled generations in place and inserts new ones into loaded lists', async () => {
    const store = newStore();
    const prj = bigProject();
    await store.ensureGenerations(prj);
    const first = store.generations(prj)[0];
    store.events.length = 0;
    store.applyGenerations([{ ...first, status: 'failed', errorMessage: 'boom' }]);
    assert.deepEqual(store.events, [{ kind: 'generation', id: first.id }]);
    assert.equal(store.generation(first.id)?.status, 'failed');
    store.events.length = 0;
    store.applyGenerations([{ ...first, id: 'run_new', runId: 'run_new', createdAt: first.createdAt + 1 }]);
    assert.equal(store.generationList(prj).ids[0], 'run_new');
    assert.deepEqual(store.events, [{ kind: 'project', id: prj }]);
    store.events.length = 0;
    store.applyGenerations([store.generation('run_new')!]);
    assert.deepEqual(store.events, [], 'an unchanged generation fires nothing');
  });

  it('loads all pages of a project up to a bound, and stops when cancelled', async () => {
    const store = newStore();
    const prj = bigProject();
    const total = fake.generations({ project_id: prj }).length;
    pageSize = 2;
    const seen: number[] = [];
    await store.loadAllGenerations(prj, { maxPages: 3, onPage: (n) => seen.push(n) });
    assert.deepEqual(seen, [2, 4, 6]);
    await store.loadAllGenerations(prj, { maxPages: 1000 });
    assert.equal(store.generationList(prj).ids.length, total);
    assert.equal(store.generationList(prj).nextCursor, undefined);
    const other = newStore();
    const ac = new AbortController();
    await other.loadAllGenerations(prj, {
      maxPages: 1000,
      signal: ac.signal,
      onPage: () => ac.abort(),
    });
    assert.equal(other.generationList(prj).ids.length, 2);
  });

  it("shows last session's data at once, stale, until a refresh confirms it", async () => {
    const first = newStore();
    const prj = bigProject();
    await first.ensureWorkspaces();
    const ws = first.visibleWorkspaces()[0].id;
    await first.ensureProjects(ws);
    await first.ensureGenerations(prj);
    await first.loadMoreGenerations(prj);
    const snap = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<Store['snapshot']>;
    assert.equal(JSON.stringify(snap).includes(fake.apiKey), false, 'no secret in the snapshot');

    fake.resetCounts();
    const second = newStore();
    assert.equal(second.restore(snap), true);
    assert.equal(fake.requestCount(), 0, 'shown without a request');
    assert.deepEqual(second.generationList(prj).ids, first.generationList(prj).ids);
    assert.equal(second.generationList(prj).stale, true);
    assert.equal(second.workspaceList().stale, true);
    assert.deepEqual(
      second.visibleProjects(ws).map((p) => p.name),
      first.visibleProjects(ws).map((p) => p.name),
    );
    await second.refresh();
    assert.equal(second.generationList(prj).stale, false);
    assert.equal(second.workspaceList().stale, false);
    assert.equal(second.historyLists(prj).generations.pagesLoaded, 2, 'the restored page count is re-read');

    const filtered = newStore();
    filtered.setFilter({ status: 'failed' });
    assert.equal(filtered.restore(snap), false, 'a snapshot of another status filter is not shown');
  });

  it('bounds the snapshot by number of generations', async () => {
    const store = newStore();
    for (const p of fake.projects()) await store.ensureGenerations(p.project_id);
    const snap = store.snapshot(12);
    assert.ok(snap.generations.length <= 12);
    assert.ok(snap.generationLists.length >= 1);
  });

  it('a "Load more" racing a refresh loses no page', async () => {
    pageSize = 3;
    const store = newStore();
    const prj = bigProject();
    const all = fake.generations({ project_id: prj }).map((g) => g.generation_id);
    await store.ensureGenerations(prj);
    fake.inject('GET /generations', { kind: 'delay', ms: 100 });
    await Promise.all([store.refresh(), store.loadMoreGenerations(prj)]);
    assert.deepEqual(store.generationList(prj).ids, all.slice(0, 6));
    assert.equal(store.historyLists(prj).generations.pagesLoaded, 2);
  });

  it('a status filter change leaves no project list stuck loading', async () => {
    pageSize = 1;
    const store = newStore();
    const ws = fake.workspaces()[0].workspace_id;
    await store.ensureProjects(ws);
    fake.inject('GET /projects', { kind: 'delay', ms: 150 });
    const more = store.loadMoreProjects(ws);
    store.setFilter({ status: 'failed' });
    await more;
    assert.equal(store.projectList(ws).loading, false);
    assert.equal(store.projectList(ws).ids.length, 2, 'the page in flight still arrived');
  });

  it('never turns a finished generation back to running, and keeps what a newer answer lacks', async () => {
    const store = newStore();
    const prj = bigProject();
    await store.ensureGenerations(prj);
    const done = store.generations(prj).find((g) => g.status === 'completed' && g.cost !== undefined)!;
    store.applyGenerations([{ ...done, status: 'running', outputs: [] }]);
    assert.equal(store.generation(done.id)?.status, 'completed');
    store.applyRun(done.id, { ...done, cost: undefined, outputs: [] });
    assert.equal(store.generation(done.id)?.cost, done.cost);
    assert.deepEqual(store.generation(done.id)?.outputs, done.outputs);
  });

  it('ends "Load more" on an empty page even if FLORA still sends a cursor', async () => {
    const g = fake.generations()[0];
    const item = (id: string) => ({
      id,
      runId: id,
      status: 'completed' as const,
      rawStatus: 'completed',
      progress: 100,
      createdAt: 1,
      outputs: [],
      workspaceId: g.workspace_id,
      projectId: 'prj_x',
    });
    let calls = 0;
    // A whole FloraApi, not a spread of the client: a spread of a class instance loses its
    // methods, and a store that called one of them would meet a TypeError it turns into a
    // connection error, unseen by this test. Anything unscripted is recorded and fails the test.
    const unscripted: string[] = [];
    const refuse = (name: string) => () => {
      unscripted.push(name);
      return Promise.reject(new Error(`${name} is not scripted`));
    };
    const scripted: FloraApi = {
      listWorkspaces: refuse('listWorkspaces'),
      listProjects: refuse('listProjects'),
      getProject: refuse('getProject'),
      getRun: refuse('getRun'),
      listModels: refuse('listModels'),
      getRunJson: refuse('getRunJson'),
      // The project has no technique runs: one empty page.
      listTechniqueRuns: () => Promise.resolve({ items: [], skipped: [] }),
      getRunOf: refuse('getRunOf'),
      getRunJsonOf: refuse('getRunJsonOf'),
      generate: refuse('generate'),
      listGenerations: (q) => {
        calls++;
        return Promise.resolve(
          q.cursor
            ? { items: [], skipped: [], nextCursor: 'again' }
            : { items: [item('run_a'), item('run_a')], skipped: [], nextCursor: 'c1' },
        );
      },
    };
    const store = new Store(scripted, { pageSize: () => 2 });
    await store.ensureGenerations('prj_x');
    assert.deepEqual(store.generationList('prj_x').ids, ['run_a'], 'a duplicate within a page is dropped');
    await store.loadAllGenerations('prj_x', { maxPages: 50 });
    assert.equal(calls, 2, 'the empty page ends it');
    assert.deepEqual(unscripted, [], 'the store asked only for lists');
    assert.equal(store.generationList('prj_x').error, undefined, 'no load failed');
    assert.equal(store.connection.state, 'ok');
    assert.equal(store.generationList('prj_x').nextCursor, undefined);
  });

  it('forgets everything on clear (sign-out) and ignores answers that arrive after it', async () => {
    const store = newStore();
    fake.inject('GET /workspaces', { kind: 'delay', ms: 200 });
    const loading = store.ensureWorkspaces();
    store.clear();
    await loading;
    assert.equal(store.workspaceList().loaded, false);
    assert.deepEqual(store.visibleWorkspaces(), []);
  });
});

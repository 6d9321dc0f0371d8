import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Generation } from '../../src/api/types';
import { PagedList, type PagedListSource } from '../../src/model/pagedList';
import { MemoryLogger, useFakeFlora } from './helpers';

const env = useFakeFlora();

/** The biggest project of the dataset, so it has several pages. */
function bigProject(): string {
  const counts = new Map<string, number>();
  for (const g of env.fake.generations()) counts.set(g.project_id, (counts.get(g.project_id) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** A project's generation list on the fake server, with its items kept in `kept` and every change counted. */
function generationList(projectId: string, pageSize: number) {
  const kept = new Map<string, Generation>();
  const events = { changed: 0, succeeded: 0, failed: 0 };
  const source: PagedListSource<Generation> = {
    fetchPage: (cursor) => env.client.listGenerations({ projectId, cursor, limit: pageSize }),
    idOf: (g) => g.id,
    keep: (g) => void kept.set(g.id, g),
    pageSize: () => pageSize,
    succeeded: () => void events.succeeded++,
    failed: () => void events.failed++,
    changed: () => void events.changed++,
  };
  const list = new PagedList(source, new MemoryLogger());
  return { list, kept, events };
}

/** Waits until `condition` holds (checked every few ms), failing after a generous bound. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function serverIds(projectId: string): string[] {
  return env.fake.generations({ project_id: projectId }).map((g) => g.generation_id);
}

describe('PagedList', () => {
  it('pages with "Load more": each page once, in FLORA\'s order, and the cursor to go on', async () => {
    const prj = bigProject();
    const all = serverIds(prj);
    assert.ok(all.length > 3 * 3, 'the project has more than three pages of 3');
    const { list, kept } = generationList(prj, 3);
    await list.ensure();
    await list.ensure(); // loaded: no second first page
    await list.load('more');
    await list.load('more');
    assert.deepEqual(list.ids, all.slice(0, 9));
    assert.equal(list.state.pagesLoaded, 3);
    assert.ok(list.state.nextCursor, 'there is more to load');
    assert.equal(env.fake.requestCount('GET /generations'), 3, 'one request per page');
    assert.deepEqual([...kept.keys()], all.slice(0, 9), 'every item listed was handed to the owner');
  });

  it('shares a load asked for twice while it runs, and runs "more" after a first load, not beside it', async () => {
    const prj = bigProject();
    const { list } = generationList(prj, 3);
    env.fake.inject('GET /generations', { kind: 'delay', ms: 50 });
    await Promise.all([list.load('first'), list.load('first'), list.load('more')]);
    assert.equal(env.fake.requestCount('GET /generations'), 2, 'one first page, one more page');
    assert.deepEqual(list.ids, serverIds(prj).slice(0, 6));
  });

  it('does not show an id twice when new generations at the top shift the next page', async () => {
    const prj = bigProject();
    const { list } = generationList(prj, 3);
    await list.ensure();
    const shown = [...list.ids];
    // Two new generations push the last two of page 1 onto page 2 at FLORA.
    env.fake.addGeneration({ project_id: prj });
    env.fake.addGeneration({ project_id: prj });
    await list.load('more');
    const ids = list.ids;
    assert.equal(new Set(ids).size, ids.length, `no id twice: ${ids.join(',')}`);
    assert.deepEqual(ids.slice(0, 3), shown, 'what was shown stays in place');
    assert.ok(ids.length > 3, 'the next page added something new');
  });

  it('a refresh re-reads every loaded page, keeps their number, and keeps an id inserted live meanwhile', async () => {
    const prj = bigProject();
    const { list } = generationList(prj, 3);
    await list.ensure();
    await list.load('more');
    const added = env.fake.addGeneration({ project_id: prj });
    env.fake.resetCounts();
    env.fake.inject('GET /generations', { kind: 'delay', ms: 50 });
    const refreshing = list.refresh();
    await until(() => env.fake.requestCount('GET /generations') >= 1, 'the refresh reached FLORA');
    // Seen by the poller while the refresh runs (FLORA's pages it reads may not hold it yet).
    assert.equal(list.insertLive('live_1'), true);
    await refreshing;
    assert.equal(env.fake.requestCount('GET /generations'), 2, 'both loaded pages re-read');
    assert.equal(list.state.pagesLoaded, 2);
    const server = serverIds(prj);
    assert.equal(server[0], added.generation_id);
    assert.deepEqual(list.ids, ['live_1', ...server.slice(0, 6)], 'the live id stays on top of both pages');
    assert.equal(list.state.stale, false);
  });

  it('drops the answer of a load whose list was disposed meanwhile', async () => {
    const prj = bigProject();
    const { list, kept, events } = generationList(prj, 3);
    env.fake.inject('GET /generations', { kind: 'delay', ms: 100 });
    const loading = list.ensure();
    await until(() => env.fake.requestCount('GET /generations') >= 1, 'the load reached FLORA');
    list.dispose();
    await loading;
    assert.equal(kept.size, 0, 'nothing of the stale answer reached the owner');
    assert.deepEqual(events, { changed: 0, succeeded: 0, failed: 0 }, 'nor any outcome');
    assert.equal(list.state.loaded, false);
    await list.load('first');
    assert.equal(env.fake.requestCount('GET /generations'), 1, 'a disposed list loads nothing more');
  });

  it('never starts a load that was still queued when the list was disposed', async () => {
    const prj = bigProject();
    const { list, kept } = generationList(prj, 3);
    const queued = list.ensure();
    list.dispose();
    await queued;
    assert.equal(env.fake.requestCount('GET /generations'), 0, 'no request for a dropped list');
    assert.equal(kept.size, 0);
  });

  it('caps live inserts at its pages plus the slack, dropping from the end and keeping the cursor', async () => {
    const prj = bigProject();
    const { list } = generationList(prj, 3);
    await list.ensure();
    const cursor = list.state.nextCursor;
    for (let i = 0; i < 60; i++) list.insertLive(`live_${i}`);
    assert.equal(list.ids.length, 3 + 50);
    assert.equal(list.ids[0], 'live_59', 'without a place rule, live ids go on top');
    assert.equal(list.state.nextCursor, cursor);
    assert.equal(list.insertLive('live_59'), false, 'an id it holds is not inserted twice');
  });
});

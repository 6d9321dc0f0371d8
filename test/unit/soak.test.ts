import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { isActive } from '../../src/api/types';
import { Poller } from '../../src/model/poller';
import { Store } from '../../src/model/store';
import { FakeFlora, type Fault, type RouteName } from '../fake-flora';
import { mulberry32 } from '../fake-flora/prng';
import { fakeClient, ManualTimers } from './helpers';

// One hour of simulated time on the injected clock: ~200 generations start and finish on the
// fake server, 5 % of steps meet a fault, the window loses and regains focus, the user
// refreshes, loads more and opens previews while the poller drives the store. No real waiting:
// every timer is the poller's, fired by the test.

const HOUR = 3_600_000;
const PAGE_SIZE = 10;
/** A small cache, so an hour's ~200 generations test the eviction bound. */
const CACHE_SLACK = 20;

let fake: FakeFlora;
let client: FloraClient;

before(async () => {
  fake = await FakeFlora.start({ seed: 7 });
  client = fakeClient(fake, { maxRetries: 1 });
});
after(async () => {
  await client.close();
  await fake.close();
});

const FAULTS: Fault[] = [
  { kind: 'status', status: 500, code: 'internal_error' },
  { kind: 'status', status: 503, code: 'service_unavailable' },
  { kind: 'reset' },
  { kind: 'delay', ms: 3 },
];
const ROUTES: RouteName[] = ['GET /generations', 'GET /runs/:id', 'GET /workspaces', 'GET /projects'];

describe('Soak', () => {
  it('an hour of live work with faults keeps listeners, timers and size bounded and ends equal to FLORA', async () => {
    const random = mulberry32(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    fake.advance(24 * HOUR); // the dataset's own live items settle first
    const timers = new ManualTimers();
    const store = new Store(client, { pageSize: () => PAGE_SIZE, cacheSlack: CACHE_SLACK });
    const poller = new Poller({
      api: client,
      store,
      settings: { enabled: () => true, activeIntervalMs: () => 5_000, idleIntervalMs: () => 60_000 },
      timers,
      random,
    });
    const views: Array<{ dispose(): void }> = [];
    const previews: Array<{ dispose(): void }> = [];
    const problems: string[] = [];
    const rank = (s: string) => (s === 'pending' ? 0 : s === 'running' ? 1 : 2);
    const lastSeen = new Map<string, { rank: number; progress: number }>();
    const sizeBound = () =>
      projects.reduce((n, p) => n + store.generationList(p).ids.length, 0) +
      store.allGenerations().filter((g) => isActive(g.status)).length +
      previews.length +
      CACHE_SLACK;
    // After every change: no list holds an id twice, no generation moves backwards, the size bound.
    /** Calls of the views' listener (`checkLists`), to see that a disposed view is told nothing. */
    let viewCalls = 0;
    const checkLists = () => {
      viewCalls++;
      for (const p of projects) {
        const ids = store.generationList(p).ids;
        if (new Set(ids).size !== ids.length) problems.push(`${p} holds an id twice`);
      }
      for (const g of store.allGenerations()) {
        if (g.status === 'unknown') continue;
        const now = { rank: rank(g.status), progress: g.progress };
        const was = lastSeen.get(g.id);
        if (was && (now.rank < was.rank || (now.rank === 1 && was.rank === 1 && now.progress < was.progress)))
          problems.push(`${g.id} went back to ${g.status} ${g.progress}`);
        lastSeen.set(g.id, now);
      }
      const held = store.allGenerations().length;
      if (held > sizeBound()) problems.push(`${held} held > ${sizeBound()}`);
    };
    views.push(store.onDidChange(checkLists));

    await store.ensureWorkspaces();
    /** Expanded in the tree. */
    const projects: string[] = [];
    /** Also get work, but nobody expanded them: their generations are on no list. */
    const elsewhere: string[] = [];
    for (const w of store.visibleWorkspaces()) {
      await store.ensureProjects(w.id);
      for (const p of store.visibleProjects(w.id)) {
        if (elsewhere.length < 2) {
          elsewhere.push(p.id);
          continue;
        }
        await store.ensureGenerations(p.id);
        projects.push(p.id);
      }
    }
    assert.ok(projects.length >= 4);

    const start = fake.now();
    let started = 0;
    let nextStartAt = start;
    let focused = true;
    const userWork: Array<Promise<void>> = [];
    let ticks = 0;
    poller.start();
    while (fake.now() - start < HOUR) {
      // About 200 generations over the hour, some pending first, some failing.
      while (fake.now() >= nextStartAt && nextStartAt - start < HOUR) {
        const project = random() < 0.4 ? pick(elsewhere) : pick(projects);
        const durationMs = 20_000 + Math.floor(random() * 100_000);
        if (random() < 0.3) {
          fake.addGeneration({ project_id: project, status: 'pending', startInMs: 5_000, durationMs });
        } else {
          fake.startGenerations(project, 1, {
            durationMs,
            finalStatus: random() < 0.25 ? 'failed' : 'completed',
          });
        }
        started++;
        nextStartAt += 9_000 + Math.floor(random() * 18_000);
      }
      for (const route of ROUTES) if (random() < 0.05) fake.inject(route, pick(FAULTS));
      if (random() < (focused ? 0.02 : 0.1)) {
        focused = !focused;
        poller.setFocused(focused);
      }
      // The user, racing the poller: refresh, "Load more", previews and views opening and closing.
      if (random() < 0.03) userWork.push(store.refresh());
      if (random() < 0.03) userWork.push(store.loadMoreGenerations(pick(projects)));
      if (random() < 0.04) {
        const ids = store.generationList(pick(projects)).ids;
        if (ids.length) previews.push(store.retain(pick(ids)));
      }
      if (random() < 0.03 && previews.length)
        previews.splice(Math.floor(random() * previews.length), 1)[0].dispose();
      if (random() < 0.02) views.push(store.onDidChange(checkLists));
      if (random() < 0.02 && views.length > 1) views.splice(1, 1)[0].dispose();
      ticks++;
      await timers.runNext(poller, fake);
      await Promise.all(userWork.splice(0));
      checkLists();
    }
    assert.ok(started >= 150 && started <= 260, `${started} generations started`);
    assert.ok(ticks > 200, `${ticks} ticks`);

    // FLORA recovers; the poller catches up until nothing is left running, then one final tick.
    fake.clearFaults();
    poller.setFocused(true);
    let guard = 0;
    while (store.allGenerations().some((g) => isActive(g.status)) && guard++ < 200) {
      await timers.runNext(poller, fake);
    }
    await timers.runNext(poller, fake);
    assert.deepEqual(problems.slice(0, 5), [], 'no list held an id twice, nothing went back, size bounded');

    // The tree a user sees after a Refresh is FLORA's: each loaded list holds the project's newest
    // generations, in FLORA's order, as many pages as were loaded, none missing or extra.
    await store.refresh();
    for (const p of projects) {
      const list = store.generationList(p);
      if (!list.loaded) continue;
      const server = fake.generations({ project_id: p }).map((g) => g.generation_id);
      // The test data has no technique runs: the project shows its generations list alone.
      const pages = store.historyLists(p).generations.pagesLoaded;
      const expected = server.slice(0, Math.max(1, pages) * PAGE_SIZE);
      assert.deepEqual(list.ids, expected, `${p}: the list after a refresh is FLORA's`);
    }
    for (const p of projects) {
      for (const id of store.generationList(p).ids) {
        const mine = store.generation(id);
        const theirs = fake.run(id);
        assert.ok(mine && theirs, `${id} is known to both`);
        assert.equal(mine.status, theirs.status, `${id} status`);
        assert.equal(mine.progress, theirs.progress, `${id} progress`);
      }
    }

    const listed = projects.reduce((n, p) => n + store.generationList(p).ids.length, 0);
    const active = store.allGenerations().filter((g) => isActive(g.status)).length;
    const bound = listed + active + previews.length + CACHE_SLACK;
    const held = store.allGenerations().length;
    assert.ok(held <= bound, `${held} generations held, bound ${bound}`);
    for (const p of projects) {
      const list = store.generationList(p);
      assert.ok(
        list.ids.length <= Math.max(1, list.pagesLoaded) * PAGE_SIZE + 50,
        `${p}: ${list.ids.length}`,
      );
    }

    assert.equal(timers.pending, 1, "only the poller's next tick is scheduled");
    for (const v of views.splice(0)) v.dispose();
    for (const p of previews.splice(0)) p.dispose();
    poller.dispose();
    assert.equal(timers.pending, 0, 'no timer outlives the poller');
    // Every view is gone again: a change the store announces now reaches none of them.
    viewCalls = 0;
    await store.refreshGenerations(projects[0]);
    assert.equal(viewCalls, 0, 'no disposed view was told of a change');
    store.dispose();
  });
});

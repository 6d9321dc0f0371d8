import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { HistoryMerge, mergeHistory } from '../../src/model/history';
import { EMPTY_LIST, type ListState } from '../../src/model/pagedList';
import { Store } from '../../src/model/store';
import type { FakeFlora } from '../fake-flora';
import { useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });
let fake: FakeFlora;
let client: FloraClient;
beforeEach(() => ({ fake, client } = env));

const TECHNIQUE = { technique_id: 'tech_relight01', name: 'Product Photo Relight' };
const MINUTE = 60_000;

/** A new empty project, so that the test decides every item of it. */
function emptyProject(): string {
  const ws = fake.workspaces()[0].workspace_id;
  return fake.addProject({ workspace_id: ws, name: 'Merge test' }).project_id;
}

/**
 * Adds finished generations and technique runs to `prj`, `minutesAgo` giving each one's age;
 * returns every id, newest first (what the project shows once all is loaded).
 */
function addItems(prj: string, gens: number[], runs: number[]): string[] {
  const now = fake.now();
  const all: Array<{ id: string; at: number }> = [];
  for (const m of gens) {
    const g = fake.addGeneration({ project_id: prj, created_at: now - m * MINUTE, status: 'completed' });
    all.push({ id: g.generation_id, at: now - m * MINUTE });
  }
  for (const m of runs) {
    const r = fake.addTechniqueRun({
      project_id: prj,
      created_at: now - m * MINUTE,
      status: 'completed',
      technique: TECHNIQUE,
    });
    all.push({ id: r.technique_run_id, at: now - m * MINUTE });
  }
  return all.sort((a, b) => b.at - a.at).map((x) => x.id);
}

function list(ids: string[], more: boolean): ListState {
  return { ...EMPTY_LIST, ids, loaded: true, pagesLoaded: 1, nextCursor: more ? 'c' : undefined };
}

describe('mergeHistory (two lists, newest first)', () => {
  const times: Record<string, number> = { g9: 9, g7: 7, g5: 5, g3: 3, t8: 8, t6: 6, t2: 2, t1: 1 };
  const at = (id: string) => times[id];

  it('interleaves by time and shows only what no unloaded page can come above', () => {
    // Generations loaded down to 5 and have more: technique run t2 might have a generation above it.
    const m = mergeHistory([list(['g9', 'g7', 'g5'], true), list(['t8', 't6', 't2'], false)], at);
    assert.deepEqual(m.state.ids, ['g9', 't8', 'g7', 't6', 'g5']);
    assert.ok(m.state.nextCursor, 'there is more');
    assert.deepEqual(m.holdingBack, [0], 'the generations list holds the merge back');
  });

  it('with both lists complete, shows everything, and nothing more', () => {
    const m = mergeHistory([list(['g9', 'g7', 'g5', 'g3'], false), list(['t8', 't6', 't2'], false)], at);
    assert.deepEqual(m.state.ids, ['g9', 't8', 'g7', 't6', 'g5', 'g3', 't2']);
    assert.equal(m.state.nextCursor, undefined);
    assert.deepEqual(m.holdingBack, []);
  });

  it('the list whose oldest loaded item is newest holds the merge back', () => {
    // Both have more: technique runs loaded down to 6, generations down to 3: cut at 6.
    const m = mergeHistory([list(['g9', 'g7', 'g5', 'g3'], true), list(['t8', 't6'], true)], at);
    assert.deepEqual(m.state.ids, ['g9', 't8', 'g7', 't6']);
    assert.deepEqual(m.holdingBack, [1]);
  });

  it('a list not loaded yet holds everything back', () => {
    const m = mergeHistory([list(['g9', 'g7'], false), EMPTY_LIST], at);
    assert.deepEqual(m.state.ids, []);
    assert.equal(m.state.loaded, false);
  });

  it("keeps a list's own order when its times are unknown or out of order, and never hides an item for it", () => {
    const t = (id: string) => ({ ...times, u0: 0, late4: 4 })[id] ?? 0;
    // u0 has no usable time: as new as the top of its list. late4 claims 4 below g7: as old as g7.
    const m = mergeHistory([list(['u0', 'g9', 'late4', 'g7'], true), list(['t8'], false)], t);
    assert.deepEqual(m.state.ids, ['u0', 'g9', 't8', 'late4', 'g7']);
  });

  it('shows an id once', () => {
    const m = mergeHistory([list(['g9', 't8', 'g7'], false), list(['t8', 't6'], false)], at);
    assert.deepEqual(m.state.ids, ['g9', 't8', 'g7', 't6']);
  });
});

describe('HistoryMerge (kept between updates) shows what a fresh merge shows', () => {
  /** Two lists changed in place as PagedList changes them; each update is checked against a fresh merge. */
  function harness(times: Record<string, number>) {
    const at = (id: string) => times[id] ?? 0;
    const arrays: string[][] = [[], []];
    const more = [true, true];
    const merge = new HistoryMerge();
    const states = () => arrays.map((ids, i) => list(ids, more[i]));
    return {
      times,
      arrays,
      more,
      /** Places `id` as the store does: above the first item older than it. */
      insert(i: number, id: string, time: number, cap = Infinity) {
        times[id] = time;
        const ids = arrays[i];
        const k = ids.findIndex((other) => at(other) < time);
        ids.splice(k === -1 ? ids.length : k, 0, id);
        if (ids.length > cap) ids.length = cap;
      },
      /** The incremental merge's ids, after asserting they are a fresh merge's. */
      check(what: string): string[] {
        const incremental = [...merge.update(states(), at).state.ids];
        const fresh = mergeHistory(
          arrays.map((ids, i) => list([...ids], more[i])),
          at,
        ).state.ids;
        assert.deepEqual(incremental, fresh, what);
        return incremental;
      },
    };
  }

  it('a live item with a known time above items of unknown time: the project does not go blank', () => {
    const h = harness({ a: 0, b: 0, c: 500 });
    h.arrays[0].push('a', 'b');
    h.arrays[1].push('c');
    assert.deepEqual(h.check('before the live insert'), ['a', 'b']);
    h.insert(0, 'live', 600);
    assert.deepEqual(h.check('after the live insert'), ['live', 'a', 'b']);
  });

  it('a live insert that trims a full list to its cap drops its oldest time from the frontier', () => {
    const h = harness({ g9: 9, g5: 5, g1: 1, t4: 4, t3: 3, t2: 2 });
    h.arrays[0].push('g9', 'g5', 'g1');
    h.arrays[1].push('t4', 't3', 't2');
    h.more[1] = false;
    assert.deepEqual(h.check('before'), ['g9', 'g5', 't4', 't3', 't2', 'g1']);
    // Same array, same length: g1 is cut, so the generations list now holds the merge back at 5.
    h.insert(0, 'g7', 7, 3);
    assert.deepEqual(h.check('after the trim'), ['g9', 'g7', 'g5']);
  });

  it('a random sequence of pages, live inserts, trims and last pages', () => {
    let seed = 13;
    // mulberry32: a small seeded generator, so that a failure can be replayed.
    const rnd = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let round = 0; round < 200; round++) {
      const h = harness({});
      let next = 0;
      for (let step = 0; step < 30; step++) {
        const i = rnd(2);
        const op = rnd(5);
        // A time of 0 (unknown) one time in four.
        const time = () => (rnd(4) === 0 ? 0 : 1 + rnd(1000));
        if (op === 0 && h.more[i]) {
          // A page appended at the end: older than the list's items, or of unknown time.
          for (let k = 0; k < 1 + rnd(3); k++) {
            const id = `p${next++}`;
            const known = h.arrays[i].map((x) => h.times[x]).filter((t) => t > 0);
            const oldest = known.length ? Math.min(...known) : 1000;
            h.times[id] = rnd(4) === 0 ? 0 : 1 + rnd(Math.max(1, oldest - 1));
            h.arrays[i].push(id);
          }
        } else if (op === 1) h.insert(i, `l${next++}`, time());
        else if (op === 2) h.insert(i, `l${next++}`, time(), Math.max(1, h.arrays[i].length));
        else if (op === 3) h.more[i] = !h.more[i];
        else h.insert(i, `l${next++}`, time());
        h.check(`round ${round} step ${step}`);
      }
    }
  });
});

describe('Store: a project shows its generations and technique runs merged', () => {
  it('first expansion costs one request per list, and shows them newest first', async () => {
    const prj = emptyProject();
    const all = addItems(prj, [1, 4, 6], [2, 3, 5]);
    const store = new Store(client, { pageSize: () => 20 });
    fake.resetCounts();
    await store.ensureGenerations(prj);
    assert.equal(fake.requestCount('GET /generations'), 1);
    assert.equal(fake.requestCount('GET /technique-runs'), 1);
    assert.equal(fake.requestCount(), 2, 'two requests in all');
    assert.deepEqual(store.generationList(prj).ids, all);
    const [newest, second] = store.generations(prj);
    assert.equal(newest.technique, undefined);
    assert.deepEqual(second.technique, { id: TECHNIQUE.technique_id, name: TECHNIQUE.name });
  });

  it('pages interleave: Load more loads the list holding the merge back, and nothing is shown out of order', async () => {
    const prj = emptyProject();
    // Generations are recent and dense; technique runs are spread over a longer time.
    const gens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const runs = [2.5, 11, 12, 13, 14, 15];
    const all = addItems(prj, gens, runs);
    const store = new Store(client, { pageSize: () => 3 });
    await store.ensureGenerations(prj);
    // Generations down to 3 min (more to come), technique runs down to 12 min: cut at 3 min.
    assert.deepEqual(store.generationList(prj).ids, all.slice(0, 4));
    const shown: string[][] = [];
    let guard = 0;
    while (store.generationList(prj).nextCursor && guard++ < 20) {
      fake.resetCounts();
      await store.loadMoreGenerations(prj);
      const ids = [...store.generationList(prj).ids];
      shown.push(ids);
      // Always a prefix of the true order: an item never appears above one shown before it.
      assert.deepEqual(ids, all.slice(0, ids.length), 'what is shown is the newest, in order');
      if (ids.length <= 10 + 1) {
        // Until the generations end (10 min), the technique runs (loaded to 12 min) never hold it back.
        assert.equal(fake.requestCount('GET /technique-runs'), 0, 'the technique list is not asked');
      }
    }
    assert.deepEqual(store.generationList(prj).ids, all, 'everything, once');
    assert.equal(store.generationList(prj).nextCursor, undefined);
    assert.equal(new Set(store.generationList(prj).ids).size, all.length, 'no id twice');
    assert.ok(shown.length >= 4, `${shown.length} loads`);
  });

  it('Load All loads both lists to the end', async () => {
    const prj = emptyProject();
    const all = addItems(prj, [1, 3, 5, 7, 9, 11, 13], [2, 4, 6, 8, 10, 12]);
    const store = new Store(client, { pageSize: () => 2 });
    await store.loadAllGenerations(prj, { maxPages: 50 });
    assert.deepEqual(store.generationList(prj).ids, all);
  });

  it('refresh re-reads both lists (as many pages as each had) and shows a new technique run at the top', async () => {
    const prj = emptyProject();
    addItems(prj, [1, 2, 3, 4, 5, 6], [1.5, 2.5, 3.5, 7, 8]);
    const store = new Store(client, { pageSize: () => 2 });
    await store.ensureWorkspaces();
    await store.ensureGenerations(prj);
    await store.loadMoreGenerations(prj);
    const lists = store.historyLists(prj);
    const pages = lists.generations.pagesLoaded + lists.techniqueRuns.pagesLoaded;
    const run = fake.addTechniqueRun({ project_id: prj, status: 'running', technique: TECHNIQUE });
    fake.resetCounts();
    await store.refresh();
    assert.equal(
      fake.requestCount('GET /generations') + fake.requestCount('GET /technique-runs'),
      pages,
      'each loaded page of each list is re-read once',
    );
    const ids = store.generationList(prj).ids;
    assert.equal(ids[0], run.technique_run_id, 'the new technique run is at the top');
    assert.equal(store.generation(run.technique_run_id)?.status, 'running');
    const times = store.generations(prj).map((g) => g.createdAt);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    );
  });

  it('a status filter applies to the technique runs too', async () => {
    const prj = emptyProject();
    addItems(prj, [1, 2], [3]);
    const failed = fake.addTechniqueRun({
      project_id: prj,
      created_at: fake.now() - 4 * MINUTE,
      status: 'failed',
      technique: TECHNIQUE,
    });
    const store = new Store(client, { pageSize: () => 20 });
    store.setFilter({ status: 'failed' });
    await store.ensureGenerations(prj);
    assert.deepEqual(store.generationList(prj).ids, [failed.technique_run_id]);
  });

  it('a snapshot keeps technique runs, and a restore shows them with their technique', async () => {
    const prj = emptyProject();
    const all = addItems(prj, [1, 3], [2, 4]);
    const first = new Store(client, { pageSize: () => 20 });
    await first.ensureWorkspaces();
    await first.ensureGenerations(prj);
    const snap = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<Store['snapshot']>;
    const second = new Store(client, { pageSize: () => 20 });
    fake.resetCounts();
    assert.equal(second.restore(snap), true);
    assert.equal(fake.requestCount(), 0);
    assert.deepEqual(second.generationList(prj).ids, all);
    assert.deepEqual(second.generation(all[1])?.technique, {
      id: TECHNIQUE.technique_id,
      name: TECHNIQUE.name,
    });
  });

  for (const status of [403, 404]) {
    it(`technique runs answering ${status}: the project shows its generations as usual, no error over them`, async () => {
      const prj = emptyProject();
      const all = addItems(prj, [5, 3], []);
      fake.inject('GET /technique-runs', { kind: 'status', status, code: 'x' }, { times: Infinity });
      const store = new Store(client, { pageSize: () => 20 });
      await store.ensureGenerations(prj);
      assert.ok(store.historyLists(prj).techniqueRuns.error, 'the technique list did fail');
      const shown = store.generationList(prj);
      assert.deepEqual(shown.ids, all);
      assert.equal(shown.loaded, true);
      assert.equal(shown.error, undefined, 'no "Showing earlier data" over fresh generations');
      assert.equal(shown.nextCursor, undefined, 'nothing more to load');
    });
  }
});

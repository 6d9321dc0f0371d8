import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../../src/model/store';
import { MemoryLogger, useFakeFlora } from './helpers';

const env = useFakeFlora();

/**
 * How many values `work` puts into Sets, anywhere in this process (the store, the env.client, the fake
 * server): a Set rebuilt from a whole list shows as that list's length. Counted through
 * `Set.prototype.add`, which `new Set(iterable)` calls for each value once it is replaced.
 */
async function setInsertions(work: () => Promise<void>): Promise<number> {
  const proto = Set.prototype as { add(value: unknown): Set<unknown> };
  const original = Object.getOwnPropertyDescriptor(proto, 'add')!;
  const add = original.value as (this: Set<unknown>, value: unknown) => Set<unknown>;
  let n = 0;
  proto.add = function (this: Set<unknown>, value: unknown) {
    n++;
    return add.call(this, value);
  };
  try {
    await work();
  } finally {
    Object.defineProperty(proto, 'add', original);
  }
  return n;
}

describe('Store work per "Load more"', () => {
  it('a page costs what it adds, not what the list already holds', async () => {
    env.fake.reset();
    const prj = env.fake.projects()[0].project_id;
    for (let i = 0; i < 600; i++)
      env.fake.addGeneration({ project_id: prj, created_at: env.fake.now() - 60_000 * (i + 1) });
    const store = new Store(env.client, { pageSize: () => 20, logger: new MemoryLogger() });
    // The tree's project row, reading the list on every change.
    store.onDidChange(() => void store.generationList(prj).ids.length);
    await store.ensureGenerations(prj);
    await store.loadMoreGenerations(prj);
    const perPage: number[] = [];
    while (store.generationList(prj).nextCursor) {
      perPage.push(await setInsertions(() => store.loadMoreGenerations(prj)));
    }
    const list = store.generationList(prj);
    assert.ok(list.ids.length >= 600, `${list.ids.length} loaded`);
    assert.ok(perPage.length >= 25, `${perPage.length} pages`);
    // Page 3 holds 40 ids before it, page 29 holds 560: the same work (before, each page rebuilt
    // Sets of the whole list, so the count grew by about 3 × 20 a page: 127 … 1,861).
    const [first, late] = [perPage[0], perPage[perPage.length - 2]];
    assert.ok(late <= first + 10, `Set insertions per page: ${perPage.join(' ')}`);
  });
});

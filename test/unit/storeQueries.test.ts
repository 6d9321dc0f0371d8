// What src/ui asks the store for besides the lists (src/ui never calls the client): the project
// picker's search, Show Run Details, and putting a generation the poller saw into its list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../../src/model/store';
import { useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });

describe('Store queries of the UI', () => {
  it('searches a workspace’s projects by name (the project picker)', async () => {
    const store = new Store(env.client, { pageSize: () => 20 });
    const ws = env.fake.workspaces()[0].workspace_id;
    const all = env.fake.projects(ws);
    assert.ok(all.length > 1, 'the dataset has several projects to choose from');
    const target = all[all.length - 1];
    // What the user types: the end of its name ("Project C1" → "c1"), which no other name has.
    const typed = target.name.slice(-2).toLowerCase();
    const found = await store.searchProjects(ws, typed, 50);
    assert.deepEqual(
      found.map((p) => p.id),
      all.filter((p) => p.name.toLowerCase().includes(typed)).map((p) => p.project_id),
    );
    assert.ok(found.length < all.length, `only matching names: ${found.map((p) => p.name).join(', ')}`);
    assert.equal((await store.searchProjects(ws, undefined, 50)).length, all.length, 'no query: all');
  });

  it('returns a run as FLORA sent it (Show Run Details)', async () => {
    const store = new Store(env.client, { pageSize: () => 20 });
    const g = env.fake.generations()[0];
    const body = (await store.runDetails({ runId: g.run_id })) as Record<string, unknown>;
    assert.deepEqual(body, JSON.parse(JSON.stringify(env.fake.run(g.run_id))));
  });

  it('puts a generation the poller saw into its project’s list when no loaded page holds it', async () => {
    const store = new Store(env.client, { pageSize: () => 1 });
    const counts = new Map<string, number>();
    for (const g of env.fake.generations()) counts.set(g.project_id, (counts.get(g.project_id) ?? 0) + 1);
    const [projectId, count] = [...counts].find(([, n]) => n > 1)!;
    // The poller's copy of an older generation (not on the first page of one item).
    const page = await env.client.listGenerations({ projectId, limit: 100 });
    const older = page.items[page.items.length - 1];
    assert.equal(page.items.length, count);
    store.applyGenerations([older]);

    assert.equal(await store.ensureGenerationListed(older.id), true);
    assert.ok(store.generationList(projectId).ids.includes(older.id), 'the tree has a row to reveal');
    assert.equal(await store.ensureGenerationListed('gen_unknown'), false, 'an unknown id is not listed');
  });

  it('reveals a generation held back by the technique runs’ pages: loads on until the tree has its row', async () => {
    const store = new Store(env.client, { pageSize: () => 2 });
    const ws = env.fake.workspaces()[0].workspace_id;
    const projectId = env.fake.addProject({ workspace_id: ws, name: 'Reveal test' }).project_id;
    // Times in minutes after `base` (in the past).
    const base = env.fake.now() - 2000 * 60_000;
    // A running generation older than every technique run: page 1 of the runs (1000, 900) has more.
    const gen = env.fake.addGeneration({
      project_id: projectId,
      created_at: base + 100 * 60_000,
      status: 'running',
    });
    for (const age of [1000, 900, 800].map((t) => base + t * 60_000))
      env.fake.addTechniqueRun({
        project_id: projectId,
        created_at: age,
        status: 'completed',
        technique: { technique_id: 'tech_relight01', name: 'Product Photo Relight' },
      });
    const [polled] = (await env.client.listGenerations({ projectId, limit: 10 })).items;
    assert.equal(polled.id, gen.generation_id);
    store.applyGenerations([polled]);

    assert.equal(await store.ensureGenerationListed(gen.generation_id), true);
    const ids = store.generationList(projectId).ids;
    assert.ok(ids.includes(gen.generation_id), `the tree has a row to reveal: ${ids.join(', ')}`);
    assert.equal(ids[ids.length - 1], gen.generation_id, 'below the technique runs, the oldest');
  });
});

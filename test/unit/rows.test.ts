import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generationRowInputs, ShownRows } from '../../src/model/rows';
import { Store } from '../../src/model/store';
import { MemoryLogger, useFakeFlora } from './helpers';

const env = useFakeFlora();

// The tree rebuilds a generation row only when ShownRows says its inputs changed: an input missing
// from generationRowInputs would leave that row showing old text. The signature passed is a
// constant, so that only the inputs decide here (a row that gets built reads as changed).
describe('Generation rows (what the tree compares instead of rebuilding each row)', () => {
  it('reads a row as changed exactly when something it shows may have changed', async () => {
    env.fake.reset();
    const ws = env.fake.workspaces()[0].workspace_id;
    const prj = env.fake.projects(ws)[0].project_id;
    const [job] = env.fake.startGenerations(prj, 1, { durationMs: 100_000 });
    const store = new Store(env.client, { pageSize: () => 20, logger: new MemoryLogger() });
    await store.ensureGenerations(prj);
    const shown = new ShownRows();
    const id = `gen:${job.generation_id}`;
    const memo = {
      remember: (_: string, inputs: readonly unknown[]) => shown.remember(id, 'as built', inputs),
      changed: (_: string, inputs: readonly unknown[]) => shown.changed(id, inputs, () => 'built again'),
      clear: () => shown.clear(),
    };
    const now = Date.now();
    const row = () => {
      const g = store.generation(job.generation_id);
      assert.ok(g, 'the started generation is listed');
      return generationRowInputs(store, g, now);
    };
    memo.remember(job.generation_id, row());
    assert.equal(memo.changed(job.generation_id, row()), false, 'nothing changed: the row is not rebuilt');

    // The relative time it shows: a second later it reads the same, a minute later it does not.
    const g = store.generation(job.generation_id)!;
    const at = (t: number) => generationRowInputs(store, g, t);
    const created = g.createdAt;
    memo.remember(job.generation_id, at(created + 5 * 60_000));
    assert.equal(memo.changed(job.generation_id, at(created + 5 * 60_000 + 1_000)), false);
    assert.equal(memo.changed(job.generation_id, at(created + 6 * 60_000)), true, '"5m ago" → "6m ago"');

    // The model's display name arrives (the row's label).
    memo.remember(job.generation_id, row());
    await store.loadWorkspaces();
    await waitFor(() => store.modelName(g.modelId) !== g.modelId, 'model names load');
    assert.equal(memo.changed(job.generation_id, row()), true, 'the label changes with the model name');

    // The project's name arrives (the row's tooltip).
    memo.remember(job.generation_id, row());
    await store.ensureProjects(ws);
    assert.ok(store.project(prj), 'the project is loaded');
    assert.equal(memo.changed(job.generation_id, row()), true, 'the tooltip names the project');

    // The generation itself: a progress tick replaces the object.
    memo.remember(job.generation_id, row());
    env.fake.advance(50_000);
    await store.refreshGenerations(prj);
    assert.equal(memo.changed(job.generation_id, row()), true, 'a new answer about the run');

    // Forgotten (the tree re-read everything): rebuilt.
    memo.remember(job.generation_id, row());
    memo.clear();
    assert.equal(memo.changed(job.generation_id, row()), true);
  });
});

async function waitFor(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(ok(), what);
}

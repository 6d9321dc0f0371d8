import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { TECHNIQUE_CHECK_EVERY } from '../../src/model/poller';
import type { FakeFlora } from '../fake-flora';
import { pollerOn, useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });
let fake: FakeFlora;
let client: FloraClient;
beforeEach(() => ({ fake, client } = env));

const TECHNIQUE = { technique_id: 'tech_animatic01', name: 'Storyboard to Animatic' };

function startTechniqueRuns(prj: string, count: number, durationMs: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = fake.addTechniqueRun({ project_id: prj, status: 'running', durationMs, technique: TECHNIQUE });
    ids.push(r.technique_run_id);
  }
  return ids;
}

function listRequests(): number {
  return fake.requestCount('GET /generations') + fake.requestCount('GET /technique-runs');
}

function detailRequests(): number {
  return fake.requestCount('GET /runs/:id') + fake.requestCount('GET /techniques/:id/runs/:runId');
}

describe('Poller with technique runs', () => {
  for (const count of [5, 50]) {
    it(`follows ${count} running technique runs (and a generation) at 4 list requests a tick, none per job`, async () => {
      const prj = fake.projects()[0].project_id;
      fake.startGenerations(prj, 1, { durationMs: 10 * 60_000 });
      startTechniqueRuns(prj, count, 10 * 60_000);
      const { timers, poller } = pollerOn(client);
      poller.start();
      await timers.runNext(poller, fake); // the idle check finds the work
      await timers.runNext(poller, fake); // first active tick
      assert.equal(poller.running.running.length, count + 1, 'the status bar counts the technique runs');
      for (let i = 0; i < 8; i++) {
        fake.resetCounts();
        await timers.runNext(poller, fake);
        assert.equal(fake.requestCount('GET /generations'), 2, 'running + pending generations');
        assert.equal(fake.requestCount('GET /technique-runs'), 2, 'running + pending technique runs');
        assert.equal(detailRequests(), 0, 'no request per job');
      }
      poller.dispose();
    });
  }

  it('with no technique run active, reads the technique lists every few ticks only', async () => {
    const prj = fake.projects()[0].project_id;
    fake.startGenerations(prj, 3, { durationMs: 10 * 60_000 });
    const { timers, poller } = pollerOn(client);
    poller.start();
    await timers.runNext(poller, fake);
    const perTick: number[] = [];
    const techniquePerTick: number[] = [];
    for (let i = 0; i < 3 * TECHNIQUE_CHECK_EVERY; i++) {
      fake.resetCounts();
      await timers.runNext(poller, fake);
      perTick.push(listRequests());
      techniquePerTick.push(fake.requestCount('GET /technique-runs'));
    }
    assert.ok(
      perTick.every((n) => n === 2 || n === 4),
      `list requests a tick: ${perTick.join(' ')}`,
    );
    assert.equal(
      techniquePerTick.reduce((a, b) => a + b, 0),
      3 * 2,
      `technique list requests a tick: ${techniquePerTick.join(' ')}`,
    );
    poller.dispose();
  });

  it('a technique run started elsewhere while generations run is followed within TECHNIQUE_CHECK_EVERY ticks', async () => {
    const prj = fake.projects()[0].project_id;
    fake.startGenerations(prj, 2, { durationMs: 10 * 60_000 });
    const { timers, poller } = pollerOn(client);
    poller.start();
    await timers.runNext(poller, fake);
    await timers.runNext(poller, fake);
    const [run] = startTechniqueRuns(prj, 1, 10 * 60_000);
    let ticks = 0;
    while (!poller.running.running.some((g) => g.id === run) && ticks < 2 * TECHNIQUE_CHECK_EVERY) {
      await timers.runNext(poller, fake);
      ticks++;
    }
    assert.ok(ticks <= TECHNIQUE_CHECK_EVERY, `seen after ${ticks} ticks`);
    poller.dispose();
  });

  it('the idle check finds a technique run started elsewhere', async () => {
    const prj = fake.projects()[0].project_id;
    const { timers, poller } = pollerOn(client);
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'idle');
    const [run] = startTechniqueRuns(prj, 1, 10 * 60_000);
    await timers.runNext(poller, fake);
    assert.deepEqual(
      poller.running.running.map((g) => g.id),
      [run],
    );
    poller.dispose();
  });

  it('a technique run completing is shown live: its row turns completed, with outputs, and it is announced', async () => {
    const prj = fake.projects()[0].project_id;
    const [run] = startTechniqueRuns(prj, 1, 20_000);
    const { timers, poller, store, finished } = pollerOn(client);
    await store.ensureGenerations(prj);
    assert.equal(store.generation(run)?.status, 'running', 'the tree shows it running');
    assert.equal(store.generationList(prj).ids[0], run, 'at the top of its project');
    poller.start();
    fake.resetCounts();
    let guard = 0;
    while (store.generation(run)?.status !== 'completed' && guard++ < 30) await timers.runNext(poller, fake);
    const g = store.generation(run);
    assert.equal(g?.status, 'completed');
    assert.ok(g && g.outputs.length > 0, 'its outputs are shown');
    assert.equal(g?.technique?.name, TECHNIQUE.name, 'still named by its technique');
    assert.deepEqual(
      finished.flat().map((f) => f.id),
      [run],
      'announced once',
    );
    assert.equal(fake.requestCount('GET /runs/:id'), 0, 'never asked of /runs/{id}');
    assert.equal(
      fake.requestCount('GET /techniques/:id/runs/:runId'),
      1,
      'one detail, from its technique route',
    );
    assert.equal(poller.running.running.length, 0, 'the status bar no longer counts it');
    poller.dispose();
  });

  for (const [status, code] of [
    [403, 'forbidden'],
    [404, 'not_found'],
  ] as const) {
    it(`technique lists answering ${status} (a plan without techniques): generations are still followed each tick`, async () => {
      const prj = fake.projects()[0].project_id;
      // Three minutes at 3 s a tick: the technique lists are asked for again (and fail) on the way.
      const gens = fake.startGenerations(prj, 2, { durationMs: 3 * 60_000 });
      fake.inject('GET /technique-runs', { kind: 'status', status, code }, { times: Infinity });
      const { timers, poller, store, finished } = pollerOn(client);
      poller.start();
      fake.resetCounts();
      let ticks = 0;
      while (finished.flat().length < gens.length && ticks < 100) {
        const before = fake.requestCount('GET /generations');
        await timers.runNext(poller, fake);
        ticks++;
        assert.ok(
          poller.state.state === 'active' || poller.state.state === 'idle',
          `tick ${ticks}: polling goes on (${poller.state.state})`,
        );
        assert.ok(fake.requestCount('GET /generations') > before, `tick ${ticks}: generations are asked for`);
      }
      const asked = fake.requestCount('GET /technique-runs');
      assert.ok(asked > 1, `the technique lists are tried again later (${asked} requests, ${ticks} ticks)`);
      assert.ok(asked < ticks, `but not every tick (${asked} requests in ${ticks} ticks)`);
      assert.deepEqual(
        finished
          .flat()
          .map((g) => g.id)
          .sort(),
        gens.map((g) => g.generation_id).sort(),
        'both generations were seen to finish',
      );
      for (const g of gens) assert.equal(store.generation(g.generation_id)?.status, 'completed');
      poller.dispose();
    });
  }
});
